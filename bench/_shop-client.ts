/**
 * The shopping load generator of bench/ota, run as its own process (like wrk) so that building requests
 * and reading answers does not share the gateway's event loop. Reads its job as JSON on argv[2] (the request bodies from the JSON file it names: too many for argv); prints
 * `{ count, found, seconds, latencies }` as one JSON line.
 */
import fs from 'node:fs';
import http from 'node:http';

interface Job { port: number; seconds: number; connections: number; bodiesFile: string; path: string; expect: string }

/** Answers that held `expect` (offers); the others were valid "nothing available" answers. */
let found = 0;

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as Job;
  const bodies = JSON.parse(fs.readFileSync(job.bodiesFile, 'utf8')) as string[];
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const post = (body: string) => new Promise<void>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: job.port, path: job.path, method: 'POST', agent, headers: { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        if (res.statusCode !== 200 || !text.includes('<Success/>')) return reject(new Error(`shop failed: ${res.statusCode} ${text.slice(0, 300)}`));
        if (text.includes(job.expect)) found++;
        resolve();
      });
    });
    req.on('error', reject);
    req.end(body);
  });
  await post(bodies[0]);
  const lat: number[] = [];
  found = 0;
  let i = 0;
  const t0 = process.hrtime.bigint();
  const end = Date.now() + job.seconds * 1000;
  await Promise.all(Array.from({ length: job.connections }, async () => {
    while (Date.now() < end) {
      const s = process.hrtime.bigint();
      await post(bodies[i++ % bodies.length]);
      lat.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  process.stdout.write(JSON.stringify({ count: lat.length, found, seconds, latencies: lat }) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
