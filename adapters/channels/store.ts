/**
 * Every SQL statement of the ARI distribution, as functions over the Db port: outbox claims for the relay,
 * per-channel sequences, counters, dead letters, replay and resync requests, lag, full-state reads, and
 * retention.
 * The availability and rate snapshots are built with the same expressions as core's outbox rows, so a
 * resync sends exactly what the outbox would have.
 */
import type { Db, Sql } from '../postgres/db';
// The channel resync reads the same snapshots the outbox carries: one definition of each.
import { AVAILABILITY_STATE, PRUNE_BY_ID, PRUNE_BY_TIME, RATE_STATE } from '../postgres/sql';
import { pruneById, pruneByTime, type BatchResult } from '../postgres/retention';
import type { AriChange } from '../../core/model';
import type { AriKey } from './routing';
import type { ChannelConfig } from '../../config/channels/validate';

type Sells = ChannelConfig['sells'];


const OUTBOX_COLUMNS = `o.id, o.kind, o.provider_id, o.product_id, o.rate_plan_id, to_char(o.day, 'YYYY-MM-DD') AS day, o.seq, o.state, o.created_at`;

/** Outbox rows matching what a channel sells ($2 providers, $3 products, $4 rate plans). */
const SELLS = `(o.provider_id = ANY($2::text[]) OR o.product_id = ANY($3::text[]) OR (o.kind = 'rate' AND o.rate_plan_id = ANY($4::text[])))`;

/** Undelivered: no acknowledged seq for the key at or above the row's. */
const UNDELIVERED_JOIN = `LEFT JOIN ari_channel_seq s ON s.channel = $1 AND s.kind = o.kind
  AND s.item_id = CASE WHEN o.kind = 'rate' THEN o.rate_plan_id ELSE o.product_id END AND s.day = o.day`;

export interface OutboxRow {
  id: number;
  kind: string;
  provider_id: string;
  product_id: string;
  rate_plan_id: string | null;
  day: string;
  seq: number;
  state: unknown;
  created_at: Date | string;
}

/** The canonical change of an outbox row (not yet checked: see `checkChange`). */
export function rowToChange(r: OutboxRow): AriChange {
  const base = { id: String(r.id), seq: Number(r.seq), providerId: r.provider_id, productId: r.product_id, day: r.day, createdAt: new Date(r.created_at).toISOString() };
  return r.kind === 'rate'
    ? ({ ...base, kind: 'rate', ratePlanId: r.rate_plan_id ?? '', state: r.state } as AriChange)
    : ({ ...base, kind: r.kind, state: r.state } as AriChange);
}

// ---------------------------------------------------------------------------------------------- relay

/** Claims unpublished rows other relays are not holding; rows that failed `maxAttempts` times are parked. */
export async function claimOutbox(tx: Sql, limit: number, maxAttempts: number): Promise<OutboxRow[]> {
  const r = await tx.query<OutboxRow>(`SELECT ${OUTBOX_COLUMNS} FROM ari_outbox o
     WHERE o.published_at IS NULL AND o.attempts < $2 ORDER BY o.id LIMIT $1 FOR UPDATE SKIP LOCKED`, [limit, maxAttempts]);
  return r.rows;
}

