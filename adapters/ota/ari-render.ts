/**
 * ARI the hub pushes to OTA channels: outbox changes (full per-day snapshots) → OTA_HotelAvailNotifRQ,
 * OTA_HotelInvCountNotifRQ and OTA_HotelRateAmountNotifRQ in the channel's codes. Consecutive days with
 * the same state collapse into one Start–End range, so a season loaded at once is a handful of records.
 */
import type { AriChange, AvailabilityState, IsoDate, RateState } from '../../core/model';
import { GatewayError } from '../../core/errors';
import { compileMapping, type OtaMapping } from './mapping';
import { OTA_NS, el } from './xml';
import { addDays } from './dates';

export interface RenderAriOptions {
  /** Which inventory messages to produce; default both. */
  inventory?: 'avail' | 'invcount' | 'both';
  /** `POS/Source/RequestorID@ID` identifying the hub to the channel; default `MAQAM`. */
  requestorId?: string;
  /** Records per message before splitting (Expedia accepts 5,000; most channels are happier with fewer). */
  maxRecords?: number;
  /** Skip changes of products the table does not map instead of throwing GW_UNMAPPED_CODE. */
  skipUnmapped?: boolean;
  now?: Date;
}

type AvailChange = Extract<AriChange, { kind: 'availability' }>;
type RateChange = Extract<AriChange, { kind: 'rate' }>;

interface Run<S> { key: string; codes: { hotelCode: string; invTypeCode: string; ratePlanCode?: string }; from: IsoDate; to: IsoDate; state: S; ids: string[] }

function latest<C extends AriChange>(changes: C[], keyOf: (c: C) => string): C[] {
  const best = new Map<string, C>();
  for (const c of changes) {
    const k = keyOf(c) + '|' + c.day;
    const prev = best.get(k);
    if (!prev || c.seq > prev.seq) best.set(k, c);
  }
  return [...best.values()];
}

/** Groups per-day snapshots into ranges of consecutive days whose state is equal. */
function runs<C extends AriChange, S>(changes: C[], keyOf: (c: C) => string, stateOf: (c: C) => S, codesOf: (c: C) => Run<S>['codes'] | undefined): Run<S>[] {
  const sorted = latest(changes, keyOf).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const out: Run<S>[] = [];
  let cur: (Run<S> & { json: string }) | undefined;
  for (const c of sorted) {
    const codes = codesOf(c);
    if (!codes) continue;
    const state = stateOf(c);
    const json = JSON.stringify(state);
    const key = keyOf(c);
    if (cur && cur.key === key && cur.json === json && addDays(cur.to, 1) === c.day) {
      cur.to = c.day;
      cur.ids.push(c.id);
      continue;
    }
    cur = { key, codes, from: c.day, to: c.day, state, ids: [c.id], json };
    out.push(cur);
  }
  return out;
}

function rqAttrs(echo: string, now: Date): Record<string, string> {
  return { xmlns: OTA_NS, EchoToken: echo, TimeStamp: now.toISOString(), Version: '1.000' };
}

