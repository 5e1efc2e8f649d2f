/**
 * PAXLST (UN/EDIFACT D:05B, IATA/WCO API implementation) ↔ canonical `Manifest`.
 *
 * Read, in message order:
 * `BGM+745|250` kind · `RFF+TN` reference · SG1 `NAD+MS` reporting party, `COM …:TE` phone ·
 * SG2 `TDT+20+<carrier><number>+++<carrier>` · SG3 `LOC+125|87|92` with `DTM+189|232` (YYMMDDHHMM, 201) ·
 * SG4 per traveller `NAD+FL|FM|DDU|DDT+++SURNAME:GIVEN:MIDDLE:ARABIC SURNAME:ARABIC GIVEN`, `ATT+2++M|F|U`,
 * `DTM+329` birth, `LOC+178|179|174`, `NAT+2`, `RFF+AVF` record locator · SG5 `DOC+P:110:111+<number>`,
 * `DTM+36` expiry, `DTM+182` issue, `LOC+91` issuing country · `CNT+42|41`.
 *
 * Flights and legs. Each SG2 group (a TDT and the SG3 LOC/DTM pairs after it) is read as a line of places:
 * its departure `LOC+125` first, its routing places `LOC+92` in message order, its arrival `LOC+87` last
 * (a group without 125 starts at its first 92, one without 87 ends at its last 92). Each two consecutive
 * places are one leg, flown under the group's TDT carrier and number, leaving at the DTM+189 of the first
 * place and arriving at the DTM+232 of the second. A 92 between 125 and 87 is a stop: its DTM+232 is the
 * arrival there, its DTM+189 the departure from there, and the group gives two legs (CGK → KUL → JED). A
 * group of two 92s is one leg: the WCO/IATA implementation guide writes the legs of a progressive flight
 * that are not the last departure for, nor the first arrival in, the reporting country that way, one TDT
 * group each. Legs keep message order and the manifest's `flight` is the first. A leg without a departure
 * place or date is an error (0085 13) at its TDT or LOC and is left out; with no leg left, no manifest.
 * Written back: one TDT group per leg, the last leg (the one entering the destination country, whose
 * authority the hub reports to) with LOC+125/87, earlier legs with LOC+92 at both ends.
 *
 * Arabic names: the hub writes the Latin name in C080 components 1–3 and, when known, the Arabic-script
 * surname and given name in components 4–5 (C080 allows five name lines). A sender that puts Arabic
 * script in components 1–2 gets its names kept as Arabic and, for want of a Latin name, copied into the
 * Latin fields with a warning.
 */
import { manifestLegs, type FlightSegment, type IsoDate, type Manifest, type TravelDocument } from '../../../core/model';
import { CODES } from './codes';
import { parseDtm, toYymmdd, type Century } from './dates';
import { Findings, hasArabic, seg, val, type Segment } from './segments';

type ManifestTraveller = Manifest['travellers'][number];

/** What the translator needs besides the segments. */
export interface TranslateContext {
  /** Reference day for two-digit years when the message has no flight date (interchange date, else today). */
  refDate: IsoDate;
}

const P = CODES.paxlst;

function carrierAndNumber(journey: string, carrier: string): { carrier: string; flightNumber: string } {
  const j = journey.replace(/\s+/g, '').toUpperCase();
  const c = carrier.toUpperCase();
  if (c && j.startsWith(c) && j.length > c.length) return { carrier: c, flightNumber: j.slice(c.length) };
  const m = /^([A-Z0-9]{2})(\d{1,4}[A-Z]?)$/.exec(j);
  if (!c && m) return { carrier: m[1], flightNumber: m[2] };
  return { carrier: c, flightNumber: j };
}

/** An SG3 place of a transport group with the DTM segments that follow it. */
interface Place { code: string; qual: string; seg: Segment; dtms: Segment[] }
/** One SG2 group: its TDT and places, in message order. */
interface TransportGroup { tdt: Segment; journey: string; carrier: string; places: Place[] }

