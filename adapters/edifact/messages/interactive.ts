/**
 * UN D.21A interactive travel messages for GDS shopping and booking of the hub's products:
 * AVLREQ → AVLRSP (availability) and RESREQ → RESRSP (sell, hold, confirm, modify, cancel).
 * The UN messages are generic; this is the segment usage the hub reads and writes (codes in
 * mappings/edifact/codes). Dates are DDMMYY (or DDMMCCYY), two-digit years within ±50 years of the
 * interchange date.
 *
 * Requests:
 * - `MSD+<1225 function>` (RESREQ only): 2 sell and confirm, 23 hold, 6 confirm, 1 cancel, 4 modify.
 * - `RCI+<company>:<control number>[+…]`: company `MQM` = our record locator (confirm/cancel/modify);
 *   any other company = the sender's own reference (kept as the booking's external reference).
 * - `ODI+<origin>+<destination>` (AVLREQ SG7, before its TVL): transport origin and destination.
 * - `TVL+<start>::<end>+<place>+<place 2>+<provider id>+<product code>:<rate plan code>`: one requested
 *   service (AVLREQ: the search; RESREQ SG7: one item). `end` is the exclusive check-out day for nightly
 *   products; `place` is the city (or the origin), `place 2` the destination; `provider id` is a partner
 *   id and `product code` the provider's own code (a product id when no provider is given).
 * - `PRD+<kind>` (AVLREQ SG2): HTL, TRF, CAT, EXP, INS.
 * - `NUN+<units>+<guests per unit>` (AVLREQ SG3, RESREQ SG10): defaults 1 and 1.
 * - `TIF+<surname>:<A|C|IN>+<given>` travellers (RESREQ SG4), with `SSR+DOCS` passport data as in PNRGOV.
 * Responses:
 * - AVLRSP: `NUN+<offers>` · per offer SG3 `PRD+<kind>+<product id>+<provider id>:<code>`,
 *   `PLI+<city or origin>+<destination>`, `IFT+AAI+<product name>`, then per rate plan SG11
 *   `RTI+<total>:<currency>` · SG12 `RTC+<rate plan code>:<rate plan id>`, `RPI+<available>+AV`,
 *   `RUL+RFD|NRF` (refundable or not).
 * - RESRSP: `MSD+<function>` · `RCI+MQM:<locator>:<status>[+<company>:<reference>]` · `TFF+<total>:<currency>`
 *   · SG5 `TIF` per traveller · SG7 per item `TVL` (as in the request), `RPI+<quantity>+<status>`,
 *   `NUN+<units>+<guests per unit>`, `TFF+<price>:<currency>`.
 * - Errors (both): `ERI+<0085>:GW:ZZZ` and `IFT+AAO+<GW code>+<terminal text>+<message>` (AVLRSP SG1,
 *   RESRSP SG3); the 0085 code is the error's `edifact0085` in core/errors.ts.
 */
import type {
  AvailabilityQuery, Booking, BookingItemRequest, IsoDate, Offer, ServiceKind, Traveller,
} from '../../../core/model';
import { ERRORS, type ErrorCode } from '../../../core/errors';
import { CODES, type ReservationAction } from './codes';
import { parseDmy, toDdmmyy } from './dates';
import { Findings, seg, val, type Segment } from './segments';
import { applyDocs, travellerFromTif } from './pnrgov';
import type { TranslateContext } from './paxlst';

/** A product named the way a partner names it: its provider and the provider's code, or our id. */
export interface ProductRef {
  providerId: string | null;
  code: string;
  ratePlanCode: string | null;
}

/** An AVLREQ as a search, products still named by the partner's references. */
export interface AvailabilityCommand {
  message: 'AVLREQ';
  query: Omit<AvailabilityQuery, 'productIds'> & { products?: ProductRef[] };
}

/** One RESREQ item before its product reference is resolved to our ids. */
export type ItemCommand = Omit<BookingItemRequest, 'productId' | 'ratePlanId'> & { product: ProductRef };

/** A RESREQ as a reservation command. */
export interface ReservationCommand {
  message: 'RESREQ';
  action: ReservationAction;
  /** Our record locator, for confirm, cancel and modify. */
  locator: string | null;
  externalRef: string | null;
  items: ItemCommand[];
  travellers: Traveller[];
}


function tvlRef(s: Segment): ProductRef | null {
  const providerId = val(s, 3) || null;
  const code = val(s, 4, 0);
  if (!code && !providerId) return null;
  return { providerId, code, ratePlanCode: val(s, 4, 1) || null };
}

