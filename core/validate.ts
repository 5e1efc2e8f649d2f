/**
 * Shape and range checks of every command core accepts. Whatever the protocol, a command is checked here
 * once, and every problem is listed (not just the first) with a path in the command.
 */
import type { Violation } from './errors';
import { assertNoViolations } from './errors';
import type { AvailabilityQuery, BookingItemRequest, BookingRequest, BookingStatus, InventoryUpdate, IsoDate, Manifest, RateUpdate, Traveller, Weekday } from './model';
import { BOOKING_STATUSES, WEEKDAYS, SERVICE_KINDS } from './model';
import { daysBetween, isIsoDate } from './dates';
import { CURRENCY, toMinor } from './money';

/** Limits of one request; numbers chosen for the Hajj/Umrah domain (see README "Limits"). */
export const LIMITS = {
  /** Longest stay on one item: Hajj packages run up to ~45 nights; 90 covers an Umrah visa's full length. */
  maxNights: 90,
  /** One ARI record may cover up to 750 days (SiteMinder's horizon) */
  maxAriDays: 750,
  maxItems: 20,
  maxQuantity: 500,
  maxTravellers: 500,
  maxGuests: 20,
} as const;

class Checker {
  readonly v: Violation[] = [];
  add(path: string, message: string, code: Violation['code'] = 'GW_BAD_INPUT'): void {
    this.v.push({ code, message, path });
  }
  str(obj: Record<string, unknown>, key: string, path: string, opts: { required?: boolean; max?: number; pattern?: RegExp } = {}): string | undefined {
    const val = obj[key];
    if (val === undefined || val === null) {
      if (opts.required) this.add(`${path}/${key}`, `${key} is required`);
      return undefined;
    }
    if (typeof val !== 'string' || val.length === 0) return void this.add(`${path}/${key}`, `${key} must be a non-empty string`);
    if (val.length > (opts.max ?? 200)) return void this.add(`${path}/${key}`, `${key} is longer than ${opts.max ?? 200} characters`);
    if (opts.pattern && !opts.pattern.test(val)) return void this.add(`${path}/${key}`, `${key} "${val}" has the wrong format`);
    return val;
  }
  int(obj: Record<string, unknown>, key: string, path: string, min: number, max: number, required = false): number | undefined {
    const val = obj[key];
    if (val === undefined || val === null) {
      if (required) this.add(`${path}/${key}`, `${key} is required`);
      return undefined;
    }
    if (typeof val !== 'number' || !Number.isInteger(val)) return void this.add(`${path}/${key}`, `${key} must be a whole number`);
    if (val < min || val > max) return void this.add(`${path}/${key}`, `${key} must be between ${min} and ${max}`);
    return val;
  }
  bool(obj: Record<string, unknown>, key: string, path: string): boolean | undefined {
    const val = obj[key];
    if (val === undefined || val === null) return undefined;
    if (typeof val !== 'boolean') return void this.add(`${path}/${key}`, `${key} must be true or false`);
    return val;
  }
  /** A local time of day `HH:MM` (24-hour), optional. */
  time(obj: Record<string, unknown>, key: string, path: string): string | undefined {
    const val = obj[key];
    if (val === undefined || val === null) return undefined;
    if (typeof val !== 'string' || !TIME.test(val)) return void this.add(`${path}/${key}`, `${key} ${JSON.stringify(val)} is not a time of day (HH:MM, 24-hour)`);
    return val;
  }
  date(obj: Record<string, unknown>, key: string, path: string, required = true): string | undefined {
    const val = obj[key];
    if (val === undefined || val === null) {
      if (required) this.add(`${path}/${key}`, `${key} is required (YYYY-MM-DD)`, 'GW_BAD_DATES');
      return undefined;
    }
    if (!isIsoDate(val)) return void this.add(`${path}/${key}`, `${key} "${String(val)}" is not a date (YYYY-MM-DD)`, 'GW_BAD_DATES');
    return val;
  }
  weekdays(obj: Record<string, unknown>, path: string): Weekday[] | undefined {
    const val = obj.weekdays;
    if (val === undefined || val === null) return undefined;
    if (!Array.isArray(val) || !val.every((w) => (WEEKDAYS as readonly unknown[]).includes(w))) {
      return void this.add(`${path}/weekdays`, `weekdays must be a list of ${WEEKDAYS.join(', ')}`);
    }
    return val as Weekday[];
  }
  object(val: unknown, path: string): Record<string, unknown> | undefined {
    if (val === null || typeof val !== 'object' || Array.isArray(val)) return void this.add(path || '/', 'must be an object');
    return val as Record<string, unknown>;
  }
  done(what: string): void {
    assertNoViolations(this.v, what);
  }
}