export async function markPublished(tx: Sql, ids: number[]): Promise<void> {
  if (ids.length) await tx.query('UPDATE ari_outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [ids]);
}

export async function markAttemptFailed(tx: Sql, id: number, error: string): Promise<void> {
  await tx.query('UPDATE ari_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [id, error.slice(0, 1000)]);
}

/** Relay backlog: unpublished rows, the oldest one's age, and parked rows. */
export async function outboxBacklog(db: Sql, maxAttempts: number): Promise<{ pending: number; oldest: string | null; parked: number }> {
  const r = await db.query<{ pending: number; oldest: Date | null; parked: number }>(`SELECT
      count(*) FILTER (WHERE attempts < $1)::int AS pending,
      min(created_at) FILTER (WHERE attempts < $1) AS oldest,
      count(*) FILTER (WHERE attempts >= $1)::int AS parked
    FROM ari_outbox WHERE published_at IS NULL`, [maxAttempts]);
  const row = r.rows[0];
  return { pending: row.pending, oldest: row.oldest ? new Date(row.oldest).toISOString() : null, parked: row.parked };
}

export async function parkedOutbox(db: Sql, maxAttempts: number): Promise<{ id: number; kind: string; productId: string; day: string; attempts: number; error: string | null }[]> {
  const r = await db.query<{ id: number; kind: string; product_id: string; day: string; attempts: number; last_error: string | null }>(
    `SELECT id, kind, product_id, to_char(day, 'YYYY-MM-DD') AS day, attempts, last_error FROM ari_outbox
      WHERE published_at IS NULL AND attempts >= $1 ORDER BY id LIMIT 1000`, [maxAttempts]);
  return r.rows.map((x) => ({ id: Number(x.id), kind: x.kind, productId: x.product_id, day: x.day, attempts: x.attempts, error: x.last_error }));
}

/** Puts parked outbox rows back in line (all of them when `ids` is null). */
export async function unparkOutbox(db: Sql, ids: number[] | null, maxAttempts: number): Promise<number> {
  const r = ids
    ? await db.query('UPDATE ari_outbox SET attempts = 0 WHERE published_at IS NULL AND attempts >= $2 AND id = ANY($1::bigint[])', [ids, maxAttempts])
    : await db.query('UPDATE ari_outbox SET attempts = 0 WHERE published_at IS NULL AND attempts >= $1', [maxAttempts]);
  return r.rowCount;
}

// ------------------------------------------------------------------------------------- channel state

export async function ensureChannels(db: Sql, names: string[]): Promise<void> {
  await db.query('INSERT INTO ari_channel_stats (channel) SELECT unnest($1::text[]) ON CONFLICT (channel) DO NOTHING', [names]);
}

/** Highest acknowledged seq per key, for the given keys. */
export async function lastSeqs(db: Sql, channel: string, keys: AriKey[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (keys.length === 0) return out;
  const r = await db.query<{ kind: string; item_id: string; day: string; seq: number }>(
    `SELECT s.kind, s.item_id, to_char(s.day, 'YYYY-MM-DD') AS day, s.seq
       FROM unnest($2::text[], $3::text[], $4::date[]) AS k(kind, item_id, day)
       JOIN ari_channel_seq s ON s.channel = $1 AND s.kind = k.kind AND s.item_id = k.item_id AND s.day = k.day`,
    [channel, keys.map((k) => k.kind), keys.map((k) => k.itemId), keys.map((k) => k.day)]);
  for (const x of r.rows) out.set(`${x.kind}|${x.item_id}|${x.day}`, Number(x.seq));
  return out;
}

/** Records what the channel acknowledged (never lowering a seq) and bumps its counters, in one statement. */
export async function recordDelivered(db: Sql, channel: string, keys: (AriKey & { seq: number })[], requests: number): Promise<void> {
  await db.query(`WITH k AS (
      INSERT INTO ari_channel_seq (channel, kind, item_id, day, seq)
      SELECT $1, k.kind, k.item_id, k.day, k.seq FROM unnest($2::text[], $3::text[], $4::date[], $5::bigint[]) AS k(kind, item_id, day, seq)
      ON CONFLICT (channel, kind, item_id, day) DO UPDATE
         SET seq = GREATEST(ari_channel_seq.seq, EXCLUDED.seq), delivered_at = now()
      RETURNING 1)
    UPDATE ari_channel_stats SET delivered = delivered + $6, requests = requests + $7, last_delivered_at = now()
     WHERE channel = $1 AND (SELECT count(*) FROM k) >= 0`,
    [channel, keys.map((k) => k.kind), keys.map((k) => k.itemId), keys.map((k) => k.day), keys.map((k) => k.seq), keys.length, requests]);
}

export async function recordFailed(db: Sql, channel: string, changes: number, error: string): Promise<void> {
  await db.query(`UPDATE ari_channel_stats SET failed = failed + $2, last_error = $3, last_error_at = now() WHERE channel = $1`,
    [channel, changes, error.slice(0, 1000)]);
}

// ------------------------------------------------------------------------------------- dead letters

export interface DeadLetter {
  id: number;
  channel: string;
  messageId: string;
  routingKey: string;
  body: unknown;
  attempts: number;
  error: string;
  createdAt: string;
  replayRequested: boolean;
}

export async function parkDeadLetter(db: Sql, d: { channel: string; messageId: string; routingKey: string; body: string; attempts: number; error: string }): Promise<void> {
  // The body is stored as JSON when it is JSON, else as a JSON string, so a malformed message stays visible.
  let json: string;
  try {
    JSON.parse(d.body);
    json = d.body;
  } catch {
    json = JSON.stringify(d.body);
  }
  await db.query(`INSERT INTO ari_dead_letters (channel, message_id, routing_key, body, attempts, error)
      VALUES ($1, $2, $3, $4::jsonb, $5, $6)
      ON CONFLICT (channel, message_id) DO UPDATE SET body = EXCLUDED.body, attempts = EXCLUDED.attempts,
         error = EXCLUDED.error, created_at = now(), replay_requested_at = NULL`,
    [d.channel, d.messageId, d.routingKey, json, d.attempts, d.error.slice(0, 1000)]);
}

export async function listDeadLetters(db: Sql, channel?: string, limit = 1000): Promise<DeadLetter[]> {
  const r = await db.query<{ id: number; channel: string; message_id: string; routing_key: string; body: unknown; attempts: number; error: string; created_at: Date; replay_requested_at: Date | null }>(
    `SELECT * FROM ari_dead_letters WHERE ($1::text IS NULL OR channel = $1) ORDER BY id LIMIT $2`, [channel ?? null, limit]);
  return r.rows.map((x) => ({
    id: Number(x.id), channel: x.channel, messageId: x.message_id, routingKey: x.routing_key, body: x.body, attempts: x.attempts,
    error: x.error, createdAt: new Date(x.created_at).toISOString(), replayRequested: x.replay_requested_at !== null,
  }));
}

/** Asks the running distribution to replay dead letters: by id, or all (of one channel). Returns how many. */
export async function requestReplay(db: Sql, sel: { ids?: number[]; channel?: string }): Promise<number> {
  const r = sel.ids
    ? await db.query('UPDATE ari_dead_letters SET replay_requested_at = now() WHERE id = ANY($1::bigint[])', [sel.ids])
    : await db.query('UPDATE ari_dead_letters SET replay_requested_at = now() WHERE ($1::text IS NULL OR channel = $1)', [sel.channel ?? null]);
  return r.rowCount;
}

/** Takes replay requests of these channels, for sending; the rows are deleted when `tx` commits. */
export async function claimReplays(tx: Sql, channels: string[], limit: number): Promise<DeadLetter[]> {
  const r = await tx.query<{ id: number; channel: string; message_id: string; routing_key: string; body: unknown; attempts: number; error: string; created_at: Date }>(
    `DELETE FROM ari_dead_letters WHERE id IN (
        SELECT id FROM ari_dead_letters WHERE replay_requested_at IS NOT NULL AND channel = ANY($1::text[])
         ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id, channel, message_id, routing_key, body, attempts, error, created_at`, [channels, limit]);
  return r.rows.map((x) => ({ id: Number(x.id), channel: x.channel, messageId: x.message_id, routingKey: x.routing_key, body: x.body, attempts: x.attempts, error: x.error, createdAt: new Date(x.created_at).toISOString(), replayRequested: true }));
}

export async function countDeadLetters(db: Sql): Promise<Map<string, number>> {
  const r = await db.query<{ channel: string; n: number }>('SELECT channel, count(*)::int AS n FROM ari_dead_letters GROUP BY channel');
  return new Map(r.rows.map((x) => [x.channel, x.n]));
}

// ------------------------------------------------------------------------------------------- resync

export async function requestResync(db: Sql, channel: string, from: string, to: string): Promise<number> {
  const r = await db.query<{ id: number }>('INSERT INTO ari_resync_requests (channel, from_day, to_day) VALUES ($1, $2, $3) RETURNING id', [channel, from, to]);
  return Number(r.rows[0].id);
}

export async function claimResync(tx: Sql, channels: string[]): Promise<{ id: number; channel: string; from: string; to: string } | null> {
  const r = await tx.query<{ id: number; channel: string; from_day: string; to_day: string }>(
    `SELECT id, channel, to_char(from_day, 'YYYY-MM-DD') AS from_day, to_char(to_day, 'YYYY-MM-DD') AS to_day FROM ari_resync_requests
      WHERE done_at IS NULL AND channel = ANY($1::text[]) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`, [channels]);
  const x = r.rows[0];
  return x ? { id: Number(x.id), channel: x.channel, from: x.from_day, to: x.to_day } : null;
}

export async function finishResync(tx: Sql, id: number, changes: number): Promise<void> {
  await tx.query('UPDATE ari_resync_requests SET done_at = now(), changes = $2 WHERE id = $1', [id, changes]);
}

/** The current state of everything a channel sells over [from, to], as changes with seq = the row's version. */
export async function readState(db: Sql, sells: Sells, from: string, to: string): Promise<AriChange[]> {
  const inv = await db.query<{ provider_id: string; product_id: string; day: string; version: number; state: unknown }>(
    `SELECT p.provider_id, u.product_id, to_char(u.day, 'YYYY-MM-DD') AS day, u.version, ${AVAILABILITY_STATE} AS state
       FROM inventory u JOIN products p ON p.id = u.product_id
      WHERE (p.provider_id = ANY($1::text[]) OR u.product_id = ANY($2::text[]))
        AND u.day BETWEEN $3::date AND $4::date
      ORDER BY u.product_id, u.day`, [sells.providers, sells.products, from, to]);
  const rates = await db.query<{ provider_id: string; product_id: string; rate_plan_id: string; day: string; version: number; state: unknown }>(
    `SELECT p.provider_id, rp.product_id, u.rate_plan_id, to_char(u.day, 'YYYY-MM-DD') AS day, u.version, ${RATE_STATE} AS state
       FROM rates u JOIN rate_plans rp ON rp.id = u.rate_plan_id JOIN products p ON p.id = rp.product_id
      WHERE (p.provider_id = ANY($1::text[]) OR rp.product_id = ANY($2::text[]) OR u.rate_plan_id = ANY($3::text[]))
        AND u.day BETWEEN $4::date AND $5::date
      ORDER BY u.rate_plan_id, u.day`, [sells.providers, sells.products, sells.ratePlans, from, to]);
  const at = new Date().toISOString();
  return [
    ...inv.rows.map((x): AriChange => ({ id: '', kind: 'availability', seq: Number(x.version), providerId: x.provider_id, productId: x.product_id, day: x.day, state: x.state as never, createdAt: at })),
    ...rates.rows.map((x): AriChange => ({ id: '', kind: 'rate', seq: Number(x.version), providerId: x.provider_id, productId: x.product_id, ratePlanId: x.rate_plan_id, day: x.day, state: x.state as never, createdAt: at })),
  ];
}

// ---------------------------------------------------------------------------------------- lag/recovery

/**
 * Published outbox rows a channel has not acknowledged (nor a newer value of the same key), after its
 * watermark, oldest first; dead letters are left out (they wait for a replay).
 */
export async function undeliveredRows(db: Sql, channel: string, sells: Sells, afterId: number, limit: number): Promise<OutboxRow[]> {
  const r = await db.query<OutboxRow>(`SELECT ${OUTBOX_COLUMNS} FROM ari_outbox o ${UNDELIVERED_JOIN}
     WHERE o.id > $5 AND ${SELLS} AND (s.seq IS NULL OR s.seq < o.seq) AND o.published_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM ari_dead_letters d WHERE d.channel = $1 AND d.message_id = o.id::text)
     ORDER BY o.id LIMIT $6`, [channel, sells.providers, sells.products, sells.ratePlans, afterId, limit]);
  return r.rows;
}

/**
 * A channel's lag: the oldest change (published or not) it has not acknowledged, and how many (counted up
 * to `cap`). Advances the channel's watermark past rows that are done and older than a minute (younger
 * rows may still be joined by lower ids from transactions committing late).
 */
export async function channelLag(db: Sql, channel: string, sells: Sells, cap = 100_000): Promise<{ oldest: string | null; undelivered: number }> {
  const wm = await db.query<{ watermark: number }>('SELECT watermark FROM ari_channel_stats WHERE channel = $1', [channel]);
  const after = Number(wm.rows[0]?.watermark ?? 0);
  const r = await db.query<{ n: number; oldest: Date | null; first_id: number | null }>(`SELECT count(*)::int AS n, min(created_at) AS oldest, min(id) AS first_id FROM (
       SELECT o.id, o.created_at FROM ari_outbox o ${UNDELIVERED_JOIN}
        WHERE o.id > $5 AND ${SELLS} AND (s.seq IS NULL OR s.seq < o.seq)
        ORDER BY o.id LIMIT $6) x`, [channel, sells.providers, sells.products, sells.ratePlans, after, cap]);
  const row = r.rows[0];
  await db.query(`UPDATE ari_channel_stats SET watermark = GREATEST(watermark, (
       SELECT coalesce(max(id), 0) FROM ari_outbox WHERE id > $2 AND created_at < now() - interval '1 minute'
          AND ($3::bigint IS NULL OR id < $3))) WHERE channel = $1`, [channel, after, row.first_id === null ? null : Number(row.first_id)]);
  return { oldest: row.oldest ? new Date(row.oldest).toISOString() : null, undelivered: row.n };
}

export async function channelStats(db: Sql): Promise<Map<string, { delivered: number; failed: number; requests: number; lastError: string | null; lastErrorAt: string | null; lastDeliveredAt: string | null }>> {
  const r = await db.query<{ channel: string; delivered: number; failed: number; requests: number; last_error: string | null; last_error_at: Date | null; last_delivered_at: Date | null }>('SELECT * FROM ari_channel_stats');
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return new Map(r.rows.map((x) => [x.channel, { delivered: Number(x.delivered), failed: Number(x.failed), requests: Number(x.requests), lastError: x.last_error, lastErrorAt: iso(x.last_error_at), lastDeliveredAt: iso(x.last_delivered_at) }]));
}

// ------------------------------------------------------------------------------------------ retention

/** Channels that have had a change acknowledged: a disabled one among them is paused, and will catch up. */
export async function channelsWithDeliveries(db: Sql): Promise<Set<string>> {
  const r = await db.query<{ channel: string }>('SELECT channel FROM ari_channel_stats WHERE delivered > 0');
  return new Set(r.rows.map((x) => x.channel));
}

/**
 * One retention batch of the outbox ($4: the consuming channels as JSON `[{name, providers, products,
 * rate_plans}]`). An old row stays while the relay has not published it (pending or parked) or while a
 * channel that sells it has not acknowledged its seq or a newer one for its key (ari_channel_seq): a change
 * still in a queue, being retried, or parked as a dead letter. Channels are at-least-once and keep the
 * highest seq per key, so a row at or below what a channel acknowledged is never needed by it again.
 */
const PRUNE_OUTBOX = PRUNE_BY_ID({
  table: 'ari_outbox', time: 'created_at',
  cols: ['kind', 'provider_id', 'product_id', 'rate_plan_id', 'day', 'seq', 'published_at'],
  with: `ch AS (SELECT * FROM jsonb_to_recordset($4::jsonb) AS ch(name text, providers text[], products text[], rate_plans text[]))`,
  keep: `c.published_at IS NULL OR EXISTS (
    SELECT 1 FROM ch
     WHERE (c.provider_id = ANY(ch.providers) OR c.product_id = ANY(ch.products) OR (c.kind = 'rate' AND c.rate_plan_id = ANY(ch.rate_plans)))
       AND NOT EXISTS (SELECT 1 FROM ari_channel_seq s WHERE s.channel = ch.name AND s.kind = c.kind
             AND s.item_id = CASE WHEN c.kind = 'rate' THEN c.rate_plan_id ELSE c.product_id END AND s.day = c.day AND s.seq >= c.seq))`,
});

export async function pruneOutbox(db: Sql, consumers: Pick<ChannelConfig, 'name' | 'sells'>[], cutoff: Date, after: number, limit: number): Promise<BatchResult> {
  const channels = consumers.map((c) => ({ name: c.name, providers: c.sells.providers, products: c.sells.products, rate_plans: c.sells.ratePlans }));
  return pruneById(db, PRUNE_OUTBOX, cutoff, after, limit, [JSON.stringify(channels)]);
}

/**
 * Dead letters parked before $1 that nothing can bring back to life: the channel has since acknowledged the
 * same key at that seq or a newer one, so a replay would be dropped as superseded. Malformed bodies and
 * letters waiting for a replay stay.
 */
const PRUNE_DEAD_LETTERS = PRUNE_BY_TIME('ari_dead_letters', 'created_at', `c.replay_requested_at IS NULL
  AND jsonb_typeof(c.body) = 'object' AND jsonb_typeof(c.body->'seq') = 'number'
  AND EXISTS (SELECT 1 FROM ari_channel_seq s
       WHERE s.channel = c.channel AND s.kind = c.body->>'kind'
         AND s.item_id = CASE WHEN c.body->>'kind' = 'rate' THEN c.body->>'ratePlanId' ELSE c.body->>'productId' END
         AND to_char(s.day, 'YYYY-MM-DD') = c.body->>'day' AND to_jsonb(s.seq) >= c.body->'seq')`);

export async function pruneSupersededDeadLetters(db: Sql, cutoff: Date, limit: number): Promise<BatchResult> {
  return pruneByTime(db, PRUNE_DEAD_LETTERS, cutoff, limit);
}

/** Resync requests carried out before $1. */
const PRUNE_DONE_RESYNCS = PRUNE_BY_TIME('ari_resync_requests', 'done_at');

export async function pruneDoneResyncs(db: Sql, cutoff: Date, limit: number): Promise<BatchResult> {
  return pruneByTime(db, PRUNE_DONE_RESYNCS, cutoff, limit);
}
