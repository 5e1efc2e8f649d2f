import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { forEachBackend } from './support/db';
import { startSim, type ChannelSim } from './support/channel-sim';
import { addDays, channel, differences, dropTopology, mappingFor, namespace, seedCatalogue, tempDir, truthView, until, writeMapping, type Catalogue } from './support/ari-world';
import { startDistribution, type Distribution } from '../adapters/channels/distribution';
import { channelsCli } from '../adapters/channels/cli';
import { silentLogger } from '../adapters/log/logger';
import type { Db } from '../adapters/postgres/db';
import type { ChannelConfig } from '../config/channels/validate';

/** Runs `maqam channels …` and returns its exit code and output. */
async function cli(db: Db, channels: ChannelConfig[], ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write(c, _e, cb) { f(String(c)); cb(); } });
  const code = await channelsCli(args, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) }, { db, channels });
  return { code, out, err };
}

async function deadLetters(db: Db): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ari_dead_letters')).rows[0].n;
}

forEachBackend(`ARI poison messages over the ${process.env.AMQP_URL ? 'rabbitmq' : 'in-process bus'}`, (backend) => {
  let db: Db;
  let cat: Catalogue;
  let sim: ChannelSim;
  let dist: Distribution | null = null;
  let channels: ChannelConfig[];
  const ns = namespace();
  const dir = tempDir('ari-poison');

  before(async () => {
    db = await backend.open();
    cat = await seedCatalogue(db, { providers: 1, productsPerProvider: 2, days: 10 });
    sim = await startSim();
    channels = [channel('strict', sim, { providers: cat.providers }, { maxAttempts: 3, retryDelaysMs: [20, 40] })];
    // The table forgets one rate plan: its 10 days cannot be sent in the channel's codes.
    writeMapping(dir, 'strict', mappingFor('strict', cat, { omitRatePlans: [cat.ratePlans[0].id] }));
    dist = await startDistribution({ db, log: silentLogger(), amqpUrl: process.env.AMQP_URL, channels, mappingsDir: dir, namespace: ns, controlPollMs: 50 });
  });

  after(async () => {
    await dist?.stop();
    await dropTopology(ns, channels);
    await sim?.close();
    await db?.close();
  });

  it('parks an unmappable change as a dead letter after maxAttempts, visible in status and dead-letters', async () => {
    await until('10 dead letters', async () => (await deadLetters(db)) === 10, 30_000);
    const partial = await truthView(db, channels[0], mappingFor('strict', cat, { omitRatePlans: [cat.ratePlans[0].id] }), cat);
    await until('the rest to arrive', () => differences(partial, sim).length === 0, 30_000);
    const rows = (await db.query<{ attempts: number; error: string }>('SELECT attempts, error FROM ari_dead_letters')).rows;
    assert.ok(rows.every((r) => r.attempts === 3 && r.error.includes('GW_UNMAPPED_CODE')));
    const listed = await cli(db, channels, 'dead-letters', 'strict');
    assert.equal(listed.code, 0);
    assert.match(listed.out, new RegExp(`rate ${cat.ratePlans[0].id} ${cat.from} seq 1 +3 `));
    const status = JSON.parse((await cli(db, channels, 'status', '--json')).out);
    const st = status.channels[0];
    assert.equal(st.deadLetters, 10);
    assert.equal(st.undelivered, 10, 'dead letters are not delivered: the lag shows them');
    assert.ok(st.lagMs > 0);
    assert.match(st.lastError, /GW_UNMAPPED_CODE/);
  });

  it('replays dead letters after the mapping is fixed', async () => {
    writeMapping(dir, 'strict', mappingFor('strict', cat));
    const r = await cli(db, channels, 'replay', '--all', 'strict');
    assert.equal(r.code, 0);
    assert.match(r.out, /^10 dead letter\(s\) queued for replay/);
    const truth = await truthView(db, channels[0], mappingFor('strict', cat), cat);
    await until('the channel to hold everything', () => differences(truth, sim).length === 0, 30_000);
    await until('the dead letters to be gone', async () => (await deadLetters(db)) === 0, 10_000);
    // The channel answered before its acknowledgement was recorded: wait for the record, not a clock.
    await until('status to show nothing undelivered', async () => JSON.parse((await cli(db, channels, 'status', '--json')).out).channels[0].undelivered === 0, 10_000);
    const st = JSON.parse((await cli(db, channels, 'status', '--json')).out).channels[0];
    assert.equal(st.lagMs, 0);
    assert.equal(st.deadLetters, 0);
    assert.deepEqual(sim.violations, []);
  });

  it('parks a malformed outbox row in the relay and sends it once repaired', async () => {
    const bad = await db.query<{ id: number }>(`INSERT INTO ari_outbox (kind, provider_id, product_id, rate_plan_id, day, seq, state)
       VALUES ('rate', $1, $2, NULL, $3, 99, '{"currency": "SAR", "amounts": {"1": 1}}') RETURNING id`, [cat.providers[0], cat.products[1].id, cat.from]);
    await until('the row to be parked', async () => JSON.parse((await cli(db, channels, 'status', '--json')).out).relay.parked === 1, 20_000);
    await db.query(`UPDATE ari_outbox SET rate_plan_id = $2, state = state || '{"extraAdult": null, "extraChild": null}' WHERE id = $1`, [bad.rows[0].id, cat.ratePlans[1].id]);
    const r = await cli(db, channels, 'replay', '--outbox', '--all');
    assert.match(r.out, /^1 parked outbox row/);
    const code = mappingFor('strict', cat).hotels[`H-${cat.providers[0]}`];
    const key = `rate|H-${cat.providers[0]}|${Object.keys(code.rooms)[1]}|BAR-STRICT|${cat.from}`;
    await until('the repaired change to arrive', () => sim.view.get(key)?.seq === 99, 20_000);
  });

  it('resyncs a channel that lost its state from the inventory and rate tables', async () => {
    // Put the table back as it is (the repaired row above was a one-off), then the channel forgets everything.
    await db.query(`UPDATE rates SET amounts = '{"1": 1}', extra_adult = NULL, extra_child = NULL, version = 99 WHERE rate_plan_id = $1 AND day = $2`, [cat.ratePlans[1].id, cat.from]);
    sim.view.clear();
    const r = await cli(db, channels, 'resync', 'strict', '--from', cat.from, '--to', addDays(cat.from, 9));
    assert.equal(r.code, 0, r.err);
    const truth = await truthView(db, channels[0], mappingFor('strict', cat), cat);
    await until('the resync to refill the channel', () => differences(truth, sim).length === 0, 30_000);
    assert.equal((await cli(db, channels, 'resync', 'nosuch')).code, 2);
  });
});