export const CODE = /^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** An IATA airport (or city) code. */
export const AIRPORT = /^[A-Z]{3}$/;
/** An IATA airline designator (two characters, or three for ICAO). */
export const CARRIER = /^[A-Z0-9]{2,3}$/;
/** A flight number without its carrier: 1–4 digits and an optional operational suffix letter. */
const FLIGHT_NUMBER = /^\d{1,4}[A-Z]?$/;
export const CITY = /^[A-Z]{3}$/;
export const PARTNER_ID = /^[A-Z0-9][A-Z0-9-]{1,39}$/;

function checkItem(c: Checker, raw: unknown, path: string): void {
  const it = c.object(raw, path);
  if (!it) return;
  c.str(it, 'productId', path, { required: true, max: 80 });
  c.str(it, 'ratePlanId', path, { max: 80 });
  const start = c.date(it, 'start', path);
  const end = c.date(it, 'end', path, false);
  c.int(it, 'quantity', path, 1, LIMITS.maxQuantity, true);
  c.int(it, 'guests', path, 1, LIMITS.maxGuests, true);
  if (start && end) {
    const n = daysBetween(start, end);
    if (n <= 0) c.add(`${path}/end`, `end ${end} must be after start ${start}`, 'GW_BAD_DATES');
    else if (n > LIMITS.maxNights) c.add(`${path}/end`, `a stay may not exceed ${LIMITS.maxNights} nights`, 'GW_BAD_DATES');
  }
}

/**
 * Checks one traveller (names, gender, dates, countries, documents) at `path`. `mononym`: a traveller may
 * have a surname only (many Indonesian and Javanese pilgrims have one name): givenName may be empty.
 */
export function checkTraveller(c: Checker, raw: unknown, path: string, opts: { mononym?: boolean; today?: IsoDate } = {}): Record<string, unknown> | undefined {
  const t = c.object(raw, path);
  if (!t) return undefined;
  // A name of spaces is no name: an authority would get a traveller without one.
  const name = (key: string, required: boolean, blank = `${key} is blank`) => {
    const v = c.str(t, key, path, { required, max: 70 });
    if (v !== undefined && v.trim() === '') c.add(`${path}/${key}`, blank);
  };
  name('surname', true);
  if (opts.mononym && t.givenName === '') { /* one name only */ } else name('givenName', !opts.mononym, opts.mononym ? 'givenName is blank (for a pilgrim with one name only, send an empty givenName)' : 'givenName is blank');
  for (const key of ['middleName', 'surnameArabic', 'givenNameArabic']) name(key, false);
  c.str(t, 'gender', path, { pattern: /^[MFU]$/ });
  c.date(t, 'birthDate', path, false);
  if (opts.today && isIsoDate(t.birthDate) && t.birthDate > opts.today) c.add(`${path}/birthDate`, `birthDate ${t.birthDate} is after today (${opts.today})`, 'GW_BAD_DATES');
  c.str(t, 'nationality', path, { pattern: /^[A-Z]{3}$/ });
  c.str(t, 'residence', path, { pattern: /^[A-Z]{3}$/ });
  c.str(t, 'type', path, { pattern: /^(ADT|CHD|INF)$/ });
  if (t.documents !== undefined && t.documents !== null) {
    if (!Array.isArray(t.documents)) c.add(`${path}/documents`, 'documents must be a list');
    else t.documents.forEach((d, i) => {
      const p = `${path}/documents/${i}`;
      const doc = c.object(d, p);
      if (!doc) return;
      c.str(doc, 'type', p, { required: true, max: 3 });
      c.str(doc, 'number', p, { required: true, max: 30 });
      c.str(doc, 'issuingCountry', p, { pattern: /^[A-Z]{3}$/ });
      c.date(doc, 'expiry', p, false);
      c.date(doc, 'issued', p, false);
    });
  }
  return t;
}