/** Translates one PAXLST message (UNH…UNT or its body) into a manifest. */
export function parsePaxlst(segments: Segment[], ctx: TranslateContext): { manifest: Manifest | null; findings: Findings } {
  const f = new Findings();
  let kind: Manifest['kind'] = 'passengers';
  let reference: string | null = null;
  let party: { name?: string | null; phone?: string | null } | null = null;
  const groups: TransportGroup[] = [];
  const travellers: ManifestTraveller[] = [];
  let cnt: { n: number; seg: Segment } | null = null;
  // Raw traveller dates, resolved once the flight date (the pivot's reference) is known.
  const pending: (() => void)[] = [];

  type Zone = 'header' | 'party' | 'flight' | 'traveller' | 'document' | 'other';
  let zone: Zone = 'header';
  let tr: ManifestTraveller | null = null;
  let doc: TravelDocument | null = null;

  const dateOf = (s: Segment, rule: Century, apply: (d: IsoDate) => void): void => {
    pending.push(() => {
      const d = parseDtm(val(s, 0, 1), val(s, 0, 2), rule, refDay());
      if (d) apply(d.date);
      else f.warn(`DTM+${val(s, 0)} value '${val(s, 0, 1)}' is not a date`, s);
    });
  };
  let flightRef: IsoDate | null = null;
  const refDay = (): IsoDate => flightRef ?? ctx.refDate;

  for (const s of segments) {
    switch (s.tag) {
      case 'UNH': case 'UNT': case 'UNG': case 'UNE': case 'UNB': case 'UNZ':
        break;
      case 'BGM': {
        const k = (P.documentName as Record<string, string>)[val(s, 0)];
        if (k === 'crew' || k === 'passengers') kind = k;
        else f.warn(`BGM document name '${val(s, 0)}' is neither 745 (passengers) nor 250 (crew); read as passengers`, s);
        if (val(s, 1)) reference = val(s, 1);
        break;
      }
      case 'RFF':
        if (zone === 'header' && val(s, 0) === P.transactionReference) reference = val(s, 0, 1) || reference;
        else if (zone === 'traveller' && tr && val(s, 0) === P.recordLocator) tr.recordLocator = val(s, 0, 1) || null;
        break;
      case 'NAD': {
        const fn = val(s, 0);
        doc = null;
        if (CODES.party.reportingParty.includes(fn)) {
          zone = 'party';
          party = { name: val(s, 3) || val(s, 2) || val(s, 1) || null, phone: null };
        } else if (CODES.party.passenger.includes(fn) || CODES.party.crew.includes(fn)) {
          zone = 'traveller';
          tr = travellerFromNad(s, f);
          travellers.push(tr);
        } else {
          zone = 'other';
          f.warn(`NAD party function '${fn}' is not a traveller or reporting party; ignored`, s);
        }
        break;
      }
      case 'COM':
        if (zone === 'party' && party) {
          for (const el of s.elements) if (el[1] === 'TE' && el[0]) party.phone = el[0].trim();
        }
        break;
      case 'TDT':
        zone = 'flight';
        groups.push({ tdt: s, journey: val(s, 1), carrier: val(s, 4), places: [] });
        break;
      case 'LOC': {
        const q = val(s, 0);
        const code = val(s, 1) || val(s, 1, 3);
        if (zone === 'flight') groups[groups.length - 1].places.push({ code, qual: q, seg: s, dtms: [] });
        else if (zone === 'traveller' && tr) {
          const t = P.travellerLocations;
          if (q === t.embarkation) tr.embarkation = code || null;
          else if (q === t.debarkation) tr.debarkation = code || null;
          else if (q === t.residence) tr.residence = code || null;
        } else if (zone === 'document' && doc && q === P.issuingCountry) doc.issuingCountry = code || null;
        break;
      }
      case 'DTM': {
        const q = val(s, 0);
        if (zone === 'flight') {
          groups[groups.length - 1].places.at(-1)?.dtms.push(s);
        } else if (zone === 'traveller' && tr && q === P.birthDate) {
          const t = tr;
          dateOf(s, 'past', (d) => { t.birthDate = d; });
        } else if (zone === 'document' && doc) {
          const d = doc;
          if (q === P.documentExpiry) dateOf(s, 'expiry', (v) => { d.expiry = v; });
          else if (P.documentIssued.includes(q)) dateOf(s, 'past', (v) => { d.issued = v; });
        }
        break;
      }
      case 'ATT':
        if (zone === 'traveller' && tr && val(s, 0) === '2') {
          const g = CODES.genderIn[val(s, 2).toUpperCase()];
          if (g) tr.gender = g;
          else f.warn(`ATT gender '${val(s, 2)}' is not M, F or U`, s);
        }
        break;
      case 'NAT':
        if (zone === 'traveller' && tr) tr.nationality = val(s, 1) || null;
        break;
      case 'DOC': {
        if (!tr) { f.warn('DOC before any traveller NAD; ignored', s); break; }
        const code = val(s, 0).toUpperCase();
        const type = CODES.documentTypeIn[code];
        if (!type) f.warn(`DOC document type '${code}' is not in the code table; kept as is`, s);
        doc = { type: type ?? code, number: val(s, 1), issuingCountry: null, expiry: null };
        if (!doc.number) f.warn('DOC without a document number', s);
        (tr.documents ??= []).push(doc);
        zone = 'document';
        break;
      }
      case 'CNT':
        zone = 'other';
        if (P.controlTotal[kind] === val(s, 0) || val(s, 0) === P.controlTotal.passengers || val(s, 0) === P.controlTotal.crew) {
          cnt = { n: Number(val(s, 0, 1)), seg: s };
        }
        break;
      default:
        break;
    }
  }

  const legs = legsFrom(groups, f, ctx);
  flightRef = legs[0]?.departureDate ?? null;
  for (const p of pending) p();
  if (cnt && cnt.n !== travellers.length) {
    f.warn(`CNT says ${cnt.n} travellers, the message lists ${travellers.length}`, cnt.seg, '29');
  }
  if (legs.length === 0) return { manifest: null, findings: f };
  return { manifest: { kind, reference, reportingParty: party, flight: { ...legs[0] }, legs, travellers }, findings: f };
}

