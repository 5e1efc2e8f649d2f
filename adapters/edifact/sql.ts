/**
 * SQL of the EDIFACT adapter (tables in adapters/postgres/migrations/100_edifact.sql), through the Db port
 * so it runs on PostgreSQL and PGlite alike.
 */
import type { Sql } from '../postgres/db';
import { PRUNE_BY_ID, PRUNE_BY_TIME } from '../postgres/sql';
import { pruneById, pruneByTime, type BatchResult } from '../postgres/retention';
import type { PartyId } from './types';

export interface InterchangeKey {
  sender: PartyId;
  controlRef: string;
}

export type ClaimResult = { fresh: true } | { fresh: false; status: string; receivedAt: string; archiveId: number | null };

/**
 * Registers a received interchange; `fresh: false` when the same sender (id + qualifier) already sent this
 * control reference (→ CONTRL 26, not processed again). Atomic under concurrency (primary key).
 */
export async function claimInterchange(db: Sql, key: InterchangeKey, partnerId: string | null, archiveId: number | null = null): Promise<ClaimResult> {
  const ins = await db.query<{ control_ref: string }>(
    `INSERT INTO edifact_interchanges (sender, sender_qualifier, control_ref, partner_id, archive_id)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING control_ref`,
    [key.sender.id, key.sender.qualifier ?? '', key.controlRef, partnerId, archiveId],
  );
  if (ins.rowCount > 0) return { fresh: true };
  const r = await db.query<{ status: string; received_at: Date | string; archive_id: number | null }>(
    'SELECT status, received_at, archive_id FROM edifact_interchanges WHERE sender = $1 AND sender_qualifier = $2 AND control_ref = $3',
    [key.sender.id, key.sender.qualifier ?? '', key.controlRef],
  );
  const row = r.rows[0];
  return { fresh: false, status: row?.status ?? 'unknown', receivedAt: row ? new Date(row.received_at).toISOString() : '', archiveId: row?.archive_id ?? null };
}

/** Records the outcome of a claimed interchange (processed, rejected …) and its archive row. */
export async function setInterchangeStatus(db: Sql, key: InterchangeKey, status: string, archiveId?: number | null): Promise<void> {
  await db.query(
    `UPDATE edifact_interchanges SET status = $4, archive_id = COALESCE($5, archive_id)
     WHERE sender = $1 AND sender_qualifier = $2 AND control_ref = $3`,
    [key.sender.id, key.sender.qualifier ?? '', key.controlRef, status, archiveId ?? null],
  );
}

/** Forgets a claim (an interchange rejected as a whole may be sent again with the same reference). */
export async function releaseInterchange(db: Sql, key: InterchangeKey): Promise<void> {
  await db.query('DELETE FROM edifact_interchanges WHERE sender = $1 AND sender_qualifier = $2 AND control_ref = $3', [key.sender.id, key.sender.qualifier ?? '', key.controlRef]);
}

/** Next outgoing interchange control reference for a partner (1, 2, 3 … persisted; at most 14 digits). */
export async function nextControlRef(db: Sql, partnerId: string): Promise<string> {
  const r = await db.query<{ last_value: number | string }>(
    `INSERT INTO edifact_sequences (partner_id, last_value) VALUES ($1, 1)
     ON CONFLICT (partner_id) DO UPDATE SET last_value = CASE WHEN edifact_sequences.last_value >= 99999999999999 THEN 1 ELSE edifact_sequences.last_value + 1 END, updated_at = now()
     RETURNING last_value`,
    [partnerId],
  );
  return String(r.rows[0].last_value);
}

export interface ArchiveRecord {
  direction: 'in' | 'out';
  partnerId: string | null;
  sender: string;
  recipient: string;
  controlRef: string;
  messageTypes: string[];
  bytes: Uint8Array;
  status?: string;
  correlation?: Record<string, unknown>;
  inReplyTo?: number | null;
}

/** Stores a raw interchange (in or out); returns its archive id. */
export async function archiveInterchange(db: Sql, rec: ArchiveRecord): Promise<number> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO edifact_archive (direction, partner_id, sender, recipient, control_ref, message_types, bytes, size, status, correlation, in_reply_to)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11) RETURNING id`,
    [
      rec.direction,
      rec.partnerId,
      rec.sender,
      rec.recipient,
      rec.controlRef,
      rec.messageTypes,
      Buffer.from(rec.bytes.buffer, rec.bytes.byteOffset, rec.bytes.byteLength),
      rec.bytes.byteLength,
      rec.status ?? (rec.direction === 'in' ? 'received' : 'sent'),
      JSON.stringify(rec.correlation ?? {}),
      rec.inReplyTo ?? null,
    ],
  );
  return Number(r.rows[0].id);
}

/** Merges keys into an archived interchange's correlation (what it created: bookings, manifests, replies). */
export async function correlateArchive(db: Sql, id: number, correlation: Record<string, unknown>, status?: string): Promise<void> {
  await db.query('UPDATE edifact_archive SET correlation = correlation || $2::jsonb, status = COALESCE($3, status) WHERE id = $1', [id, JSON.stringify(correlation), status ?? null]);
}

export interface ArchivedInterchange {
  id: number;
  direction: 'in' | 'out';
  partnerId: string | null;
  sender: string;
  recipient: string;
  controlRef: string;
  messageTypes: string[];
  bytes: Buffer;
  status: string;
  correlation: Record<string, unknown>;
  inReplyTo: number | null;
  createdAt: string;
}

export async function getArchived(db: Sql, id: number): Promise<ArchivedInterchange | null> {
  const r = await db.query<Record<string, unknown>>('SELECT * FROM edifact_archive WHERE id = $1', [id]);
  const x = r.rows[0];
  if (!x) return null;
  return {
    id: Number(x.id),
    direction: x.direction as 'in' | 'out',
    partnerId: (x.partner_id as string | null) ?? null,
    sender: x.sender as string,
    recipient: x.recipient as string,
    controlRef: x.control_ref as string,
    messageTypes: (x.message_types as string[]) ?? [],
    bytes: Buffer.from(x.bytes as Uint8Array),
    status: x.status as string,
    correlation: (typeof x.correlation === 'string' ? JSON.parse(x.correlation) : x.correlation) as Record<string, unknown>,
    inReplyTo: x.in_reply_to === null ? null : Number(x.in_reply_to),
    createdAt: new Date(x.created_at as string).toISOString(),
  };
}

// ---- retention ----

/** One retention batch of the raw archive (a reply or a duplicate memory pointing at a row loses the link: migration 400). */
const PRUNE_ARCHIVE = PRUNE_BY_ID({ table: 'edifact_archive', time: 'created_at' });

export function pruneArchive(db: Sql, cutoff: Date, after: number, limit: number): Promise<BatchResult> {
  return pruneById(db, PRUNE_ARCHIVE, cutoff, after, limit);
}

/** Received interchanges remembered since before $1 (index edifact_interchanges_received, migration 400). */
const PRUNE_INTERCHANGES = PRUNE_BY_TIME('edifact_interchanges', 'received_at');

export function pruneInterchanges(db: Sql, cutoff: Date, limit: number): Promise<BatchResult> {
  return pruneByTime(db, PRUNE_INTERCHANGES, cutoff, limit);
}