/**
 * A PNR segment as airline systems report it: dated (what links it to a package and a visa), its other
 * fields text when present. Empty codes pass: airline systems report segments without carrier or airports,
 * and such a PNR is kept rather than lost (its adapter warns).
 */
export function checkAirSegment(c: Checker, raw: unknown, path: string): void {
  const seg = c.object(raw, path);
  if (!seg) return;
  c.date(seg, 'departureDate', path);
  c.date(seg, 'arrivalDate', path, false);
  for (const [key, max] of [['carrier', 3], ['flightNumber', 8], ['bookingClass', 2], ['origin', 25], ['destination', 25], ['departureTime', 5], ['arrivalTime', 5], ['status', 3]] as const) {
    const v = seg[key];
    if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > max)) c.add(`${path}/${key}`, `${key} must be text of at most ${max} characters`);
  }
}

/**
 * A traveller as airline systems report one (in PNRs and manifests): an object with a surname; what else they
 * send is kept as it came. Manifests filed with an authority are checked in full (`checkTraveller`).
 */
export function checkReportedTraveller(c: Checker, raw: unknown, path: string): void {
  const t = c.object(raw, path);
  if (t && typeof t.surname !== 'string') c.add(`${path}/surname`, 'surname must be a string');
}

/** A report of airline PNRs: each with its carrier, record locator, dated segments and travellers. */
export function checkAirBookings(raw: unknown): void {
  const c = new Checker();
  if (!Array.isArray(raw)) c.add('/', 'expected a list of airline bookings');
  else raw.forEach((b, i) => {
    const o = c.object(b, `/${i}`);
    if (!o) return;
    c.str(o, 'carrier', `/${i}`, { required: true, pattern: CARRIER });
    c.str(o, 'recordLocator', `/${i}`, { required: true, pattern: /^[A-Z0-9]{1,20}$/ });
    if (!Array.isArray(o.segments)) c.add(`/${i}/segments`, 'segments must be a list');
    else o.segments.forEach((x, j) => checkAirSegment(c, x, `/${i}/segments/${j}`));
    if (!Array.isArray(o.travellers)) c.add(`/${i}/travellers`, 'travellers must be a list');
    else o.travellers.forEach((t, j) => checkReportedTraveller(c, t, `/${i}/travellers/${j}`));
  });
  c.done('The airline bookings are invalid');
}

/**
 * One leg of a manifest's journey (and the manifest's flight, its first leg): every field well-formed, since
 * each is written to the authority: carrier, flight number, airports, dates and `HH:MM` local times.
 */
export function checkFlightLeg(c: Checker, raw: unknown, path: string): Record<string, unknown> | undefined {
  const f = c.object(raw, path);
  if (!f) return undefined;
  c.str(f, 'carrier', path, { required: true, pattern: CARRIER });
  c.str(f, 'flightNumber', path, { required: true, pattern: FLIGHT_NUMBER });
  c.str(f, 'origin', path, { required: true, pattern: AIRPORT });
  c.str(f, 'destination', path, { required: true, pattern: AIRPORT });
  c.date(f, 'departureDate', path);
  c.time(f, 'departureTime', path);
  c.date(f, 'arrivalDate', path, false);
  c.time(f, 'arrivalTime', path);
  c.str(f, 'bookingClass', path, { max: 2 });
  c.str(f, 'status', path, { max: 3 });
  return f;
}

