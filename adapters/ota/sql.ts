/** Every SQL statement of the OpenTravel adapter (tables in migrations/200_ota.sql). */
import type { Sql } from '../postgres/db';

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

/** Bookings with a line of one of `providers`, changed since `since` (an overlap window is the caller's). */
export async function changedBookings(db: Sql, providers: string[], since: string, limit: number): Promise<{ locator: string; providerId: string; status: string; updatedAt: string }[]> {
  const r = await db.query<Record<string, unknown>>(
    `SELECT DISTINCT b.locator, i.provider_id, b.status, b.updated_at FROM bookings b JOIN booking_items i ON i.locator = b.locator
     WHERE i.provider_id = ANY($1::text[]) AND b.updated_at > $2::timestamptz AND b.status IN ('confirmed', 'cancelled')
     ORDER BY b.updated_at, b.locator LIMIT $3`,
    [providers, since, limit],
  );
  return r.rows.map((x) => ({ locator: String(x.locator).trim(), providerId: x.provider_id as string, status: x.status as string, updatedAt: new Date(x.updated_at as string).toISOString() }));
}

export async function getWatermark(db: Sql): Promise<string | null> {
  const r = await db.query<{ scanned_to: string }>('SELECT scanned_to FROM ota_delivery_watermark WHERE id = 1');
  return r.rows[0] ? new Date(r.rows[0].scanned_to).toISOString() : null;
}

export async function setWatermark(db: Sql, to: string): Promise<void> {
  await db.query(`INSERT INTO ota_delivery_watermark (id, scanned_to) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET scanned_to = GREATEST(ota_delivery_watermark.scanned_to, EXCLUDED.scanned_to)`, [to]);
}

/** Queues a delivery unless this booking version was already queued for the provider. */
export async function queueDelivery(db: Sql, d: { locator: string; providerId: string; action: DeliveryRow['action']; bookingVersion: string }): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO ota_deliveries (locator, provider_id, action, booking_version) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [d.locator, d.providerId, d.action, d.bookingVersion],
  );
  return r.rowCount === 1;
}

/** Whether a Commit was ever queued for the booking at this provider (then later changes are Modify/Cancel). */
export async function wasCommitted(db: Sql, locator: string, providerId: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM ota_deliveries WHERE locator = $1 AND provider_id = $2 LIMIT 1', [locator, providerId]);
  return r.rows.length > 0;
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