function tvlDates(s: Segment, f: Findings, ctx: TranslateContext): { start: IsoDate; end?: IsoDate } | null {
  const start = parseDmy(val(s, 0, 0), 'window', ctx.refDate);
  if (!start) { f.error(`TVL start date '${val(s, 0, 0)}' is not DDMMYY`, s, '12'); return null; }
  const endRaw = val(s, 0, 2);
  if (!endRaw) return { start };
  const end = parseDmy(endRaw, 'window', start);
  if (!end) { f.error(`TVL end date '${endRaw}' is not DDMMYY`, s, '12'); return null; }
  return { start, end };
}

function units(s: Segment | null, f: Findings): { quantity: number; guests: number } {
  if (!s) return { quantity: 1, guests: 1 };
  const q = val(s, 0) ? Number(val(s, 0)) : 1;
  const g = val(s, 1) ? Number(val(s, 1)) : 1;
  const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= 999;
  if (!ok(q) || !ok(g)) f.error(`NUN units '${val(s, 0)}' / guests '${val(s, 1)}' must be whole numbers from 1 to 999`, s, '12');
  return { quantity: ok(q) ? q : 1, guests: ok(g) ? g : 1 };
}

/** Translates an AVLREQ into a search. */
export function parseAvlreq(segments: Segment[], ctx: TranslateContext): { command: AvailabilityCommand | null; findings: Findings } {
  const f = new Findings();
  const tvl = segments.find((s) => s.tag === 'TVL') ?? null;
  const odi = segments.find((s) => s.tag === 'ODI') ?? null;
  const prd = segments.find((s) => s.tag === 'PRD') ?? null;
  const nun = segments.find((s) => s.tag === 'NUN') ?? null;
  if (!tvl) { f.error('AVLREQ without a TVL (dates and place of the search)', undefined, '13'); return { command: null, findings: f }; }
  const dates = tvlDates(tvl, f, ctx);
  const u = units(nun, f);
  let kind: ServiceKind | undefined;
  if (prd) {
    kind = CODES.productKindIn[val(prd, 0).toUpperCase()];
    if (!kind) f.error(`PRD product kind '${val(prd, 0)}' is not one of ${Object.keys(CODES.productKindIn).join(', ')}`, prd, '12');
  }
  if (!dates || f.hasErrors) return { command: null, findings: f };
  const q: AvailabilityCommand['query'] = { start: dates.start, guests: u.guests, quantity: u.quantity };
  if (dates.end) q.end = dates.end;
  if (kind) q.kind = kind;
  const origin = odi ? val(odi, 0) : val(tvl, 2) ? val(tvl, 1) : '';
  const destination = odi ? val(odi, 1) : val(tvl, 2);
  if (origin && destination) { q.origin = origin; q.destination = destination; }
  else if (val(tvl, 1)) q.city = val(tvl, 1);
  const ref = tvlRef(tvl);
  if (ref?.code) q.products = [ref];
  else if (ref?.providerId) q.providerId = ref.providerId;
  return { command: { message: 'AVLREQ', query: q }, findings: f };
}

/** Translates a RESREQ into a reservation command. */
export function parseResreq(segments: Segment[], ctx: TranslateContext): { command: ReservationCommand | null; findings: Findings } {
  const f = new Findings();
  const msd = segments.find((s) => s.tag === 'MSD');
  const code = msd ? val(msd, 0) : '';
  const action = CODES.actionIn[code];
  if (!action) {
    f.error(`MSD message function '${code}' is not one of ${Object.keys(CODES.actionIn).join(', ')}`, msd, msd ? '12' : '13');
    return { command: null, findings: f };
  }
  let locator: string | null = null;
  let externalRef: string | null = null;
  const travellers: Traveller[] = [];
  const items: ItemCommand[] = [];
  let tr: Traveller | null = null;
  let item: ItemCommand | null = null;
  for (const s of segments) {
    if (s.tag === 'RCI' && !item && !tr) {
      for (let e = 0; e < s.elements.length; e++) {
        const company = val(s, e, 0);
        const number = val(s, e, 1);
        if (!number) continue;
        if (company === CODES.hubCompany) locator = number.toUpperCase();
        else externalRef = externalRef ?? `${company ? company + ':' : ''}${number}`;
      }
    } else if (s.tag === 'TIF' && !item) {
      tr = travellerFromTif(s);
      travellers.push(tr);
    } else if (s.tag === 'SSR' && val(s, 0) === 'DOCS' && tr && !item) {
      applyDocs(tr, s, ctx.refDate, f);
    } else if (s.tag === 'TVL') {
      tr = null;
      const dates = tvlDates(s, f, ctx);
      const ref = tvlRef(s);
      if (!ref || !ref.code) { f.error('TVL without a product code (element 5)', s, '13'); item = null; continue; }
      if (!dates) { item = null; continue; }
      item = { product: ref, start: dates.start, quantity: 1, guests: 1 };
      if (dates.end) item.end = dates.end;
      items.push(item);
    } else if (s.tag === 'NUN' && item) {
      Object.assign(item, units(s, f));
    }
  }
  if ((action === 'confirm' || action === 'cancel' || action === 'modify') && !locator) {
    f.error(`MSD ${code} (${action}) needs our record locator in RCI+${CODES.hubCompany}:<locator>`, msd, '13');
  }
  if ((action === 'sell' || action === 'hold' || action === 'modify') && items.length === 0 && !f.hasErrors) {
    f.error(`MSD ${code} (${action}) needs at least one TVL item`, msd, '13');
  }
  if (f.hasErrors) return { command: null, findings: f };
  return { command: { message: 'RESREQ', action, locator, externalRef, items, travellers }, findings: f };
}

