/**
 * Retention: rules that delete old rows of the append-only tables in bounded batches, and the runner that
 * applies them. Each adapter states the rules of its own tables — which old rows a consumer still needs —
 * with their SQL in its own SQL file; `maqam prune` and `maqam start` run them all (adapters/cli/retention.ts).
 */
import type { Sql } from './db';
import { DB_NOW, PRUNE_AIR_BOOKINGS, PRUNE_IDEMPOTENCY, PRUNE_MANIFESTS } from './sql';

/**
 * Rows per DELETE. A batch holds its row locks for a few ms (3–64 ms measured on PostgreSQL 15 with the
 * indexes of migration 400), so a backlog of millions is worked off without a long lock or transaction.
 */
export const PRUNE_BATCH = 5000;

export interface BatchResult {
  deleted: number;
  /** Rows past the age kept because something still needs them. */
  kept: number;
  /** Cursor of the next batch (an id for id-ordered rules), or null when this run is done with the table. */
  next: number | null;
}

export interface RetentionRule {
  table: string;
  /** The setting that gives the age (named when the rule is off). */
  setting: string;
  /** Rows older than this may go; 0 keeps every row. */
  ageSeconds: number;
  /** What keeps an old row anyway (printed next to a count of kept rows). */
  keeps?: string;
  /** Deletes one batch of rows older than `cutoff`, starting at cursor `after` (0 for the first batch). */
  batch(cutoff: Date, after: number, limit: number): Promise<BatchResult>;
}

/** One batch of a PRUNE_BY_ID statement. */
export async function pruneById(db: Sql, text: string, cutoff: Date, after: number, limit: number, extra: unknown[] = []): Promise<BatchResult> {
  const r = await db.query<{ deleted: number; kept: number; next: number | null }>(text, [after, limit, cutoff.toISOString(), ...extra]);
  const row = r.rows[0];
  return { deleted: row.deleted, kept: row.kept, next: row.next === null ? null : Number(row.next) };
}

/** One batch of a statement over ($1 cutoff, $2 limit) answering `deleted` (PRUNE_BY_TIME and the like): a full batch calls for another. */
export async function pruneByTime(db: Sql, text: string, cutoff: Date, limit: number): Promise<BatchResult> {
  const r = await db.query<{ deleted: number }>(text, [cutoff.toISOString(), limit]);
  const deleted = r.rows[0].deleted;
  return { deleted, kept: 0, next: deleted === limit ? 0 : null };
}

/**
 * The core store's rules: idempotency keys outlive the replay window and then go; airline PNRs and
 * manifests, which hold pilgrims' passport data, go a set time after the travel they describe.
 */
export function coreRetentionRules(db: Sql, o: { idempotencyHours: number; travelDataDays: number }): RetentionRule[] {
  return [{
    table: 'idempotency_keys',
    setting: 'retention.idempotencyHours',
    ageSeconds: o.idempotencyHours * 3600,
    batch: (cutoff, _after, limit) => pruneByTime(db, PRUNE_IDEMPOTENCY, cutoff, limit),
  }, {
    table: 'air_bookings',
    setting: 'retention.travelDataDays',
    ageSeconds: o.travelDataDays * 86400,
    batch: (cutoff, _after, limit) => pruneByTime(db, PRUNE_AIR_BOOKINGS, cutoff, limit),
  }, {
    table: 'manifests',
    setting: 'retention.travelDataDays',
    ageSeconds: o.travelDataDays * 86400,
    batch: (cutoff, _after, limit) => pruneByTime(db, PRUNE_MANIFESTS, cutoff, limit),
  }];
}

export interface TableReport {
  table: string;
  deleted: number;
  kept: number;
  /** The setting that turned the rule off (age 0). */
  off?: string;
  keeps?: string;
  /** The rule failed (the others still ran). */
  error?: string;
}

export interface RunOptions {
  limit?: number;
  /** Called after every batch with the table's running count. */
  progress?: (table: string, deleted: number) => void;
  /** Checked between batches: a stopping gateway does not wait for a long backlog. */
  stopped?: () => boolean;
}

/** Applies every rule, batch after batch, against the database's clock; one rule failing does not stop the others. */
export async function runRetention(db: Sql, rules: RetentionRule[], o: RunOptions = {}): Promise<TableReport[]> {
  const limit = o.limit ?? PRUNE_BATCH;
  const now = new Date((await db.query<{ now: Date | string }>(DB_NOW)).rows[0].now);
  const out: TableReport[] = [];
  for (const rule of rules) {
    const report: TableReport = { table: rule.table, deleted: 0, kept: 0, ...(rule.keeps ? { keeps: rule.keeps } : {}) };
    out.push(report);
    if (rule.ageSeconds <= 0) {
      report.off = rule.setting;
      continue;
    }
    const cutoff = new Date(now.getTime() - rule.ageSeconds * 1000);
    let after = 0;
    try {
      while (!o.stopped?.()) {
        const r = await rule.batch(cutoff, after, limit);
        report.deleted += r.deleted;
        report.kept += r.kept;
        if (r.deleted > 0) o.progress?.(rule.table, report.deleted);
        if (r.next === null) break;
        after = r.next;
      }
    } catch (e) {
      report.error = (e as Error).message;
    }
  }
  return out;
}
