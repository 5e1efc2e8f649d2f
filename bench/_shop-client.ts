/**
 * The shopping load generator of bench/ota, run as its own process (like wrk) so that building requests
 * and reading answers does not share the gateway's event loop. Reads its job as JSON on argv[2]; prints
 * `{ count, seconds, latencies }` as one JSON line.
 */
import http from 'node:http';

interface Job { port: number; seconds: number; connections: number; bodies: string[]; path: string; expect: string }

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as Job;
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const post = (body: string) => new Promise<void>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: job.port, path: job.path, method: 'POST', agent, headers: { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => (res.statusCode === 200 && text.includes(job.expect) ? resolve() : reject(new Error(`shop failed: ${res.statusCode} ${text.slice(0, 300)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  await post(job.bodies[0]);
  const lat: number[] = [];
  let i = 0;
  const t0 = process.hrtime.bigint();
  const end = Date.now() + job.seconds * 1000;
  await Promise.all(Array.from({ length: job.connections }, async () => {
    while (Date.now() < end) {
      const s = process.hrtime.bigint();
      await post(job.bodies[i++ % job.bodies.length]);
      lat.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  process.stdout.write(JSON.stringify({ count: lat.length, seconds, latencies: lat }) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