/** Free text 4440 is an..512 in D.21A: an error's sentence fits whole (it was cut at 70, mid-date). */
const FREE_TEXT_MAX = 512;

/** The ERI + IFT pair reporting a coded error. */
export function errorSegments(code: ErrorCode, message: string): Segment[] {
  const spec = ERRORS[code] ?? ERRORS.GW_INTERNAL;
  return [
    seg('ERI', [spec.edifact0085, CODES.eri.codeList, CODES.eri.agency]),
    seg('IFT', CODES.eri.textQualifier, code, spec.terminal, message.slice(0, FREE_TEXT_MAX)),
  ];
}

/** Renders the offers (or an error) as the body of an AVLRSP message (the envelope adds UIH/UIT or UNH/UNT). */
export function renderAvlrsp(result: { offers: Offer[] } | { error: { code: ErrorCode; message: string } }): Segment[] {
  const out: Segment[] = [];
  if ('error' in result) return errorSegments(result.error.code, result.error.message);
  out.push(seg('NUN', String(result.offers.length)));
  for (const of of result.offers) {
    const p = of.product;
    out.push(seg('PRD', CODES.productKindOut[p.kind], p.id, [p.providerId, p.code]));
    const place = p.origin && p.destination ? [p.origin, p.destination] : [p.city ?? ''];
    if (place[0]) out.push(seg('PLI', ...place));
    out.push(seg('IFT', 'AAI', p.name.slice(0, 70)));
    for (const rp of of.ratePlans) {
      out.push(seg('RTI', [rp.total.amount, rp.total.currency]));
      out.push(seg('RTC', [rp.ratePlan.code, rp.ratePlan.id]));
      out.push(seg('RPI', String(of.available), 'AV'));
      out.push(seg('RUL', rp.ratePlan.refundable ? 'RFD' : 'NRF'));
    }
  }
  return out;
}

/** Renders a booking (or an error) as the body of a RESRSP message. */
export function renderResrsp(
  action: ReservationAction | null,
  result: { booking: Booking; products: Map<string, { providerId: string; code: string; city: string | null; origin?: string | null; destination?: string | null; pricing?: string }>; ratePlanCodes: Map<string, string> } | { error: { code: ErrorCode; message: string }; locator?: string | null },
): Segment[] {
  const out: Segment[] = [];
  if (action) out.push(seg('MSD', CODES.actionOut[action]));
  if ('error' in result) {
    if (result.locator) out.push(seg('RCI', [CODES.hubCompany, result.locator]));
    out.push(...errorSegments(result.error.code, result.error.message));
    return out;
  }
  const b = result.booking;
  const status = CODES.bookingStatusOut[b.status];
  const ext = b.externalRef ? b.externalRef.split(':') : null;
  out.push(seg('RCI', [CODES.hubCompany, b.locator, status], ...(ext ? [ext.length > 1 ? [ext[0], ext.slice(1).join(':')] : ['', ext[0]]] : [])));
  out.push(seg('TFF', [b.total.amount, b.total.currency]));
  for (const t of b.travellers) out.push(seg('TIF', [t.surname, CODES.travellerTypeOut[t.type ?? 'ADT']], [t.givenName]));
  for (const it of b.items) {
    const p = result.products.get(it.productId);
    const place = p?.origin && p?.destination ? [p.origin, p.destination] : [p?.city ?? '', ''];
    // Per-unit services (a transfer, a visit) have one date; nightly ones their check-out day too.
    const perUnit = p ? p.pricing === 'per_unit' : it.kind !== 'hotel';
    const dates = perUnit ? [toDdmmyy(it.start)] : [toDdmmyy(it.start), '', toDdmmyy(it.end)];
    out.push(seg('TVL', dates, place[0], place[1], p?.providerId ?? it.providerId, [p?.code ?? it.productId, result.ratePlanCodes.get(it.ratePlanId) ?? '']));
    out.push(seg('RPI', String(it.quantity), status));
    out.push(seg('NUN', String(it.quantity), String(it.guests)));
    out.push(seg('TFF', [it.price.amount, it.price.currency]));
  }
  return out;
}

