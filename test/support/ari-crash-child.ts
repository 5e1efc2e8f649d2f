/**
 * The gateway process the crash test kills: runs the ARI distribution on the parent's schema and writes
 * random ARI changes and bookings as fast as it can, printing `ops <n>` as it goes, until SIGKILL.
 * The relay polls slowly on purpose so that committed changes wait unpublished when the kill comes.
 */
import fs from 'node:fs';
import { openPostgres } from '../../adapters/postgres/db';
import { startDistribution } from '../../adapters/channels/distribution';
import { silentLogger } from '../../adapters/log/logger';
import type { ChannelConfig } from '../../config/channels/validate';
import { randomChange, rng, type Catalogue } from './ari-world';

async function main(): Promise<void> {
  const env = process.env;
  const db = openPostgres({ url: env.DATABASE_URL!, schema: env.ARI_SCHEMA! });
  const channels = JSON.parse(fs.readFileSync(env.ARI_CHANNELS!, 'utf8')) as ChannelConfig[];
  const cat = JSON.parse(fs.readFileSync(env.ARI_CATALOGUE!, 'utf8')) as Catalogue;
  await startDistribution({
    db, log: silentLogger(), amqpUrl: env.AMQP_URL, channels, mappingsDir: env.ARI_MAPPINGS!, namespace: env.ARI_NS!,
    relay: { pollMs: 300, batchSize: 200 }, connectionName: `${env.ARI_NS}-child`,
  });
  const r = rng(Number(env.ARI_SEED ?? 1));
  for (let n = 1; ; n++) {
    await randomChange(db, cat, r);
    if (n % 100 === 0) process.stdout.write(`ops ${n}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`crash child failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
