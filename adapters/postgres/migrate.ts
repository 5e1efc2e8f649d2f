/**
 * Applies numbered `.sql` migrations in order, each once, under an advisory lock so that several gateway
 * processes starting together do not race. Files live in `adapters/postgres/migrations/NNN_name.sql`;
 * adapters that own tables add their own numbers (100s EDIFACT, 200s OpenTravel, 300s ARI distribution).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db';
import { projectRoot } from '../../core/paths';

// Any constant works as long as every process uses the same one; this spells "MAQM".
const MIGRATION_LOCK = 0x4d41514d;

export function migrationsDir(): string {
  return path.join(projectRoot(), 'adapters', 'postgres', 'migrations');
}

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = migrationsDir()): MigrationFile[] {
  const files = fs.readdirSync(dir).filter((f) => /^\d+_.+\.sql$/.test(f));
  const out = files.map((f) => ({ version: Number(f.split('_')[0]), name: f, sql: fs.readFileSync(path.join(dir, f), 'utf8') }));
  out.sort((a, b) => a.version - b.version);
  for (let i = 1; i < out.length; i++) {
    if (out[i].version === out[i - 1].version) throw new Error(`two migrations share number ${out[i].version}: ${out[i - 1].name}, ${out[i].name}`);
  }
  return out;
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(db: Db, dir = migrationsDir()): Promise<string[]> {
  const files = readMigrations(dir);
  return db.transaction(async (tx) => {
    // Transaction-scoped lock: released by COMMIT/ROLLBACK even if this process dies.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: string[] = [];
    for (const m of files) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.name);
    }
    return applied;
  });
}
