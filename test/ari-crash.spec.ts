import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { backends } from './support/db';
import { startSim, type ChannelSim } from './support/channel-sim';
import { channel, differences, dropTopology, mappingFor, namespace, seedCatalogue, tempDir, truthView, until, writeMapping, type Catalogue } from './support/ari-world';
import { startDistribution, type Distribution } from '../adapters/channels/distribution';
import { silentLogger } from '../adapters/log/logger';
import type { Db } from '../adapters/postgres/db';
import type { ChannelConfig } from '../config/channels/validate';

// Two processes share one database: only the PostgreSQL server can do that (PGlite is in-process).
const pg = backends().find((b) => b.name === 'postgres');

(pg ? describe : describe.skip)(`ARI crash recovery over the ${process.env.AMQP_URL ? 'rabbitmq' : 'in-process bus'} [postgres]`, () => {
  let db: Db;
  let cat: Catalogue;
  let sim: ChannelSim;
  let child: ChildProcess | null = null;
  let dist: Distribution | null = null;
  let channels: ChannelConfig[] = [];
  const ns = namespace();

  after(async () => {
    child?.kill('SIGKILL');
    await dist?.stop();
    await dropTopology(ns, channels);
    await sim?.close();
    await db?.close();
  });

  it('loses nothing when the gateway is killed between commit and publish', async function () {
    this.timeout(120_000);
    db = await pg!.open();
    const schema = /schema=(\S+)/.exec(db.description)![1];
    cat = await seedCatalogue(db, { providers: 2, productsPerProvider: 2, days: 30 });
    sim = await startSim();
    channels = [channel('survivor', sim, { providers: cat.providers })];
    const dir = tempDir('ari-crash');
    writeMapping(dir, 'survivor', mappingFor('survivor', cat));
    fs.writeFileSync(path.join(dir, 'channels.json.txt'), JSON.stringify(channels));
    fs.writeFileSync(path.join(dir, 'catalogue.json.txt'), JSON.stringify(cat));

    child = spawn(process.execPath, [path.join(__dirname, 'support', 'ari-crash-child.js')], {
      env: { ...process.env, ARI_SCHEMA: schema, ARI_NS: ns, ARI_CHANNELS: path.join(dir, 'channels.json.txt'), ARI_CATALOGUE: path.join(dir, 'catalogue.json.txt'), ARI_MAPPINGS: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let ops = 0;
    child.stdout!.on('data', (b: Buffer) => {
      const m = /ops (\d+)\s*$/.exec(b.toString());
      if (m) ops = Number(m[1]);
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child!.once('exit', (_c, sig) => resolve(sig)));
    await until('the child to deliver and keep writing', () => ops >= 1500 && sim.records > 0, 60_000);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    child = null;

    const pending = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ari_outbox WHERE published_at IS NULL')).rows[0].n;
    assert.ok(pending > 0, 'the kill did not fall between a commit and its publish');
    const truth = await truthView(db, channels[0], mappingFor('survivor', cat), cat);
    assert.ok(differences(truth, sim).length > 0, 'the channel already had everything before the restart');

    dist = await startDistribution({ db, log: silentLogger(), amqpUrl: process.env.AMQP_URL, channels, mappingsDir: dir, namespace: ns });
    await until('the channel to equal the source of truth after the restart', () => differences(truth, sim).length === 0, 60_000);
    assert.deepEqual(sim.violations, []);
    await until('nothing undelivered', async () => (await dist!.status()).channels[0].undelivered === 0, 10_000).catch(() => undefined);
    const st = await dist.status();
    assert.equal(st.relay.pending, 0);
    assert.equal(st.channels[0].undelivered, 0);
  });
});
