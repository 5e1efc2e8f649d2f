import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { startSim, type ChannelSim } from './support/channel-sim';
import {
  canCloseConnections, channel, closeConnections, differences, dropTopology, mappingFor, namespace, randomChange, rng,
  otaProjection, seedCatalogue, tempDir, truthView, until, writeMapping, type Catalogue,
} from './support/ari-world';
import { startDistribution, type Distribution } from '../adapters/channels/distribution';
import { MemoryBus } from '../adapters/bus/memory';
import { silentLogger } from '../adapters/log/logger';
import type { Db } from '../adapters/postgres/db';
import type { ChannelConfig } from '../config/channels/validate';

const amqpUrl = process.env.AMQP_URL;
const OPS = Number(process.env.ARI_CONVERGENCE_OPS ?? 10_000);

/** A channel down for at least `ms` and until it has turned requests away. */
async function outage(sim: ChannelSim, mode: 'fail' | 'stall', ms: number): Promise<void> {
  sim.setMode(mode);
  const t0 = Date.now();
  await until('the channel to turn a request away', () => sim.failedRequests > 0 && Date.now() - t0 >= ms, 60_000);
  sim.setMode('ok');
}

forEachBackend(`ARI convergence over the ${amqpUrl ? 'rabbitmq' : 'in-process bus'}`, (backend) => {
  let db: Db;
  let cat: Catalogue;
  let sims: ChannelSim[] = [];
  let dist: Distribution | null = null;
  let channels: ChannelConfig[] = [];
  const ns = namespace();
  const connectionName = `${ns}-gateway`;

  after(async () => {
    await dist?.stop();
    await dropTopology(ns, channels);
    for (const s of sims) await s.close();
    await db?.close();
  });

  it(`${OPS} random ARI changes and bookings reach 3 channels exactly, through 2 broker connection losses and a channel outage`, async function () {
    this.timeout(240_000);
    db = await backend.open();
    cat = await seedCatalogue(db, { providers: 3, productsPerProvider: 3, days: 60 });
    sims = [await startSim(), await startSim(), await startSim()];
    const [p1, p2] = [cat.products.filter((p) => p.providerId === cat.providers[1]), cat.products.filter((p) => p.providerId === cat.providers[2])];
    channels = [
      channel('alpha', sims[0], { providers: cat.providers }, { prefetch: 300, batchSize: 300 }),
      // The channel that goes down: patient enough (≈ 17 s of backoff) to ride out a 3 s outage.
      channel('beta', sims[1], { products: p1.map((p) => p.id) }, { retryDelaysMs: [100, 200, 400, 800, 1600], maxAttempts: 15 }),
      channel('gamma', sims[2], { providers: [cat.providers[0]], ratePlans: [`${p2[0].id}-BAR`] }, { format: 'ota', timeoutMs: 500, rateLimitPerMinute: 6000 }),
    ];
    const dir = tempDir('ari-conv');
    for (const c of channels) writeMapping(dir, c.name, mappingFor(c.name, cat));
    const memBus = amqpUrl ? undefined : new MemoryBus({ exchange: `${ns}.ari` });
    dist = await startDistribution({ db, log: silentLogger(), amqpUrl, bus: memBus, channels, mappingsDir: dir, namespace: ns, connectionName });
    const brokerKill = amqpUrl ? canCloseConnections() : true;
    const kill = async () => {
      if (memBus) memBus.interrupt();
      else if (brokerKill) assert.ok((await closeConnections(connectionName)) >= 1, 'no connection of ours to close');
    };

    const r = rng(20260501);
    let done = 0;
    const incidents: Promise<void>[] = [];
    const writer = async () => {
      while (done < OPS) {
        done++;
        await randomChange(db, cat, r);
        if (done === Math.floor(OPS / 3) || done === Math.floor((2 * OPS) / 3)) incidents.push(kill());
        if (done === Math.floor(OPS / 5)) {
          incidents.push(outage(sims[1], 'fail', 3000), outage(sims[2], 'stall', 1500));
        }
      }
    };
    await Promise.all(Array.from({ length: db.kind === 'postgres' ? 4 : 1 }, writer));
    await Promise.all(incidents);

    for (const [i, c] of channels.entries()) {
      const truth = await truthView(db, c, mappingFor(c.name, cat), cat, c.format === 'ota' ? otaProjection : undefined);
      let diff: string[] = [];
      await until(`channel ${c.name} to equal the source of truth`, () => (diff = differences(truth, sims[i])).length === 0, 90_000, 200).catch((e) => {
        throw new Error(`${(e as Error).message}; ${diff.length} keys differ, e.g. ${diff.slice(0, 3).join('; ')}`);
      });
    }
    for (const s of sims) assert.deepEqual(s.violations, [], 'a channel received an older value after a newer one');
    assert.ok(sims[1].failedRequests > 0 && sims[2].failedRequests > 0, 'the outages did not happen');
    await until('nothing undelivered', async () => (await dist!.status()).channels.every((c) => c.undelivered === 0), 10_000).catch(() => undefined);
    const st = await dist.status();
    for (const c of st.channels) {
      assert.equal(c.deadLetters, 0, `${c.name} has dead letters`);
      assert.equal(c.undelivered, 0, `${c.name} has undelivered changes`);
    }
    if (amqpUrl && brokerKill) assert.ok(!st.bus!.detail.includes('reconnects=0'), `no reconnect happened: ${st.bus!.detail}`);
  });
});
