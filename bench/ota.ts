/**
 * OTA throughput: AvailNotif messages (≈1 KB and ≈100 KB) applied end to end (parse, authenticate, map,
 * core transaction per record, RS, archive) next to raw fast-xml-parser parsing of the same bytes in the
 * same process; then OTA_HotelAvailRQ shopping over real HTTP with 32 connections: popular queries (served
 * from the shopping cache) and a long tail of distinct ones (served from the database).
 * Uses the real PostgreSQL when DATABASE_URL is set, PGlite otherwise (printed).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { backends } from '../test/support/db';
import { openWorld } from '../test/support/world';
import { createHttpServer, listen } from '../adapters/http/server';
import { silentLogger } from '../adapters/log/logger';
import { otaRoutes } from '../adapters/ota/routes';
import { loadRegistry } from '../adapters/ota/partners';
import { processOta } from '../adapters/ota/service';
import { addDays } from '../adapters/ota/dates';
import { flushArchive } from '../adapters/ota/archive';

const NS = 'http://www.opentravel.org/OTA/2003/05';

function availNotif(records: number, from: string, secret: string, seq: number): string {
  const recs: string[] = [];
  for (let i = 0; i < records; i++) {
    const d = addDays(from, (seq + i) % 60);
    recs.push(`<AvailStatusMessage BookingLimit="${(seq + i) % 30}" BookingLimitMessageType="SetLimit"><StatusApplicationControl Start="${d}" End="${d}" InvTypeCode="${i % 2 ? 'QUAD' : 'DBLH'}"/><UniqueID Type="16" ID="${i + 1}"/></AvailStatusMessage>`);
  }
  return `<OTA_HotelAvailNotifRQ xmlns="${NS}" Version="1.0" EchoToken="b${seq}"><POS><Source><RequestorID ID="SAFWA-PMS" Type="22" MessagePassword="${secret}"/></Source></POS><AvailStatusMessages HotelCode="SAFWA01">${recs.join('')}</AvailStatusMessages></OTA_HotelAvailNotifRQ>`;
}

async function timed(seconds: number, fn: () => Promise<void>): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let n = 0;
  const t0 = process.hrtime.bigint();
  while (Date.now() < end) {
    await fn();
    n++;
  }
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? '5');
  const backend = backends().find((b) => b.name === 'postgres') ?? backends()[0];
  console.log(`ota bench on ${backend.name}${backend.name === 'pglite' ? ' (DATABASE_URL not set)' : ''}, ${seconds}s per figure`);
  const w = await openWorld(backend, { days: 70 });
  const registry = loadRegistry();
  const log = silentLogger();
  const deps = { gateway: w.gateway, db: w.db, log, registry };
  const secret = w.secret('QCA-SAFWA');
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, processEntities: false });
  const figures: Record<string, { ours: number; parse: number; bytes: number }> = {};
  for (const [label, records] of [['1KB', 4], ['100KB', 500]] as const) {
    const sample = availNotif(records, w.from, secret, 0);
    let seq = 0;
    const ours = await timed(seconds, async () => {
      const r = await processOta({ body: availNotif(records, w.from, secret, ++seq), transport: 'http', expected: 'OTA_HotelAvailNotifRQ' }, deps);
      if (!r.ok || r.xml.includes('<Warning')) throw new Error(r.xml.slice(0, 500));
    });
    const parse = await timed(Math.min(seconds, 2), async () => { parser.parse(sample); });
    figures[label] = { ours, parse, bytes: Buffer.byteLength(sample) };
    console.log(`AvailNotif ${label} (${Buffer.byteLength(sample)} bytes, ${records} records): ours ${ours.toFixed(1)} msgs/s, parse-only ${parse.toFixed(0)} msgs/s`);
  }

  const server = createHttpServer({ deps: { gateway: w.gateway, db: w.db, log }, routes: otaRoutes(() => registry), maxBodyBytes: 10 * 1024 * 1024 });
  const port = await listen(server, 0, '127.0.0.1');
  const { secret: sky } = await w.gateway.createPartner({ actor: w.actor('MAQAM-OPS') }, { id: 'CH-SKY', name: 'Sky channel', kind: 'channel' });
  const shop = (start: number, nights: number, adults: number, hotels: string[]) => `<OTA_HotelAvailRQ xmlns="${NS}" Version="1.0"><POS><Source><RequestorID ID="SKYCHANNEL" MessagePassword="${sky}"/></Source></POS><AvailRequestSegments><AvailRequestSegment>`
    + `<StayDateRange Start="${addDays(w.from, start)}" End="${addDays(w.from, start + nights)}"/><RoomStayCandidates><RoomStayCandidate Quantity="1"><GuestCounts><GuestCount AgeQualifyingCode="10" Count="${adults}"/></GuestCounts></RoomStayCandidate></RoomStayCandidates>`
    + `<HotelSearchCriteria><Criterion>${hotels.map((h) => `<HotelRef HotelCode="${h}"/>`).join('')}</Criterion></HotelSearchCriteria></AvailRequestSegment></AvailRequestSegments></OTA_HotelAvailRQ>`;
  const both = ['SKY-MAK-101', 'SKY-MAK-202'];
  // Hot: 40 popular queries (20 stays × 2 occupancies), answered from the shopping cache after their first
  // search, as a GDS answers most look-to-book traffic. Long tail: 5,040 distinct queries (60 arrival days ×
  // 7 lengths × 4 occupancies × 3 hotel sets), each seen again only after the cache's 2 s TTL at these
  // rates, so nearly every search reads PostgreSQL.
  const hot = Array.from({ length: 40 }, (_, i) => shop(1 + (i % 20), 3, 2 + Math.floor(i / 20), both));
  const tail: string[] = [];
  for (let d = 1; d <= 60; d++) for (let n = 1; n <= 7; n++) for (let a = 1; a <= 4; a++) for (const h of [both, [both[0]], [both[1]]]) tail.push(shop(d, n, a, h));
  for (let i = tail.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1); // a fixed shuffle: neighbours in the list are unrelated queries
    [tail[i], tail[j]] = [tail[j], tail[i]];
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'maqam-shop-'));
  const load = async (bodies: string[]) => {
    const bodiesFile = path.join(tmp, 'bodies.json');
    fs.writeFileSync(bodiesFile, JSON.stringify(bodies));
    // The load generator is a separate process (like wrk): its own request building and parsing would
    // otherwise share, and halve, the event loop being measured.
    const job = { port, seconds, connections: 32, path: '/ota/OTA_HotelAvailRQ', expect: '<RoomStays>', bodiesFile };
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(__dirname, '_shop-client.js'), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c));
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`the load generator exited with ${code}`))));
    });
    const result = JSON.parse(out) as { count: number; found: number; seconds: number; latencies: number[] };
    const lat = result.latencies.sort((a, b) => a - b);
    return { rps: result.count / result.seconds, p50: pct(lat, 50), p99: pct(lat, 99), offers: result.found / result.count };
  };
  const hotR = await load(hot);
  const tailR = await load(tail);
  fs.rmSync(tmp, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await flushArchive(w.db);
  await w.close();
  const ours = figures['1KB'].ours;
  const parse = figures['1KB'].parse;
  console.log(`100KB: ours ${figures['100KB'].ours.toFixed(2)} msgs/s (${(figures['100KB'].ours * 500).toFixed(0)} records/s), parse-only ${figures['100KB'].parse.toFixed(0)} msgs/s`);
  console.log(`shopping, 40 popular queries (cached): ${hotR.rps.toFixed(0)} req/s over 32 connections, p50 ${hotR.p50.toFixed(1)} ms, p99 ${hotR.p99.toFixed(1)} ms (backend ${backend.name})`);
  console.log(`shopping, 5,040 distinct queries (long tail, nearly all read the database): ${tailR.rps.toFixed(0)} req/s, p50 ${tailR.p50.toFixed(1)} ms, p99 ${tailR.p99.toFixed(1)} ms, ${(tailR.offers * 100).toFixed(0)}% with offers`);
  console.log(`ota ratio=${(ours / parse).toFixed(4)} ours=${ours.toFixed(1)} parse=${parse.toFixed(0)} shop=${hotR.rps.toFixed(0)} p50=${hotR.p50.toFixed(1)} p99=${hotR.p99.toFixed(1)} shop-tail=${tailR.rps.toFixed(0)}`);
}
