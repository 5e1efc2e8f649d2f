/** Retention of the EDIFACT adapter's tables: the raw archive, and the memory of received interchanges. */
import type { Sql } from '../postgres/db';
import type { RetentionRule } from '../postgres/retention';
import { pruneArchive, pruneInterchanges } from './sql';

export function edifactRetentionRules(db: Sql, o: { archiveDays: number; interchangeDays: number }): RetentionRule[] {
  return [
    {
      table: 'edifact_archive', setting: 'retention.archiveDays', ageSeconds: o.archiveDays * 86400,
      batch: (cutoff, after, limit) => pruneArchive(db, cutoff, after, limit),
    },
    {
      // Duplicate detection (CONTRL 0085 code 26) reaches back this far: a partner resending an older
      // interchange with the same control reference has it processed again.
      table: 'edifact_interchanges', setting: 'retention.interchangeDays', ageSeconds: o.interchangeDays * 86400,
      batch: (cutoff, _after, limit) => pruneInterchanges(db, cutoff, limit),
    },
  ];
}
