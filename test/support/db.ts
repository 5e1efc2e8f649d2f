/**
 * Test databases. Every spec runs against the embedded PGlite, and also against the real PostgreSQL when
 * DATABASE_URL is set (CI always sets it). Each opened database is an isolated schema (PostgreSQL) or a
 * fresh in-memory instance (PGlite), with all migrations applied.
 */
import crypto from 'node:crypto';
import { openPglite, openPostgres, type Db } from '../../adapters/postgres/db';
import { migrate } from '../../adapters/postgres/migrate';

export interface Backend {
  name: 'pglite' | 'postgres';
  open(): Promise<Db>;
  /** An empty database (no migration applied), for tests of the migrations themselves. */
  openEmpty(): Promise<Db>;
}

async function openIsolatedPostgres(url: string, migrated = true): Promise<Db> {
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = openPostgres({ url, poolSize: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const db = openPostgres({ url, schema, poolSize: 40 });
  if (migrated) await migrate(db);
  const close = db.close.bind(db);
  return Object.assign(db, {
    async close() {
      await close();
      const a = openPostgres({ url, poolSize: 1 });
      await a.query(`DROP SCHEMA ${schema} CASCADE`);
      await a.close();
    },
  });
}

export function backends(): Backend[] {
  const list: Backend[] = [
    {
      name: 'pglite',
      async open() {
        const db = await openPglite();
        await migrate(db);
        return db;
      },
      openEmpty: () => openPglite(),
    },
  ];
  const url = process.env.DATABASE_URL;
  if (url) list.push({ name: 'postgres', open: () => openIsolatedPostgres(url), openEmpty: () => openIsolatedPostgres(url, false) });
  return list;
}

/** Declares `body` once per backend, inside a describe named after it. */
export function forEachBackend(title: string, body: (b: Backend) => void): void {
  for (const b of backends()) describe(`${title} [${b.name}]`, () => body(b));
}
