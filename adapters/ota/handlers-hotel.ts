/**
 * Shopping and booking messages from channels and GDSs: OTA_HotelAvailRQ, OTA_HotelResRQ (Initiate = hold,
 * Commit = confirm), OTA_HotelResNotifRQ (Commit / Modify / Cancel, idempotent on the channel's reservation
 * id), OTA_CancelRQ and OTA_ReadRQ. Each reads into a canonical call and renders the canonical answer.
 */
import crypto from 'node:crypto';
import type { Booking, BookingItemRequest, Offer } from '../../core/model';
import { GatewayError, isGatewayError } from '../../core/errors';
import { addDays, datePart, isIsoDate } from './dates';
import { guestTotal, hasItems, hotelReservationEl, locateRefusal, readGuests, readRoomStays, reservationIds, sameTravellers } from './hotel-res';
import type { OtaIssue } from './envelope';
import type { MessageHandler, HandlerInput } from './handler';
import type { CodeResolver } from './mapping';
import { at, el, kid, kids, path, text, textEl, type XNode } from './xml';

function bad(message: string, tag: string, code: 'GW_BAD_INPUT' | 'GW_BAD_DATES' = 'GW_BAD_INPUT'): GatewayError {
  return new GatewayError(code, message, { violations: [{ code, message, path: tag }] });
}

/** At most this many hotels per availability request: one shopping call must stay one quick answer. */
const MAX_HOTELS = 20;

/**
 * Rendered RoomStays of cached offers. Core hands out the same frozen Offer for the same query until it is
 * invalidated, and the offer fixes everything rendered (dates, guests, units, prices) except the partner's
 * codes, hence one entry per offer and code resolver. Rendering was ~7% of a shopping request's CPU.
 */
const rendered = new WeakMap<Offer, WeakMap<CodeResolver, string | undefined>>();

async function roomStayOf(o: Offer, q: { start: string; end: string; guests: number; quantity: number }, inp: HandlerInput): Promise<string | undefined> {
  // Only a frozen offer (one core cached) is known not to change under the same identity.
  const byResolver = Object.isFrozen(o) ? rendered.get(o) : undefined;
  if (byResolver?.has(inp.resolver)) return byResolver.get(inp.resolver);
  const xml = await renderRoomStay(o, q, inp);
  if (Object.isFrozen(o)) {
    if (byResolver) byResolver.set(inp.resolver, xml);
    else rendered.set(o, new WeakMap([[inp.resolver, xml]]));
  }
  return xml;
}

async function renderRoomStay(o: Offer, q: { start: string; end: string; guests: number; quantity: number }, inp: HandlerInput): Promise<string | undefined> {
  const codes = await inp.resolver.codesOfProduct(o.product.id);
  if (!codes) return undefined;
  const plans: string[] = [];
  const rates: string[] = [];
  for (const pr of o.ratePlans) {
    const rc = await inp.resolver.codesOfRatePlan(o.product.id, pr.ratePlan.id);
    if (!rc) continue;
    plans.push(el('RatePlan', { RatePlanCode: rc.ratePlanCode, RatePlanName: pr.ratePlan.name.slice(0, 64) }));
    rates.push(el('RoomRate', { RoomTypeCode: codes.invTypeCode, RatePlanCode: rc.ratePlanCode, NumberOfUnits: q.quantity },
      el('Rates', null, ...pr.daily.map((d) => el('Rate', { EffectiveDate: d.day, ExpireDate: addDays(d.day, 1), RateTimeUnit: 'Day', UnitMultiplier: 1 },
        el('Base', { AmountAfterTax: d.amount, CurrencyCode: pr.total.currency })))),
      el('Total', { AmountAfterTax: pr.total.amount, CurrencyCode: pr.total.currency })));
  }
  if (plans.length === 0) return undefined;
  return el('RoomStay', null,
    el('RoomTypes', null, el('RoomType', { RoomTypeCode: codes.invTypeCode, NumberOfUnits: o.available }, textEl('RoomDescription', { Name: o.product.name.slice(0, 64) }, null))),
    el('RatePlans', null, ...plans),
    el('RoomRates', null, ...rates),
    el('GuestCounts', null, el('GuestCount', { AgeQualifyingCode: '10', Count: q.guests * q.quantity })),
    el('TimeSpan', { Start: q.start, End: q.end }),
    el('BasicPropertyInfo', { HotelCode: codes.hotelCode }),
  );
}

