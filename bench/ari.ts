/**
 * ARI distribution end to end: from the commit of an inventory change (with its outbox row) to a channel
 * simulator's receipt, through the relay, the bus and a channel worker. Measures the saturated rate
 * (changes/s) and the latency at a fixed 2,000 changes/s, next to raw amqplib confirmed publishing to a
 * quorum queue in the same run. Uses DATABASE_URL (else PGlite) and AMQP_URL (else the in-process bus).
 *
 *   npm run bench -- ari [--changes 20000] [--seconds 10] [--rate 2000]
 * Last line: `ari ratio=<ours/raw> ours=<changes/s> raw=<msgs/s> p99=<ms>`.
 */
import crypto from 'node:crypto';
import amqp from 'amqplib';
import { openPglite, openPostgres, type Db } from '../adapters/postgres/db';
import { migrate } from '../adapters/postgres/migrate';
import { startDistribution } from '../adapters/channels/distribution';
import { silentLogger } from '../adapters/log/logger';
import { startSim } from '../test/support/channel-sim';
import { AVAILABILITY_STATE, channel, dropTopology, mappingFor, seedCatalogue, tempDir, writeMapping, type Catalogue } from '../test/support/ari-world';

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

async function openDb(): Promise<{ db: Db; drop(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const db = await openPglite();
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const schema = `bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = openPostgres({ url, poolSize: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = openPostgres({ url, schema, poolSize: 10 });
  await migrate(db);
  return { db, async drop() { await db.close(); await admin.query(`DROP SCHEMA ${schema} CASCADE`); await admin.close(); } };
}

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);

/** Raw amqplib: confirmed persistent publishes to a quorum queue, 500 in flight per confirm wait. */
async function rawPublish(url: string, n: number, size: number): Promise<number> {
  const conn = await amqp.connect(url);
  const ch = await conn.createConfirmChannel();
  const q = `bench.raw.${crypto.randomBytes(4).toString('hex')}`;
  await ch.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  const body = Buffer.alloc(size, 'x');
  const t0 = performance.now();
  for (let i = 0; i < n; i += 500) {
    for (let j = i; j < Math.min(n, i + 500); j++) ch.sendToQueue(q, body, { persistent: true, messageId: String(j) });
    await ch.waitForConfirms();
  }
  const rate = n / ((performance.now() - t0) / 1000);
  await ch.deleteQueue(q);
  await conn.close();
  return rate;
}

export async function run(args: string[]): Promise<void> {
  const total = arg(args, 'changes', 20_000);
  const seconds = arg(args, 'seconds', 10);
  const rate = arg(args, 'rate', 2000);
  const amqpUrl = process.env.AMQP_URL;
  const { db, drop } = await openDb();
  const sim = await startSim();
  const ns = `bench${crypto.randomBytes(4).toString('hex')}`;
  console.log(`ari bench: db=${db.kind} bus=${amqpUrl ? 'rabbitmq' : 'in-process'}`);
  const cat: Catalogue = await seedCatalogue(db, { providers: 4, productsPerProvider: 5, days: 100 });
  const cfg = channel('bench', sim, { providers: cat.providers }, { batchSize: 500, prefetch: 300, lingerMs: 2 });
  const dir = tempDir('ari-bench');
  const mapping = mappingFor('bench', cat);
  writeMapping(dir, 'bench', mapping);
  const roomOf = new Map(cat.products.map((p) => [p.id, `availability|H-${p.providerId}|R-${p.code}|`]));
  const keys: [string, string][] = [];
  for (const p of cat.products) for (let d = 0; d < cat.days; d++) keys.push([p.id, new Date(Date.parse(`${cat.from}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10)]);

  // Commit time of every change, by its simulator key; a receipt of seq s settles every change up to s.
  const pending = new Map<string, { seq: number; at: number }[]>();
  const latencies: number[] = [];
  let received = 0;
  let lastReceipt = 0;
  sim.onApply = (key, seq) => {
    const list = pending.get(key);
    if (!list || seq === null) return;
    const now = performance.now();
    while (list.length && list[0].seq <= seq) {
      latencies.push(now - list.shift()!.at);
      received++;
      lastReceipt = now;
    }
  };
  const dist = await startDistribution({ db, log: silentLogger(), amqpUrl, channels: [cfg], mappingsDir: dir, namespace: ns, connectionName: `${ns}-bench` });
  try {
    const seeded = cat.products.length * cat.days * 2;
    const t = Date.now();
    while (sim.records < seeded && Date.now() - t < 120_000) await new Promise((r) => setTimeout(r, 50));
    console.log(`warm-up: ${sim.records} seeded keys delivered`);

    let cursor = 0;
    const write = async (n: number) => {
      const batch = Array.from({ length: n }, () => keys[cursor++ % keys.length]);
      const res = await db.query<{ product_id: string; day: string; version: number }>(`WITH d AS (
          SELECT * FROM unnest($1::text[], $2::date[]) AS d(product_id, day)
        ), u AS (
          UPDATE inventory i SET allotment = i.allotment % 30 + 1, version = i.version + 1 FROM d
           WHERE i.product_id = d.product_id AND i.day = d.day RETURNING i.*
        ), o AS (
          INSERT INTO ari_outbox (kind, provider_id, product_id, day, seq, state)
          SELECT 'availability', p.provider_id, u.product_id, u.day, u.version, ${AVAILABILITY_STATE} FROM u JOIN products p ON p.id = u.product_id
        ) SELECT product_id, to_char(day, 'YYYY-MM-DD') AS day, version FROM u`, [batch.map((b) => b[0]), batch.map((b) => b[1])]);
      const at = performance.now();
      for (const r of res.rows) {
        const key = `${roomOf.get(r.product_id)}|${r.day}`;
        const list = pending.get(key) ?? [];
        list.push({ seq: Number(r.version), at });
        pending.set(key, list);
      }
      dist.relay.wake();
    };
    const drain = async (want: number, ms: number) => {
      const end = Date.now() + ms;
      while (received < want && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    };

    // Saturated: as fast as the database takes transactions of 100 changes.
    received = 0;
    latencies.length = 0;
    const t0 = performance.now();
    for (let i = 0; i < total; i += 100) await write(Math.min(100, total - i));
    await drain(total, 120_000);
    const ours = received / ((lastReceipt - t0) / 1000);
    console.log(`saturated: ${received}/${total} changes in ${((lastReceipt - t0) / 1000).toFixed(2)} s = ${ours.toFixed(0)} changes/s`);

    // Fixed rate: 20 changes every 10 ms.
    received = 0;
    latencies.length = 0;
    const per = Math.max(1, Math.round(rate / 100));
    const ticks = seconds * 100;
    const start = performance.now();
    for (let k = 0; k < ticks; k++) {
      const due = start + k * 10;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await write(per);
    }
    await drain(ticks * per, 60_000);
    latencies.sort((a, b) => a - b);
    const p50 = pct(latencies, 50);
    const p99 = pct(latencies, 99);
    console.log(`fixed ${rate}/s for ${seconds} s: ${received}/${ticks * per} received, p50=${p50.toFixed(1)} ms p99=${p99.toFixed(1)} ms max=${latencies[latencies.length - 1]?.toFixed(1)} ms`);

    const raw = amqpUrl ? await rawPublish(amqpUrl, total, 300) : NaN;
    console.log(`raw amqplib confirmed publishing: ${Number.isNaN(raw) ? 'n/a (no AMQP_URL)' : `${raw.toFixed(0)} msgs/s`}`);
    console.log(`ari ratio=${Number.isNaN(raw) ? 'n/a' : (ours / raw).toFixed(3)} ours=${ours.toFixed(0)} raw=${Number.isNaN(raw) ? 'n/a' : raw.toFixed(0)} p99=${p99.toFixed(1)}`);
  } finally {
    await dist.stop();
    await dropTopology(ns, [cfg]);
    await sim.close();
    await drop();
  }
}
