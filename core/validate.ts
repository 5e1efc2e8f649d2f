/**
 * Shape and range checks of every command core accepts. Whatever the protocol, a command is checked here
 * once, and every problem is listed (not just the first) with a path in the command.
 */
import type { Violation } from './errors';
import { assertNoViolations } from './errors';
import type { AvailabilityQuery, BookingItemRequest, BookingRequest, BookingStatus, InventoryUpdate, RateUpdate, Traveller, Weekday } from './model';
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
export function checkTraveller(c: Checker, raw: unknown, path: string, opts: { mononym?: boolean } = {}): void {
  const t = c.object(raw, path);
  if (!t) return;
  c.str(t, 'surname', path, { required: true, max: 70 });
  if (opts.mononym && t.givenName === '') { /* one name only */ } else c.str(t, 'givenName', path, { required: !opts.mononym, max: 70 });
  c.str(t, 'middleName', path, { max: 70 });
  c.str(t, 'surnameArabic', path, { max: 70 });
  c.str(t, 'givenNameArabic', path, { max: 70 });
  c.str(t, 'gender', path, { pattern: /^[MFU]$/ });
  c.date(t, 'birthDate', path, false);
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

/** Checks a booking request; throws GW_BAD_INPUT / GW_BAD_DATES listing every problem. */
export function checkBookingRequest(raw: unknown): BookingRequest {
  const c = new Checker();
  const r = c.object(raw, '');
  if (!r) return c.done('The booking request is invalid') as never;
  if (!Array.isArray(r.items) || r.items.length === 0) c.add('/items', 'items must be a non-empty list');
  else if (r.items.length > LIMITS.maxItems) c.add('/items', `at most ${LIMITS.maxItems} items`);
  else r.items.forEach((it, i) => checkItem(c, it, `/items/${i}`));
  if (r.travellers !== undefined && r.travellers !== null) {
    if (!Array.isArray(r.travellers)) c.add('/travellers', 'travellers must be a list');
    else if (r.travellers.length > LIMITS.maxTravellers) c.add('/travellers', `at most ${LIMITS.maxTravellers} travellers`);
    else r.travellers.forEach((t, i) => checkTraveller(c, t, `/travellers/${i}`));
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