/** What a partner reads from an AVLRSP or RESRSP (used by `maqam translate` and the tests). */
export interface ResponseSummary {
  message: 'AVLRSP' | 'RESRSP';
  errors: { code0085: string; code: string; text: string }[];
  locator?: string | null;
  status?: string | null;
  total?: { amount: string; currency: string } | null;
  offers?: { kind: string; productId: string; providerId: string; code: string; name: string; ratePlans: { code: string; id: string; total: { amount: string; currency: string }; available: number; refundable: boolean }[] }[];
  items?: { providerId: string; code: string; ratePlanCode: string | null; start: IsoDate; end: IsoDate | null; quantity: number; guests: number; status: string; price: { amount: string; currency: string } }[];
}

/** Reads an AVLRSP or RESRSP back (the partner's view of what we answered). */
export function parseResponse(type: 'AVLRSP' | 'RESRSP', segments: Segment[], ctx: TranslateContext): ResponseSummary {
  const r: ResponseSummary = { message: type, errors: [] };
  type Offers = NonNullable<ResponseSummary['offers']>;
  type Items = NonNullable<ResponseSummary['items']>;
  const offers: Offers = [];
  const items: Items = [];
  let offer: Offers[number] | null = null;
  let rate: Offers[number]['ratePlans'][number] | null = null;
  let item: Items[number] | null = null;
  for (const s of segments) {
    switch (s.tag) {
      case 'ERI': r.errors.push({ code0085: val(s, 0), code: '', text: '' }); break;
      case 'IFT':
        // UNOA answers write GW_SOLD_OUT as GW-SOLD-OUT (no `_` in level A).
        if (val(s, 0) === CODES.eri.textQualifier && r.errors.length) Object.assign(r.errors[r.errors.length - 1], { code: val(s, 1).replace(/-/g, '_'), text: val(s, 2) });
        else if (val(s, 0) === 'AAI' && offer) offer.name = val(s, 1);
        break;
      case 'PRD':
        offer = { kind: val(s, 0), productId: val(s, 1), providerId: val(s, 2, 0), code: val(s, 2, 1), name: '', ratePlans: [] };
        offers.push(offer);
        break;
      case 'RTI':
        if (offer) { rate = { code: '', id: '', total: { amount: val(s, 0, 0), currency: val(s, 0, 1) }, available: 0, refundable: true }; offer.ratePlans.push(rate); }
        break;
      case 'RTC': if (rate) Object.assign(rate, { code: val(s, 0, 0), id: val(s, 0, 1) }); break;
      case 'RUL': if (rate) rate.refundable = val(s, 0) !== 'NRF'; break;
      case 'RCI': if (val(s, 0, 0) === CODES.hubCompany) { r.locator = val(s, 0, 1); r.status = val(s, 0, 2) || null; } break;
      case 'TFF':
        if (item) item.price = { amount: val(s, 0, 0), currency: val(s, 0, 1) };
        else r.total = { amount: val(s, 0, 0), currency: val(s, 0, 1) };
        break;
      case 'TVL': {
        const start = parseDmy(val(s, 0, 0), 'window', ctx.refDate) ?? '';
        const end = val(s, 0, 2) ? parseDmy(val(s, 0, 2), 'window', ctx.refDate) : null;
        item = { providerId: val(s, 3), code: val(s, 4, 0), ratePlanCode: val(s, 4, 1) || null, start, end, quantity: 1, guests: 1, status: '', price: { amount: '', currency: '' } };
        items.push(item);
        break;
      }
      case 'NUN': if (item) { item.quantity = Number(val(s, 0)); item.guests = Number(val(s, 1)); } break;
      case 'RPI':
        if (rate) rate.available = Number(val(s, 0));
        else if (item) item.status = val(s, 1);
        break;
      default: break;
    }
  }
  if (type === 'AVLRSP') r.offers = offers;
  else r.items = items;
  return r;
}