/** More than the seats of any airliner: a manifest is one flight's. */
const MAX_MANIFEST_TRAVELLERS = 1000;

/**
 * Checks a manifest: its flight and every leg in full, its kind and travellers. A manifest reported by an
 * airline is taken with its travellers as reported (its translator has already warned about odd fields);
 * one the hub files with an authority (`forFiling`) must be complete: every traveller field well-formed.
 */
export function checkManifest(raw: unknown, opts: { forFiling?: boolean; today?: IsoDate } = {}): Manifest {
  const c = new Checker();
  const m = c.object(raw, '');
  if (!m) return c.done('The manifest is invalid') as never;
  const flight = checkFlightLeg(c, m.flight, '/flight');
  if (m.legs !== undefined && m.legs !== null) {
    if (!Array.isArray(m.legs) || m.legs.length === 0) c.add('/legs', 'legs must be a non-empty list of flight legs');
    else {
      const valid = c.v.length;
      const first = m.legs.map((leg, i) => checkFlightLeg(c, leg, `/legs/${i}`))[0];
      // The manifest is stored under its flight, which is its first leg: they must not disagree.
      const key = ['carrier', 'flightNumber', 'departureDate', 'origin'] as const;
      if (c.v.length === valid && flight && first && key.some((k) => flight[k] !== first[k])) {
        c.add('/legs/0', 'the first leg must be the manifest\'s flight (same carrier, flight number, departure date and origin)');
      }
    }
  }
  if (m.kind !== 'passengers' && m.kind !== 'crew') c.add('/kind', 'kind must be passengers or crew');
  const travellers = m.travellers;
  if (!Array.isArray(travellers)) c.add('/travellers', 'travellers must be a list');
  else if (travellers.length > MAX_MANIFEST_TRAVELLERS) c.add('/travellers', `at most ${MAX_MANIFEST_TRAVELLERS} travellers in one manifest`);
  else if (opts.forFiling && travellers.length === 0) c.add('/travellers', 'a manifest filed with an authority lists at least one traveller');
  else if (opts.forFiling) {
    const departure = isIsoDate(flight?.departureDate) ? flight.departureDate : null;
    travellers.forEach((t, i) => checkFiledTraveller(c, t, `/travellers/${i}`, departure, opts.today ?? null));
  } else travellers.forEach((t, i) => checkReportedTraveller(c, t, `/travellers/${i}`));
  c.done('The manifest is invalid');
  return m as unknown as Manifest;
}

/**
 * A traveller of a manifest filed with an authority: a full traveller, the manifest's own fields, and dates
 * that can be true of someone on the flight leaving on `departure`: born neither after today nor after the
 * flight, documents issued by then and valid on the day of the flight. An authority refuses boarding on an
 * expired passport or visa; one on file that has expired is an old document, not the one travelled on.
 */
