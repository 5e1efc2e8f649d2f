/** Money in minor units (halalas for SAR). Decimal strings at the edges, integers inside. */

const DECIMAL = /^(\d{1,10})(?:\.(\d{1,2}))?$/;

/** Parses `"450"`, `"450.5"`, `"450.50"` into minor units; returns null when malformed or negative. */
export function toMinor(s: unknown): number | null {
  if (typeof s === 'number') s = String(s);
  if (typeof s !== 'string') return null;
  const m = DECIMAL.exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export function fromMinor(n: number): string {
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

export const CURRENCY = /^[A-Z]{3}$/;