export const hotelAvail: MessageHandler = async (inp) => {
  const seg = kid(kid(inp.root, 'AvailRequestSegments'), 'AvailRequestSegment');
  const tag = '/OTA_HotelAvailRQ/AvailRequestSegments/AvailRequestSegment';
  if (!seg) throw bad('AvailRequestSegment is missing', tag);
  const sdr = kid(seg, 'StayDateRange');
  const start = datePart(at(sdr, 'Start'));
  let end = datePart(at(sdr, 'End'));
  if (!isIsoDate(start)) throw bad(`StayDateRange Start '${start ?? ''}' is not a date`, `${tag}/StayDateRange/@Start`, start ? 'GW_BAD_DATES' : 'GW_BAD_INPUT');
  const nights = at(sdr, 'Duration');
  // Without End the stay ends a Duration (else a night) after Start; a Start at the end of the calendar
  // (9999-12-31) has no such day, which is the fault of the attribute sent, not of an End never sent.
  const from = end ? undefined : nights && /^P(\d{1,3})[DN]$/.test(nights) ? 'Duration' : 'Start';
  if (from === 'Duration') end = addDays(start, Number(/\d+/.exec(nights!)![0]));
  else if (from === 'Start') end = addDays(start, 1);
  if (!isIsoDate(end)) {
    throw from
      ? bad(`StayDateRange ${from === 'Duration' ? `Start ${start} + Duration ${nights}` : `Start ${start} + 1 night`} ends after the last date of the calendar`, `${tag}/StayDateRange/@${from}`, 'GW_BAD_DATES')
      : bad(`StayDateRange End '${end}' is not a date`, `${tag}/StayDateRange/@End`, 'GW_BAD_DATES');
  }
  const cand = kid(kid(seg, 'RoomStayCandidates'), 'RoomStayCandidate');
  const qRaw = at(cand, 'Quantity') ?? '1';
  if (!/^\d{1,3}$/.test(qRaw) || Number(qRaw) < 1) throw bad(`RoomStayCandidate Quantity '${qRaw}' is not a positive number`, `${tag}/RoomStayCandidates/RoomStayCandidate/@Quantity`);
  const quantity = Number(qRaw);
  const guests = Math.max(1, Math.ceil((guestTotal(kid(cand, 'GuestCounts'), `${tag}/RoomStayCandidates/RoomStayCandidate/GuestCounts`) ?? quantity) / quantity));
  const refs = kids(kid(seg, 'HotelSearchCriteria'), 'Criterion').flatMap((c) => kids(c, 'HotelRef'));
  if (refs.length > MAX_HOTELS) throw bad(`At most ${MAX_HOTELS} HotelRef per request`, `${tag}/HotelSearchCriteria`);
  const queries: { providerId?: string; city?: string }[] = [];
  for (let i = 0; i < refs.length; i++) {
    const code = at(refs[i], 'HotelCode');
    const city = at(refs[i], 'HotelCityCode');
    if (code !== undefined) queries.push({ providerId: await inp.resolver.provider(code, `${tag}/HotelSearchCriteria/Criterion/HotelRef[${i + 1}]/@HotelCode`) });
    else if (city !== undefined) queries.push({ city });
  }
  if (queries.length === 0) throw bad('HotelRef with HotelCode or HotelCityCode is missing', `${tag}/HotelSearchCriteria`);
  const q = { start, end, guests, quantity };
  const stays: string[] = [];
  const results = await Promise.all(queries.map((sub) => inp.gateway.search(inp.ctx, { kind: 'hotel', ...sub, start, end, guests, quantity })));
  for (const offers of results) {
    for (const o of offers) {
      const s = await roomStayOf(o, q, inp);
      if (s) stays.push(s);
    }
  }
  if (stays.length === 0) return { body: '', warnings: [{ code: 'GW_SOLD_OUT', message: 'No room is available for this stay' }] };
  return { body: el('RoomStays', null, ...stays) };
};