function travellerFromNad(s: Segment, f: Findings): ManifestTraveller {
  const surname = val(s, 3, 0);
  const given = val(s, 3, 1);
  const middle = val(s, 3, 2);
  const arSurname = val(s, 3, 3);
  const arGiven = val(s, 3, 4);
  const t: ManifestTraveller = { surname, givenName: given, middleName: middle || null };
  if (arSurname || arGiven) {
    t.surnameArabic = arSurname || null;
    t.givenNameArabic = arGiven || null;
  }
  if (hasArabic(surname) || hasArabic(given)) {
    t.surnameArabic = surname || null;
    t.givenNameArabic = given || null;
    f.warn('Traveller name is in Arabic script only; no Latin name was given', s);
  }
  if (!surname) f.error('Traveller NAD without a surname (C080 component 1)', s, '13');
  return t;
}

/** The legs of the transport groups, in message order (rule at the top of the file). */
function legsFrom(groups: TransportGroup[], f: Findings, ctx: TranslateContext): FlightSegment[] {
  if (groups.length === 0) {
    f.error('No TDT segment with the flight (journey identifier); no manifest produced', undefined, '13');
    return [];
  }
  const legs: FlightSegment[] = [];
  for (const g of groups) {
    if (!g.journey) {
      f.error('TDT without a journey identifier (carrier and flight number); its legs are left out', g.tdt, '13');
      continue;
    }
    const cn = carrierAndNumber(g.journey, g.carrier);
    const name = cn.carrier + cn.flightNumber;
    const line = placesInOrder(g, f);
    if (line.length < 2) {
      f.error(`Flight ${name} has no departure (LOC+125) or no arrival (LOC+87) place; its legs are left out`, g.tdt, '13');
      continue;
    }
    for (let i = 1; i < line.length; i++) {
      const from = line[i - 1];
      const to = line[i];
      const d = dateAt(from, 'departure', f, ctx);
      const a = dateAt(to, 'arrival', f, ctx);
      if (!d) {
        f.error(`Flight ${name} from ${from.code} to ${to.code} has no departure date (DTM+189 after LOC+${from.qual}); the leg is left out`, from.seg, '13');
        continue;
      }
      const before = legs.at(-1);
      if (before && before.destination !== from.code) {
        f.warn(`Flight ${name} leaves from ${from.code} but the leg before it arrives at ${before.destination}`, from.seg);
      }
      legs.push({
        carrier: cn.carrier,
        flightNumber: cn.flightNumber,
        origin: from.code,
        destination: to.code,
        departureDate: d.date,
        departureTime: d.time,
        arrivalDate: a?.date ?? null,
        arrivalTime: a?.time ?? null,
      });
    }
  }
  if (legs.length === 0) f.error('No flight leg has a departure place and date; no manifest produced', undefined, '13');
  return legs;
}

