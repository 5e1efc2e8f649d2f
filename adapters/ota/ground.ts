/**
 * Transport legs in OpenTravel form: OTA_GroundAvailRQ → a canonical transport search, OTA_GroundBookRQ →
 * booking lines of per-seat transport products, and a canonical offer / booked line → the GroundService /
 * Reservation elements of the 2015B RS documents. Pure reading and rendering: no store, no gateway calls.
 *
 * Where the codes go: the pickup and drop-off places are the hub's city and airport codes
 * (mappings/cities.json), given as `AirportInfo/Arrival|Departure@LocationCode` or `Address/LocationName`;
 * the leg itself is the partner's service code (mappings/ota/<partner>.json `services`) in
 * `Reference@ID` (`Type="16"`, reference); the rate plan code in `RateQualifier@RateQualifier`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BookingItem, IsoDate, Product, Traveller } from '../../core/model';
import { projectRoot } from '../../core/paths';
import { gwIssue } from './envelope';
import { datePart, isIsoDate } from './dates';
import { unmapped, type CodeResolver } from './mapping';
import { at, el, kid, kids, text, textEl, type XNode } from './xml';

/** UniqueID@Type (OTA UIT) 16 = reference: the service code a GroundService is booked by. */
export const UIT_REFERENCE = '16';

let cityCodes: ReadonlyMap<string, { airport: boolean }> | undefined;

/** The hub's city and airport codes, read once from mappings/cities.json. */
export function knownPlaces(): ReadonlyMap<string, { airport: boolean }> {
  if (!cityCodes) {
    const raw = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'mappings', 'cities.json'), 'utf8')) as { cities: { code: string; airport?: boolean }[] };
    cityCodes = new Map(raw.cities.map((c) => [c.code, { airport: c.airport === true }]));
  }
  return cityCodes;
}

/** The place code of a Pickup / Dropoff / Stop; an unknown code is GW_UNMAPPED_CODE naming it. */
export function placeCode(n: XNode | undefined, tag: string): string {
  const ai = kid(n, 'AirportInfo');
  const code = at(kid(ai, 'Arrival'), 'LocationCode') ?? at(kid(ai, 'Departure'), 'LocationCode') ?? (text(kid(kid(n, 'Address'), 'LocationName')).trim() || undefined);
  if (code === undefined) throw gwIssue('GW_BAD_INPUT', `${tag.split('/').pop()} needs AirportInfo/Arrival@LocationCode or Address/LocationName`, tag);
  if (!knownPlaces().has(code)) throw unmapped('Location code', code, `${tag}/AirportInfo/@LocationCode`);
  return code;
}

/** The service date of a Pickup (`DateTime`, a date or a date-time). */
function pickupDate(p: XNode | undefined, tag: string): IsoDate {
  const raw = at(p, 'DateTime');
  const d = datePart(raw);
  if (!isIsoDate(d)) throw gwIssue(raw ? 'GW_BAD_DATES' : 'GW_BAD_INPUT', raw ? `Pickup DateTime '${raw}' is not a date` : 'Pickup@DateTime is missing', `${tag}/@DateTime`);
  return d;
}

function count(raw: string | undefined, what: string, tag: string): number {
  const v = raw ?? '1';
  if (!/^\d{1,3}$/.test(v) || Number(v) < 1) throw gwIssue('GW_BAD_INPUT', `${what} '${v}' is not a positive number`, tag);
  return Number(v);
}

/** What an OTA_GroundAvailRQ asks for. */
export interface GroundQuery {
  origin: string;
  destination: string;
  start: IsoDate;
  /** Seats wanted. */
  passengers: number;
  /** Only offers of this rate plan code, when given. */
  ratePlanCode?: string;
}

