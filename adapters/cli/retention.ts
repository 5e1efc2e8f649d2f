/**
 * Retention as the gateway runs it: every adapter's rules from the `retention` settings, a periodic run
 * inside `maqam start`, and `maqam prune`, which runs them once and prints what each table lost.
 */
import type { Logger } from 'winston';
import type { Db, Sql } from '../postgres/db';
import type { Io } from './main';
import type { Background } from './plugins';
import { loadConfig, type RetentionConfig } from '../../config';
import { loadChannels, type ChannelConfig } from '../../config/channels/validate';
import { channelsDir } from '../channels/distribution';
import { channelRetentionRules } from '../channels/retention';
import { otaRetentionRules } from '../ota/retention';
import { edifactRetentionRules } from '../edifact/retention';
import { coreRetentionRules, runRetention, type RetentionRule, type RunOptions, type TableReport } from '../postgres/retention';
import { silentLogger } from '../log/logger';
import { openDatabase } from './app';
import { migrate } from '../postgres/migrate';

/** Every table's rule, read afresh for each run (which channels consume the outbox can change). */
export async function retentionRules(db: Sql, settings: RetentionConfig, channels: readonly ChannelConfig[]): Promise<RetentionRule[]> {
  return [
    ...await channelRetentionRules(db, { channels, outboxDays: settings.outboxDays }),
    ...otaRetentionRules(db, settings),
    ...coreRetentionRules(db, settings),
    ...edifactRetentionRules(db, settings),
  ];
}

export async function prune(db: Sql, settings: RetentionConfig, channels: readonly ChannelConfig[], o: RunOptions = {}): Promise<TableReport[]> {
  return runRetention(db, await retentionRules(db, settings, channels), o);
}

/** Runs retention every `settings.everySeconds` (0: never) until stopped; a run never overlaps the next. */
export function startRetention(o: { db: Db; log: Logger; settings: RetentionConfig; channels: readonly ChannelConfig[] }): Background {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let last: { at: string; deleted: number; failed: string[] } | null = null;
  const runOnce = async () => {
    const t0 = Date.now();
    try {
      const reports = await prune(o.db, o.settings, o.channels, { stopped: () => stopped });
      const deleted = Object.fromEntries(reports.filter((r) => r.deleted > 0).map((r) => [r.table, r.deleted]));
      const total = reports.reduce((n, r) => n + r.deleted, 0);
      const failed = reports.filter((r) => r.error);
      for (const r of failed) o.log.warn('retention failed', { table: r.table, error: r.error });
      if (total > 0) o.log.info('retention pruned old rows', { total, deleted, ms: Date.now() - t0 });
      last = { at: new Date().toISOString(), deleted: total, failed: failed.map((r) => r.table) };
    } catch (e) {
      o.log.warn('retention run failed', { error: (e as Error).message });
      last = { at: new Date().toISOString(), deleted: 0, failed: ['*'] };
    }
  };
  const schedule = () => {
    if (stopped || o.settings.everySeconds <= 0) return;
    timer = setTimeout(() => { running = runOnce().finally(schedule); }, o.settings.everySeconds * 1000);
    timer.unref();
  };
  schedule();
  return {
    name: 'retention',
    // Retention falling behind does not stop the gateway serving: reported, never "degraded".
    async health() { return { ok: true, everySeconds: o.settings.everySeconds, lastRun: last }; },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** The per-table lines `maqam prune` prints. */
export function formatReport(reports: TableReport[]): string {
  const w = Math.max(...reports.map((r) => r.table.length));
  const lines = reports.map((r) => {
    const name = r.table.padEnd(w);
    if (r.off) return `${name}  kept: ${r.off} is 0`;
    if (r.error) return `${name}  ${r.deleted} deleted, then failed: ${r.error}`;
    return `${name}  ${r.deleted} deleted${r.kept > 0 ? `; ${r.kept} old rows kept: ${r.keeps ?? 'still needed'}` : ''}`;
  });
  const total = reports.reduce((n, r) => n + r.deleted, 0);
  return `${lines.join('\n')}\n${total} rows deleted\n`;
}

/** `maqam prune`: one retention run now, progress on stderr, the counts on stdout. */
export async function pruneCommand(args: string[], io: Io): Promise<number> {
  if (args.length > 0) {
    io.stderr.write('usage: maqam prune   (deletes what the retention settings no longer keep; see README.md "Retention")\n');
    return 2;
  }
  const config = loadConfig();
  const channels = loadChannels(channelsDir());
  const db = await openDatabase(config, silentLogger());
  try {
    await migrate(db);
    let shown = Date.now(); // progress only for work that takes a while
    const reports = await prune(db, config.retention, channels, {
      progress(table, deleted) {
        if (Date.now() - shown < 1000) return;
        shown = Date.now();
        io.stderr.write(`${table}: ${deleted} deleted so far\n`);
      },
    });
    io.stdout.write(formatReport(reports));
    return reports.some((r) => r.error) ? 1 : 0;
  } finally {
    await db.close();
  }
}
