/**
 * Readers of the ARI notifications property systems send: each record becomes canonical commands
 * (InventoryUpdate / RateUpdate) on its own, or a coded problem located by RecordID and XPath. Nothing
 * is applied here; `apply.ts` runs the commands through core.
 */
import type { InventoryUpdate, RateUpdate, Weekday } from '../../core/model';
import { GatewayError, type ErrorCode } from '../../core/errors';
import type { CodeResolver } from './mapping';
import { at, kid, kids, type XNode } from './xml';
import { OTA_WEEKDAYS, addDays, datePart, daysBetween, isIsoDate } from './dates';

/**
 * Where a command came from in the message: core reports a refusal at a field of the command (`/amounts/2`,
 * `/currency`); the partner must be told the element or attribute it sent instead.
 */
export interface CommandSource {
  /** XPath of the element the command was read from. */
  tag: string;
  /** Command field (as core names it in a violation's path) → XPath of the attribute it was read from. */
  fields: Record<string, string>;
}

export type AriCommand = ({ kind: 'inventory'; update: InventoryUpdate } | { kind: 'rates'; update: RateUpdate }) & { source?: CommandSource };

/** What the readers need to know of the catalogue (absent when translating without a store). */
export interface AriCatalog {
  /** Most guests one unit of the product takes. */
  capacity(productId: string): Promise<number>;
}

/** One record of a batch: its commands, or why it cannot be applied. */
export interface AriRecord {
  /** The record's UniqueID (Type 16) or its 1-based position. */
  recordId: string;
  /** XPath of the record. */
  tag: string;
  commands: AriCommand[];
  error?: GatewayError;
  /** Things worth telling a human that do not stop the record (for `maqam translate`). */
  notes: string[];
}

/** Longest range one record may cover: two years ahead is what Expedia takes; 3 years leaves slack. */
const MAX_RANGE_DAYS = 1100;

function bad(code: ErrorCode, message: string, tag: string): GatewayError {
  return new GatewayError(code, message, { violations: [{ code, message, path: tag }] });
}

function recordId(rec: XNode, index: number): string {
  const u = kids(rec, 'UniqueID').find((x) => at(x, 'Type') === '16') ?? kid(rec, 'UniqueID');
  return at(u, 'ID') ?? String(index + 1);
}

/** Start/End (inclusive) and the weekday mask of a StatusApplicationControl (or a Rate). */
export function readSpan(node: XNode | undefined, tag: string): { from: string; to: string; weekdays?: Weekday[] } {
  const from = datePart(at(node, 'Start'));
  const to = datePart(at(node, 'End')) ?? from;
  if (!isIsoDate(from)) throw bad(from ? 'GW_BAD_DATES' : 'GW_BAD_INPUT', from ? `Start '${from}' is not a date` : 'Start is missing', `${tag}/@Start`);
  if (!isIsoDate(to)) throw bad('GW_BAD_DATES', `End '${to}' is not a date`, `${tag}/@End`);
  if (to < from) throw bad('GW_BAD_DATES', `End ${to} is before Start ${from}`, `${tag}/@End`);
  if (daysBetween(from, to) > MAX_RANGE_DAYS) throw bad('GW_BAD_DATES', `Start–End covers more than ${MAX_RANGE_DAYS} days`, `${tag}/@End`);
  const weekdays = readWeekdays(node, tag);
  return { from, to, ...(weekdays ? { weekdays } : {}) };
}

/** Where core's date-range fields of a command were read from. */
function spanFields(tag: string): Record<string, string> {
  return { '/from': `${tag}/@Start`, '/to': `${tag}/@End`, '/weekdays': tag };
}

function readWeekdays(node: XNode | undefined, tag: string): Weekday[] | undefined {
  let any = false;
  const days: Weekday[] = [];
  for (const [day, names] of OTA_WEEKDAYS) {
    for (const n of names) {
      const v = at(node, n);
      if (v === undefined) continue;
      any = true;
      if (v === 'true' || v === '1') days.push(day);
      else if (v !== 'false' && v !== '0') throw bad('GW_BAD_INPUT', `${n}='${v}' is not a boolean`, `${tag}/@${n}`);
    }
  }
  return any ? days : undefined;
}

