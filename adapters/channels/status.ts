/**
 * Visibility: per channel the lag (the oldest change it has not acknowledged), delivered/failed counts, the
 * last error and the dead letters; plus the relay's backlog and the bus. Served at `GET /channels` and
 * printed by `maqam channels status`. Works from the database alone (the CLI has no bus); the running
 * distribution adds queue depths and its in-process counters.
 */
import type { Db } from '../postgres/db';
import type { Bus, BusHealth } from '../bus/types';
import type { ChannelConfig } from '../../config/channels/validate';
import type { Relay } from './relay';
import type { ChannelWorker } from './worker';
import { queueName } from './routing';
import * as sql from './store';

export interface ChannelStatus {
  name: string;
  kind: ChannelConfig['kind'];
  format: ChannelConfig['format'];
  enabled: boolean;
  /** Milliseconds since the oldest change the channel has not acknowledged was committed; 0 when none. */
  lagMs: number;
  oldestUndelivered: string | null;
  undelivered: number;
  delivered: number;
  failed: number;
  requests: number;
  lastError: string | null;
  lastErrorAt: string | null;
  lastDeliveredAt: string | null;
  deadLetters: number;
  /** Messages waiting in the channel's queue (null when the bus cannot tell, e.g. from the CLI). */
  queued: number | null;
}

export interface DistributionStatus {
  bus: BusHealth | null;
  relay: { pending: number; oldestPending: string | null; parked: number; published?: number; unroutable?: number; lastError?: string | null };
  channels: ChannelStatus[];
}

export interface StatusSources {
  db: Db;
  channels: ChannelConfig[];
  namespace?: string;
  bus?: Bus;
  relay?: Relay;
  workers?: ChannelWorker[];
  /** Relay's parking threshold (defaults to the relay's, or 5). */
  maxAttempts?: number;
}

export async function distributionStatus(s: StatusSources): Promise<DistributionStatus> {
  const now = Date.now();
  const maxAttempts = s.relay?.maxAttempts ?? s.maxAttempts ?? 5;
  await sql.ensureChannels(s.db, s.channels.map((c) => c.name));
  const [backlog, stats, dead] = await Promise.all([sql.outboxBacklog(s.db, maxAttempts), sql.channelStats(s.db), sql.countDeadLetters(s.db)]);
  const channels: ChannelStatus[] = [];
  for (const c of s.channels) {
    const lag = await sql.channelLag(s.db, c.name, c.sells);
    const st = stats.get(c.name);
    const queued = s.bus && c.enabled ? await s.bus.depth(queueName(s.namespace ?? 'maqam', c.name)) : null;
    channels.push({
      name: c.name, kind: c.kind, format: c.format, enabled: c.enabled,
      lagMs: lag.oldest ? Math.max(0, now - Date.parse(lag.oldest)) : 0,
      oldestUndelivered: lag.oldest, undelivered: lag.undelivered,
      delivered: st?.delivered ?? 0, failed: st?.failed ?? 0, requests: st?.requests ?? 0,
      lastError: st?.lastError ?? null, lastErrorAt: st?.lastErrorAt ?? null, lastDeliveredAt: st?.lastDeliveredAt ?? null,
      deadLetters: dead.get(c.name) ?? 0, queued,
    });
  }
  return {
    bus: s.bus ? s.bus.health() : null,
    relay: {
      pending: backlog.pending, oldestPending: backlog.oldest, parked: backlog.parked,
      ...(s.relay ? { published: s.relay.counters.published, unroutable: s.relay.counters.unroutable, lastError: s.relay.counters.lastError } : {}),
    },
    channels,
  };
}
