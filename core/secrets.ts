/**
 * Partner secrets. The hub generates every secret (32 random bytes), so a salted SHA-256 is enough to store
 * it (a slow password hash buys nothing against a 256-bit secret and would cost ~50 ms per request);
 * comparison is constant-time.
 */
import crypto from 'node:crypto';

export function newSecret(): string {
  return crypto.randomBytes(24).toString('base64url');
}

export function hashSecret(secret: string, salt = crypto.randomBytes(16)): { salt: Buffer; hash: Buffer } {
  return { salt, hash: crypto.createHash('sha256').update(salt).update(secret, 'utf8').digest() };
}

export function secretMatches(secret: string, salt: Buffer, hash: Buffer): boolean {
  const h = crypto.createHash('sha256').update(salt).update(secret, 'utf8').digest();
  return h.length === hash.length && crypto.timingSafeEqual(h, hash);
}

/** A stable hash of a request (for idempotency): keys sorted so that field order does not matter. */
export function requestHash(op: string, body: unknown): string {
  return crypto.createHash('sha256').update(op).update('\0').update(stableJson(body)).digest('hex');
}

function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}

const LOCATOR_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no I, O, 0, 1: agents read locators aloud

/** A 6-character record locator (32^6 ≈ 1.07e9 values; collisions are retried by the caller). */
export function newLocator(): string {
  const b = crypto.randomBytes(6);
  let s = '';
  for (let i = 0; i < 6; i++) s += LOCATOR_ALPHABET[b[i] & 31];
  return s;
}