function firstReservation(inp: HandlerInput): { hr: import('./xml').XNode; tag: string } {
  const list = kids(kid(inp.root, 'HotelReservations'), 'HotelReservation');
  const tag = `/${inp.rq}/HotelReservations/HotelReservation`;
  if (list.length === 0) throw bad('HotelReservations/HotelReservation is missing', tag);
  if (list.length > 1) throw bad('Send one HotelReservation per message', `${tag}[2]`);
  return { hr: list[0], tag };
}

async function reservationsRs(b: Booking, inp: HandlerInput, resStatus?: string): Promise<string> {
  return el('HotelReservations', null, await hotelReservationEl(b, inp.resolver, { resStatus }));
}

const responseType = (b: Booking) => (b.status === 'held' ? 'Pending' : b.status === 'confirmed' ? 'Committed' : 'Cancelled');

/** A key that makes a retransmitted message replay the first answer, or none when the sender gave no ids. */
function key(...parts: (string | undefined)[]): string | null {
  if (parts.some((p) => p === undefined)) return null;
  return ['ota', ...parts].join(':').slice(0, 200);
}

/**
 * The reservation a Commit confirms: the one its hub locator (ResID_Type 10) names, else the one the
 * sender's own reference (14) already names — the second phase of a two-phase booking; null when the
 * Commit books in one step.
 */
async function reservationToCommit(inp: HandlerInput, ids: { externalRef?: string; locator?: string }, tag: string): Promise<Booking | null> {
  if (!ids.locator) return ids.externalRef ? inp.gateway.findByExternalRef(inp.ctx, ids.externalRef) : null;
  const b = await inp.gateway.retrieve(inp.ctx, ids.locator);
  if (ids.externalRef && b.externalRef !== ids.externalRef) {
    throw bad(`Reservation ${b.locator} is not the channel's reservation ${ids.externalRef}${b.externalRef ? ` (it is ${b.externalRef})` : ''}`, `${tag}/ResGlobalInfo/HotelReservationIDs`);
  }
  return b;
}

export const hotelRes: MessageHandler = async (inp) => {
  const status = at(inp.root, 'ResStatus') ?? 'Commit';
  if (!['Initiate', 'Commit', 'Book', 'Hold'].includes(status)) throw bad(`ResStatus '${status}' is not supported (Initiate, Commit)`, `/${inp.rq}/@ResStatus`);
  const { hr, tag } = firstReservation(inp);
  const ids = reservationIds(hr, inp.root);
  const target = status === 'Commit' || status === 'Book' ? await reservationToCommit(inp, ids, tag) : null;
  let b: Booking;
  const warnings: OtaIssue[] = [];
  if (target) {
    // OTA lets the Commit repeat the reservation it confirms: it must be the one held, not a second booking.
    if (kids(kid(hr, 'RoomStays'), 'RoomStay').length > 0) {
      const items = await readRoomStays(hr, inp.resolver, tag);
      if (!hasItems(target, items)) throw bad(`The RoomStays differ from what reservation ${target.locator} holds: a Commit confirms the reservation as it was initiated (cancel it and book again to change it)`, `${tag}/RoomStays`);
    }
    const { travellers } = readGuests(hr, tag);
    if (travellers.length > 0 && !sameTravellers(target.travellers, travellers)) {
      warnings.push({ code: 'GW_BAD_INPUT', message: `The ResGuests differ from those of reservation ${target.locator}; it keeps the guests it was initiated with`, tag: `${tag}/ResGuests` });
    }
    b = await inp.gateway.confirm({ ...inp.ctx, idempotencyKey: key('res', 'commit', target.locator) }, target.locator);
  } else {
    const items = await readRoomStays(hr, inp.resolver, tag);
    const { travellers, contact, tags } = readGuests(hr, tag);
    const hold = status === 'Initiate' || status === 'Hold';
    b = await inp.gateway.book({ ...inp.ctx, idempotencyKey: key('res', status, ids.externalRef ?? inp.h.echoToken) }, {
      items, travellers, contact, hold, externalRef: ids.externalRef ?? null, channel: `ota:${inp.partnerId}`,
    }).catch((e) => { throw locateRefusal(e, tag, tags); });
  }
  return { body: await reservationsRs(b, inp), warnings, locator: b.locator, attrs: { ResResponseType: responseType(b) } };
};

