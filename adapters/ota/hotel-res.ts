/**
 * Hotel reservations in OpenTravel form: RoomStays/ResGuests of OTA_HotelResRQ and OTA_HotelResNotifRQ →
 * a canonical BookingRequest, and a canonical Booking → the HotelReservation element every hotel RS (and
 * the outbound OTA_HotelResNotifRQ) carries, in the partner's codes.
 */
import type { Booking, BookingItemRequest, Traveller } from '../../core/model';
import { GatewayError, type Violation } from '../../core/errors';
import { alpha2Of, alpha3Of, countryProblem } from './countries';
import type { CodeResolver } from './mapping';
import { at, el, kid, kids, path, text, textEl, type XNode } from './xml';
import { datePart, isIsoDate } from './dates';

function bad(message: string, tag: string, code: 'GW_BAD_INPUT' | 'GW_BAD_DATES' = 'GW_BAD_INPUT'): GatewayError {
  return new GatewayError(code, message, { violations: [{ code, message, path: tag }] });
}

/** `ResID_Type` / `UniqueID@Type` values (OTA UIT): 14 the sender's reservation, 10 and 3 the receiver's confirmation. */
export const RES_ID_SENDER = '14';
export const RES_ID_HUB = '10';

/** The ids a HotelReservation carries: the channel's own reference and, if any, the hub's locator. */
export function reservationIds(hr: XNode | undefined, root?: XNode): { externalRef?: string; locator?: string } {
  let externalRef: string | undefined;
  let locator: string | undefined;
  for (const u of [...kids(hr, 'UniqueID'), ...kids(root, 'UniqueID')]) {
    const type = at(u, 'Type');
    if (type === RES_ID_SENDER) externalRef ??= at(u, 'ID');
    else if (type === RES_ID_HUB || type === '3') locator ??= at(u, 'ID');
  }
  for (const h of kids(path(hr, 'ResGlobalInfo', 'HotelReservationIDs'), 'HotelReservationID')) {
    const type = at(h, 'ResID_Type');
    if (type === RES_ID_SENDER) externalRef ??= at(h, 'ResID_Value');
    else if (type === RES_ID_HUB || type === '3') locator ??= at(h, 'ResID_Value');
  }
  return { externalRef, locator };
}

/** Guests in a GuestCounts element (every age group counts: a child takes a place in the room). */
export function guestTotal(gc: XNode | undefined, tag: string): number | undefined {
  const list = kids(gc, 'GuestCount');
  if (list.length === 0) return undefined;
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    const c = at(list[i], 'Count') ?? '1';
    if (!/^\d{1,3}$/.test(c) || Number(c) < 1) throw bad(`GuestCount Count '${c}' is not a positive number`, `${tag}/GuestCount[${i + 1}]/@Count`);
    n += Number(c);
  }
  return n;
}

/** Booking items of a HotelReservation's RoomStays. */
export async function readRoomStays(hr: XNode, resolver: CodeResolver, tag: string): Promise<BookingItemRequest[]> {
  const stays = kids(kid(hr, 'RoomStays'), 'RoomStay');
  if (stays.length === 0) throw bad('RoomStays/RoomStay is missing', `${tag}/RoomStays`);
  const items: BookingItemRequest[] = [];
  for (let i = 0; i < stays.length; i++) {
    const rs = stays[i];
    const st = `${tag}/RoomStays/RoomStay[${i + 1}]`;
    const hotelCode = at(kid(rs, 'BasicPropertyInfo'), 'HotelCode');
    const roomType = kid(kid(rs, 'RoomTypes'), 'RoomType');
    const roomRate = kid(kid(rs, 'RoomRates'), 'RoomRate');
    const inv = at(roomType, 'RoomTypeCode') ?? at(roomRate, 'RoomTypeCode');
    const rpc = at(kid(kid(rs, 'RatePlans'), 'RatePlan'), 'RatePlanCode') ?? at(roomRate, 'RatePlanCode');
    const room = await resolver.room(hotelCode, inv, `${st}/RoomTypes/RoomType/@RoomTypeCode`);
    const ratePlanId = rpc === undefined ? undefined : (await resolver.ratePlans(hotelCode, inv, rpc, `${st}/RatePlans/RatePlan/@RatePlanCode`))[0].ratePlanId;
    const ts = kid(rs, 'TimeSpan');
    const start = datePart(at(ts, 'Start'));
    const end = datePart(at(ts, 'End'));
    if (!isIsoDate(start)) throw bad(`TimeSpan Start '${start ?? ''}' is not a date`, `${st}/TimeSpan/@Start`, start ? 'GW_BAD_DATES' : 'GW_BAD_INPUT');
    if (!isIsoDate(end)) throw bad(`TimeSpan End '${end ?? ''}' is not a date`, `${st}/TimeSpan/@End`, end ? 'GW_BAD_DATES' : 'GW_BAD_INPUT');
    const unitsRaw = at(roomType, 'NumberOfUnits') ?? at(roomRate, 'NumberOfUnits') ?? '1';
    if (!/^\d{1,3}$/.test(unitsRaw) || Number(unitsRaw) < 1) throw bad(`NumberOfUnits '${unitsRaw}' is not a positive number`, `${st}/RoomTypes/RoomType/@NumberOfUnits`);
    const units = Number(unitsRaw);
    const total = guestTotal(kid(rs, 'GuestCounts'), `${st}/GuestCounts`) ?? units;
    items.push({ productId: room.productId, ...(ratePlanId ? { ratePlanId } : {}), start, end, quantity: units, guests: Math.max(1, Math.ceil(total / units)) });
  }
  return items;
}

