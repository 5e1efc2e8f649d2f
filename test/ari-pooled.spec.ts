import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { openWorld, type TestWorld } from './support/world';
import { startSim, type ChannelSim } from './support/channel-sim';
import { addDays, channel, differences, dropTopology, mappingFor, namespace, otaProjection, tempDir, truthView, until, writeMapping, type Catalogue } from './support/ari-world';
import { startDistribution, type Distribution } from '../adapters/channels/distribution';
import { silentLogger } from '../adapters/log/logger';
import type { ChannelConfig } from '../config/channels/validate';

const HOTEL = 'QCA-SAFWA';

forEachBackend(`ARI pooled inventory over the ${process.env.AMQP_URL ? 'rabbitmq' : 'in-process bus'}`, (backend) => {
  let w: TestWorld;
  let cat: Catalogue;
  let sims: ChannelSim[] = [];
  let dist: Distribution | null = null;
  let channels: ChannelConfig[] = [];
  const ns = namespace();

  before(async () => {
    w = await openWorld(backend, { days: 10 });
    const products = (await w.db.query<{ id: string; provider_id: string; code: string }>('SELECT id, provider_id, code FROM products WHERE provider_id = $1 ORDER BY id', [HOTEL])).rows;
    const ratePlans = (await w.db.query<{ id: string; product_id: string; code: string }>('SELECT rp.id, rp.product_id, rp.code FROM rate_plans rp JOIN products p ON p.id = rp.product_id WHERE p.provider_id = $1', [HOTEL])).rows;
    cat = { from: w.from, days: 10, providers: [HOTEL], products: products.map((p) => ({ id: p.id, providerId: p.provider_id, code: p.code })), ratePlans: ratePlans.map((r) => ({ id: r.id, productId: r.product_id, code: r.code })) };
    sims = [await startSim(), await startSim(), await startSim()];
    channels = [
      channel('ota-site', sims[0], { providers: [HOTEL] }, { format: 'ota', kind: 'ota' }),
      channel('gds', sims[1], { products: cat.products.map((p) => p.id) }, { kind: 'gds' }),
      channel('agency-app', sims[2], { providers: [HOTEL] }, { kind: 'agency' }),
    ];
    const dir = tempDir('ari-pooled');
    for (const c of channels) writeMapping(dir, c.name, mappingFor(c.name, cat));
    dist = await startDistribution({ db: w.db, log: silentLogger(), amqpUrl: process.env.AMQP_URL, channels, mappingsDir: dir, namespace: ns });
  });

  after(async () => {
    await dist?.stop();
    await dropTopology(ns, channels);
    for (const s of sims) await s.close();
    await w?.close();
  });

  async function converged(): Promise<void> {
    for (const [i, c] of channels.entries()) {
      const truth = await truthView(w.db, c, mappingFor(c.name, cat), cat, c.format === 'ota' ? otaProjection : undefined);
      await until(`${c.name} to equal the source of truth`, () => differences(truth, sims[i]).length === 0, 30_000);
    }
  }

  const availableOn = (sim: ChannelSim, day: string): number | undefined => {
    const room = Object.keys(mappingFor('x', cat).hotels[`H-${HOTEL}`].rooms)[0];
    return sim.view.get(`availability|H-${HOTEL}|${room}||${day}`)?.state.available as number | undefined;
  };

  it('a booking taken through one channel lowers the availability every channel shows, and a cancellation restores it', async function () {
    this.timeout(60_000);
    // ARI changes by the hotel (what it sends through OTA or the JSON API) flow out too.
    await w.gateway.updateInventory({ actor: w.actor(HOTEL) }, { productId: cat.products[0].id, from: w.from, to: addDays(w.from, 9), allotment: 12 });
    await converged();
    const day = addDays(w.from, 2);
    assert.deepEqual(sims.map((s) => availableOn(s, day)), [12, 12, 12]);

    const agent = w.world.partners.find((p) => p.kind === 'agency')!.id;
    const booking = await w.gateway.book({ actor: w.actor(agent) }, {
      items: [{ productId: cat.products[0].id, start: day, end: addDays(day, 2), quantity: 3, guests: 1 }],
      hold: false, channel: 'ota:ota-site', externalRef: 'OTA-778812',
    });
    await converged();
    assert.deepEqual(sims.map((s) => availableOn(s, day)), [9, 9, 9]);
    assert.deepEqual(sims.map((s) => availableOn(s, addDays(day, 1))), [9, 9, 9]);
    assert.deepEqual(sims.map((s) => availableOn(s, addDays(day, 2))), [12, 12, 12], 'check-out day untouched');

    await w.gateway.cancel({ actor: w.actor(agent) }, booking.locator);
    await converged();
    assert.deepEqual(sims.map((s) => availableOn(s, day)), [12, 12, 12]);
    for (const s of sims) assert.deepEqual(s.violations, []);
  });
});
