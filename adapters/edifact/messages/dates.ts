/**
 * EDIFACT and IATA date forms → ISO dates, with the century of two-digit years decided by a pivot.
 *
 * Two-digit years (YYMMDD, DDMMYY, DDMMMYY) are everywhere in PAXLST and PNRGOV. The century rule
 * depends on what the date is:
 * - `past` (birth dates): the latest date not after the reference day. `DTM+329:250601` on a flight of
 *   2025-03-01 is 1925-06-01 (a 99-year-old pilgrim), `250101` is 2025-01-01 (an infant).
 * - `expiry` (document expiry dates): forward, in [ref − 20, ref + 79]. A document runs forward from its
 *   issue, passports for up to 10 years and some identity cards for decades, so `801104` on a flight of
 *   2026 is 2080-11-04; a document that expired more than 20 years before the flight is not one anybody
 *   travels on. (Readers of passports' machine-readable zones, where expiry is YYMMDD too, read it as 20YY.)
 * - `window` (flight and message dates): the year closest to the reference year, in [ref − 50, ref + 49].
 * What the hub writes in two-digit years reads back as itself under these rules, or is refused
 * (`paxlstProblems`): a birth 100 years or more before the flight, an expiry 80 years or more after it.
 * The reference day is the message's own date (the flight date, else the interchange date) so that
 * translating the same bytes always gives the same answer; only when the message has none is the clock
 * used.
 */
import type { IsoDate } from '../../../core/model';

export type Century = 'past' | 'expiry' | 'window';

/** The years an expiry date is read in, around the reference year (see above). */
export const EXPIRY_YEARS = { before: 20, after: 79 } as const;

const MONTHS: Readonly<Record<string, number>> = {
  JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12,
};
const MONTH_NAMES = Object.keys(MONTHS);

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Numeric checks and one string build: this runs for every birth and expiry date of a 100k manifest.
function iso(y: number, m: number, d: number): IsoDate | null {
  if (!(m >= 1 && m <= 12 && d >= 1 && y >= 1 && y <= 9999)) return null;
  const leap = m === 2 && (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0));
  if (d > DAYS[m - 1] + (leap ? 1 : 0)) return null;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

/** The four-digit year of `yy` under the pivot rule, relative to the reference day `ref`. */
export function centuryOf(yy: number, mm: number, dd: number, rule: Century, ref: IsoDate): number {
  const refYear = +ref.slice(0, 4);
  if (rule === 'window' || rule === 'expiry') {
    const before = rule === 'window' ? 50 : EXPIRY_YEARS.before;
    const after = rule === 'window' ? 49 : EXPIRY_YEARS.after;
    let y = Math.floor(refYear / 100) * 100 + yy;
    if (y > refYear + after) y -= 100;
    else if (y < refYear - before) y += 100;
    return y;
  }
  let y = Math.floor(refYear / 100) * 100 + yy;
  const refNum = refYear * 10000 + +ref.slice(5, 7) * 100 + +ref.slice(8, 10);
  if (y * 10000 + mm * 100 + dd > refNum) y -= 100;
  return y;
}

function fromParts(y: string, m: number, d: number, rule: Century, ref: IsoDate): IsoDate | null {
  if (y.length === 4) return iso(+y, m, d);
  return iso(centuryOf(+y, m, d, rule, ref), m, d);
}

/** `YYMMDD` or `CCYYMMDD` (EDIFACT 2379 formats 101 and 102, and the first part of 201/203). */
export function parseYmd(s: string, rule: Century, ref: IsoDate): IsoDate | null {
  if (!allDigits(s)) return null;
  if (s.length === 6) return fromParts(s.slice(0, 2), +s.slice(2, 4), +s.slice(4, 6), rule, ref);
  if (s.length === 8) return iso(+s.slice(0, 4), +s.slice(4, 6), +s.slice(6, 8));
  return null;
}

/** `DDMMYY` or `DDMMCCYY` (interactive travel messages: TVL, RCI). */
export function parseDmy(s: string, rule: Century, ref: IsoDate): IsoDate | null {
  if (/^\d{6}$/.test(s)) return fromParts(s.slice(4, 6), +s.slice(2, 4), +s.slice(0, 2), rule, ref);
  if (/^\d{8}$/.test(s)) return iso(+s.slice(4, 8), +s.slice(2, 4), +s.slice(0, 2));
  return null;
}

/** `DDMMMYY` or `DDMMMCCYY` (SSR DOCS: `12JUL80`). */
export function parseDmmmy(s: string, rule: Century, ref: IsoDate): IsoDate | null {
  const m = /^(\d{2})([A-Z]{3})(\d{2}|\d{4})$/.exec(s.toUpperCase());
  if (!m || !MONTHS[m[2]]) return null;
  return fromParts(m[3], MONTHS[m[2]], +m[1], rule, ref);
}

/** `HHMM` → `HH:MM`, or null when not a time of day. */
export function parseHhmm(s: string): string | null {
  const m = /^([01]\d|2[0-3])([0-5]\d)$/.exec(s);
  return m ? `${m[1]}:${m[2]}` : null;
}

/** 2379 date/time formats read, and their lengths (the format guessed from the length when absent). */
const LENGTH_OF_FORMAT: Readonly<Record<string, number>> = { '101': 6, '102': 8, '201': 10, '203': 12 };
const FORMAT_OF_LENGTH: Readonly<Record<number, string>> = { 6: '101', 8: '102', 10: '201', 12: '203' };

/**
 * A DTM value in the format its 2379 code names (101 YYMMDD, 102 CCYYMMDD, 201 YYMMDDHHMM,
 * 203 CCYYMMDDHHMM; absent: guessed from the length). Returns the date and the time when present.
 */
export function parseDtm(value: string, format: string, rule: Century, ref: IsoDate): { date: IsoDate; time: string | null } | null {
  const v = value.trim();
  const f = format || FORMAT_OF_LENGTH[v.length] || '';
  const n = LENGTH_OF_FORMAT[f];
  if (!n || v.length !== n || !allDigits(v)) return null;
  const dateLen = f === '101' || f === '201' ? 6 : 8;
  const date = parseYmd(v.slice(0, dateLen), rule, ref);
  if (!date) return null;
  if (v.length === dateLen) return { date, time: null };
  const time = parseHhmm(v.slice(dateLen));
  return time ? { date, time } : null;
}

/** ISO date → `YYMMDD`. */
export function toYymmdd(d: IsoDate): string {
  return d.slice(2, 4) + d.slice(5, 7) + d.slice(8, 10);
}

/** ISO date → `DDMMYY`. */
export function toDdmmyy(d: IsoDate): string {
  return d.slice(8, 10) + d.slice(5, 7) + d.slice(2, 4);
}

/** ISO date → `DDMMMYY` (SSR DOCS). */
export function toDdmmmyy(d: IsoDate): string {
  return d.slice(8, 10) + MONTH_NAMES[+d.slice(5, 7) - 1] + d.slice(2, 4);
}

/** `HH:MM` → `HHMM`. */
export function toHhmm(t: string): string {
  return t.replace(':', '');
}