async function byReference(inp: HandlerInput, id: string): Promise<Booking | null> {
  if (/^[A-Z0-9]{6}$/.test(id)) {
    try {
      return await inp.gateway.retrieve(inp.ctx, id);
    } catch (e) {
      if (!isGatewayError(e) || (e.code !== 'GW_UNKNOWN_BOOKING' && e.code !== 'GW_NOT_FOUND' && e.code !== 'GW_FORBIDDEN')) throw e;
    }
  }
  return inp.gateway.findByExternalRef(inp.ctx, id);
}

function hash(v: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
}

/**
 * The idempotency key of a Modify: one per message, so that a resend replays its first answer while a new
 * modification applies, even one returning to an earlier state (A, B, A) or reusing an EchoToken.
 * A message is its content (the RoomStays read) with what dates it: the reservation's LastModifyDateTime
 * and the message's TimeStamp (and its EchoToken). A message that has neither date cannot be told from a
 * resend of an older one: its key is taken on the booking version it modifies, so it applies once to that
 * version; a resend after it applied finds the booking as it asks and changes nothing.
 */
function modifyKey(inp: HandlerInput, hr: XNode, ext: string, items: BookingItemRequest[], existing: Booking): string | null {
  const lastModify = at(hr, 'LastModifyDateTime');
  const dated = lastModify !== undefined || inp.h.timeStamp !== undefined;
  const identity = dated
    ? { items, lastModify, timeStamp: inp.h.timeStamp, echoToken: inp.h.echoToken }
    : { items, echoToken: inp.h.echoToken, version: [existing.updatedAt, existing.history.length] };
  return key('resnotif', ext, 'modify', hash(identity));
}

export const hotelResNotif: MessageHandler = async (inp) => {
  const { hr, tag } = firstReservation(inp);
  const status = at(hr, 'ResStatus') ?? at(inp.root, 'ResStatus') ?? 'Commit';
  const ids = reservationIds(hr, inp.root);
  if (!ids.externalRef) throw bad('The channel reservation id (UniqueID Type 14 or HotelReservationID ResID_Type 14) is missing', `${tag}/UniqueID`);
  const ext = ids.externalRef;
  const existing = await inp.gateway.findByExternalRef(inp.ctx, ext);
  let b: Booking;
  if (status === 'Commit' || status === 'Book') {
    if (existing) b = existing; // a repeated push of the same reservation: answer it again, book nothing
    else {
      const items = await readRoomStays(hr, inp.resolver, tag);
      const { travellers, contact, tags } = readGuests(hr, tag);
      try {
        b = await inp.gateway.book({ ...inp.ctx, idempotencyKey: key('resnotif', ext, 'commit') }, { items, travellers, contact, hold: false, externalRef: ext, channel: `ota:${inp.partnerId}` });
      } catch (e) {
        const again = isGatewayError(e) && e.code === 'GW_DUPLICATE' ? await inp.gateway.findByExternalRef(inp.ctx, ext) : null;
        if (!again) throw locateRefusal(e, tag, tags);
        b = again;
      }
    }
  } else if (status === 'Modify') {
    if (!existing) throw new GatewayError('GW_UNKNOWN_BOOKING', `No booking with reservation id ${ext} to modify`, { violations: [{ code: 'GW_UNKNOWN_BOOKING', message: `unknown reservation ${ext}`, path: `${tag}/UniqueID` }] });
    const items = await readRoomStays(hr, inp.resolver, tag);
    // A Modify to what the booking already is changes nothing (and tells the property system nothing).
    if (existing.status === 'confirmed' && hasItems(existing, items)) b = existing;
    else b = await inp.gateway.modify({ ...inp.ctx, idempotencyKey: modifyKey(inp, hr, ext, items, existing) }, existing.locator, { items }).catch((e) => { throw locateRefusal(e, tag); });
  } else if (status === 'Cancel') {
    if (!existing) throw new GatewayError('GW_UNKNOWN_BOOKING', `No booking with reservation id ${ext} to cancel`, { violations: [{ code: 'GW_UNKNOWN_BOOKING', message: `unknown reservation ${ext}`, path: `${tag}/UniqueID` }] });
    b = existing.status === 'cancelled' ? existing : await inp.gateway.cancel(inp.ctx, existing.locator);
  } else throw bad(`ResStatus '${status}' is not supported (Commit, Modify, Cancel)`, `${tag}/@ResStatus`);
  return { body: await reservationsRs(b, inp), locator: b.locator, attrs: { ResResponseType: status === 'Modify' ? 'Modified' : responseType(b) } };
};

