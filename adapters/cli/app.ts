/**
 * Composes the running gateway: store (PostgreSQL or embedded PGlite), migrations, core, demo seed, HTTP
 * server with every protocol's routes, the hold sweeper, and ARI distribution.
 */
import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import type { Config } from '../../config';
import { openPglite, openPostgres, type Db } from '../postgres/db';
import { migrate } from '../postgres/migrate';
import { createStore } from '../postgres/store';
import { createGateway } from '../../core/gateway';
import { seedWorld, type World } from '../../core/seed';
import { hubToday } from '../../core/dates';
import { projectRoot } from '../../core/paths';
import type { Store } from '../../core/ports';
import { createHttpServer, json, listen } from '../http/server';
import { apiRoutes } from '../http/api';
import type { AppDeps, Route } from '../http/types';
import type { Logger } from '../log/logger';
import { protocolRoutes, attachProtocols, startBackground, type Background } from './plugins';

export interface App {
  server: http.Server;
  port: number;
  db: Db;
  store: Store;
  deps: AppDeps;
  stop(): Promise<void>;
}

export async function openDatabase(config: Config, log: Logger): Promise<Db> {
  if (config.databaseUrl) {
    const db = openPostgres({ url: config.databaseUrl });
    try {
      await db.query('SELECT 1');
    } catch (e) {
      await db.close();
      throw new Error(`cannot reach PostgreSQL at ${db.description} (DATABASE_URL): ${(e as Error).message}`);
    }
    return db;
  }
  log.info('no DATABASE_URL: using the embedded PostgreSQL (PGlite)', { dataDir: path.resolve(config.dataDir) });
  return openPglite({ dataDir: config.dataDir });
}

export function loadDemoWorld(): World {
  return JSON.parse(fs.readFileSync(path.join(projectRoot(), 'fixtures', 'demo', 'world.json'), 'utf8')) as World;
}

export async function startApp(config: Config, log: Logger, opts: { db?: Db; progress?: (m: string) => void } = {}): Promise<App> {
  const routes = [...apiRoutes, ...protocolRoutes()]; // partner profiles are checked before anything starts
  const db = opts.db ?? await openDatabase(config, log);
  const applied = await migrate(db);
  if (applied.length) log.info('migrations applied', { applied });
  const store = createStore(db);
  const gateway = createGateway({ store, booking: { holdSeconds: config.holdSeconds, maxHoldSeconds: config.maxHoldSeconds } });
  if (config.seedDemo && (await store.countProducts()) === 0) {
    const r = await seedWorld(gateway, store, loadDemoWorld(), { from: hubToday(new Date()), days: config.seedDays, progress: opts.progress });
    log.info('demo world seeded', r);
  }
  const deps: AppDeps = { gateway, db, log };
  const background: Background[] = [];
  const health: Route = {
    method: 'GET', pattern: '/health', auth: false,
    handler: async () => {
      const s = await store.health();
      const parts: Record<string, unknown> = { store: { kind: store.kind, ok: s.ok, detail: s.detail } };
      let ok = s.ok;
      for (const b of background) {
        const h = await b.health();
        parts[b.name] = h;
        ok = ok && h.ok;
      }
      return json(ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', ...parts });
    },
  };
  const server = createHttpServer({ deps, routes: [health, ...routes], maxBodyBytes: config.maxBodyBytes });
  await attachProtocols(server, deps);
  const port = await listen(server, config.port, config.host);

  const sweep = setInterval(() => {
    gateway.expireHolds().then(
      (n) => { if (n) log.info('holds expired', { count: n }); },
      (e) => log.warn('hold sweep failed', { error: (e as Error).message }),
    );
  }, config.sweepSeconds * 1000);
  sweep.unref();
  background.push(...await startBackground(deps, config));

  let stopped = false;
  return {
    server, port, db, store, deps,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(sweep);
      for (const b of background.reverse()) await b.stop().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (!opts.db) await db.close();
    },
  };
}
