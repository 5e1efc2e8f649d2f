import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import { forEachBackend } from './support/db';
import { openWorld, type TestWorld } from './support/world';
import { openServer } from './support/server';
import { startSim, type ChannelSim } from './support/channel-sim';
import { channel, differences, dropTopology, mappingFor, truthView, namespace, randomChange, rng, seedCatalogue, tempDir, until, writeMapping, type Catalogue } from './support/ari-world';
import { loadConfig, ConfigError, type RetentionConfig } from '../config';
import { validateChannel, type ChannelConfig } from '../config/channels/validate';
import { prune, startRetention } from '../adapters/cli/retention';
import type { TableReport } from '../adapters/postgres/retention';
import * as ari from '../adapters/channels/store';
import { startDistribution, type Distribution } from '../adapters/channels/distribution';
import { createRegistry } from '../adapters/ota/partners';
import { loadMappingFile } from '../adapters/ota/mapping';
import { scanBookings } from '../adapters/ota/deliveries';
import { claimNonce, insertMessage, listDeliveries, markDelivered } from '../adapters/ota/sql';
import { archiveInterchange, claimInterchange } from '../adapters/edifact/sql';
import { addDays } from '../adapters/ota/dates';
import { openPglite, openPostgres, type Db } from '../adapters/postgres/db';
import { migrate } from '../adapters/postgres/migrate';
import { silentLogger } from '../adapters/log/logger';
import { projectRoot } from '../core/paths';

const SETTINGS: RetentionConfig = { everySeconds: 0, outboxDays: 7, archiveDays: 90, idempotencyHours: 24, interchangeDays: 90, travelDataDays: 180 };

/** Ages rows: sets `column` to `ago` (an SQL interval) before now, for the rows `where` selects. */
async function age(db: Db, table: string, column: string, ago: string, where = 'true', values: unknown[] = []): Promise<void> {
  await db.query(`UPDATE ${table} SET ${column} = now() - interval '${ago}' WHERE ${where}`, values);
}

async function count(db: Db, table: string, where = 'true', values: unknown[] = []): Promise<number> {
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, values)).rows[0].n;
}

function report(reports: TableReport[], table: string): TableReport {
  const r = reports.find((x) => x.table === table);
  assert.ok(r, `a report for ${table}`);
  assert.equal(r.error, undefined, `${table} failed`);
  return r;
}

/** A channel definition that is never contacted here (its position is recorded directly). */
function quietChannel(name: string, sells: Partial<ChannelConfig['sells']>, enabled = true): ChannelConfig {
  return validateChannel({ name, endpoint: 'http://127.0.0.1:9/ari', sells, enabled });
}

interface OutboxRow { id: number; kind: 'availability' | 'rate'; product_id: string; rate_plan_id: string | null; provider_id: string; day: string; seq: number }
async function outbox(db: Db, where = 'true', values: unknown[] = []): Promise<OutboxRow[]> {
  return (await db.query<OutboxRow>(`SELECT id, kind, product_id, rate_plan_id, provider_id, to_char(day, 'YYYY-MM-DD') AS day, seq
    FROM ari_outbox WHERE ${where} ORDER BY id`, values)).rows.map((r) => ({ ...r, id: Number(r.id), seq: Number(r.seq) }));
}

/** What a channel's worker records when the channel accepted these changes. */
async function acknowledge(db: Db, name: string, rows: OutboxRow[]): Promise<void> {
  await ari.recordDelivered(db, name, rows.map((r) => ({ kind: r.kind, itemId: r.kind === 'rate' ? r.rate_plan_id! : r.product_id, day: r.day, seq: r.seq })), 1);
}

