/** Every SQL statement of the OpenTravel adapter (tables in migrations/200_ota.sql). */
import type { Sql } from '../postgres/db';
import { PRUNE_BY_ID, PRUNE_BY_TIME } from '../postgres/sql';
import { pruneById, pruneByTime, type BatchResult } from '../postgres/retention';

export interface ArchivedMessage {
  direction: 'in' | 'out';
  transport: string;
  partnerId: string | null;
  message: string;
  echoToken: string | null;
  correlationId: string | null;
  locator: string | null;
  ok: boolean;
  body: string;
}

export async function insertMessage(db: Sql, m: ArchivedMessage): Promise<void> {
  await db.query(
    `INSERT INTO ota_messages (direction, transport, partner_id, message, echo_token, correlation_id, locator, ok, body)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [m.direction, m.transport, m.partnerId, m.message, m.echoToken, m.correlationId, m.locator, m.ok, m.body],
  );
}

/** Several archive rows in one statement. */
export async function insertMessages(db: Sql, ms: ArchivedMessage[]): Promise<void> {
  const values: unknown[] = [];
  const rows = ms.map((m, i) => {
    values.push(m.direction, m.transport, m.partnerId, m.message, m.echoToken, m.correlationId, m.locator, m.ok, m.body);
    return `(${Array.from({ length: 9 }, (_, j) => `$${i * 9 + j + 1}`).join(', ')})`;
  });
  await db.query(`INSERT INTO ota_messages (direction, transport, partner_id, message, echo_token, correlation_id, locator, ok, body) VALUES ${rows.join(', ')}`, values);
}

export async function messagesFor(db: Sql, filter: { correlationId?: string; locator?: string; partnerId?: string; limit?: number }): Promise<(ArchivedMessage & { id: number; at: string })[]> {
  const r = await db.query<Record<string, unknown>>(
    `SELECT id, at, direction, transport, partner_id, message, echo_token, correlation_id, locator, ok, body FROM ota_messages
     WHERE ($1::text IS NULL OR correlation_id = $1) AND ($2::text IS NULL OR locator = $2) AND ($3::text IS NULL OR partner_id = $3)
     ORDER BY id LIMIT $4`,
    [filter.correlationId ?? null, filter.locator ?? null, filter.partnerId ?? null, filter.limit ?? 1000],
  );
  return r.rows.map((x) => ({
    id: Number(x.id), at: new Date(x.at as string).toISOString(), direction: x.direction as 'in' | 'out', transport: x.transport as string,
    partnerId: x.partner_id as string | null, message: x.message as string, echoToken: x.echo_token as string | null,
    correlationId: x.correlation_id as string | null, locator: (x.locator as string | null)?.trim() ?? null, ok: x.ok as boolean, body: x.body as string,
  }));
}

/** Records a nonce; false when it was already seen (a replay). Old nonces are swept in the same call. */
export async function claimNonce(db: Sql, partnerId: string, nonce: string, windowSeconds: number): Promise<boolean> {
  const r = await db.query(`INSERT INTO ota_nonces (partner_id, nonce) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [partnerId, nonce]);
  if (Math.random() < 0.01) await db.query(`DELETE FROM ota_nonces WHERE created_at < now() - make_interval(secs => $1)`, [windowSeconds * 2]);
  return r.rowCount === 1;
}

// ---- deliveries ----