function pos(requestorId: string): string {
  return el('POS', null, el('Source', null, el('RequestorID', { ID: requestorId, Type: '22' })));
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** An EchoToken that is the same whenever the same changes are rendered again (channels can de-duplicate). */
function echoFor(kind: string, ids: string[]): string {
  return `${kind}-${ids[0]}-${ids[ids.length - 1]}-${ids.length}`.slice(0, 128);
}

const los = (type: string, v: number | null) => el('LengthOfStay', { MinMaxMessageType: type, Time: v ?? 0, TimeUnit: 'Day' });

function availRecords(r: Run<AvailabilityState>, n: number): string[] {
  const sac = el('StatusApplicationControl', { Start: r.from, End: r.to, InvTypeCode: r.codes.invTypeCode });
  const s = r.state;
  const restriction = (rec: number, kind: string, closed: boolean, extra = '', limit?: number) => el('AvailStatusMessage',
    limit === undefined ? null : { BookingLimit: limit, BookingLimitMessageType: 'SetLimit' },
    sac,
    extra,
    el('UniqueID', { Type: '16', ID: String(rec) }),
    el('RestrictionStatus', { Restriction: kind, Status: closed ? 'Close' : 'Open' }),
  );
  return [
    // A LOS of 0 lifts the limit, the convention of SiteMinder and Booking.com.
    restriction(n, 'Master', s.stopSell, el('LengthsOfStay', null, los('SetMinLOS', s.minLos), los('SetMaxLOS', s.maxLos)), Math.max(0, s.available)),
    restriction(n + 1, 'Arrival', s.closedToArrival),
    restriction(n + 2, 'Departure', s.closedToDeparture),
  ];
}

function rateRecord(r: Run<RateState>): string {
  const s = r.state;
  const guests = Object.keys(s.amounts).sort((a, b) => Number(a) - Number(b));
  const extra = [
    s.extraAdult === null ? '' : el('AdditionalGuestAmount', { AgeQualifyingCode: '10', Amount: s.extraAdult, CurrencyCode: s.currency }),
    s.extraChild === null ? '' : el('AdditionalGuestAmount', { AgeQualifyingCode: '8', Amount: s.extraChild, CurrencyCode: s.currency }),
  ].join('');
  return el('RateAmountMessage', null,
    el('StatusApplicationControl', { Start: r.from, End: r.to, InvTypeCode: r.codes.invTypeCode, RatePlanCode: r.codes.ratePlanCode }),
    el('Rates', null, el('Rate', { CurrencyCode: s.currency, RateTimeUnit: 'Day', UnitMultiplier: 1 },
      guests.length ? el('BaseByGuestAmts', null, ...guests.map((g) => el('BaseByGuestAmt', { AmountAfterTax: s.amounts[g], CurrencyCode: s.currency, NumberOfGuests: g, AgeQualifyingCode: '10' }))) : '',
      extra ? el('AdditionalGuestAmounts', null, extra) : '',
    )),
  );
}

/**
 * Renders outbox changes as OTA notification RQs in a channel's codes (its mapping table). Returns one
 * message per hotel and kind (split every `maxRecords` records), in the order availability, counts, rates.
 * A change of a product or rate plan missing from the table throws GW_UNMAPPED_CODE (or is skipped with
 * `skipUnmapped`): a channel silently missing a room is worse than a visible error.
 */
export function renderAriNotifs(changes: AriChange[], mapping: OtaMapping, opts: RenderAriOptions = {}): { message: string; xml: string }[] {
  const m = compileMapping(mapping);
  const now = opts.now ?? new Date();
  const maxRecords = opts.maxRecords ?? 1000;
  const requestor = opts.requestorId ?? 'MAQAM';
  const inv = opts.inventory ?? 'both';
  const miss = (what: string, id: string) => {
    if (opts.skipUnmapped) return undefined;
    throw new GatewayError('GW_UNMAPPED_CODE', `${what} '${id}' has no code in the OTA mapping of ${mapping.partner}`, { detail: { code: id } });
  };
  const avail = runs<AvailChange, AvailabilityState>(
    changes.filter((c): c is AvailChange => c.kind === 'availability'),
    (c) => c.productId,
    (c) => c.state,
    (c) => m.byProduct.get(c.productId) ?? miss('Product', c.productId),
  );
  const rates = runs<RateChange, RateState>(
    changes.filter((c): c is RateChange => c.kind === 'rate'),
    (c) => c.ratePlanId,
    (c) => c.state,
    (c) => m.byRatePlan.get(c.ratePlanId) ?? miss('Rate plan', c.ratePlanId),
  );
  const out: { message: string; xml: string }[] = [];
  const byHotel = <S>(rs: Run<S>[]) => {
    const g = new Map<string, Run<S>[]>();
    for (const r of rs) {
      const list = g.get(r.codes.hotelCode) ?? [];
      list.push(r);
      g.set(r.codes.hotelCode, list);
    }
    return g;
  };
  for (const [hotel, list] of byHotel(avail)) {
    if (inv !== 'invcount') {
      // Three records per range (Master, Arrival, Departure): RestrictionStatus occurs once per record.
      for (const part of chunks(list, Math.max(1, Math.floor(maxRecords / 3)))) {
        const ids = part.flatMap((r) => r.ids);
        const recs = part.flatMap((r, i) => availRecords(r, i * 3 + 1));
        out.push({ message: 'OTA_HotelAvailNotifRQ', xml: el('OTA_HotelAvailNotifRQ', rqAttrs(echoFor('AV', ids), now), pos(requestor), el('AvailStatusMessages', { HotelCode: hotel }, ...recs)) });
      }
    }
    if (inv !== 'avail') {
      for (const part of chunks(list, maxRecords)) {
        const ids = part.flatMap((r) => r.ids);
        const recs = part.map((r, i) => el('Inventory', null,
          el('StatusApplicationControl', { Start: r.from, End: r.to, InvTypeCode: r.codes.invTypeCode }),
          el('InvCounts', null, el('InvCount', { CountType: '2', Count: Math.max(0, r.state.available) })),
          el('UniqueID', { Type: '16', ID: String(i + 1) }),
        ));
        out.push({ message: 'OTA_HotelInvCountNotifRQ', xml: el('OTA_HotelInvCountNotifRQ', rqAttrs(echoFor('IC', ids), now), pos(requestor), el('Inventories', { HotelCode: hotel }, ...recs)) });
      }
    }
  }
  for (const [hotel, list] of byHotel(rates)) {
    for (const part of chunks(list, maxRecords)) {
      const ids = part.flatMap((r) => r.ids);
      out.push({ message: 'OTA_HotelRateAmountNotifRQ', xml: el('OTA_HotelRateAmountNotifRQ', rqAttrs(echoFor('RA', ids), now), pos(requestor), el('RateAmountMessages', { HotelCode: hotel }, ...part.map(rateRecord))) });
    }
  }
  return out;
}