function checkFiledTraveller(c: Checker, raw: unknown, path: string, departure: IsoDate | null, today: IsoDate | null): void {
  const t = checkTraveller(c, raw, path, { mononym: true });
  if (!t) return;
  c.str(t, 'embarkation', path, { pattern: AIRPORT });
  c.str(t, 'debarkation', path, { pattern: AIRPORT });
  c.str(t, 'recordLocator', path, { pattern: /^[A-Z0-9]{1,20}$/ });
  const flight = departure ? `the flight on ${departure}` : null;
  // the earlier of today and the flight: what a birth or an issue date may not be after
  const [limit, what] = today && (!departure || today < departure) ? [today, 'today'] : [departure, flight];
  const birth = isIsoDate(t.birthDate) ? t.birthDate : null;
  if (birth && limit && birth > limit) c.add(`${path}/birthDate`, `birthDate ${birth} is after ${what}`, 'GW_BAD_DATES');
  if (!Array.isArray(t.documents)) return;
  t.documents.forEach((d: unknown, i: number) => {
    const doc = d as Record<string, unknown> | null;
    if (!doc || typeof doc !== 'object') return;
    const p = `${path}/documents/${i}`;
    const expiry = isIsoDate(doc.expiry) ? doc.expiry : null;
    const issued = isIsoDate(doc.issued) ? doc.issued : null;
    if (expiry && departure && expiry < departure) {
      c.add(`${p}/expiry`, `the document expired on ${expiry}, before ${flight}: file the document the pilgrim travels on`, 'GW_BAD_DATES');
    }
    if (issued && limit && issued > limit) c.add(`${p}/issued`, `issued ${issued} is after ${what}`, 'GW_BAD_DATES');
    else if (issued && expiry && issued > expiry) c.add(`${p}/issued`, `issued ${issued} is after the expiry ${expiry}`, 'GW_BAD_DATES');
  });
}

/** Checks a booking request; throws GW_BAD_INPUT / GW_BAD_DATES listing every problem. */
/** `today` (the hub's date) bounds the travellers' birth dates. */
export function checkBookingRequest(raw: unknown, today?: IsoDate): BookingRequest {
  const c = new Checker();
  const r = c.object(raw, '');
  if (!r) return c.done('The booking request is invalid') as never;
  if (!Array.isArray(r.items) || r.items.length === 0) c.add('/items', 'items must be a non-empty list');
  else if (r.items.length > LIMITS.maxItems) c.add('/items', `at most ${LIMITS.maxItems} items`);
  else r.items.forEach((it, i) => checkItem(c, it, `/items/${i}`));
  if (r.travellers !== undefined && r.travellers !== null) {
    if (!Array.isArray(r.travellers)) c.add('/travellers', 'travellers must be a list');
    else if (r.travellers.length > LIMITS.maxTravellers) c.add('/travellers', `at most ${LIMITS.maxTravellers} travellers`);
    else r.travellers.forEach((t, i) => checkTraveller(c, t, `/travellers/${i}`, { today }));
  }
  if (typeof r.hold !== 'boolean') c.add('/hold', 'hold must be true (hold) or false (book and confirm)');
  c.int(r, 'holdSeconds', '', 30, 7 * 86_400);
  c.str(r, 'externalRef', '', { max: 64 });
  c.str(r, 'channel', '', { max: 64 });
  if (r.contact !== undefined && r.contact !== null) {
    const ct = c.object(r.contact, '/contact');
    if (ct) for (const k of ['name', 'phone', 'email']) c.str(ct, k, '/contact', { max: 120 });
  }
  c.done('The booking request is invalid');
  return r as unknown as BookingRequest;
}

export function checkItems(raw: unknown): BookingItemRequest[] {
  const c = new Checker();
  if (!Array.isArray(raw) || raw.length === 0) c.add('/items', 'items must be a non-empty list');
  else if (raw.length > LIMITS.maxItems) c.add('/items', `at most ${LIMITS.maxItems} items`);
  else raw.forEach((it, i) => checkItem(c, it, `/items/${i}`));
  c.done('The change is invalid');
  return raw as BookingItemRequest[];
}

/** Checks the filter of a booking list: a known status, and 1 to 500 bookings (50 when not given). */
export function checkBookingFilter(raw: unknown): { status?: BookingStatus; limit: number } {
  const c = new Checker();
  const r = c.object(raw ?? {}, '') ?? {};
  if (r.status !== undefined && !(BOOKING_STATUSES as readonly unknown[]).includes(r.status)) c.add('/status', `status must be one of ${BOOKING_STATUSES.join(', ')}`);
  const limit = c.int(r, 'limit', '', 1, 500);
  c.done('The booking filter is invalid');
  return { status: r.status as BookingStatus | undefined, limit: limit ?? 50 };
}

