/**
 * A test world: a migrated database (PGlite, or an isolated schema on the real PostgreSQL), the core
 * gateway over it, and the demo partners and products of fixtures/demo/world.json seeded for `days` days
 * from `from`. `actor(id)` gives the Actor of a demo partner.
 */
import type { Backend } from './db';
import type { Db } from '../../adapters/postgres/db';
import { createStore } from '../../adapters/postgres/store';
import { createGateway } from '../../core/gateway';
import { seedWorld, type World } from '../../core/seed';
import type { Actor } from '../../core/model';
import type { Clock, Store } from '../../core/ports';
import { loadDemoWorld } from '../../adapters/cli/app';
import { hubToday } from '../../core/dates';

/** The demo world the gateway seeds (fixtures/demo/world.json). */
export const demoWorld = loadDemoWorld;

export interface TestWorld {
  db: Db;
  store: Store;
  gateway: ReturnType<typeof createGateway>;
  world: World;
  /** First seeded day. */
  from: string;
  actor(partnerId: string): Actor;
  /** The demo secret of a partner. */
  secret(partnerId: string): string;
  close(): Promise<void>;
}

export async function openWorld(backend: Backend, opts: { days?: number; from?: string; clock?: Clock; holdSeconds?: number } = {}): Promise<TestWorld> {
  const db = await backend.open();
  const store = createStore(db);
  const gateway = createGateway({ store, clock: opts.clock, booking: opts.holdSeconds ? { holdSeconds: opts.holdSeconds } : undefined });
  const world = demoWorld();
  const from = opts.from ?? hubToday(new Date());
  await seedWorld(gateway, store, world, { from, days: opts.days ?? 30 });
  return {
    db, store, gateway, world, from,
    actor(id) {
      const p = world.partners.find((x) => x.id === id);
      if (!p) throw new Error(`no demo partner ${id}`);
      return { partnerId: p.id, kind: p.kind };
    },
    secret(id) {
      const p = world.partners.find((x) => x.id === id);
      if (!p) throw new Error(`no demo partner ${id}`);
      return p.secret;
    },
    close: () => db.close(),
  };
}