/** A group's places as flown: departure (125), routing stops (92) in message order, arrival (87). */
function placesInOrder(g: TransportGroup, f: Findings): Place[] {
  let dep: Place | undefined;
  let arr: Place | undefined;
  const stops: Place[] = [];
  for (const p of g.places) {
    const isDep = P.departureLocations.includes(p.qual);
    const isArr = P.arrivalLocations.includes(p.qual);
    const isStop = P.routingLocations.includes(p.qual);
    if (!isDep && !isArr && !isStop) continue;
    if (!p.code) {
      f.error(`LOC+${p.qual} without a place code`, p.seg, '13');
      continue;
    }
    if (isDep) {
      if (dep) f.warn(`A second departure place (LOC+${p.qual}+${p.code}) in one TDT group; the first, ${dep.code}, is kept`, p.seg);
      else {
        if (stops.length > 0 || arr) f.warn(`The departure place LOC+${p.qual}+${p.code} comes after other places of its TDT group; read as the first`, p.seg);
        dep = p;
      }
    } else if (isArr) {
      if (arr) f.warn(`A second arrival place (LOC+${p.qual}+${p.code}) in one TDT group; the first, ${arr.code}, is kept`, p.seg);
      else arr = p;
    } else {
      if (arr) f.warn(`The routing place LOC+${p.qual}+${p.code} comes after the arrival place of its TDT group; read before it`, p.seg);
      for (const d of p.dtms) {
        const q = val(d, 0);
        if (!P.departureDates.includes(q) && !P.arrivalDates.includes(q)) f.warn(`DTM+${q} after LOC+${p.qual} is neither a departure (189) nor an arrival (232) date; ignored`, d);
      }
      stops.push(p);
    }
  }
  return [...(dep ? [dep] : []), ...stops, ...(arr ? [arr] : [])];
}

/**
 * The departure or arrival date and time at a place. A departure (125) or arrival (87) place whose only
 * DTM has another qualifier gets it read in its role, with a warning; a routing place (92) is read by
 * qualifier alone, since it carries both.
 */
function dateAt(p: Place, role: 'departure' | 'arrival', f: Findings, ctx: TranslateContext): { date: IsoDate; time: string | null } | null {
  const quals = role === 'departure' ? P.departureDates : P.arrivalDates;
  let dtm = p.dtms.find((d) => quals.includes(val(d, 0)));
  if (!dtm && p.dtms.length > 0 && (role === 'departure' ? P.departureLocations : P.arrivalLocations).includes(p.qual)) {
    dtm = p.dtms[0];
    f.warn(`DTM+${val(dtm, 0)} after LOC+${p.qual} is not the expected date qualifier (${quals[0]}); read as the ${role} date`, dtm);
  }
  if (!dtm) return null;
  const d = parseDtm(val(dtm, 0, 1), val(dtm, 0, 2), 'window', ctx.refDate);
  if (!d) f.warn(`DTM value '${val(dtm, 0, 1)}' is not a date/time`, dtm);
  return d;
}