/** Reads an OTA_GroundAvailRQ (Service/Pickup, Service/Dropoff, Passengers@Quantity, RateQualifier). */
export function readGroundAvail(root: XNode): GroundQuery {
  const tag = '/OTA_GroundAvailRQ/Service';
  const svc = kid(root, 'Service');
  if (!svc) throw gwIssue('GW_BAD_INPUT', 'Service (Pickup and Dropoff) is missing', tag);
  const pickup = kid(svc, 'Pickup');
  const start = pickupDate(pickup, `${tag}/Pickup`);
  const origin = placeCode(pickup, `${tag}/Pickup`);
  const destination = placeCode(kid(svc, 'Dropoff'), `${tag}/Dropoff`);
  const pax = kids(root, 'Passengers');
  const passengers = pax.length === 0 ? 1 : pax.reduce((n, p, i) => n + count(at(p, 'Quantity'), 'Passengers Quantity', `/OTA_GroundAvailRQ/Passengers[${i + 1}]/@Quantity`), 0);
  if (passengers > 999) throw gwIssue('GW_BAD_INPUT', `${passengers} passengers is more than one request may book`, '/OTA_GroundAvailRQ/Passengers');
  const ratePlanCode = at(kids(root, 'RateQualifier')[0], 'RateQualifier');
  return { origin, destination, start, passengers, ...(ratePlanCode ? { ratePlanCode } : {}) };
}

/** One leg of an OTA_GroundBookRQ. */
export interface GroundLine {
  serviceCode: string;
  productId: string;
  ratePlanCode?: string;
  start: IsoDate;
  seats: number;
  /** Places the sender named, checked against the product by the caller. */
  origin?: string;
  destination?: string;
  tag: string;
}

export interface GroundBookRequest {
  /** The sender's own booking id (top-level `Reference Type="14"`). */
  externalRef?: string;
  lines: GroundLine[];
  travellers: Traveller[];
  contact: { name?: string; phone?: string; email?: string } | null;
}

function person(n: XNode | undefined): Traveller | undefined {
  const pn = kid(n, 'PersonName');
  const surname = text(kid(pn, 'Surname')).trim();
  if (!surname) return undefined;
  const givenName = kids(pn, 'GivenName').map(text).join(' ').trim();
  return { surname, givenName: givenName || surname, type: 'ADT' };
}

/** Reads an OTA_GroundBookRQ: one booking line per GroundReservation, every passenger a traveller. */
export async function readGroundBook(root: XNode, resolver: CodeResolver): Promise<GroundBookRequest> {
  const list = kids(root, 'GroundReservation');
  if (list.length === 0) throw gwIssue('GW_BAD_INPUT', 'GroundReservation is missing', '/OTA_GroundBookRQ/GroundReservation');
  if (list.length > 20) throw gwIssue('GW_BAD_INPUT', 'At most 20 GroundReservation per message', '/OTA_GroundBookRQ/GroundReservation[21]');
  const externalRef = at(kids(root, 'Reference').find((r) => at(r, 'Type') === '14'), 'ID');
  const lines: GroundLine[] = [];
  const travellers: Traveller[] = [];
  let contact: GroundBookRequest['contact'] = null;
  for (let i = 0; i < list.length; i++) {
    const gr = list[i];
    const tag = `/OTA_GroundBookRQ/GroundReservation[${i + 1}]`;
    const code = at(kid(gr, 'Reference'), 'ID');
    const productId = await resolver.service(code, `${tag}/Reference/@ID`);
    const loc = kid(gr, 'Location');
    const pickup = kid(loc, 'Pickup');
    const start = pickupDate(pickup, `${tag}/Location/Pickup`);
    const origin = pickup && (kid(pickup, 'AirportInfo') || kid(pickup, 'Address')) ? placeCode(pickup, `${tag}/Location/Pickup`) : undefined;
    const drop = kid(loc, 'Dropoff');
    const destination = drop && (kid(drop, 'AirportInfo') || kid(drop, 'Address')) ? placeCode(drop, `${tag}/Location/Dropoff`) : undefined;
    const pax = kid(gr, 'Passenger');
    const primary = kid(pax, 'Primary');
    if (!primary) throw gwIssue('GW_BAD_INPUT', 'Passenger/Primary is missing', `${tag}/Passenger/Primary`);
    let seats = 1;
    const adds = kids(pax, 'Additional');
    for (let j = 0; j < adds.length; j++) seats += count(at(kid(adds[j], 'AdditionalPersonType'), 'Quantity'), 'AdditionalPersonType Quantity', `${tag}/Passenger/Additional[${j + 1}]/AdditionalPersonType/@Quantity`);
    // The same pilgrims usually ride every leg: list each person once.
    for (const t of [person(primary), ...adds.map(person)]) {
      if (t && !travellers.some((x) => x.surname === t.surname && x.givenName === t.givenName)) travellers.push(t);
    }
    if (!contact) {
      const t = person(primary);
      const phone = at(kid(primary, 'Telephone'), 'PhoneNumber');
      const email = text(kid(primary, 'Email')).trim() || undefined;
      if (t) contact = { name: `${t.givenName} ${t.surname}`, ...(phone ? { phone } : {}), ...(email ? { email } : {}) };
    }
    const ratePlanCode = at(kids(gr, 'RateQualifier')[0], 'RateQualifier');
    lines.push({ serviceCode: code!, productId, start, seats, tag, ...(ratePlanCode ? { ratePlanCode } : {}), ...(origin ? { origin } : {}), ...(destination ? { destination } : {}) });
  }
  return { ...(externalRef ? { externalRef } : {}), lines, travellers, contact };
}

