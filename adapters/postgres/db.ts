/**
 * The one narrow database port: run SQL text with positional values, alone or in a transaction.
 * Two drivers implement it with the same SQL: `pg` against a PostgreSQL server, and PGlite (embedded
 * PostgreSQL in WebAssembly) persisted in a data directory when no server is configured.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Sql {
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<T>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Db extends Sql {
  readonly kind: 'postgres' | 'pglite';
  /** Human description without secrets (for logs and /health). */
  readonly description: string;
  /** Runs `fn` inside BEGIN … COMMIT on one connection; ROLLBACK on throw. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// Dates come back as 'YYYY-MM-DD' strings and bigints as numbers (all our bigints are counters and minor
// units far below 2^53), so both drivers return the same JS values.
pg.types.setTypeParser(1082, (v: string) => v);
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface PostgresOptions {
  url: string;
  /** Every connection gets this search_path (tests isolate themselves in a schema). */
  schema?: string;
  poolSize?: number;
}

/** Describes a connection URL without its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Parameterised statements are sent as named (prepared) statements: pg then parses and plans each text once
 * per connection instead of on every call, which matters for the multi-CTE booking statement.
 */
const statementNames = new Map<string, string>();
function prepared(text: string, values: unknown[] | undefined): pg.QueryConfig | string {
  if (!values || values.length === 0) return text;
  let name = statementNames.get(text);
  if (!name) {
    name = 'mq_' + crypto.createHash('sha1').update(text).digest('hex').slice(0, 16);
    statementNames.set(text, name);
  }
  return { name, text, values };
}

export function openPostgres(opts: PostgresOptions): Db {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 20,
    options: opts.schema ? `-c search_path=${opts.schema}` : undefined,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection (server restart, pg_terminate_backend) must not crash the process.
  pool.on('error', () => undefined);
  return {
    kind: 'postgres',
    description: `postgres ${redactUrl(opts.url)}${opts.schema ? ` schema=${opts.schema}` : ''}`,
    async query<T>(text: string, values?: unknown[]) {
      const r = await pool.query(prepared(text, values) as pg.QueryConfig);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async exec(script: string) {
      await pool.query(script);
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const tx: Sql = {
          async query<R>(text: string, values?: unknown[]) {
            const r = await client.query(prepared(text, values) as pg.QueryConfig);
            return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
          },
          async exec(script: string) {
            await client.query(script);
          },
        };
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw e;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

export interface PgliteOptions {
  /** Directory to persist in; `undefined` or `memory://` keeps everything in memory. */
  dataDir?: string;
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = opts.dataDir && opts.dataDir !== 'memory://' ? path.resolve(opts.dataDir) : undefined;
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const unlock = dir ? lockDataDir(dir) : () => undefined;
  // Same JS values as the pg driver above: dates as 'YYYY-MM-DD', int8 as numbers.
  const parsers = { 1082: (v: string) => v, 20: (v: string) => Number(v) };
  const db = dir ? new PGlite(dir, { parsers }) : new PGlite({ parsers });
  await db.waitReady;
  // PGlite has a single connection: transactions are serialised by its own mutex, and a query issued
  // outside `transaction` while one runs waits for it. That keeps the same semantics as a server.
  const wrap = (r: { rows: unknown[]; affectedRows?: number }) => ({ rows: r.rows, rowCount: r.affectedRows || r.rows.length });
  return {
    kind: 'pglite',
    description: `pglite ${dir ?? 'in-memory'}`,
    async query<T>(text: string, values?: unknown[]) {
      return wrap(await db.query(text, values)) as QueryResult<T>;
    },
    async exec(script: string) {
      await db.exec(script);
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      return db.transaction(async (t) => {
        const tx: Sql = {
          async query<R>(text: string, values?: unknown[]) {
            return wrap(await t.query(text, values)) as QueryResult<R>;
          },
          async exec(script: string) {
            await t.exec(script);
          },
        };
        return fn(tx);
      });
    },
    async close() {
      try {
        await db.close();
      } finally {
        unlock();
      }
    },
  };
}

/**
 * PGlite is one process's database: two processes opening the same directory would corrupt it. A lock file
 * with the owner's pid keeps a second process (say `maqam seed demo` while `maqam start` runs) out with a
 * clear message; a lock left by a dead process is taken over.
 */
function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'maqam.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => { try { fs.unlinkSync(file); } catch { /* already gone */ } };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      let alive = false;
      try { process.kill(pid, 0); alive = pid !== process.pid || true; } catch { alive = false; }
      if (alive) throw new Error(`the embedded database in ${dir} is in use by process ${pid} (a running gateway?); stop it first, or set DATABASE_URL to share a PostgreSQL server`);
      fs.unlinkSync(file);
    }
  }
  throw new Error(`cannot lock the embedded database in ${dir}`);
}

/** SQLSTATEs worth retrying a whole transaction for. */
export function isRetryable(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** A pg/PGlite error's SQLSTATE, if any. */
export function sqlState(e: unknown): string | undefined {
  return (e as { code?: string } | null)?.code;
}