forEachBackend('retention', (backend) => {
  let w: TestWorld;
  beforeEach(async () => { w = await openWorld(backend, { days: 5 }); });
  afterEach(async () => { await w.close(); });

  it('deletes old outbox rows every channel acknowledged, and keeps young, unpublished and unacknowledged ones', async () => {
    const { db } = w;
    const alpha = quietChannel('alpha', { providers: ['QCA-SAFWA'] });
    const paused = quietChannel('paused', { products: ['MED-ANSAR-DBL'] }, false);
    const never = quietChannel('never', { providers: ['QCA-AJYAD'] }, false);
    await ari.ensureChannels(db, ['alpha', 'paused', 'never']);
    await db.query('UPDATE ari_outbox SET published_at = now()');
    await age(db, 'ari_outbox', 'created_at', '8 days');

    const safwa = await outbox(db, 'provider_id = $1', ['QCA-SAFWA']);
    const missed = safwa[3];
    await acknowledge(db, 'alpha', safwa.filter((r) => r !== missed));
    // `paused` delivered once (one key) and was then disabled: it will catch up on the rest.
    const ansar = await outbox(db, 'product_id = $1', ['MED-ANSAR-DBL']);
    await acknowledge(db, 'paused', ansar.slice(0, 1));
    const unpublished = (await outbox(db, 'provider_id = $1', ['SAPTCO']))[0];
    await db.query('UPDATE ari_outbox SET published_at = NULL WHERE id = $1', [unpublished.id]);
    await w.gateway.updateInventory({ actor: w.actor('ZAMZAM-CATER') }, { productId: 'ZAMZAM-CATER-FB', from: w.from, to: w.from, allotment: 77 });
    const young = (await outbox(db, 'created_at > now() - interval \'1 hour\''));
    assert.equal(young.length, 1, 'the inventory change wrote one (young) outbox row');

    const before = await count(db, 'ari_outbox');
    // Batches of 7 rows: the cursor has to carry the run across many of them.
    const r = report(await prune(db, SETTINGS, [alpha, paused, never], { limit: 7 }), 'ari_outbox');
    const kept = new Set((await outbox(db)).map((x) => x.id));
    const mustStay = [missed.id, unpublished.id, young[0].id, ...ansar.slice(1).map((x) => x.id)];
    assert.deepEqual([...kept].sort((a, b) => a - b), mustStay.sort((a, b) => a - b));
    assert.equal(r.deleted, before - kept.size);
    assert.equal(r.kept, kept.size - 1, 'every kept row but the young one is counted as kept');

    // Once alpha acknowledges the change it missed (here: a newer value of the same key), that row goes too.
    await acknowledge(db, 'alpha', [{ ...missed, seq: missed.seq + 1 }]);
    assert.equal(report(await prune(db, SETTINGS, [alpha, paused, never]), 'ari_outbox').deleted, 1);
    assert.equal(await count(db, 'ari_outbox', 'id = $1', [missed.id]), 0);
  });

  it('keeps booking changes the delivery poller has not consumed, or whose delivery is pending', async () => {
    const { db } = w;
    const registry = createRegistry([{ partnerId: 'QCA-SAFWA', mapping: 'qca-safwa-pms.json', delivery: { url: 'http://127.0.0.1:9/ota' } }], { 'QCA-SAFWA': loadMappingFile('qca-safwa-pms.json') });
    const b = await w.gateway.book({ actor: w.actor('AG-NOOR') }, { hold: false, items: [{ productId: 'QCA-SAFWA-DBL', start: addDays(w.from, 1), end: addDays(w.from, 2), quantity: 1, guests: 2 }] });
    const coach = await w.gateway.book({ actor: w.actor('AG-NOOR') }, { hold: false, items: [{ productId: 'SAPTCO-JED-QCA', start: w.from, quantity: 2, guests: 1 }] });
    await age(db, 'booking_changes', 'created_at', '8 days');
    const changes = () => count(db, 'booking_changes', 'locator = ANY($1::text[])', [[b.locator, coach.locator]]);

    assert.equal(report(await prune(db, SETTINGS, []), 'booking_changes').deleted, 0, 'nothing consumed yet');
    assert.equal(await changes(), 2);

    await scanBookings({ gateway: w.gateway, db, registry, operatorId: 'MAQAM-OPS' });
    let r = report(await prune(db, SETTINGS, []), 'booking_changes');
    assert.equal(r.deleted, 1, 'the coach booking concerns no property system: consumed and old, it goes');
    assert.equal(r.kept, 1, 'the hotel booking waits for its delivery');
    const [d] = await listDeliveries(db, { locator: b.locator });
    assert.equal(d.status, 'pending');

    await markDelivered(db, d.id, 'PMS-1');
    r = report(await prune(db, SETTINGS, []), 'booking_changes');
    assert.equal(r.deleted, 1);
    assert.equal(await changes(), 0);
    assert.equal((await listDeliveries(db, { locator: b.locator })).length, 1, 'deliveries themselves are never pruned');

    const fresh = await w.gateway.cancel({ actor: w.actor('AG-NOOR') }, coach.locator);
    await scanBookings({ gateway: w.gateway, db, registry, operatorId: 'MAQAM-OPS' });
    assert.equal(report(await prune(db, SETTINGS, []), 'booking_changes').deleted, 0, 'a young change stays even when consumed');
    assert.equal(await count(db, 'booking_changes', 'locator = $1', [fresh.locator]), 1);
  });

  it('replays an idempotency key inside the window and forgets it after', async () => {
    const { db } = w;
    const agent = (key: string) => ({ actor: w.actor('AG-NOOR'), idempotencyKey: key });
    const req = { hold: false, items: [{ productId: 'SAPTCO-JED-QCA', start: w.from, quantity: 1, guests: 1 }] };
    const inside = await w.gateway.book(agent('retention-inside'), req);
    await w.gateway.book(agent('retention-outside'), req);
    await age(db, 'idempotency_keys', 'created_at', '23 hours', 'key = $1', ['retention-inside']);
    await age(db, 'idempotency_keys', 'created_at', '25 hours', 'key = $1', ['retention-outside']);

    assert.equal(report(await prune(db, SETTINGS, []), 'idempotency_keys').deleted, 1);
    assert.equal(await count(db, 'idempotency_keys', 'key = $1', ['retention-outside']), 0);
    const bookings = await count(db, 'bookings');
    const again = await w.gateway.book(agent('retention-inside'), req);
    assert.equal(again.locator, inside.locator, 'the replay 23 h later got the stored answer');
    assert.equal(await count(db, 'bookings'), bookings, 'and booked nothing');
  });

  it('prunes the message archives, the interchange memory, nonces, superseded dead letters and done resyncs', async () => {
    const { db } = w;
    const bytes = new TextEncoder().encode('UNB+UNOC:3+SENDER+MAQAM+250101:1200+1');
    const inbound = await archiveInterchange(db, { direction: 'in', partnerId: null, sender: 'SENDER', recipient: 'MAQAM', controlRef: '1', messageTypes: ['PAXLST'], bytes });
    const reply = await archiveInterchange(db, { direction: 'out', partnerId: null, sender: 'MAQAM', recipient: 'SENDER', controlRef: '7', messageTypes: ['CONTRL'], bytes, inReplyTo: inbound });
    const key = (ref: string) => ({ sender: { id: 'SENDER', qualifier: 'ZZZ' }, controlRef: ref });
    await claimInterchange(db, key('1'), null, inbound);
    await claimInterchange(db, key('2'), null, null);
    await age(db, 'edifact_archive', 'created_at', '91 days', 'id = $1', [inbound]);
    await age(db, 'edifact_interchanges', 'received_at', '30 days', 'control_ref = $1', ['1']);
    await age(db, 'edifact_interchanges', 'received_at', '91 days', 'control_ref = $1', ['2']);

    const msg = { direction: 'in' as const, transport: 'http', partnerId: 'QCA-SAFWA', message: 'OTA_PingRQ', echoToken: null, correlationId: null, locator: null, ok: true, body: '<x/>' };
    for (let i = 0; i < 3; i++) await insertMessage(db, msg);
    await age(db, 'ota_messages', 'at', '91 days', 'id IN (SELECT id FROM ota_messages ORDER BY id LIMIT 2)');
    await claimNonce(db, 'QCA-SAFWA', 'n-old', 300);
    await claimNonce(db, 'QCA-SAFWA', 'n-new', 300);
    await age(db, 'ota_nonces', 'created_at', '11 minutes', 'nonce = $1', ['n-old']);

    const change = (seq: number) => JSON.stringify({ id: String(seq), kind: 'availability', seq, providerId: 'QCA-SAFWA', productId: 'QCA-SAFWA-DBL', day: w.from, state: { available: 1 }, createdAt: new Date().toISOString() });
    await ari.parkDeadLetter(db, { channel: 'alpha', messageId: 'm1', routingKey: 'k', body: change(1), attempts: 8, error: 'HTTP 500' });
    await ari.parkDeadLetter(db, { channel: 'alpha', messageId: 'm9', routingKey: 'k', body: change(9), attempts: 8, error: 'HTTP 500' });
    await ari.parkDeadLetter(db, { channel: 'alpha', messageId: 'bad', routingKey: 'k', body: 'not json', attempts: 1, error: 'malformed' });
    await ari.recordDelivered(db, 'alpha', [{ kind: 'availability', itemId: 'QCA-SAFWA-DBL', day: w.from, seq: 5 }], 1);
    await age(db, 'ari_dead_letters', 'created_at', '8 days');
    const done = await ari.requestResync(db, 'alpha', w.from, w.from);
    await ari.finishResync(db, done, 10);
    await ari.requestResync(db, 'alpha', w.from, w.from);
    await age(db, 'ari_resync_requests', 'requested_at', '8 days');
    await age(db, 'ari_resync_requests', 'done_at', '8 days', 'done_at IS NOT NULL');

    const reports = await prune(db, SETTINGS, []);
    assert.equal(report(reports, 'edifact_archive').deleted, 1);
    const left = (await db.query<{ id: number; in_reply_to: number | null }>('SELECT id, in_reply_to FROM edifact_archive')).rows;
    assert.deepEqual(left.map((x) => [Number(x.id), x.in_reply_to]), [[reply, null]], 'the reply stays, without its link');
    assert.equal(report(reports, 'edifact_interchanges').deleted, 1);
    assert.deepEqual(await claimInterchange(db, key('1'), null).then((c) => c.fresh), false, 'a 30-day-old interchange is still a duplicate');
    assert.equal((await claimInterchange(db, key('2'), null)).fresh, true, 'one older than 90 days is processed again');
    assert.equal(report(reports, 'ota_messages').deleted, 2);
    assert.equal(await count(db, 'ota_messages'), 1);
    assert.equal(report(reports, 'ota_nonces').deleted, 1);
    assert.equal(await claimNonce(db, 'QCA-SAFWA', 'n-new', 300), false, 'a nonce inside the window is still refused');
    assert.equal(report(reports, 'ari_dead_letters').deleted, 1);
    assert.deepEqual((await ari.listDeadLetters(db)).map((x) => x.messageId).sort(), ['bad', 'm9'], 'a newer value than seq 9 was never delivered; malformed ones stay');
    assert.equal(report(reports, 'ari_resync_requests').deleted, 1);
    assert.equal(await count(db, 'ari_resync_requests', 'done_at IS NULL'), 1, 'a pending resync stays');
  });

  it('forgets airline PNRs and manifests (passport data) 180 days after their travel, and keeps the rest', async () => {
    const { db } = w;
    const ops = { actor: w.actor('MAQAM-OPS') };
    const day = (n: number) => addDays(w.from, n);
    const leg = (flightNumber: string, date: string) => ({ carrier: 'SV', flightNumber, origin: 'CGK', destination: 'JED', departureDate: date });
    const traveller = { surname: 'SANTOSO', givenName: 'BUDI', documents: [{ type: 'P', number: 'C4412987', issuingCountry: 'IDN' }] };
    const pnr = (recordLocator: string, segments: ReturnType<typeof leg>[]) => ({ carrier: 'SV', recordLocator, travellers: [traveller], segments });
    await w.gateway.recordAirBookings(ops, [
      pnr('FLOWN', [leg('816', day(-400)), leg('817', day(-381))]),
      pnr('RETURNED', [leg('816', day(-400)), leg('817', day(-100))]), // flew out long ago, came back 100 days ago
      pnr('AHEAD', [leg('816', day(30))]),
      pnr('NOSEGMENTS', []), // counts from the day it was reported
    ]);
    const manifest = (date: string) => ({ kind: 'passengers' as const, flight: leg('816', date), legs: [leg('816', date)], travellers: [traveller] });
    await w.gateway.recordManifest(ops, manifest(day(-181)));
    await w.gateway.recordManifest(ops, manifest(day(-179)));

    const reports = await prune(db, SETTINGS, []);
    assert.equal(report(reports, 'air_bookings').deleted, 1);
    assert.equal(report(reports, 'manifests').deleted, 1);
    const left = (await db.query<{ record_locator: string }>('SELECT record_locator FROM air_bookings ORDER BY record_locator')).rows;
    assert.deepEqual(left.map((r) => r.record_locator), ['AHEAD', 'NOSEGMENTS', 'RETURNED']);
    await assert.rejects(w.gateway.getAirBooking(ops, 'SV', 'FLOWN'), /no airline booking SV FLOWN/);
    const dates = (await db.query<{ d: string }>(`SELECT to_char(departure_date, 'YYYY-MM-DD') AS d FROM manifests`)).rows;
    assert.deepEqual(dates.map((r) => r.d), [day(-179)]);

    // a PNR reported again counts from its new itinerary
    await w.gateway.recordAirBookings(ops, [pnr('RETURNED', [leg('816', day(-400))])]);
    assert.equal(report(await prune(db, SETTINGS, []), 'air_bookings').deleted, 1);
    const off = await prune(db, { ...SETTINGS, travelDataDays: 0 }, []);
    assert.equal(report(off, 'manifests').off, 'retention.travelDataDays');
    assert.equal(await count(db, 'manifests'), 1);
  });

  it('keeps everything a rule with age 0 covers', async () => {
    const { db } = w;
    await insertMessage(db, { direction: 'in', transport: 'http', partnerId: null, message: 'OTA_PingRQ', echoToken: null, correlationId: null, locator: null, ok: true, body: '<x/>' });
    await age(db, 'ota_messages', 'at', '3650 days');
    await db.query('UPDATE ari_outbox SET published_at = now()');
    await age(db, 'ari_outbox', 'created_at', '3650 days');
    const reports = await prune(db, { ...SETTINGS, archiveDays: 0, outboxDays: 0 }, []);
    assert.equal(report(reports, 'ota_messages').off, 'retention.archiveDays');
    assert.equal(report(reports, 'ari_outbox').off, 'retention.outboxDays');
    assert.equal(await count(db, 'ota_messages'), 1);
    assert.ok(await count(db, 'ari_outbox') > 0);
  });

  it('runs periodically, logging one summary line per run that deleted something', async function () {
    this.timeout(30_000);
    const lines: { message: string; total?: number }[] = [];
    const stream = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
    const log = winston.createLogger({ level: 'info', format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
    await insertMessage(w.db, { direction: 'in', transport: 'http', partnerId: null, message: 'OTA_PingRQ', echoToken: null, correlationId: null, locator: null, ok: true, body: '<x/>' });
    await age(w.db, 'ota_messages', 'at', '91 days');
    const bg = startRetention({ db: w.db, log, settings: { ...SETTINGS, everySeconds: 1 }, channels: [] });
    const lastRun = async () => (await bg.health()).lastRun as { at: string; deleted: number } | null;
    try {
      await until('a run that prunes the archive', async () => (await lastRun())?.deleted === 1, 10_000);
      const first = (await lastRun())!.at;
      await until('the next run', async () => (await lastRun())!.at !== first, 10_000);
      assert.equal((await lastRun())!.deleted, 0);
    } finally {
      await bg.stop();
    }
    assert.equal(await count(w.db, 'ota_messages'), 0);
    assert.deepEqual(lines.map((l) => [l.message, l.total]), [['retention pruned old rows', 1]], 'a run that deleted nothing logs nothing');
  });
});

forEachBackend('retention in a started gateway', (backend) => {
  it('is one of the background workers in /health and stops with the gateway', async () => {
    const s = await openServer(backend, { days: 2, env: { MAQAM_RETENTION_EVERY_SECONDS: '3600' } });
    try {
      const h = await s.request('GET', '/health');
      assert.equal(h.status, 200);
      assert.deepEqual({ ok: h.json.retention.ok, everySeconds: h.json.retention.everySeconds }, { ok: true, everySeconds: 3600 });
    } finally {
      await s.close();
    }
  });
});

forEachBackend('retention beside a running ARI distribution', (backend) => {
  let db: Db;
  let cat: Catalogue;
  let sim: ChannelSim;
  let dist: Distribution | null = null;
  let channels: ChannelConfig[];
  const ns = namespace();
  const dir = tempDir('retention-map');

  before(async () => {
    db = await backend.open();
    cat = await seedCatalogue(db, { providers: 1, productsPerProvider: 2, days: 10 });
    sim = await startSim();
    // Patient retries: the failing phase must not end in dead letters (a restart recovers only what is not parked).
    channels = [channel('retained', sim, { providers: cat.providers }, { maxAttempts: 100, retryDelaysMs: [200] })];
    writeMapping(dir, 'retained', mappingFor('retained', cat));
  });
  after(async () => {
    await dist?.stop();
    await dropTopology(ns, channels);
    await sim.close();
    await db.close();
  });

  const start = async () => { dist = await startDistribution({ db, log: silentLogger(), amqpUrl: process.env.AMQP_URL, channels, mappingsDir: dir, namespace: ns }); };
  const undelivered = async () => (await dist!.status()).channels[0].undelivered;

  it('never deletes what the channel has not received, and the channel still converges afterwards', async function () {
    this.timeout(60_000);
    await start();
    await until('the channel to take the catalogue', async () => (await undelivered()) === 0, 30_000);
    sim.mode = 'fail';
    const r = rng(11);
    for (let i = 0; i < 20; i++) await randomChange(db, cat, r);
    await until('the relay to publish', async () => (await count(db, 'ari_outbox', 'published_at IS NULL')) === 0, 10_000);
    await age(db, 'ari_outbox', 'created_at', '8 days');
    const pending = await undelivered();
    assert.ok(pending > 0, 'the failing channel has changes to receive');

    const rep = report(await prune(db, SETTINGS, channels), 'ari_outbox');
    assert.ok(rep.deleted > 0, 'what the channel acknowledged went');
    assert.equal(await undelivered(), pending, 'every change the channel has not received is still in the outbox');

    // The channel comes back; the gateway restarts (the in-process bus recovers from the outbox).
    await dist!.stop();
    sim.mode = 'ok';
    await start();
    await until('the channel to catch up', async () => (await undelivered()) === 0, 30_000);
    assert.deepEqual(differences(await truthView(db, channels[0], mappingFor('retained', cat), cat), sim), [], 'the channel holds the current state');
    assert.deepEqual(sim.violations, []);
    assert.equal(report(await prune(db, SETTINGS, channels), 'ari_outbox').kept, 0, 'and now nothing old is needed');
  });
});

describe('retention settings', () => {
  it('come from config/defaults.json, environment variables or options, validated by name', () => {
    assert.deepEqual(loadConfig({}).retention, { everySeconds: 900, outboxDays: 7, archiveDays: 90, idempotencyHours: 24, interchangeDays: 90, travelDataDays: 180 });
    assert.equal(loadConfig({ MAQAM_RETENTION_TRAVEL_DATA_DAYS: '365' }).retention.travelDataDays, 365);
    assert.equal(loadConfig({ MAQAM_RETENTION_ARCHIVE_DAYS: '30' }).retention.archiveDays, 30);
    assert.equal(loadConfig({}, { retention: { outboxDays: 0 } }).retention.outboxDays, 0);
    assert.throws(() => loadConfig({ MAQAM_RETENTION_IDEMPOTENCY_HOURS: '5' }),
      (e: Error) => e instanceof ConfigError && /retention\.idempotencyHours \(environment variable MAQAM_RETENTION_IDEMPOTENCY_HOURS\) must be 0 \(keep for ever\) or from 24/.test(e.message));
    assert.throws(() => loadConfig({ MAQAM_RETENTION_OUTBOX_DAYS: 'a week' }), /retention\.outboxDays .* must be a whole number/);
  });
});

/**
 * Where a spawned `maqam prune` finds its database: the embedded one in a data directory, and, when
 * DATABASE_URL is set, a schema of its own on the server (search_path through the URL's `options`).
 */
interface CliTarget { name: string; open(): Promise<{ db: Db; env: NodeJS.ProcessEnv; cleanup(): Promise<void> }> }
function cliTargets(): CliTarget[] {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.DATABASE_URL;
  const list: CliTarget[] = [{
    name: 'pglite',
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maqam-prune-'));
      return { db: await openPglite({ dataDir: dir }), env: { ...base, MAQAM_DATA_DIR: dir }, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  }];
  const url = process.env.DATABASE_URL;
  if (url) {
    list.push({
      name: 'postgres',
      async open() {
        const schema = `t_prune_${crypto.randomBytes(5).toString('hex')}`;
        const admin = openPostgres({ url, poolSize: 1 });
        await admin.query(`CREATE SCHEMA ${schema}`);
        const u = new URL(url);
        u.searchParams.set('options', `-c search_path=${schema}`);
        return {
          db: openPostgres({ url, schema, poolSize: 2 }), env: { ...base, DATABASE_URL: u.toString() },
          async cleanup() { await admin.query(`DROP SCHEMA ${schema} CASCADE`); await admin.close(); },
        };
      },
    });
  }
  return list;
}

describe('maqam prune', () => {
  const BIN = path.join(projectRoot(), 'bin', 'maqam.js');
  for (const target of cliTargets()) {
    it(`prints what it deleted per table [${target.name}]`, async function () {
      this.timeout(60_000);
      const t = await target.open();
      try {
        try {
          await migrate(t.db);
          for (let i = 0; i < 3; i++) await insertMessage(t.db, { direction: 'in', transport: 'http', partnerId: null, message: 'OTA_PingRQ', echoToken: null, correlationId: null, locator: null, ok: true, body: '<x/>' });
          await age(t.db, 'ota_messages', 'at', '91 days', 'id < 3');
        } finally {
          await t.db.close(); // the embedded database admits one process at a time
        }
        const r = spawnSync(process.execPath, [BIN, 'prune'], { env: t.env, encoding: 'utf8', timeout: 60_000 });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^ota_messages +2 deleted$/m);
        assert.match(r.stdout, /^ari_outbox +0 deleted$/m);
        assert.match(r.stdout, /^2 rows deleted$/m);
        const again = spawnSync(process.execPath, [BIN, 'prune'], { env: t.env, encoding: 'utf8', timeout: 60_000 });
        assert.match(again.stdout, /^ota_messages +0 deleted$/m);
        const bad = spawnSync(process.execPath, [BIN, 'prune'], { env: { ...t.env, MAQAM_RETENTION_ARCHIVE_DAYS: '-1' }, encoding: 'utf8', timeout: 60_000 });
        assert.equal(bad.status, 78);
        assert.match(bad.stderr, /configuration retention\.archiveDays \(environment variable MAQAM_RETENTION_ARCHIVE_DAYS\) must be a whole number/);
      } finally {
        await t.cleanup();
      }
    });
  }
});
