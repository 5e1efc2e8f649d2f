/**
 * `maqam` — the command line: start the gateway, seed demo data, translate and inspect messages, operate
 * channels. Each command prints what a person needs; errors are one clear line and a non-zero exit.
 */
import { loadConfig, ConfigError } from '../../config';
import { createLogger, silentLogger } from '../log/logger';
import { startApp, openDatabase, loadDemoWorld } from './app';
import { migrate } from '../postgres/migrate';
import { createStore } from '../postgres/store';
import { createGateway } from '../../core/gateway';
import { seedWorld } from '../../core/seed';
import { hubToday } from '../../core/dates';
import { extraCommands } from './commands';
import { CHANNELS_USAGE } from '../channels/cli';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const HELP = `maqam — Maqam gateway (distribution gateway and channel manager for Hajj and Umrah services)

usage:
  maqam start                 run the gateway (HTTP on PORT, default 8080)
  maqam migrate               apply database migrations and exit
  maqam seed demo             load the demo world (hotels, transport, catering, visits, insurance, agencies)
  maqam translate FILE        translate an EDIFACT interchange or OTA XML message into canonical JSON
  maqam edifact parse FILE    print the segment tree of an interchange as JSON
  maqam edifact ack FILE      print the CONTRL the gateway would send for an interchange
  maqam channels …            operate ARI distribution channels:
${CHANNELS_USAGE.replaceAll('  maqam', '    maqam')}
  maqam prune                 delete what the retention settings no longer keep, and print the counts
  maqam help                  this text

Configuration comes from environment variables (DATABASE_URL, AMQP_URL, PORT, LOG_LEVEL, MAQAM_DATA_DIR …);
see README.md.`;

export async function main(args: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [cmd, ...rest] = args;
  try {
    switch (cmd) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(HELP + '\n');
        return cmd === undefined ? 2 : 0;
      case 'start':
        return await start(io);
      case 'migrate': {
        const config = loadConfig();
        const log = createLogger(config.logLevel);
        const db = await openDatabase(config, log);
        const applied = await migrate(db);
        await db.close();
        io.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
        return 0;
      }
      case 'seed': {
        if (rest[0] !== 'demo') { io.stderr.write('usage: maqam seed demo\n'); return 2; }
        const config = loadConfig();
        const log = silentLogger();
        const db = await openDatabase(config, log);
        await migrate(db);
        const store = createStore(db);
        const r = await seedWorld(createGateway({ store }), store, loadDemoWorld(), {
          from: hubToday(new Date()), days: config.seedDays, progress: (m) => io.stderr.write(m + '\n'),
        });
        await db.close();
        io.stdout.write(`demo world ready: ${r.partners} partners, ${r.products} products, ${config.seedDays} days of inventory and rates\n`);
        return 0;
      }
      default: {
        const extra = extraCommands[cmd];
        if (extra) return await extra(rest, io);
        io.stderr.write(`maqam: unknown command "${cmd}"\n\n${HELP}\n`);
        return 2;
      }
    }
  } catch (e) {
    if (e instanceof ConfigError) { io.stderr.write(`maqam: ${e.message}\n`); return 78; }
    throw e;
  }
}

async function start(io: Io): Promise<number> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const app = await startApp(config, log, { progress: (m) => io.stderr.write(m + '\n') });
  const base = `http://localhost:${app.port}`;
  io.stdout.write(`Maqam gateway listening on ${base} (store: ${app.store.kind})
Try it:
  curl ${base}/health
  curl -u AG-NOOR:demo-noor-secret "${base}/v1/availability?kind=hotel&city=QCA&start=${hubToday(new Date())}&end=${addDaysIso(hubToday(new Date()), 3)}&guests=2"
`);
  await new Promise<void>((resolve) => {
    const bye = (sig: string) => { log.info('stopping', { signal: sig }); resolve(); };
    process.once('SIGINT', () => bye('SIGINT'));
    process.once('SIGTERM', () => bye('SIGTERM'));
  });
  await app.stop();
  return 0;
}

function addDaysIso(d: string, n: number): string {
  return new Date(Date.parse(d + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);
}
