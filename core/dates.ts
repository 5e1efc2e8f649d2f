/** Calendar-date arithmetic on `YYYY-MM-DD` strings, in UTC so that no time zone shifts a day. */
import type { IsoDate, Weekday } from './model';
import { WEEKDAYS } from './model';

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True when `s` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(s: unknown): s is IsoDate {
  if (typeof s !== 'string') return false;
  const m = ISO.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

export function toEpochDay(d: IsoDate): number {
  return Date.parse(d + 'T00:00:00Z') / DAY_MS;
}

export function fromEpochDay(n: number): IsoDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(d: IsoDate, n: number): IsoDate {
  return fromEpochDay(toEpochDay(d) + n);
}

/** Days from `a` to `b` (b − a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** Every date of the half-open range [from, to). */
export function eachDay(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let n = toEpochDay(from), end = toEpochDay(to); n < end; n++) out.push(fromEpochDay(n));
  return out;
}

export function weekdayOf(d: IsoDate): Weekday {
  // 1970-01-01 was a Thursday (index 3 with Monday first).
  return WEEKDAYS[(((toEpochDay(d) + 3) % 7) + 7) % 7];
}

/** Today's date in UTC, as an ISO date. */
export function today(now: Date): IsoDate {
  return now.toISOString().slice(0, 10);
}

/**
 * The hub's services are in Makkah and Madinah, on Asia/Riyadh time: UTC+3 all year (Saudi Arabia keeps
 * no daylight saving time), so a fixed offset needs no time zone database.
 */
const HUB_UTC_OFFSET_MS = 3 * 3_600_000;

/** Today's date where the services are delivered (Asia/Riyadh): no stay may start before it. */
export function hubToday(now: Date): IsoDate {
  return new Date(now.getTime() + HUB_UTC_OFFSET_MS).toISOString().slice(0, 10);
}
