/** Calendar-date helpers for `YYYY-MM-DD` strings (UTC arithmetic: these are local service dates, not instants). */
import type { IsoDate, Weekday } from '../../core/model';

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date in `YYYY-MM-DD` form. */
export function isIsoDate(s: string | undefined): s is IsoDate {
  if (!s) return false;
  const m = ISO.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** The date part of an OTA date or dateTime (`2026-05-01T14:00:00` → `2026-05-01`). */
export function datePart(s: string | undefined): string | undefined {
  if (!s) return undefined;
  return s.length > 10 && s[10] === 'T' ? s.slice(0, 10) : s;
}

export function addDays(d: IsoDate, n: number): IsoDate {
  const t = Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(to + 'T00:00:00Z') - Date.parse(from + 'T00:00:00Z')) / 86_400_000);
}

/** OTA DOW_PatternGroup attribute names, Monday first (`Weds`/`Thur` per the schema; `Wed`/`Thu` tolerated). */
export const OTA_WEEKDAYS: readonly [Weekday, string[]][] = [
  ['mon', ['Mon']], ['tue', ['Tue']], ['wed', ['Weds', 'Wed']], ['thu', ['Thur', 'Thu']], ['fri', ['Fri']], ['sat', ['Sat']], ['sun', ['Sun']],
];
