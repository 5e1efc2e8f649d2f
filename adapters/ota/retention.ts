/** Retention of the OpenTravel adapter's tables: booking changes it consumed, its message archive, nonces. */
import type { Sql } from '../postgres/db';
import type { RetentionRule } from '../postgres/retention';
import { WSSE_WINDOW_SECONDS } from './auth';
import { pruneBookingChanges, pruneMessages, pruneNonces } from './sql';

export function otaRetentionRules(db: Sql, o: { outboxDays: number; archiveDays: number }): RetentionRule[] {
  return [
    {
      table: 'booking_changes', setting: 'retention.outboxDays', ageSeconds: o.outboxDays * 86400,
      keeps: 'not yet consumed by the delivery poller, or its delivery is pending or parked (GET /ota/deliveries)',
      batch: (cutoff, after, limit) => pruneBookingChanges(db, cutoff, after, limit),
    },
    {
      table: 'ota_messages', setting: 'retention.archiveDays', ageSeconds: o.archiveDays * 86400,
      batch: (cutoff, after, limit) => pruneMessages(db, cutoff, after, limit),
    },
    {
      // A nonce only has to outlive the Created freshness window: an older message is refused anyway.
      table: 'ota_nonces', setting: 'the WS-Security freshness window', ageSeconds: 2 * WSSE_WINDOW_SECONDS,
      batch: (cutoff, _after, limit) => pruneNonces(db, cutoff, limit),
    },
  ];
}