export const cancel: MessageHandler = async (inp) => {
  const u = kids(inp.root, 'UniqueID')[0];
  const id = at(u, 'ID');
  if (!id) throw bad('UniqueID@ID is missing', '/OTA_CancelRQ/UniqueID/@ID');
  const found = await byReference(inp, id);
  if (!found) throw new GatewayError('GW_UNKNOWN_BOOKING', `No booking ${id}`, { violations: [{ code: 'GW_UNKNOWN_BOOKING', message: `no booking ${id}`, path: '/OTA_CancelRQ/UniqueID/@ID' }] });
  const type = at(inp.root, 'CancelType') ?? 'Commit';
  if (type !== 'Initiate' && type !== 'Commit' && type !== 'Cancel') throw bad(`CancelType '${type}' is not supported (Initiate, Commit)`, '/OTA_CancelRQ/@CancelType');
  // Initiate asks what a cancellation would do: nothing changes until Commit.
  const b = type === 'Initiate' ? found : await inp.gateway.cancel(inp.ctx, found.locator);
  const body = el('UniqueID', { Type: at(u, 'Type') ?? '14', ID: id }) + el('CancelInfoRS', null, el('UniqueID', { Type: '10', ID: b.locator }));
  return { body, locator: b.locator, attrs: { Status: type === 'Initiate' ? 'Pending' : 'Cancelled' } };
};

export const read: MessageHandler = async (inp) => {
  const rr = kid(inp.root, 'ReadRequests');
  const found: Booking[] = [];
  for (const r of kids(rr, 'ReadRequest')) {
    const id = at(kid(r, 'UniqueID'), 'ID');
    if (!id) continue;
    const b = await byReference(inp, id);
    if (b) found.push(b);
  }
  const hrr = kid(rr, 'HotelReadRequest');
  if (hrr) {
    const surname = text(path(hrr, 'Verification', 'PersonName', 'Surname')).trim().toUpperCase();
    const sc = kid(hrr, 'SelectionCriteria');
    const from = datePart(at(sc, 'Start'));
    const to = datePart(at(sc, 'End'));
    if (!surname && !from) throw bad('HotelReadRequest needs Verification/PersonName/Surname or SelectionCriteria Start', '/OTA_ReadRQ/ReadRequests/HotelReadRequest');
    const list = await inp.gateway.listBookings(inp.ctx, { limit: 500 });
    for (const b of list) {
      if (surname && !b.travellers.some((t) => t.surname.toUpperCase() === surname)) continue;
      const arrival = b.items.reduce((m, i) => (i.start < m ? i.start : m), b.items[0]?.start ?? '');
      if (from && arrival < from) continue;
      if (to && arrival > to) continue;
      if (!found.some((f) => f.locator === b.locator)) found.push(b);
    }
  }
  if (found.length === 0) throw new GatewayError('GW_UNKNOWN_BOOKING', 'No reservation matches the request', { violations: [{ code: 'GW_UNKNOWN_BOOKING', message: 'no match', path: '/OTA_ReadRQ/ReadRequests' }] });
  const rsv: string[] = [];
  for (const b of found.slice(0, 50)) rsv.push(await hotelReservationEl(b, inp.resolver));
  return { body: el('ReservationsList', null, ...rsv), locator: found.length === 1 ? found[0].locator : undefined };
};