/** Product and rate plan ids: upper case, as partner ids, so a default `<provider>-<CODE>` id is one. */
const CATALOGUE_ID = /^[A-Z0-9][A-Z0-9_.-]{1,79}$/;

/** Checks a new product's fields (who may create it for which provider is core's tenancy rule). */
export function checkNewProduct(raw: unknown): void {
  const c = new Checker();
  const r = c.object(raw, '') ?? {};
  c.str(r, 'code', '', { required: true, pattern: CODE });
  c.str(r, 'name', '', { required: true, max: 200 });
  c.str(r, 'id', '', { pattern: CATALOGUE_ID });
  for (const k of ['city', 'origin', 'destination']) c.str(r, k, '', { pattern: CITY });
  c.int(r, 'maxGuests', '', 1, 99);
  c.bool(r, 'public', '');
  if (r.pricing !== undefined && r.pricing !== 'per_night' && r.pricing !== 'per_unit') c.add('/pricing', 'pricing must be per_night or per_unit');
  if (r.kind !== undefined && !(SERVICE_KINDS as readonly unknown[]).includes(r.kind)) c.add('/kind', `kind must be one of ${SERVICE_KINDS.join(', ')}`);
  if (r.details !== undefined && (typeof r.details !== 'object' || r.details === null || Array.isArray(r.details))) c.add('/details', 'details must be an object');
  c.done('The product is invalid');
}

export function checkNewRatePlan(raw: unknown): void {
  const c = new Checker();
  const r = c.object(raw, '') ?? {};
  c.str(r, 'productId', '', { required: true, max: 80 });
  c.str(r, 'code', '', { required: true, pattern: CODE });
  c.str(r, 'name', '', { required: true, max: 200 });
  c.str(r, 'id', '', { pattern: CATALOGUE_ID });
  c.str(r, 'currency', '', { pattern: /^[A-Z]{3}$/ });
  c.str(r, 'mealPlan', '', { max: 20 });
  c.bool(r, 'refundable', '');
  c.done('The rate plan is invalid');
}

/**
 * An explicit product or rate plan id must start with its owner's id and a dash, as the default
 * `<owner>-<CODE>` does: under another's prefix it would pass for theirs and take ids they will need.
 */
export function checkOwnId(id: string | undefined, owner: string, code: string, whose: string): void {
  if (id === undefined || id === null || id.startsWith(`${owner}-`)) return;
  const c = new Checker();
  c.add('/id', `id ${id} must start with ${owner}- (${whose}'s id), e.g. ${owner}-${code.toUpperCase()}; leave it out to get that one`);
  c.done('The id is invalid');
}

function checkRange(c: Checker, r: Record<string, unknown>): void {
  const from = c.date(r, 'from', '');
  const to = c.date(r, 'to', '');
  if (from && to) {
    const n = daysBetween(from, to);
    if (n < 0) c.add('/to', `to ${to} is before from ${from}`, 'GW_BAD_DATES');
    else if (n >= LIMITS.maxAriDays) c.add('/to', `one update may cover at most ${LIMITS.maxAriDays} days`, 'GW_BAD_DATES');
  }
  c.weekdays(r, '');
}

