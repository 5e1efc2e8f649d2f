import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { startSim, type ChannelSim } from './support/channel-sim';
import { otaProjection } from './support/ari-world';
import { channel, differences, dropTopology, mappingFor, namespace, randomChange, rng, seedCatalogue, tempDir, truthView, until, writeMapping, type Catalogue } from './support/ari-world';
import { startDistribution, type Distribution } from '../adapters/channels/distribution';
import { silentLogger } from '../adapters/log/logger';
import type { Db } from '../adapters/postgres/db';
import type { ChannelConfig } from '../config/channels/validate';

const busName = process.env.AMQP_URL ? 'rabbitmq' : 'in-process bus';

forEachBackend(`ARI distribution over the ${busName}`, (backend) => {
  let db: Db;
  let cat: Catalogue;
  let sims: ChannelSim[];
  let dist: Distribution | null;
  let channels: ChannelConfig[];
  const ns = namespace();
  const dir = tempDir('ari-map');

  before(async () => {
    db = await backend.open();
    cat = await seedCatalogue(db, { providers: 2, productsPerProvider: 2, days: 30 });
    sims = [await startSim(), await startSim()];
    channels = [
      channel('wide', sims[0], { providers: cat.providers }),
      channel('narrow', sims[1], { products: [cat.products[0].id] }, { format: 'ota' }),
    ];
    for (const c of channels) writeMapping(dir, c.name, mappingFor(c.name, cat));
    dist = await startDistribution({ db, log: silentLogger(), amqpUrl: process.env.AMQP_URL, channels, mappingsDir: dir, namespace: ns });
  });

  after(async () => {
    await dist?.stop();
    await dropTopology(ns, channels);
    for (const s of sims) await s.close();
    await db.close();
  });

  it('brings every channel to the current state of what it sells, in few coalesced requests', async () => {
    for (const [i, c] of channels.entries()) {
      const truth = await truthView(db, c, mappingFor(c.name, cat), cat, c.format === 'ota' ? otaProjection : undefined);
      await until(`${c.name} to converge`, () => differences(truth, sims[i]).length === 0, 30_000);
    }
    // 4 products × 30 days × (availability + rate) = 240 keys reached the wide channel in a handful of requests.
    assert.ok(sims[0].requests < 20, `the wide channel got ${sims[0].requests} requests`);
    assert.deepEqual(sims[0].violations, []);
  });

  it('delivers later changes and bookings, never an older value after a newer one', async () => {
    const r = rng(7);
    for (let i = 0; i < 300; i++) await randomChange(db, cat, r);
    for (const [i, c] of channels.entries()) {
      const truth = await truthView(db, c, mappingFor(c.name, cat), cat, c.format === 'ota' ? otaProjection : undefined);
      await until(`${c.name} to converge`, () => differences(truth, sims[i]).length === 0, 30_000);
    }
    assert.deepEqual(sims[0].violations, []);
    // A channel's answer comes before its acknowledgement is recorded: wait for the record.
    await until('nothing undelivered', async () => (await dist!.status()).channels.every((c) => c.undelivered === 0), 10_000);
    const st = await dist!.status();
    const wide = st.channels.find((c) => c.name === 'wide')!;
    assert.equal(wide.undelivered, 0);
    assert.equal(wide.lagMs, 0);
    assert.equal(wide.deadLetters, 0);
    assert.ok(wide.delivered >= 240);
  });
});

