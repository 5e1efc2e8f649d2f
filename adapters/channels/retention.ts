/**
 * Retention of the ARI distribution's tables: the outbox rows every consumer has passed, dead letters a
 * newer value superseded, and resync requests carried out.
 */
import type { Sql } from '../postgres/db';
import type { RetentionRule } from '../postgres/retention';
import type { ChannelConfig } from '../../config/channels/validate';
import * as sql from './store';

/**
 * The outbox's consumers are the relay (it publishes every row) and the channels: every enabled one, and a
 * disabled one that has delivered before (paused: when enabled again it catches up from the outbox). A
 * channel that never delivered anything starts with `maqam channels resync`, not from old outbox rows.
 */
export async function outboxConsumers(db: Sql, channels: readonly ChannelConfig[]): Promise<ChannelConfig[]> {
  const delivered = await sql.channelsWithDeliveries(db);
  return channels.filter((c) => c.enabled || delivered.has(c.name));
}

export async function channelRetentionRules(db: Sql, o: { channels: readonly ChannelConfig[]; outboxDays: number }): Promise<RetentionRule[]> {
  const consumers = await outboxConsumers(db, o.channels);
  const age = o.outboxDays * 86400;
  return [
    {
      table: 'ari_outbox', setting: 'retention.outboxDays', ageSeconds: age,
      keeps: `not yet published, or not acknowledged by ${consumers.length ? consumers.map((c) => c.name).join(', ') : 'a channel'} (maqam channels status)`,
      batch: (cutoff, after, limit) => sql.pruneOutbox(db, consumers, cutoff, after, limit),
    },
    {
      table: 'ari_dead_letters', setting: 'retention.outboxDays', ageSeconds: age,
      batch: (cutoff, _after, limit) => sql.pruneSupersededDeadLetters(db, cutoff, limit),
    },
    {
      table: 'ari_resync_requests', setting: 'retention.outboxDays', ageSeconds: age,
      batch: (cutoff, _after, limit) => sql.pruneDoneResyncs(db, cutoff, limit),
    },
  ];
}
