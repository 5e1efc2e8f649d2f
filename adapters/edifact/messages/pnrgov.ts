/**
 * PNRGOV (IATA PADIS, e.g. `PNRGOV:11:1:IA`) → canonical `AirBooking`s: this is how flights reach the hub
 * to be linked with packages. Hand-checked structure (IATA, not in the UN directory), as used here:
 *
 * ```
 * UNH · MSG+:22 · ORG · TVL (the reported flight) · EQN+<number of PNRs>
 * per PNR:   SRC · RCI+<airline>:<record locator>::<DDMMYY>:<HHMM> · SSR · DAT · IFT · ORG · ADD · EBD
 *   per traveller: TIF+SURNAME:<A|C|IN>+GIVEN TITLE:<type>:<ref> · FTI · IFT · REF · FAR ·
 *                  SSR+DOCS:HK::<airline>:::::/P/<issuing>/<number>/<nationality>/<DDMMMYY>/<gender>/<DDMMMYY>/<surname>/<given>/<middle>
 *                  · TKT · MON · PTK · TXD · DAT · FOP
 *   per itinerary segment: TVL+<DDMMYY>:<HHMM>:<DDMMYY>:<HHMM>+<from>+<to>+<carrier>+<flight>:<class> ·
 *                  RPI+<passengers>+<status> · APD · SSR (seats, meals)
 *   history:   LTS …
 * UNT
 * ```
 * The message-level TVL (before the first SRC) is the flight being reported, not part of a PNR. A TVL
 * inside a PNR belongs to its itinerary. SSR DOCS dates use DDMMMYY: birth dates resolve into the past
 * and expiry dates forward from the flight date (20 years before to 79 after; see dates.ts).
 */
import type { AirBooking, FlightSegment, IsoDate, Traveller, TravelDocument } from '../../../core/model';
import { CODES } from './codes';
import { parseDmmmy, parseDmy, parseHhmm } from './dates';
import { Findings, seg, val, type Segment } from './segments';
import type { TranslateContext } from './paxlst';

/** Translates one PNRGOV message into its PNRs. */
export function parsePnrgov(segments: Segment[], ctx: TranslateContext): { bookings: AirBooking[]; findings: Findings } {
  const f = new Findings();
  const bookings: AirBooking[] = [];
  let pnr: AirBooking | null = null;
  let tr: Traveller | null = null;
  let lastSeg: FlightSegment | null = null;
  let inHistory = false;
  let flightDate: IsoDate | null = null;
  const docsLater: { t: Traveller; s: Segment }[] = [];
  let expected: { n: number; s: Segment } | null = null;

  for (const s of segments) {
    switch (s.tag) {
      case 'SRC':
        pnr = null; tr = null; lastSeg = null; inHistory = false;
        break;
      case 'EQN':
        if (!pnr) expected = { n: Number(val(s, 0)), s };
        break;
      case 'RCI': {
        if (pnr && pnr.recordLocator) break; // an RCI inside a PNR after the first: other systems' locators
        const carrier = val(s, 0, 0);
        const locator = val(s, 0, 1);
        if (!locator) { f.error('RCI without a record locator (component 2)', s, '13'); break; }
        pnr = { carrier, recordLocator: locator, created: null, travellers: [], segments: [] };
        const d = parseDmy(val(s, 0, 3), 'window', ctx.refDate);
        const t = parseHhmm(val(s, 0, 4));
        if (d) pnr.created = t ? `${d}T${t}:00Z` : d;
        bookings.push(pnr);
        break;
      }
      case 'TIF': {
        if (!pnr) { f.warn('TIF outside a PNR (no SRC/RCI before it); ignored', s); break; }
        tr = travellerFromTif(s);
        pnr.travellers.push(tr);
        lastSeg = null;
        break;
      }
      case 'SSR':
        if (val(s, 0) === 'DOCS') {
          if (tr && !lastSeg) docsLater.push({ t: tr, s });
          else f.warn('SSR DOCS not inside a traveller group; ignored', s);
        }
        break;
      case 'TVL': {
        if (!pnr) {
          const d = parseDmy(val(s, 0, 0), 'window', ctx.refDate);
          if (d) flightDate = d;
          break;
        }
        if (inHistory) break;
        const fs = segmentFromTvl(s, f, ctx);
        if (fs) { pnr.segments.push(fs); lastSeg = fs; }
        tr = null;
        break;
      }
      case 'RPI':
        if (lastSeg) {
          const st = val(s, 1).toUpperCase();
          if (st && !CODES.segmentStatuses.has(st)) f.warn(`RPI status '${st}' is not a known segment status; kept`, s);
          lastSeg.status = st || null;
        }
        break;
      case 'LTS':
        inHistory = true;
        break;
      default:
        break;
    }
  }
  const ref = flightDate ?? ctx.refDate;
  for (const { t, s } of docsLater) applyDocs(t, s, ref, f);
  if (expected && Number.isFinite(expected.n) && expected.n !== bookings.length) {
    f.warn(`EQN says ${expected.n} PNRs, the message holds ${bookings.length}`, expected.s, '29');
  }
  if (bookings.length === 0) f.error('No PNR (SRC + RCI) in the PNRGOV message', undefined, '13');
  return { bookings, findings: f };
}

