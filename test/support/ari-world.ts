/**
 * Test helpers of the ARI distribution specs: a catalogue written straight to the state tables with its
 * outbox rows (the same SQL shape core uses), random ARI changes and bookings, channel definitions and
 * code tables, the source-of-truth view of a channel in its own codes, the bus under test (RabbitMQ when
 * AMQP_URL is set, else in-process), and closing our broker connections from the broker side.
 */
import { rng } from './rng';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { Db } from '../../adapters/postgres/db';
import type { OtaMapping } from '../../adapters/ota';
import { validateChannel, type ChannelConfig } from '../../config/channels/validate';
import { readState } from '../../adapters/channels/store';
import { stableJson } from '../../adapters/channels/coalesce';
import { simKey, type ChannelSim } from './channel-sim';
import { AmqpBus } from '../../adapters/amqp/bus';

import { AVAILABILITY_STATE, RATE_STATE } from '../../adapters/postgres/sql';

const run = promisify(execFile);

// The same snapshot SQL core writes into the outbox (one definition).
export { AVAILABILITY_STATE, rng };
const OUTBOX_AVAIL = `INSERT INTO ari_outbox (kind, provider_id, product_id, day, seq, state)
  SELECT 'availability', p.provider_id, u.product_id, u.day, u.version, ${AVAILABILITY_STATE} FROM u JOIN products p ON p.id = u.product_id`;
const OUTBOX_RATE = `INSERT INTO ari_outbox (kind, provider_id, product_id, rate_plan_id, day, seq, state)
  SELECT 'rate', p.provider_id, rp.product_id, u.rate_plan_id, u.day, u.version, ${RATE_STATE}
    FROM u JOIN rate_plans rp ON rp.id = u.rate_plan_id JOIN products p ON p.id = rp.product_id`;