function int(v: string | undefined, what: string, tag: string, min = 0): number {
  if (v === undefined || !/^-?\d{1,9}$/.test(v)) throw bad('GW_BAD_INPUT', `${what} '${v ?? ''}' is not a whole number`, tag);
  const n = Number(v);
  if (n < min) throw bad('GW_BAD_INPUT', `${what} ${n} is below ${min}`, tag);
  return n;
}

/**
 * `FullPatternLOS` (position n = may a stay of n nights start here) as min/max LOS and closed to arrival;
 * gaps cannot be kept. A pattern states the whole day, so it sets each of them both ways: one with a Y
 * reopens an arrival an all-N pattern closed, and lifts limits an earlier pattern set.
 */
function readPattern(p: string, tag: string): Pick<InventoryUpdate, 'minLos' | 'maxLos' | 'closedToArrival'> {
  if (!/^[YN]{1,32}$/.test(p)) throw bad('GW_BAD_INPUT', `FullPatternLOS '${p}' must be Y/N letters`, tag);
  const first = p.indexOf('Y');
  if (first < 0) return { closedToArrival: true };
  const last = p.lastIndexOf('Y');
  if (p.slice(first, last + 1).includes('N')) throw bad('GW_BAD_INPUT', `FullPatternLOS '${p}' allows stay lengths with gaps, which the hub keeps only as a min and max length of stay`, tag);
  // A pattern ending in Y leaves longer stays open.
  return { closedToArrival: false, minLos: first === 0 ? null : first + 1, maxLos: last === p.length - 1 ? null : last + 1 };
}

/**
 * Reads each record in its own right: a record that throws keeps its coded problem and the others go on.
 * `path` is the XPath of the records' element, without the position.
 */
async function eachRecord(list: XNode[], path: string, idOf: (rec: XNode, i: number) => string, read: (rec: XNode, r: AriRecord, tag: string) => Promise<void>): Promise<AriRecord[]> {
  const out: AriRecord[] = [];
  for (let i = 0; i < list.length; i++) {
    const rec = list[i];
    const tag = `${path}[${i + 1}]`;
    const r: AriRecord = { recordId: idOf(rec, i), tag, commands: [], notes: [] };
    out.push(r);
    try {
      await read(rec, r, tag);
    } catch (e) {
      r.error = asGw(e);
    }
  }
  return out;
}

/**
 * The room type a StatusApplicationControl names: its InvTypeCode, or else the room type of its
 * RatePlanCode (restrictions and counts are kept per room type, so a code spanning several is refused).
 */
async function roomTypeOf(sac: XNode | undefined, hotelCode: string | undefined, resolver: CodeResolver, sacTag: string): Promise<string> {
  const inv = at(sac, 'InvTypeCode') ?? at(sac, 'InvCode');
  const rpc = at(sac, 'RatePlanCode');
  if (inv !== undefined || rpc === undefined) return (await resolver.room(hotelCode, inv, `${sacTag}/@InvTypeCode`)).productId;
  const plans = await resolver.ratePlans(hotelCode, undefined, rpc, `${sacTag}/@RatePlanCode`);
  if (new Set(plans.map((p) => p.productId)).size > 1) throw bad('GW_BAD_INPUT', `RatePlanCode '${rpc}' spans several room types; give InvTypeCode`, `${sacTag}/@InvTypeCode`);
  return plans[0].productId;
}