/** Pickup / Dropoff of a product's origin and destination. */
function places(p: Product, day: IsoDate, name: 'Location' | 'Locations'): string {
  const place = (tagName: string, code: string | null | undefined, date?: IsoDate) => {
    const c = code ?? p.city ?? 'QCA';
    return el(tagName, { DateTime: date }, el('Address', null, textEl('LocationType', null, knownPlaces().get(c)?.airport ? 'Airport' : 'City'), textEl('LocationName', null, c)));
  };
  return el(name, null, place('Pickup', p.origin, day), place('Dropoff', p.destination));
}

/** One GroundService of an OTA_GroundAvailRS: a leg, one of its rate plans, the price for every seat. */
export function groundServiceEl(p: Product, code: string, day: IsoDate, seatsLeft: number, ratePlanCode: string, total: { amount: string; currency: string }): string {
  return el('GroundService', null,
    el('Service', { DisabilityVehicleInd: false, MaximumPassengers: Math.max(1, seatsLeft), ShortDescription: p.name.slice(0, 250) }, places(p, day, 'Location')),
    el('RateQualifier', { RateQualifier: ratePlanCode.slice(0, 32) }),
    el('TotalCharge', { RateTotalAmount: total.amount, EstimatedTotalAmount: total.amount, CurrencyCode: total.currency }),
    el('Reference', { Type: UIT_REFERENCE, ID: code, ID_Context: 'ServiceCode' }),
  );
}

/** One Reservation of an OTA_GroundBookRS: a booked leg with the hub locator as confirmation (UIT 10). */
export function groundReservationEl(locator: string, it: BookingItem, p: Product, ratePlanCode: string | undefined, travellers: Traveller[]): string {
  const name = (t: Traveller) => el('PersonName', null, textEl('GivenName', null, t.givenName.slice(0, 64)), textEl('Surname', null, t.surname.slice(0, 64)));
  const [first, ...rest] = travellers;
  return el('Reservation', null,
    el('Confirmation', { Type: '10', ID: locator, ID_Context: 'MAQAM' }),
    el('Passenger', null, el('Primary', null, first ? name(first) : ''), ...rest.map((t) => el('Additional', null, name(t)))),
    el('Service', null, places(p, it.start, 'Locations'), el('ServiceType', { DisabilityVehicleInd: false, MaximumPassengers: it.quantity, ShortDescription: p.name.slice(0, 250) })),
    ratePlanCode ? el('RateQualifier', { RateQualifier: ratePlanCode.slice(0, 32) }) : '',
    el('TotalCharge', { RateTotalAmount: it.price.amount, EstimatedTotalAmount: it.price.amount, CurrencyCode: it.price.currency }),
  );
}
