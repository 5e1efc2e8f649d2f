/**
 * Confirmed bookings per second through core on PostgreSQL with 16 concurrent clients, next to the least a
 * correct booking must write, run on the same database in the same process: one transaction with the
 * conditional UPDATE, a booking INSERT and an outbox INSERT.
 *
 *   npm run bench -- booking [--seconds 10] [--clients 16]
 * Uses DATABASE_URL (an isolated schema, dropped afterwards); without it, the embedded PGlite (single
 * connection, so the figures then say little about concurrency).
 */
import crypto from 'node:crypto';
import { openPglite, openPostgres, type Db } from '../adapters/postgres/db';
import { migrate } from '../adapters/postgres/migrate';
import { createStore } from '../adapters/postgres/store';
import { createGateway } from '../core/gateway';
import { seedWorld } from '../core/seed';
import { addDays, hubToday } from '../core/dates';
import { loadDemoWorld } from '../adapters/cli/app';
import { newLocator } from '../core/secrets';

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

async function timed(label: string, clients: number, seconds: number, op: (client: number) => Promise<void>): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    while (Date.now() < until) {
      try { await op(c); done++; } catch (e) { errors++; if (errors < 3) console.error(`${label}: ${(e as Error).message}`); }
    }
  }));
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = done / secs;
  console.log(`${label.padEnd(14)} ${rate.toFixed(0).padStart(6)} bookings/s  (${done} in ${secs.toFixed(1)} s, ${errors} errors)`);
  return rate;
}

export async function run(args: string[]): Promise<void> {
  const seconds = arg(args, 'seconds', 10);
  const clients = arg(args, 'clients', 16);
  const url = process.env.DATABASE_URL;
  let db: Db;
  let cleanup = async () => undefined as void;
  if (url) {
    const schema = `bench_${crypto.randomBytes(4).toString('hex')}`;
    const admin = openPostgres({ url, poolSize: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    db = openPostgres({ url, schema, poolSize: clients + 4 });
    cleanup = async () => { await db.close(); await admin.query(`DROP SCHEMA ${schema} CASCADE`); await admin.close(); };
    console.log(`PostgreSQL ${url.replace(/\/\/[^@]*@/, '//***@')}, schema ${schema}, ${clients} clients, ${seconds} s per run`);
  } else {
    db = await openPglite();
    cleanup = () => db.close();
    console.log(`DATABASE_URL is not set: embedded PGlite (one connection), ${clients} clients, ${seconds} s per run`);
  }
  try {
    await migrate(db);
    const store = createStore(db);
    const gateway = createGateway({ store });
    const from = hubToday(new Date());
    const days = 30;
    console.log('seeding the demo world with a large allotment …');
    await seedWorld(gateway, store, loadDemoWorld(), { from, days });
    const ops = { actor: { partnerId: 'MAQAM-OPS', kind: 'operator' as const } };
    const products = ['QCA-SAFWA-DBL', 'QCA-AJYAD-TRP', 'MED-ANSAR-DBL'];
    for (const p of products) await gateway.updateInventory(ops, { productId: p, from, to: addDays(from, days - 1), allotment: 100_000 });
    // 3 products × 30 days = 90 rows: contention like a busy season, not one hot row.
    const pick = () => ({ productId: products[Math.floor(Math.random() * products.length)], day: addDays(from, Math.floor(Math.random() * days)) });
    const agent = { actor: { partnerId: 'AG-NOOR', kind: 'agency' as const } };

    const bare = await timed('bare', clients, seconds, async () => {
      const { productId, day } = pick();
      await db.transaction(async (tx) => {
        const u = await tx.query<{ version: number; provider_id: string }>(
          `UPDATE inventory i SET sold = sold + 1, version = version + 1 FROM products p
            WHERE i.product_id = $1 AND i.day = $2 AND i.sold + i.held + 1 <= i.allotment AND p.id = i.product_id
            RETURNING i.version, p.provider_id`, [productId, day]);
        if (u.rowCount !== 1) throw new Error('sold out');
        const loc = newLocator();
        await tx.query(`INSERT INTO bookings (locator, agent_id, status, currency, total_minor) VALUES ($1, 'AG-NOOR', 'confirmed', 'SAR', 95000)`, [loc]);
        await tx.query(`INSERT INTO ari_outbox (kind, provider_id, product_id, day, seq, state) VALUES ('availability', $1, $2, $3, $4, '{}')`, [u.rows[0].provider_id, productId, day, u.rows[0].version]);
      });
    });
    const direct = await timed('direct book', clients, seconds, async () => {
      const { productId, day } = pick();
      await gateway.book(agent, { hold: false, items: [{ productId, start: day, end: addDays(day, 1), quantity: 1, guests: 1 }] });
    });
    const holdConfirm = await timed('hold+confirm', clients, seconds, async () => {
      const { productId, day } = pick();
      const b = await gateway.book(agent, { hold: true, items: [{ productId, start: day, end: addDays(day, 1), quantity: 1, guests: 1 }] });
      await gateway.confirm(agent, b.locator);
    });
    const keyed = await timed('direct+idemkey', clients, seconds, async () => {
      const { productId, day } = pick();
      await gateway.book({ ...agent, idempotencyKey: crypto.randomUUID() }, { hold: false, items: [{ productId, start: day, end: addDays(day, 1), quantity: 1, guests: 1 }] });
    });
    const neg = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inventory WHERE sold + held > allotment OR sold < 0 OR held < 0');
    console.log(`inventory rows out of bounds after the runs: ${neg.rows[0].n}; with an Idempotency-Key: ${keyed.toFixed(0)}/s`);
    console.log(`booking ratio=${(direct / bare).toFixed(2)} ours=${direct.toFixed(0)}/s bare=${bare.toFixed(0)}/s hold-confirm=${holdConfirm.toFixed(0)}/s`);
  } finally {
    await cleanup();
  }
}