/** Reads `OTA_HotelAvailNotifRQ` records. */
export async function readAvailNotif(root: XNode, resolver: CodeResolver, rootName = 'OTA_HotelAvailNotifRQ'): Promise<AriRecord[]> {
  const group = kid(root, 'AvailStatusMessages');
  const hotelCode = at(group, 'HotelCode');
  const list = kids(group, 'AvailStatusMessage');
  return eachRecord(list, `/${rootName}/AvailStatusMessages/AvailStatusMessage`, recordId, async (rec, r, tag) => {
    const sac = kid(rec, 'StatusApplicationControl');
    const sacTag = `${tag}/StatusApplicationControl`;
    const span = readSpan(sac, sacTag);
    const rpc = at(sac, 'RatePlanCode');
    const productId = await roomTypeOf(sac, hotelCode, resolver, sacTag);
    if (rpc !== undefined) r.notes.push(`restrictions for RatePlanCode ${rpc} are kept per room type (${productId})`);
    const u: InventoryUpdate = { productId, ...span };
    const type = at(rec, 'BookingLimitMessageType');
    const limit = at(rec, 'BookingLimit');
    if (limit !== undefined || type !== undefined) {
      if (type === 'AdjustLimit') u.adjust = int(limit, 'BookingLimit', `${tag}/@BookingLimit`, -1_000_000);
      else if (type === undefined || type === 'SetLimit') u.available = int(limit, 'BookingLimit', `${tag}/@BookingLimit`);
      else throw bad('GW_BAD_INPUT', `BookingLimitMessageType '${type}' is not supported (SetLimit, AdjustLimit)`, `${tag}/@BookingLimitMessageType`);
    }
    const rs = kid(rec, 'RestrictionStatus');
    if (rs) {
      const status = at(rs, 'Status');
      const restriction = at(rs, 'Restriction') ?? 'Master';
      if (status !== 'Open' && status !== 'Close') throw bad('GW_BAD_INPUT', `RestrictionStatus Status '${status ?? ''}' must be Open or Close`, `${tag}/RestrictionStatus/@Status`);
      const closed = status === 'Close';
      if (restriction === 'Master') u.stopSell = closed;
      else if (restriction === 'Arrival') u.closedToArrival = closed;
      else if (restriction === 'Departure') u.closedToDeparture = closed;
      else throw bad('GW_BAD_INPUT', `Restriction '${restriction}' is not supported (Master, Arrival, Departure)`, `${tag}/RestrictionStatus/@Restriction`);
    }
    const loss = kids(kid(rec, 'LengthsOfStay'), 'LengthOfStay');
    for (let j = 0; j < loss.length; j++) {
      const l = loss[j];
      const ltag = `${tag}/LengthsOfStay/LengthOfStay[${j + 1}]`;
      const type = at(l, 'MinMaxMessageType');
      const unit = at(l, 'TimeUnit') ?? 'Day';
      if (unit !== 'Day') throw bad('GW_BAD_INPUT', `TimeUnit '${unit}' is not supported (Day)`, `${ltag}/@TimeUnit`);
      if (type === 'FullPatternLOS') {
        const ptag = `${ltag}/LOS_Pattern/@FullPatternLOS`;
        const pattern = readPattern(at(kid(l, 'LOS_Pattern'), 'FullPatternLOS') ?? '', ptag);
        if (u.closedToArrival !== undefined && u.closedToArrival !== pattern.closedToArrival) {
          throw bad('GW_BAD_INPUT', `FullPatternLOS ${pattern.closedToArrival ? 'closes' : 'opens'} the arrival that this record ${u.closedToArrival ? 'closes' : 'opens'} elsewhere`, ptag);
        }
        Object.assign(u, pattern);
        continue;
      }
      const t = int(at(l, 'Time'), 'Time', `${ltag}/@Time`);
      // 0 lifts the limit (SiteMinder and Booking.com convention); the hub keeps LOS up to 999 nights.
      const v = t === 0 ? null : Math.min(t, 999);
      if (type === 'SetMinLOS' || type === 'SetForwardMinStay' || type === 'SetMinLOS_ThroughArrival') u.minLos = v;
      else if (type === 'SetMaxLOS' || type === 'SetForwardMaxStay' || type === 'SetMaxLOS_ThroughArrival') u.maxLos = v;
      else throw bad('GW_BAD_INPUT', `MinMaxMessageType '${type ?? ''}' is not supported`, `${ltag}/@MinMaxMessageType`);
    }
    if (u.minLos != null && u.maxLos != null && u.minLos > u.maxLos) throw bad('GW_BAD_INPUT', `MinLOS ${u.minLos} is above MaxLOS ${u.maxLos}`, `${tag}/LengthsOfStay`);
    if (Object.keys(u).length === Object.keys(span).length + 1) throw bad('GW_BAD_INPUT', 'The record changes nothing (no BookingLimit, RestrictionStatus or LengthsOfStay)', tag);
    r.commands.push({ kind: 'inventory', update: u, source: { tag, fields: {
      ...spanFields(sacTag), '/available': `${tag}/@BookingLimit`, '/adjust': `${tag}/@BookingLimit`,
      '/minLos': `${tag}/LengthsOfStay`, '/maxLos': `${tag}/LengthsOfStay`,
    } } });
  });
}