function dateTime(date: IsoDate, time: string | null | undefined): [string, string] {
  return time ? [toYymmdd(date) + time.replace(':', ''), '201'] : [toYymmdd(date), '101'];
}

/** The UNH S009 of the PAXLST the hub sends. */
export const PAXLST_ID = Object.freeze({ type: 'PAXLST', version: 'D', release: '05B', agency: 'UN', association: 'IATA' });

/**
 * Renders a canonical manifest as the body of a PAXLST message (BGM … CNT; the serializer adds UNH/UNT
 * with `PAXLST_ID`) for an authority, one TDT group per leg (a manifest without legs: its flight). Dates are
 * written YYMMDD as the IATA/WCO guidelines require; readers resolve the century by the rules of ./dates.ts
 * (births the latest not after the flight, expiries forward from it), and `paxlstProblems` refuses a date
 * those rules would not bring back.
 */
export function renderPaxlst(m: Manifest, opts: { arabicNames?: boolean } = {}): Segment[] {
  const out: Segment[] = [];
  out.push(seg('BGM', P.documentNameOut[m.kind]));
  if (m.reference) out.push(seg('RFF', [P.transactionReference, m.reference]));
  if (m.reportingParty?.name || m.reportingParty?.phone) {
    out.push(seg('NAD', CODES.party.reportingParty[0], '', '', m.reportingParty.name ?? ''));
    if (m.reportingParty.phone) out.push(seg('COM', [m.reportingParty.phone, 'TE']));
  }
  const legs = manifestLegs(m);
  legs.forEach((leg, i) => {
    const entering = i === legs.length - 1;
    out.push(seg('TDT', '20', leg.carrier + leg.flightNumber, '', '', leg.carrier));
    out.push(seg('LOC', entering ? P.departureLocations[0] : P.routingLocations[0], leg.origin));
    out.push(seg('DTM', [P.departureDates[0], ...dateTime(leg.departureDate, leg.departureTime)]));
    out.push(seg('LOC', entering ? P.arrivalLocations[0] : P.routingLocations[0], leg.destination));
    if (leg.arrivalDate) out.push(seg('DTM', [P.arrivalDates[0], ...dateTime(leg.arrivalDate, leg.arrivalTime)]));
  });
  const nadFn = CODES.party.out[m.kind];
  for (const t of m.travellers) {
    const arabic = opts.arabicNames !== false && (t.surnameArabic || t.givenNameArabic) ? [t.surnameArabic ?? '', t.givenNameArabic ?? ''] : [];
    out.push(seg('NAD', nadFn, '', '', [t.surname, t.givenName, t.middleName ?? '', ...arabic]));
    if (t.gender) out.push(seg('ATT', '2', '', CODES.genderOut[t.gender] ?? 'U'));
    if (t.birthDate) out.push(seg('DTM', [P.birthDate, toYymmdd(t.birthDate)]));
    const tl = P.travellerLocations;
    if (t.embarkation) out.push(seg('LOC', tl.embarkation, t.embarkation));
    if (t.debarkation) out.push(seg('LOC', tl.debarkation, t.debarkation));
    if (t.residence) out.push(seg('LOC', tl.residence, t.residence));
    if (t.nationality) out.push(seg('NAT', '2', t.nationality));
    if (t.recordLocator) out.push(seg('RFF', [P.recordLocator, t.recordLocator]));
    for (const d of t.documents ?? []) {
      out.push(seg('DOC', [CODES.documentTypeOut[d.type] ?? d.type, '110', '111'], d.number));
      if (d.expiry) out.push(seg('DTM', [P.documentExpiry, toYymmdd(d.expiry)]));
      if (d.issued) out.push(seg('DTM', [P.documentIssued[0], toYymmdd(d.issued)]));
      if (d.issuingCountry) out.push(seg('LOC', P.issuingCountry, d.issuingCountry));
    }
  }
  out.push(seg('CNT', [P.controlTotal[m.kind], String(m.travellers.length)]));
  return out;
}
