/**
 * What a PAXLST can carry, checked before one is written for an authority:
 * - every text value must fit the repertoire of the interchange's syntax identifier. A name the repertoire
 *   cannot hold is refused at its path, never sent blank or cut (an authority would get a pilgrim without a
 *   name); accents and lower case are not a problem (written without them, as in a passport's
 *   machine-readable zone);
 * - every date must read back as itself. The IATA/WCO PAXLST guidelines give dates as YYMMDD, so a reader
 *   decides the century (./dates.ts: births the latest not after the flight, expiries forward from it,
 *   flight dates nearest the message date). A birth 100 years or more before the flight, or an expiry 80
 *   years or more after it, would be read a century off: refused rather than sent wrong.
 *
 * The input may not have been checked yet (the filing route lists these problems beside core's): values
 * of the wrong type are core's to report and are skipped here.
 */
import type { Violation } from '../../../core/errors';
import { charsetFor } from '..';
import { isIsoDate, today } from '../../../core/dates';
import type { IsoDate } from '../../../core/model';
import { unwritableChars } from './fit';
import { EXPIRY_YEARS, parseYmd, toYymmdd, type Century } from './dates';

type Obj = Record<string, unknown>;

const NAMES = ['surname', 'givenName', 'middleName'] as const;
const ARABIC_NAMES = ['surnameArabic', 'givenNameArabic'] as const;

function obj(v: unknown): Obj | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
}

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(obj).map((x) => x ?? {}) : [];
}

/** True when the repertoire of `syntaxId` carries Arabic script (then the Arabic names are written too). */
export function carriesArabic(syntaxId: string): boolean {
  const enc = charsetFor(syntaxId).encoding;
  return enc === 'utf8' || enc === 'iso-8859-6';
}

/**
 * Every value of the manifest a PAXLST in `syntaxId` for `to` could not carry as given, with its path in the
 * manifest. Empty when the PAXLST can be written.
 */
export function paxlstProblems(raw: unknown, o: { syntaxId: string; to?: string; prepared?: Date }): Violation[] {
  const out: Violation[] = [];
  const m = obj(raw);
  if (!m) return out;
  const to = o.to ?? 'the authority';
  const cs = charsetFor(o.syntaxId);
  const repertoire = `${o.syntaxId}${cs.restriction ? `, ${cs.restriction}` : ''}`;
  const text = (holder: Obj, key: string, path: string, advice: string) => {
    const v = holder[key];
    if (typeof v !== 'string') return;
    const lost = unwritableChars(v, o.syntaxId);
    if (lost.length === 0) return;
    out.push({
      code: 'GW_BAD_INPUT', path: `${path}/${key}`,
      message: `${key} ${JSON.stringify(v)} cannot be sent to ${to}: its manifests are written in ${repertoire}, which has no ${lost.map((c) => JSON.stringify(c)).join(', ')}${advice}`,
    });
  };
  const latinName = '; send the name in Latin letters as printed in the passport\'s machine-readable zone (the Arabic spelling goes in surnameArabic and givenNameArabic)';
  text(m, 'reference', '', '');
  const party = obj(m.reportingParty);
  if (party) for (const k of ['name', 'phone']) text(party, k, '/reportingParty', '');
  const arabic = carriesArabic(o.syntaxId);
  // Dates, as the reader resolves them: a leg's against the message date, a traveller's against the flight's.
  const date = (holder: Obj, key: string, path: string, rule: Century, ref: IsoDate | null, why: string) => {
    const d = holder[key];
    if (!ref || !isIsoDate(d)) return;
    const back = parseYmd(toYymmdd(d), rule, ref);
    if (back === d) return;
    out.push({
      code: 'GW_BAD_DATES', path: `${path}/${key}`,
      message: `${key} ${d} cannot be sent to ${to}: a PAXLST writes it with a two-digit year (${toYymmdd(d)}), which reads as ${back ?? "no valid date"}; ${why}`,
    });
  };
  const legs = Array.isArray(m.legs) && m.legs.length > 0 ? { list: list(m.legs), path: '/legs' } : { list: [obj(m.flight) ?? {}], path: '/flight' };
  const sent = today(o.prepared ?? new Date());
  legs.list.forEach((leg, i) => {
    const p = legs.path === '/legs' ? `/legs/${i}` : '/flight';
    for (const k of ['departureDate', 'arrivalDate']) date(leg, k, p, 'window', sent, `flight dates must be within 49 years of the day the manifest is sent (${sent})`);
  });
  const departure = isIsoDate(legs.list[0]?.departureDate) ? legs.list[0].departureDate as IsoDate : null;
  const born = `a traveller born 100 years or more before the flight (${departure}) cannot be listed in a PAXLST: report them to ${to} by other means`;
  const expires = `expiry dates are read from ${EXPIRY_YEARS.before} years before to ${EXPIRY_YEARS.after} years after the flight (${departure})`;
  list(m.travellers).forEach((t, i) => {
    const p = `/travellers/${i}`;
    for (const k of NAMES) text(t, k, p, latinName);
    if (arabic) for (const k of ARABIC_NAMES) text(t, k, p, '');
    date(t, 'birthDate', p, 'past', departure, born);
    list(t.documents).forEach((d, j) => {
      const dp = `${p}/documents/${j}`;
      for (const k of ['type', 'number']) text(d, k, dp, '');
      date(d, 'expiry', dp, 'expiry', departure, expires);
      date(d, 'issued', dp, 'past', departure, `an issue date must be before the flight (${departure}) and less than 100 years before it`);
    });
  });
  return out;
}