export function travellerFromTif(s: Segment): Traveller {
  const surname = val(s, 0, 0);
  const words = val(s, 1, 0).split(/\s+/).filter(Boolean);
  while (words.length > 1 && CODES.nameTitles.has(words[words.length - 1].toUpperCase())) words.pop();
  const type = CODES.travellerTypeIn[(val(s, 1, 1) || val(s, 0, 1)).toUpperCase()];
  const t: Traveller = { surname, givenName: words.join(' ') };
  if (type) t.type = type;
  return t;
}

function segmentFromTvl(s: Segment, f: Findings, ctx: TranslateContext): FlightSegment | null {
  const depDate = parseDmy(val(s, 0, 0), 'window', ctx.refDate);
  if (!depDate) { f.warn(`TVL departure date '${val(s, 0, 0)}' is not DDMMYY; segment skipped`, s); return null; }
  const arrRaw = val(s, 0, 2);
  const arrDate = arrRaw ? parseDmy(arrRaw, 'window', depDate) : null;
  if (arrRaw && !arrDate) f.warn(`TVL arrival date '${arrRaw}' is not DDMMYY`, s);
  const time = (raw: string): string | null => {
    if (!raw) return null;
    const t = parseHhmm(raw);
    if (!t) f.warn(`TVL time '${raw}' is not HHMM`, s);
    return t;
  };
  const out: FlightSegment = {
    carrier: val(s, 3, 0),
    flightNumber: val(s, 4, 0),
    bookingClass: val(s, 4, 1) || null,
    origin: val(s, 1, 0),
    destination: val(s, 2, 0),
    departureDate: depDate,
    departureTime: time(val(s, 0, 1)),
    arrivalDate: arrDate,
    arrivalTime: time(val(s, 0, 3)),
    status: null,
  };
  if (!out.carrier || !out.flightNumber || !out.origin || !out.destination) {
    f.warn('TVL lacks carrier, flight number or airports', s, '13');
  }
  return out;
}

/** The SSR DOCS free text: the last component starting with '/', else component 9 (C? 4440 in IATA SSR). */
function docsText(s: Segment): string {
  const c = s.elements[0] ?? [];
  for (let i = c.length - 1; i >= 1; i--) if (c[i].trim().startsWith('/')) return c[i].trim();
  return (c[8] ?? '').trim();
}

export function applyDocs(t: Traveller, s: Segment, ref: IsoDate, f: Findings): void {
  const text = docsText(s);
  const parts = text.replace(/^\//, '').split('/');
  if (parts.length < 7) { f.warn(`SSR DOCS text '${text}' has fewer than 7 fields`, s); return; }
  const [type, issuing, number, nationality, dob, gender, expiry, surname, given, middle] = parts.map((p) => p.trim());
  const doc: TravelDocument = {
    type: CODES.documentTypeIn[type.toUpperCase()] ?? type.toUpperCase(),
    number,
    issuingCountry: issuing || null,
    expiry: null,
  };
  if (expiry) {
    doc.expiry = parseDmmmy(expiry, 'expiry', ref);
    if (!doc.expiry) f.warn(`SSR DOCS expiry '${expiry}' is not DDMMMYY`, s);
  }
  if (dob) {
    const b = parseDmmmy(dob, 'past', ref);
    if (b) t.birthDate = b;
    else f.warn(`SSR DOCS birth date '${dob}' is not DDMMMYY`, s);
  }
  if (gender) {
    const g = CODES.genderIn[gender.toUpperCase()];
    if (g) t.gender = g;
    else f.warn(`SSR DOCS gender '${gender}' is not M, F, U, MI or FI`, s);
  }
  if (nationality) t.nationality = nationality;
  if (middle) t.middleName = middle;
  if (surname && surname !== t.surname) f.warn(`SSR DOCS surname '${surname}' differs from the TIF name '${t.surname}'`, s);
  if (given && !t.givenName) t.givenName = given;
  (t.documents ??= []).push(doc);
}

/** The UNH S009 of a PNRGOV message. */
export const PNRGOV_ID = Object.freeze({ type: 'PNRGOV', version: '11', release: '1', agency: 'IA' });

/** Renders bookings as a PNRGOV message body (MSG … ; generates test traffic: the hub never sends PNRGOV). */
export function renderPnrgov(bookings: AirBooking[], flight: FlightSegment): Segment[] {
  const ddmmyy = (d: IsoDate) => d.slice(8, 10) + d.slice(5, 7) + d.slice(2, 4);
  const tvl = (x: FlightSegment) => seg('TVL', [ddmmyy(x.departureDate), (x.departureTime ?? '').replace(':', ''), x.arrivalDate ? ddmmyy(x.arrivalDate) : '', (x.arrivalTime ?? '').replace(':', '')], x.origin, x.destination, x.carrier, [x.flightNumber, x.bookingClass ?? '']);
  const out: Segment[] = [seg('MSG', ['', '22']), seg('ORG', flight.carrier), tvl(flight), seg('EQN', String(bookings.length))];
  for (const b of bookings) {
    out.push(seg('SRC'), seg('RCI', [b.carrier, b.recordLocator]));
    for (const t of b.travellers) out.push(seg('TIF', [t.surname, CODES.travellerTypeOut[t.type ?? 'ADT']], [t.givenName]));
    for (const x of b.segments) {
      out.push(tvl(x));
      if (x.status) out.push(seg('RPI', String(b.travellers.length), x.status));
    }
  }
  return out;
}