export interface Catalogue {
  from: string;
  days: number;
  providers: string[];
  products: { id: string; providerId: string; code: string }[];
  ratePlans: { id: string; productId: string; code: string }[];
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Providers × products × one rate plan each, with inventory and rates for `days` days, all in the outbox. */
export async function seedCatalogue(db: Db, opts: { providers: number; productsPerProvider: number; days: number; from?: string }): Promise<Catalogue> {
  const from = opts.from ?? '2030-01-01';
  const cat: Catalogue = { from, days: opts.days, providers: [], products: [], ratePlans: [] };
  for (let p = 1; p <= opts.providers; p++) {
    const providerId = `ARI-HOTEL-${p}`;
    cat.providers.push(providerId);
    await db.query(`INSERT INTO partners (id, name, kind, city) VALUES ($1, $1, 'hotel', 'MAK')`, [providerId]);
    for (let k = 1; k <= opts.productsPerProvider; k++) {
      const code = `RT${k}`;
      const id = `${providerId}-${code}`;
      cat.products.push({ id, providerId, code });
      cat.ratePlans.push({ id: `${id}-BAR`, productId: id, code: 'BAR' });
      await db.query(`INSERT INTO products (id, provider_id, kind, code, name, city, max_guests, pricing) VALUES ($1, $2, 'hotel', $3, $3, 'MAK', 3, 'per_night')`, [id, providerId, code]);
      await db.query(`INSERT INTO rate_plans (id, product_id, code, name) VALUES ($1, $2, 'BAR', 'Best available')`, [`${id}-BAR`, id]);
      await db.transaction(async (tx) => {
        await tx.query(`WITH u AS (INSERT INTO inventory (product_id, day, allotment)
            SELECT $1, g::date, 10 FROM generate_series($2::date, $3::date, interval '1 day') g RETURNING *) ${OUTBOX_AVAIL}`, [id, from, addDays(from, opts.days - 1)]);
        await tx.query(`WITH u AS (INSERT INTO rates (rate_plan_id, day, currency, amounts)
            SELECT $1, g::date, 'SAR', '{"1": 40000, "2": 45000}'::jsonb FROM generate_series($2::date, $3::date, interval '1 day') g RETURNING *) ${OUTBOX_RATE}`, [`${id}-BAR`, from, addDays(from, opts.days - 1)]);
      });
    }
  }
  return cat;
}


/** One random ARI change or booking, in its own transaction; returns the outbox rows it wrote. */
export async function randomChange(db: Db, cat: Catalogue, r: () => number): Promise<number> {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const product = pick(cat.products);
  const start = addDays(cat.from, Math.floor(r() * cat.days));
  const len = 1 + Math.floor(r() * 3);
  const end = addDays(start, len - 1);
  const op = r();
  const res = await db.transaction(async (tx) => {
    if (op < 0.2) {
      return tx.query(`WITH u AS (UPDATE inventory i SET allotment = GREATEST(i.sold + i.held, $4), version = i.version + 1
          WHERE i.product_id = $1 AND i.day BETWEEN $2::date AND $3::date RETURNING i.*) ${OUTBOX_AVAIL}`, [product.id, start, end, Math.floor(r() * 20)]);
    }
    if (op < 0.35) {
      return tx.query(`WITH u AS (UPDATE inventory i SET stop_sell = $4, closed_to_arrival = $5, min_los = $6, version = i.version + 1
          WHERE i.product_id = $1 AND i.day BETWEEN $2::date AND $3::date RETURNING i.*) ${OUTBOX_AVAIL}`, [product.id, start, end, r() < 0.3, r() < 0.2, r() < 0.5 ? null : 1 + Math.floor(r() * 4)]);
    }
    if (op < 0.6) {
      // A booking: the atomic conditional update of pooled stock.
      return tx.query(`WITH u AS (UPDATE inventory i SET sold = i.sold + $4, version = i.version + 1
          WHERE i.product_id = $1 AND i.day BETWEEN $2::date AND $3::date AND i.sold + i.held + $4 <= i.allotment AND NOT i.stop_sell RETURNING i.*) ${OUTBOX_AVAIL}`, [product.id, start, end, 1 + Math.floor(r() * 2)]);
    }
    if (op < 0.7) {
      return tx.query(`WITH u AS (UPDATE inventory i SET sold = i.sold - 1, version = i.version + 1
          WHERE i.product_id = $1 AND i.day BETWEEN $2::date AND $3::date AND i.sold >= 1 RETURNING i.*) ${OUTBOX_AVAIL}`, [product.id, start, end]);
    }
    const amounts = { '1': 30000 + Math.floor(r() * 10) * 1000, '2': 35000 + Math.floor(r() * 10) * 1000 };
    return tx.query(`WITH u AS (UPDATE rates x SET amounts = $4::jsonb, extra_adult = $5, version = x.version + 1
        WHERE x.rate_plan_id = $1 AND x.day BETWEEN $2::date AND $3::date RETURNING x.*) ${OUTBOX_RATE}`, [`${product.id}-BAR`, start, end, JSON.stringify(amounts), r() < 0.5 ? null : 5000]);
  });
  return res.rowCount;
}

/** A code table in the channel's own codes (`H-<provider>`, `R-<product code>`, `<rate code>-<channel>`). */
export function mappingFor(channel: string, cat: Catalogue, opts: { omitRatePlans?: string[] } = {}): OtaMapping {
  const hotels: OtaMapping['hotels'] = {};
  for (const p of cat.products) {
    const h = (hotels[`H-${p.providerId}`] ??= { providerId: p.providerId, rooms: {} });
    const ratePlans: Record<string, string> = {};
    for (const rp of cat.ratePlans.filter((x) => x.productId === p.id && !opts.omitRatePlans?.includes(x.id))) ratePlans[`${rp.code}-${channel.toUpperCase()}`] = rp.id;
    h.rooms[`R-${p.code}`] = { productId: p.id, ratePlans };
  }
  return { partner: channel.toUpperCase(), hotels };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export function writeMapping(dir: string, name: string, m: OtaMapping): void {
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(m, null, 2));
}

/** A channel definition with test-friendly retry delays (the production default waits about a minute). */
export function channel(name: string, sim: ChannelSim, sells: Partial<ChannelConfig['sells']>, over: Record<string, unknown> = {}): ChannelConfig {
  return validateChannel({ name, endpoint: sim.url, sells, retryDelaysMs: [50, 100, 200, 400, 800], maxAttempts: 12, timeoutMs: 2000, ...over });
}

/** What the channel should hold: the current state of everything it sells, keyed in its codes. */
export async function truthView(db: Db, cfg: ChannelConfig, m: OtaMapping, cat: Catalogue, project: (kind: string, s: Record<string, unknown>) => unknown = (_k, s) => s): Promise<Map<string, string>> {
  const byProduct = new Map<string, [string, string]>();
  const byRate = new Map<string, [string, string, string]>();
  for (const [hotel, h] of Object.entries(m.hotels)) {
    for (const [room, x] of Object.entries(h.rooms)) {
      byProduct.set(x.productId, [hotel, room]);
      for (const [rate, id] of Object.entries(x.ratePlans ?? {})) byRate.set(id, [hotel, room, rate]);
    }
  }
  const out = new Map<string, string>();
  for (const c of await readState(db, cfg.sells, cat.from, addDays(cat.from, cat.days - 1))) {
    if (c.kind === 'availability') {
      const [hotel, room] = byProduct.get(c.productId)!;
      out.set(simKey('availability', hotel, room, undefined, c.day), stableJson(project('availability', c.state as unknown as Record<string, unknown>)));
    } else {
      const codes = byRate.get(c.ratePlanId);
      if (codes) out.set(simKey('rate', codes[0], codes[1], codes[2], c.day), stableJson(project('rate', c.state as unknown as Record<string, unknown>)));
    }
  }
  return out;
}

/** Keys where the simulator differs from the truth (empty = converged). */
export function differences(truth: Map<string, string>, sim: ChannelSim): string[] {
  const out: string[] = [];
  for (const [k, v] of truth) {
    const got = sim.view.get(k);
    const have = got ? stableJson(got.state) : undefined;
    if (have !== v) out.push(`${k}: want ${v} got ${have}`);
  }
  for (const k of sim.view.keys()) if (!truth.has(k)) out.push(`${k}: not sold through this channel`);
  return out;
}

/** A namespace for exchange and queue names no other run uses. */
export function namespace(): string {
  return `t${crypto.randomBytes(5).toString('hex')}`;
}

/** Waits for `cond` (polled), failing after `ms` with `what`. */
export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 60_000, every = 50): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Whether broker connections can be closed from the broker side here. */
export function canCloseConnections(): boolean {
  try {
    execFileSync('rabbitmqctl', ['-q', 'list_connections', 'pid'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Closes, from the broker side, every connection whose client named itself `name` (only ours: other runs
 * share the broker); returns how many.
 */
export async function closeConnections(name: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties'], { encoding: 'utf8', timeout: 30_000 });
  let n = 0;
  for (const line of stdout.split('\n')) {
    if (!line.includes(`"connection_name","${name}"`)) continue;
    await run('rabbitmqctl', ['-q', 'close_connection', line.split('\t')[0], 'test: broker closes the connection'], { timeout: 30_000 }).catch((e: Error & { stderr?: string }) => {
      // RabbitMQ 3.10 reports an error when the connection process ends (`:normal`) before answering the
      // close call: the connection did close (seen once in a CI run)
      if (!/\{:normal,/.test(`${e.stderr ?? ''} ${e.message}`)) throw e;
    });
    n++;
  }
  return n;
}

/** Deletes a test run's queues and exchange from the broker (nothing to do on the in-process bus). */
export async function dropTopology(ns: string, channels: ChannelConfig[]): Promise<void> {
  const url = process.env.AMQP_URL;
  if (!url) return;
  const bus = await new AmqpBus({ url, exchange: `${ns}.ari`, connectionName: `${ns}-cleanup` }).start();
  try {
    for (const c of channels) {
      await bus.declareQueue({ name: `${ns}.channel.${c.name}`, bindings: [], retryDelaysMs: c.retryDelaysMs }).catch(() => undefined);
      await bus.deleteQueue(`${ns}.channel.${c.name}`);
    }
    await bus.deleteExchange();
  } finally {
    await bus.close();
  }
}

/** What OpenTravel carries of a state: no allotment; LOS 0 means none; amounts as attribute strings. */
export function otaProjection(kind: string, s: Record<string, unknown>): unknown {
  if (kind === 'availability') {
    const { allotment: _a, available, ...rest } = s;
    return { ...rest, available: Math.max(0, available as number) };
  }
  const amounts: Record<string, string> = {};
  for (const [g, v] of Object.entries(s.amounts as Record<string, unknown>)) amounts[g] = String(v);
  return { ...s, amounts, extraAdult: s.extraAdult === null ? null : String(s.extraAdult), extraChild: s.extraChild === null ? null : String(s.extraChild) };
}