export interface DeliveryRow {
  id: number;
  locator: string;
  providerId: string;
  action: 'Commit' | 'Modify' | 'Cancel';
  bookingVersion: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  pmsConfirmation: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

function delivery(x: Record<string, unknown>): DeliveryRow {
  const ts = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
  return {
    id: Number(x.id), locator: String(x.locator).trim(), providerId: x.provider_id as string, action: x.action as DeliveryRow['action'],
    bookingVersion: x.booking_version as string, status: x.status as DeliveryRow['status'], attempts: Number(x.attempts),
    nextAttemptAt: ts(x.next_attempt_at)!, lastError: (x.last_error as string | null) ?? null, pmsConfirmation: (x.pms_confirmation as string | null) ?? null,
    createdAt: ts(x.created_at)!, deliveredAt: ts(x.delivered_at),
  };
}

const DELIVERY_COLS = 'id, locator, provider_id, action, booking_version, status, attempts, next_attempt_at, last_error, pms_confirmation, created_at, delivered_at';

/** A pending row of the booking_changes outbox (migration 002): which providers a booking change concerns. */
export interface BookingChange { id: string; locator: string; action: string; status: string; providers: string[] }

/**
 * Claims pending booking changes, oldest first. Call inside a transaction: the rows stay locked until it
 * commits (with them marked consumed), and SKIP LOCKED lets a second poller take the next ones meanwhile.
 */
export async function claimBookingChanges(tx: Sql, limit: number): Promise<BookingChange[]> {
  const r = await tx.query<Record<string, unknown>>(
    `SELECT id, locator, action, status, providers FROM booking_changes WHERE consumed_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return r.rows.map((x) => ({ id: String(x.id), locator: String(x.locator).trim(), action: x.action as string, status: x.status as string, providers: (x.providers as string[] | null) ?? [] }));
}

export async function markChangesConsumed(tx: Sql, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query('UPDATE booking_changes SET consumed_at = now() WHERE id = ANY($1::bigint[])', [ids]);
}

/** A booking's status now and the providers of its lines now (null when there is no such booking). */
export async function bookingNow(tx: Sql, locator: string): Promise<{ status: string; providers: string[] } | null> {
  const r = await tx.query<Record<string, unknown>>(
    `SELECT b.status, coalesce(array_agg(DISTINCT i.provider_id) FILTER (WHERE i.provider_id IS NOT NULL), '{}') AS providers
       FROM bookings b LEFT JOIN booking_items i ON i.locator = b.locator WHERE b.locator = $1 GROUP BY b.status`,
    [locator],
  );
  const x = r.rows[0];
  return x ? { status: x.status as string, providers: (x.providers as string[] | null) ?? [] } : null;
}

/** Queues a delivery unless this booking version (the booking_changes id) was already queued for the provider. */
export async function queueDelivery(db: Sql, d: { locator: string; providerId: string; action: DeliveryRow['action']; bookingVersion: string }): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO ota_deliveries (locator, provider_id, action, booking_version) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [d.locator, d.providerId, d.action, d.bookingVersion],
  );
  return r.rowCount === 1;
}

/** The last action queued for a booking at a provider: what its property system was last told to do. */
export async function lastQueuedAction(tx: Sql, locator: string, providerId: string): Promise<DeliveryRow['action'] | null> {
  const r = await tx.query<{ action: DeliveryRow['action'] }>('SELECT action FROM ota_deliveries WHERE locator = $1 AND provider_id = $2 ORDER BY id DESC LIMIT 1', [locator, providerId]);
  return r.rows[0]?.action ?? null;
}

/**
 * Claims due deliveries by pushing their next attempt a lease ahead (so a second poller skips them while
 * this one sends). SKIP LOCKED keeps concurrent pollers from waiting on each other.
 */
export async function claimDue(db: Sql, limit: number, leaseSeconds: number): Promise<DeliveryRow[]> {
  const r = await db.query<Record<string, unknown>>(
    `UPDATE ota_deliveries SET next_attempt_at = now() + make_interval(secs => $2), attempts = attempts + 1
     WHERE id IN (SELECT id FROM ota_deliveries WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING ${DELIVERY_COLS}`,
    [limit, leaseSeconds],
  );
  return r.rows.map(delivery).sort((a, b) => a.id - b.id);
}

export async function markDelivered(db: Sql, id: number, pmsConfirmation: string | null): Promise<void> {
  await db.query(`UPDATE ota_deliveries SET status = 'delivered', delivered_at = now(), pms_confirmation = $2, last_error = NULL WHERE id = $1`, [id, pmsConfirmation]);
}

export async function markFailedAttempt(db: Sql, id: number, error: string, retryInSeconds: number, park: boolean): Promise<void> {
  await db.query(
    `UPDATE ota_deliveries SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3), status = CASE WHEN $4 THEN 'failed' ELSE status END WHERE id = $1`,
    [id, error.slice(0, 1000), retryInSeconds, park],
  );
}

/** Puts a parked delivery back in the queue. */
export async function retryDelivery(db: Sql, id: number): Promise<boolean> {
  const r = await db.query(`UPDATE ota_deliveries SET status = 'pending', next_attempt_at = now() WHERE id = $1 AND status = 'failed'`, [id]);
  return r.rowCount === 1;
}

export async function listDeliveries(db: Sql, filter: { status?: string; locator?: string; providerId?: string; limit?: number } = {}): Promise<DeliveryRow[]> {
  const r = await db.query<Record<string, unknown>>(
    `SELECT ${DELIVERY_COLS} FROM ota_deliveries
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR locator = $2) AND ($3::text IS NULL OR provider_id = $3)
     ORDER BY id DESC LIMIT $4`,
    [filter.status ?? null, filter.locator ?? null, filter.providerId ?? null, Math.min(filter.limit ?? 100, 1000)],
  );
  return r.rows.map(delivery);
}

// ---- retention ----

/**
 * One retention batch of the booking_changes outbox. Its consumer is the delivery poller: an old change
 * stays until the poller consumed it, and while a delivery it queued is still pending or parked.
 */
const PRUNE_BOOKING_CHANGES = PRUNE_BY_ID({
  table: 'booking_changes', time: 'created_at', cols: ['locator', 'consumed_at'],
  keep: `c.consumed_at IS NULL OR EXISTS (SELECT 1 FROM ota_deliveries d
           WHERE d.locator = c.locator AND d.booking_version = 'change:' || c.id AND d.status <> 'delivered')`,
});

export function pruneBookingChanges(db: Sql, cutoff: Date, after: number, limit: number): Promise<BatchResult> {
  return pruneById(db, PRUNE_BOOKING_CHANGES, cutoff, after, limit);
}

const PRUNE_MESSAGES = PRUNE_BY_ID({ table: 'ota_messages', time: 'at' });

export function pruneMessages(db: Sql, cutoff: Date, after: number, limit: number): Promise<BatchResult> {
  return pruneById(db, PRUNE_MESSAGES, cutoff, after, limit);
}

const PRUNE_NONCES = PRUNE_BY_TIME('ota_nonces', 'created_at');

/** Nonces seen before $1 (the table holds minutes of nonces: no index needed). */
export function pruneNonces(db: Sql, cutoff: Date, limit: number): Promise<BatchResult> {
  return pruneByTime(db, PRUNE_NONCES, cutoff, limit);
}