export function checkInventoryUpdate(raw: unknown): InventoryUpdate {
  const c = new Checker();
  const r = c.object(raw, '');
  if (!r) return c.done('The inventory update is invalid') as never;
  c.str(r, 'productId', '', { required: true, max: 80 });
  checkRange(c, r);
  c.int(r, 'allotment', '', 0, 100_000);
  c.int(r, 'available', '', 0, 100_000);
  c.int(r, 'adjust', '', -100_000, 100_000);
  if ([r.allotment, r.available, r.adjust].filter((x) => x !== undefined && x !== null).length > 1) {
    c.add('', 'give only one of allotment, available and adjust');
  }
  c.bool(r, 'stopSell', ''); c.bool(r, 'closedToArrival', ''); c.bool(r, 'closedToDeparture', '');
  const min = c.int(r, 'minLos', '', 1, 999);
  const max = c.int(r, 'maxLos', '', 1, 999);
  if (min !== undefined && max !== undefined && min > max) c.add('/minLos', `minLos ${min} is above maxLos ${max}`);
  const changes = ['allotment', 'available', 'adjust', 'stopSell', 'closedToArrival', 'closedToDeparture', 'minLos', 'maxLos'];
  if (!changes.some((k) => k in r)) c.add('', `nothing to change: give at least one of ${changes.join(', ')}`);
  c.done('The inventory update is invalid');
  return r as unknown as InventoryUpdate;
}

export function checkRateUpdate(raw: unknown): RateUpdate {
  const c = new Checker();
  const r = c.object(raw, '');
  if (!r) return c.done('The rate update is invalid') as never;
  c.str(r, 'ratePlanId', '', { required: true, max: 80 });
  checkRange(c, r);
  c.str(r, 'currency', '', { pattern: CURRENCY });
  const amounts = c.object(r.amounts, '/amounts');
  if (amounts) {
    const keys = Object.keys(amounts);
    if (keys.length === 0) c.add('/amounts', 'amounts must give at least one price, e.g. {"2": "450.00"}');
    for (const k of keys) {
      if (!/^[1-9]\d?$/.test(k)) c.add(`/amounts/${k}`, `"${k}" is not a number of guests`);
      const m = toMinor(amounts[k]);
      if (m === null) c.add(`/amounts/${k}`, `"${String(amounts[k])}" is not an amount`);
      // A zero price is the classic symptom of a broken PMS export; channels reject it too.
      else if (m === 0) c.add(`/amounts/${k}`, 'a price of 0 is refused');
    }
  }
  for (const k of ['extraAdult', 'extraChild']) {
    if (r[k] !== undefined && r[k] !== null && toMinor(r[k]) === null) c.add(`/${k}`, `"${String(r[k])}" is not an amount`);
  }
  c.done('The rate update is invalid');
  return r as unknown as RateUpdate;
}

export function checkAvailabilityQuery(raw: unknown): AvailabilityQuery {
  const c = new Checker();
  const r = c.object(raw, '');
  if (!r) return c.done('The search is invalid') as never;
  const kind = c.str(r, 'kind', '');
  if (kind && !(SERVICE_KINDS as readonly string[]).includes(kind)) c.add('/kind', `kind must be one of ${SERVICE_KINDS.join(', ')}`);
  for (const k of ['city', 'origin', 'destination']) c.str(r, k, '', { pattern: CITY });
  c.str(r, 'providerId', '', { pattern: PARTNER_ID });
  const start = c.date(r, 'start', '');
  const end = c.date(r, 'end', '', false);
  if (start && end) {
    const n = daysBetween(start, end);
    if (n <= 0) c.add('/end', `end ${end} must be after start ${start}`, 'GW_BAD_DATES');
    else if (n > LIMITS.maxNights) c.add('/end', `a stay may not exceed ${LIMITS.maxNights} nights`, 'GW_BAD_DATES');
  }
  c.int(r, 'guests', '', 1, LIMITS.maxGuests, true);
  c.int(r, 'quantity', '', 1, LIMITS.maxQuantity, true);
  c.done('The search is invalid');
  return r as unknown as AvailabilityQuery;
}

export function checkTravellers(raw: unknown): Traveller[] {
  const c = new Checker();
  if (!Array.isArray(raw)) c.add('/travellers', 'travellers must be a list');
  else raw.forEach((t, i) => checkTraveller(c, t, `/travellers/${i}`));
  c.done('The travellers are invalid');
  return raw as Traveller[];
}

export { Checker };