const AMOUNT = /^(\d{1,10})(?:\.(\d{1,4}))?$/;

/**
 * An amount as core keeps it: at most 2 decimals (core stores minor units, halalas for SAR). Property
 * systems often write 4 (`700.0000`, the OTA DecimalPrice habit): zeros past the second are dropped, any
 * other digit there is refused rather than rounded.
 */
function amount(v: string | undefined, what: string, tag: string): string {
  const m = v === undefined ? null : AMOUNT.exec(v);
  if (!m) throw bad('GW_BAD_INPUT', `${what} '${v ?? ''}' is not an amount`, tag);
  const decimals = m[2] ?? '';
  if (/[^0]/.test(decimals.slice(2))) throw bad('GW_BAD_INPUT', `${what} '${v}' has more than 2 decimal places`, tag);
  // A zero price is a loading mistake far more often than a free room (RateGain rejects it too).
  if (Number(v) <= 0) throw bad('GW_BAD_INPUT', `${what} must be above zero`, tag);
  return decimals.length > 2 ? `${m[1]}.${decimals.slice(0, 2)}` : v!;
}

/** Most guests a BaseByGuestAmt may price: core keys amounts by 1 to 99 guests. */
const MAX_PRICED_GUESTS = 99;

/** Reads `OTA_HotelRateAmountNotifRQ` records. */
export async function readRateAmountNotif(root: XNode, resolver: CodeResolver, rootName = 'OTA_HotelRateAmountNotifRQ', catalog?: AriCatalog): Promise<AriRecord[]> {
  const group = kid(root, 'RateAmountMessages');
  const hotelCode = at(group, 'HotelCode');
  const list = kids(group, 'RateAmountMessage');
  return eachRecord(list, `/${rootName}/RateAmountMessages/RateAmountMessage`, (rec, i) => at(rec, 'LocatorID') ?? String(i + 1), async (rec, r, tag) => {
    const sac = kid(rec, 'StatusApplicationControl');
    const sacTag = `${tag}/StatusApplicationControl`;
    const rpc = at(sac, 'RatePlanCode');
    const inv = at(sac, 'InvTypeCode') ?? at(sac, 'InvCode');
    if (rpc === undefined) throw bad('GW_BAD_INPUT', 'RatePlanCode is missing', `${sacTag}/@RatePlanCode`);
    const plans = await resolver.ratePlans(hotelCode, inv, rpc, `${sacTag}/@${inv === undefined ? 'RatePlanCode' : 'InvTypeCode'}`);
    const rates = kids(kid(rec, 'Rates'), 'Rate');
    if (rates.length === 0) throw bad('GW_BAD_INPUT', 'Rates/Rate is missing', `${tag}/Rates`);
    for (let j = 0; j < rates.length; j++) {
      const rate = rates[j];
      const rtag = `${tag}/Rates/Rate[${j + 1}]`;
      const span = at(rate, 'Start') ? readSpan(rate, rtag) : readSpan(sac, sacTag);
      if (!at(rate, 'Start')) {
        const wd = readWeekdays(rate, rtag);
        if (wd) span.weekdays = span.weekdays ? span.weekdays.filter((d) => wd.includes(d)) : wd;
      }
      const unit = at(rate, 'RateTimeUnit') ?? 'Day';
      if (unit !== 'Day') throw bad('GW_BAD_INPUT', `RateTimeUnit '${unit}' is not supported (Day)`, `${rtag}/@RateTimeUnit`);
      // Amounts by number of guests, and the one without NumberOfGuests: the price of the room whatever
      // its occupancy, up to the room's capacity (an explicit NumberOfGuests overrides it).
      const byGuests = new Map<number, { v: string; tag: string }>();
      let flat: { v: string; tag: string } | undefined;
      let currency = at(rate, 'CurrencyCode');
      const base = kids(kid(rate, 'BaseByGuestAmts'), 'BaseByGuestAmt');
      for (let k = 0; k < base.length; k++) {
        const b = base[k];
        const btag = `${rtag}/BaseByGuestAmts/BaseByGuestAmt[${k + 1}]`;
        const after = at(b, 'AmountAfterTax');
        const vtag = `${btag}/@${after ? 'AmountAfterTax' : 'AmountBeforeTax'}`;
        const v = amount(after ?? at(b, 'AmountBeforeTax'), after ? 'AmountAfterTax' : 'AmountBeforeTax', vtag);
        if (!after) r.notes.push(`${btag}: AmountBeforeTax taken as the price`);
        const g = at(b, 'NumberOfGuests');
        if (g === undefined) {
          if (flat) throw bad('GW_BAD_INPUT', 'Two BaseByGuestAmt without NumberOfGuests: the room has one price whatever its occupancy', btag);
          flat = { v, tag: vtag };
        } else {
          const n = int(g, 'NumberOfGuests', `${btag}/@NumberOfGuests`, 1);
          if (n > MAX_PRICED_GUESTS) throw bad('GW_BAD_INPUT', `NumberOfGuests ${n} is above ${MAX_PRICED_GUESTS}`, `${btag}/@NumberOfGuests`);
          if (byGuests.has(n)) throw bad('GW_BAD_INPUT', `NumberOfGuests ${g} is priced twice`, `${btag}/@NumberOfGuests`);
          byGuests.set(n, { v, tag: vtag });
        }
        const c = at(b, 'CurrencyCode');
        if (c && currency && c !== currency) throw bad('GW_BAD_INPUT', `CurrencyCode ${c} differs from ${currency}`, `${btag}/@CurrencyCode`);
        currency ??= c;
      }
      let extraAdult: { v: string; tag: string } | undefined;
      let extraChild: { v: string; tag: string } | undefined;
      const adds = kids(kid(rate, 'AdditionalGuestAmounts'), 'AdditionalGuestAmount');
      for (let k = 0; k < adds.length; k++) {
        const a = adds[k];
        const atag = `${rtag}/AdditionalGuestAmounts/AdditionalGuestAmount[${k + 1}]`;
        const attr = at(a, 'Amount') !== undefined ? 'Amount' : at(a, 'AmountAfterTax') !== undefined ? 'AmountAfterTax' : at(a, 'AmountBeforeTax') !== undefined ? 'AmountBeforeTax' : 'Amount';
        const v = amount(at(a, attr), attr, `${atag}/@${attr}`);
        // AgeQualifyingCode (OTA AQC): 10 adult, 8 child, 7 infant.
        const aqc = at(a, 'AgeQualifyingCode') ?? '10';
        if (aqc === '10') extraAdult = { v, tag: `${atag}/@${attr}` };
        else if (aqc === '8' || aqc === '7') extraChild = { v, tag: `${atag}/@${attr}` };
        else throw bad('GW_BAD_INPUT', `AgeQualifyingCode '${aqc}' is not supported (10 adult, 8 child)`, `${atag}/@AgeQualifyingCode`);
      }
      if (!flat && byGuests.size === 0 && extraAdult === undefined && extraChild === undefined) throw bad('GW_BAD_INPUT', 'The rate has no amount', rtag);
      if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) throw bad('GW_BAD_INPUT', `CurrencyCode '${currency}' is not an ISO 4217 code`, `${rtag}/@CurrencyCode`);
      const spanTag = at(rate, 'Start') ? rtag : sacTag;
      for (const p of plans) {
        const fields: Record<string, string> = { ...spanFields(spanTag), '/currency': `${rtag}/@CurrencyCode`, '/amounts': `${rtag}/BaseByGuestAmts` };
        const amounts: Record<string, string> = {};
        if (flat) {
          const capacity = catalog ? await catalog.capacity(p.productId) : 1;
          for (let n = 1; n <= capacity; n++) {
            amounts[String(n)] = flat.v;
            fields[`/amounts/${n}`] = flat.tag;
          }
          if (!catalog) r.notes.push(`${rtag}: the amount without NumberOfGuests is the price for every occupancy up to the room's capacity (shown for 1 guest: the capacity is in the store)`);
        }
        for (const [n, a] of byGuests) {
          amounts[String(n)] = a.v;
          fields[`/amounts/${n}`] = a.tag;
        }
        const u: RateUpdate = { ratePlanId: p.ratePlanId, ...span, amounts };
        if (currency) u.currency = currency;
        if (extraAdult !== undefined) {
          u.extraAdult = extraAdult.v;
          fields['/extraAdult'] = extraAdult.tag;
        }
        if (extraChild !== undefined) {
          u.extraChild = extraChild.v;
          fields['/extraChild'] = extraChild.tag;
        }
        r.commands.push({ kind: 'rates', update: u, source: { tag: rtag, fields } });
      }
    }
  });
}

