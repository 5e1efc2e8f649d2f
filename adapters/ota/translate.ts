/**
 * `maqam translate FILE` for OpenTravel XML: detects the message and prints the canonical commands it
 * stands for (ARI updates, an availability query, a booking …) plus findings, without touching any store.
 * Codes are read as the hub's own (HotelCode = provider id, InvTypeCode = product code …) unless a partner
 * table is given.
 */
import type { BookingRequest } from '../../core/model';
import { GatewayError, isGatewayError } from '../../core/errors';
import { readAvailNotif, readInvCountNotif, readRateAmountNotif, type AriRecord } from './ari-read';
import { readHeader } from './envelope';
import { readGroundAvail, readGroundBook } from './ground';
import { readPlans, senderRef } from './insurance';
import { readGuests, readRoomStays, reservationIds } from './hotel-res';
import { tableResolver, type CodeResolver, type OtaMapping, type RoomRef } from './mapping';
import { unwrap } from './service';
import { at, kid, kids, parseXml, type XNode } from './xml';

/** Resolves codes without a database: the hub's own ids, taken at face value. */
function faceValue(): CodeResolver {
  const room = async (hotelCode: string | undefined, inv: string | undefined): Promise<RoomRef> => {
    const h = hotelCode ?? '?';
    const i = inv ?? '?';
    return { hotelCode: h, invTypeCode: i, productId: `${h}-${i}`.toUpperCase(), providerId: h };
  };
  return {
    kind: 'canonical',
    provider: async (h) => h ?? '?',
    room,
    ratePlans: async (h, inv, rpc) => [{ ...(await room(h, inv)), ratePlanCode: rpc, ratePlanId: `${h}-${inv ?? '?'}-${rpc}`.toUpperCase() }],
    service: async (c) => c ?? '?',
    codesOfProduct: async () => undefined,
    codesOfRatePlan: async () => undefined,
    codeOfService: async () => undefined,
  };
}

export interface Finding { level: 'error' | 'warning' | 'info'; message: string; where?: string }