/**
 * Whether a booking has exactly these items, in any order: same rooms, dates, units and occupancy, and the
 * same rate plans where the message names one (without a RatePlanCode core takes the room's first plan).
 */
export function hasItems(b: Booking, items: BookingItemRequest[]): boolean {
  if (b.items.length !== items.length) return false;
  const rest = [...b.items];
  for (const it of items) {
    const i = rest.findIndex((x) => x.productId === it.productId && x.start === it.start && x.end === it.end && x.quantity === it.quantity
      && x.guests === it.guests && (it.ratePlanId === undefined || it.ratePlanId === x.ratePlanId));
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}

/** Whether two lists name the same travellers (names, birth date, nationality, documents), in order. */
export function sameTravellers(a: Traveller[], b: Traveller[]): boolean {
  const norm = (t: Traveller) => JSON.stringify([t.surname, t.givenName, t.birthDate ?? null, t.nationality ?? null, t.type ?? 'ADT',
    (t.documents ?? []).map((d) => [d.type, d.number, d.issuingCountry ?? null, d.expiry ?? null])]);
  return a.length === b.length && a.every((t, i) => norm(t) === norm(b[i]));
}

/**
 * Travellers and contact from ResGuests (PersonName, Document, Telephone, Email), and the XPath of each
 * traveller's Customer element. Country codes are ISO 3166 alpha-2 in OTA and alpha-3 in the canonical
 * model; a code ISO 3166 does not assign is refused (every such problem listed) rather than dropped.
 */
export function readGuests(hr: XNode, tag: string): { travellers: Traveller[]; contact: { name?: string; phone?: string; email?: string } | null; tags: string[] } {
  const travellers: Traveller[] = [];
  const tags: string[] = [];
  const problems: Violation[] = [];
  const country = (doc: XNode | undefined, attr: string, docTag: string): string | null => {
    const v = at(doc, attr);
    if (v === undefined) return null;
    const a3 = alpha3Of(v);
    if (!a3) problems.push({ code: 'GW_BAD_INPUT', message: countryProblem(attr, v), path: `${docTag}/@${attr}` });
    return a3 ?? null;
  };
  let contact: { name?: string; phone?: string; email?: string } | null = null;
  const resGuests = kids(kid(hr, 'ResGuests'), 'ResGuest');
  for (let gi = 0; gi < resGuests.length; gi++) {
    const g = resGuests[gi];
    const infos = kids(kid(g, 'Profiles'), 'ProfileInfo');
    for (let pj = 0; pj < infos.length; pj++) {
      const pi = infos[pj];
      const ctag = `${tag}/ResGuests/ResGuest[${gi + 1}]/Profiles/ProfileInfo[${pj + 1}]/Profile/Customer`;
      const c = path(pi, 'Profile', 'Customer');
      const pn = kid(c, 'PersonName');
      const surname = text(kid(pn, 'Surname'));
      const givenName = kids(pn, 'GivenName').map(text).join(' ');
      if (!surname) continue;
      const doc = kid(c, 'Document');
      const dtag = `${ctag}/Document`;
      const gender = at(c, 'Gender');
      const t: Traveller = {
        surname, givenName: givenName || surname,
        gender: gender === 'Male' ? 'M' : gender === 'Female' ? 'F' : null,
        birthDate: isIsoDate(at(c, 'BirthDate')) ? at(c, 'BirthDate') : null,
        nationality: country(doc, 'DocHolderNationality', dtag),
        type: at(g, 'AgeQualifyingCode') === '8' ? 'CHD' : at(g, 'AgeQualifyingCode') === '7' ? 'INF' : 'ADT',
      };
      const docId = at(doc, 'DocID');
      const issuingCountry = country(doc, 'DocIssueCountry', dtag);
      // OTA DOC codes: 2 passport, 1 visa.
      if (docId) t.documents = [{ type: at(doc, 'DocType') === '1' ? 'V' : 'P', number: docId, issuingCountry, expiry: isIsoDate(at(doc, 'ExpireDate')) ? at(doc, 'ExpireDate') : null }];
      travellers.push(t);
      tags.push(ctag);
      if (!contact) {
        const phone = at(kid(c, 'Telephone'), 'PhoneNumber');
        const email = text(kid(c, 'Email')) || undefined;
        contact = { name: `${t.givenName} ${t.surname}`, ...(phone ? { phone } : {}), ...(email ? { email } : {}) };
      }
    }
  }
  if (problems.length) throw new GatewayError('GW_BAD_INPUT', problems.length === 1 ? problems[0].message : `${problems.length} country codes are not ISO 3166 alpha-2: ${problems.map((p) => p.message).join('; ')}`, { violations: problems });
  return { travellers, contact, tags };
}

const ITEM_FIELDS: Record<string, string> = {
  productId: 'RoomTypes/RoomType/@RoomTypeCode', ratePlanId: 'RatePlans/RatePlan/@RatePlanCode', start: 'TimeSpan/@Start',
  end: 'TimeSpan/@End', quantity: 'RoomTypes/RoomType/@NumberOfUnits', guests: 'GuestCounts',
};
const TRAVELLER_FIELDS: Record<string, string> = {
  surname: 'PersonName/Surname', givenName: 'PersonName/GivenName', birthDate: '@BirthDate', gender: '@Gender',
  nationality: 'Document/@DocHolderNationality', 'documents/0/number': 'Document/@DocID',
  'documents/0/issuingCountry': 'Document/@DocIssueCountry', 'documents/0/expiry': 'Document/@ExpireDate',
};

/**
 * Core refuses a booking request at a field of the canonical request (`/items/0/end`,
 * `/travellers/1/surname`); the partner is told the element or attribute of its message instead: the
 * RoomStay (in order, one item each) or the guest's Customer (`guestTags`, from readGuests).
 */
export function locateRefusal(e: unknown, tag: string, guestTags: string[] = []): unknown {
  if (!(e instanceof GatewayError) || e.violations.length === 0) return e;
  const where = (p: string | undefined): string => {
    const item = p && /^\/items\/(\d+)(?:\/(.+))?$/.exec(p);
    if (item) {
      const stay = `${tag}/RoomStays/RoomStay[${Number(item[1]) + 1}]`;
      return item[2] && ITEM_FIELDS[item[2]] ? `${stay}/${ITEM_FIELDS[item[2]]}` : stay;
    }
    const guest = p && /^\/travellers\/(\d+)(?:\/(.+))?$/.exec(p);
    const ctag = guest ? guestTags[Number(guest[1])] : undefined;
    if (guest && ctag) return guest[2] && TRAVELLER_FIELDS[guest[2]] ? `${ctag}/${TRAVELLER_FIELDS[guest[2]]}` : ctag;
    if (p?.startsWith('/contact') && guestTags[0]) return guestTags[0];
    return p?.startsWith('/OTA_') ? p : tag;
  };
  return new GatewayError(e.code, e.message, { violations: e.violations.map((v) => ({ ...v, path: where(v.path) })), detail: e.detail });
}

/** The Document of a traveller: the first travel document and the nationality, countries in alpha-2. */
function documentEl(t: Traveller): string {
  const d = t.documents?.[0];
  const nationality = alpha2Of(t.nationality);
  if (!d && !nationality) return '';
  return el('Document', d
    ? { DocID: d.number, DocType: d.type === 'V' ? '1' : '2', ExpireDate: d.expiry ?? undefined, DocIssueCountry: alpha2Of(d.issuingCountry), DocHolderNationality: nationality }
    : { DocHolderNationality: nationality });
}

/** OTA ResStatus of a canonical status. */
export function resStatus(b: Booking): string {
  return b.status === 'held' ? 'Hold' : b.status === 'confirmed' ? 'Reserved' : 'Cancelled';
}

/** The HotelReservation element of a booking, in the partner's codes. Non-hotel lines are left out. */
export async function hotelReservationEl(b: Booking, resolver: CodeResolver, opts: { resStatus?: string; asSender?: boolean; hotelCode?: string } = {}): Promise<string> {
  const stays: string[] = [];
  let firstHotel: string | undefined;
  for (const it of b.items) {
    if (it.kind !== 'hotel') continue;
    const codes = await resolver.codesOfProduct(it.productId);
    const rate = await resolver.codesOfRatePlan(it.productId, it.ratePlanId);
    const inv = codes?.invTypeCode ?? it.productId;
    firstHotel ??= codes?.hotelCode ?? it.providerId;
    const total = el('Total', { AmountAfterTax: it.price.amount, CurrencyCode: it.price.currency });
    stays.push(el('RoomStay', { RoomStayStatus: resStatus(b) },
      el('RoomTypes', null, el('RoomType', { RoomTypeCode: inv, NumberOfUnits: it.quantity })),
      rate ? el('RatePlans', null, el('RatePlan', { RatePlanCode: rate.ratePlanCode })) : '',
      el('RoomRates', null, el('RoomRate', { RoomTypeCode: inv, RatePlanCode: rate?.ratePlanCode, NumberOfUnits: it.quantity }, total)),
      el('GuestCounts', null, el('GuestCount', { AgeQualifyingCode: '10', Count: it.guests * it.quantity })),
      el('TimeSpan', { Start: it.start, End: it.end }),
      total,
      el('BasicPropertyInfo', { HotelCode: codes?.hotelCode ?? it.providerId }),
    ));
  }
  const guests = b.travellers.map((t, i) => el('ResGuest', { ResGuestRPH: i + 1, AgeQualifyingCode: t.type === 'CHD' ? '8' : t.type === 'INF' ? '7' : '10' },
    el('Profiles', null, el('ProfileInfo', null, el('Profile', { ProfileType: '1' }, el('Customer', { Gender: t.gender === 'M' ? 'Male' : t.gender === 'F' ? 'Female' : undefined, BirthDate: t.birthDate ?? undefined },
      el('PersonName', null, textEl('GivenName', null, t.givenName), textEl('Surname', null, t.surname)),
      i === 0 && b.contact?.phone ? el('Telephone', { PhoneNumber: b.contact.phone }) : '',
      i === 0 && b.contact?.email ? textEl('Email', null, b.contact.email) : '',
      documentEl(t),
    )))),
  ));
  // Answering a channel, its reference is the sender's (14) and our locator the confirmation (10); pushing
  // to a property system, our locator is the sender's reference and the PMS answers with its own number.
  const ids = opts.asSender
    ? [el('HotelReservationID', { ResID_Type: RES_ID_SENDER, ResID_Value: b.locator, ResID_Source: 'MAQAM' })]
    : [
      b.externalRef ? el('HotelReservationID', { ResID_Type: RES_ID_SENDER, ResID_Value: b.externalRef }) : '',
      el('HotelReservationID', { ResID_Type: RES_ID_HUB, ResID_Value: b.locator, ResID_Source: 'MAQAM' }),
    ];
  return el('HotelReservation', { CreateDateTime: b.createdAt, LastModifyDateTime: b.updatedAt, ResStatus: opts.resStatus ?? resStatus(b) },
    el('UniqueID', { Type: opts.asSender ? RES_ID_SENDER : RES_ID_HUB, ID: b.locator }),
    stays.length ? el('RoomStays', null, ...stays) : '',
    guests.length ? el('ResGuests', null, ...guests) : '',
    el('ResGlobalInfo', null,
      el('Total', { AmountAfterTax: b.total.amount, CurrencyCode: b.total.currency }),
      el('HotelReservationIDs', null, ...ids),
      // The 2015B HotelReservation's ResGlobalInfo ends with a required BasicPropertyInfo.
      // A reservation without rooms of the receiving hotel (a Cancel after a move) still names that hotel.
      el('BasicPropertyInfo', { HotelCode: firstHotel ?? opts.hotelCode ?? b.items[0]?.providerId ?? 'MAQAM' }),
    ),
  );
}