/** Reads `OTA_HotelInvCountNotifRQ` records: CountType 2 (available) or 1 / ActionType Allocation (allotment). */
export async function readInvCountNotif(root: XNode, resolver: CodeResolver, rootName = 'OTA_HotelInvCountNotifRQ'): Promise<AriRecord[]> {
  const group = kid(root, 'Inventories');
  const hotelCode = at(group, 'HotelCode');
  const list = kids(group, 'Inventory');
  return eachRecord(list, `/${rootName}/Inventories/Inventory`, recordId, async (rec, r, tag) => {
    const sac = kid(rec, 'StatusApplicationControl');
    const sacTag = `${tag}/StatusApplicationControl`;
    const span = readSpan(sac, sacTag);
    const rpc = at(sac, 'RatePlanCode');
    const productId = await roomTypeOf(sac, hotelCode, resolver, sacTag);
    if (rpc !== undefined) r.notes.push(`the allotment of RatePlanCode ${rpc} is kept per room type (${productId})`);
    const counts = kids(kid(rec, 'InvCounts'), 'InvCount');
    if (counts.length === 0) throw bad('GW_BAD_INPUT', 'InvCounts/InvCount is missing', `${tag}/InvCounts`);
    const u: InventoryUpdate = { productId, ...span };
    for (let j = 0; j < counts.length; j++) {
      const c = counts[j];
      const ctag = `${tag}/InvCounts/InvCount[${j + 1}]`;
      const n = int(at(c, 'Count'), 'Count', `${ctag}/@Count`);
      const type = at(c, 'CountType');
      // OTA INV count types: 1 physical rooms, 2 definite availability.
      if (at(c, 'ActionType') === 'Allocation' || type === '1') u.allotment = n;
      else if (type === '2' || type === undefined) u.available = n;
      else throw bad('GW_BAD_INPUT', `CountType '${type}' is not supported (1 physical, 2 available)`, `${ctag}/@CountType`);
    }
    if (u.allotment !== undefined && u.available !== undefined) throw bad('GW_BAD_INPUT', 'Give either the allotment or the availability, not both', `${tag}/InvCounts`);
    r.commands.push({ kind: 'inventory', update: u, source: { tag, fields: { ...spanFields(sacTag), '/available': `${tag}/InvCounts`, '/allotment': `${tag}/InvCounts` } } });
  });
}

function asGw(e: unknown): GatewayError {
  if (e instanceof GatewayError) return e;
  return new GatewayError('GW_INTERNAL', 'Internal error', { cause: e });
}