export async function translateOta(xml: string, mapping?: OtaMapping): Promise<{ canonical: unknown; findings: Finding[] }> {
  const findings: Finding[] = [];
  const resolver = mapping ? tableResolver(mapping) : faceValue();
  if (!mapping) findings.push({ level: 'info', message: 'no partner table given: codes are read as the hub\'s own ids (HotelCode-InvTypeCode)' });
  let doc;
  try {
    doc = unwrap(parseXml(xml));
  } catch (e) {
    throw isGatewayError(e) ? e : new GatewayError('GW_SYNTAX', String(e));
  }
  const h = readHeader(doc.node);
  const header = { message: doc.name, echoToken: h.echoToken ?? null, requestor: h.requestor?.id ?? null };
  const ari = (records: AriRecord[]) => {
    for (const r of records) {
      if (r.error) findings.push({ level: 'error', message: `record ${r.recordId}: ${r.error.code} ${r.error.message}`, where: r.error.violations[0]?.path ?? r.tag });
      for (const n of r.notes) findings.push({ level: 'info', message: `record ${r.recordId}: ${n}`, where: r.tag });
    }
    return { ...header, commands: records.flatMap((r) => r.commands.map((c) => ({ record: r.recordId, [c.kind === 'inventory' ? 'updateInventory' : 'updateRates']: c.update }))) };
  };
  switch (doc.name) {
    case 'OTA_HotelAvailNotifRQ': return { canonical: ari(await readAvailNotif(doc.node, resolver)), findings };
    case 'OTA_HotelRateAmountNotifRQ': return { canonical: ari(await readRateAmountNotif(doc.node, resolver)), findings };
    case 'OTA_HotelInvCountNotifRQ': return { canonical: ari(await readInvCountNotif(doc.node, resolver)), findings };
    case 'OTA_HotelAvailRQ': {
      const seg = kid(kid(doc.node, 'AvailRequestSegments'), 'AvailRequestSegment');
      const sdr = kid(seg, 'StayDateRange');
      const cand = kid(kid(seg, 'RoomStayCandidates'), 'RoomStayCandidate');
      const refs = kids(kid(seg, 'HotelSearchCriteria'), 'Criterion').flatMap((c) => kids(c, 'HotelRef'));
      const guests = kids(kid(cand, 'GuestCounts'), 'GuestCount').reduce((n, g) => n + Number(at(g, 'Count') ?? '1'), 0) || 1;
      const queries = refs.map((r) => ({ kind: 'hotel', providerId: at(r, 'HotelCode'), city: at(r, 'HotelCityCode'), start: at(sdr, 'Start'), end: at(sdr, 'End'), guests, quantity: Number(at(cand, 'Quantity') ?? '1') }));
      return { canonical: { ...header, search: queries }, findings };
    }
    case 'OTA_HotelResRQ':
    case 'OTA_HotelResNotifRQ': {
      const hr = kid(kid(doc.node, 'HotelReservations'), 'HotelReservation');
      const status = at(hr, 'ResStatus') ?? at(doc.node, 'ResStatus') ?? 'Commit';
      const ids = reservationIds(hr, doc.node);
      let items: BookingRequest['items'] = [];
      try {
        items = hr ? await readRoomStays(hr, resolver, `/${doc.name}/HotelReservations/HotelReservation`) : [];
      } catch (e) {
        if (!isGatewayError(e)) throw e;
        findings.push({ level: 'error', message: `${e.code} ${e.message}`, where: e.violations[0]?.path });
      }
      let guests: Pick<ReturnType<typeof readGuests>, 'travellers' | 'contact'> = { travellers: [], contact: null };
      try {
        if (hr) guests = readGuests(hr, `/${doc.name}/HotelReservations/HotelReservation`);
      } catch (e) {
        if (!isGatewayError(e)) throw e;
        for (const v of e.violations) findings.push({ level: 'error', message: `${v.code} ${v.message}`, where: v.path });
      }
      const { travellers, contact } = guests;
      if (/CardNumber/.test(xml)) findings.push({ level: 'warning', message: 'the message carries a payment card: it is masked in the archive and not stored with the booking' });
      const op = status === 'Cancel' ? 'cancel' : status === 'Modify' ? 'modify' : ids.locator && items.length === 0 ? 'confirm' : 'book';
      return { canonical: { ...header, resStatus: status, [op]: { locator: ids.locator ?? null, externalRef: ids.externalRef ?? null, hold: status === 'Initiate', items, travellers, contact } }, findings };
    }
    case 'OTA_CancelRQ':
      return { canonical: { ...header, cancel: { reference: at(kids(doc.node, 'UniqueID')[0], 'ID') ?? null, cancelType: at(doc.node, 'CancelType') ?? 'Commit' } }, findings };
    case 'OTA_ReadRQ':
      return { canonical: { ...header, retrieve: kids(kid(doc.node, 'ReadRequests'), 'ReadRequest').map((r) => at(kid(r, 'UniqueID'), 'ID')) }, findings };
    case 'OTA_GroundAvailRQ':
    case 'OTA_GroundBookRQ':
    case 'OTA_InsuranceQuoteRQ':
    case 'OTA_InsuranceBookRQ':
      try {
        return { canonical: { ...header, ...(await otherServices(doc.name, doc.node, resolver)) }, findings };
      } catch (e) {
        if (!isGatewayError(e)) throw e;
        findings.push({ level: 'error', message: `${e.code} ${e.message}`, where: e.violations[0]?.path });
        return { canonical: header, findings };
      }
    default:
      throw new GatewayError('GW_BAD_INPUT', `${doc.name} is not an OTA message the hub translates`);
  }
}

/**
 * Transport and insurance messages as canonical calls: a search, or a booking that confirms in one step.
 * Rate plans named by code are shown as the hub's ids (`<product>-<code>`), as hotel rate codes are.
 */
async function otherServices(name: string, root: XNode, resolver: CodeResolver): Promise<Record<string, unknown>> {
  if (name === 'OTA_GroundAvailRQ') {
    const q = readGroundAvail(root);
    return { search: { kind: 'transport', origin: q.origin, destination: q.destination, start: q.start, guests: 1, quantity: q.passengers, ...(q.ratePlanCode ? { ratePlanCode: q.ratePlanCode } : {}) } };
  }
  if (name === 'OTA_GroundBookRQ') {
    const rq = await readGroundBook(root, resolver);
    const items = rq.lines.map((l) => ({ productId: l.productId, ...(l.ratePlanCode ? { ratePlanId: `${l.productId}-${l.ratePlanCode}`.toUpperCase() } : {}), start: l.start, quantity: l.seats, guests: 1 }));
    return { book: { externalRef: rq.externalRef ?? null, hold: false, items, travellers: rq.travellers, contact: rq.contact } };
  }
  const plans = await readPlans(root, name === 'OTA_InsuranceQuoteRQ' ? 'OTA_InsuranceQuoteRQ' : 'OTA_InsuranceBookRQ', resolver);
  const items = plans.map((p) => ({ productId: p.productId, start: p.start, quantity: p.pilgrims, guests: 1 }));
  if (name === 'OTA_InsuranceQuoteRQ') return { search: items.map((i) => ({ kind: 'insurance', productIds: [i.productId], start: i.start, guests: 1, quantity: i.quantity })) };
  const travellers = plans.flatMap((p) => p.travellers);
  return { book: { externalRef: senderRef(root) ?? null, hold: false, items, travellers, contact: travellers[0] ? { name: `${travellers[0].givenName} ${travellers[0].surname}` } : null } };
}
