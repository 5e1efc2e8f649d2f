/**
 * The booking lifecycle: hold, book (hold and confirm in one step), confirm, cancel, modify, expire.
 * Stock moves only through `StoreTx.reserve`, the atomic conditional update, so inventory never goes below
 * zero whatever the concurrency; every move of availability writes its outbox row in the same statement.
 */
import type { Ctx } from './api';
import { gwError, GatewayError, type Violation } from './errors';
import type { Actor, Booking, BookingEvent, BookingItem, BookingItemRequest, BookingRequest, BookingStatus, IsoDate, Product, RatePlan } from './model';
import { isProviderKind } from './model';
import type { Clock, NewBooking, StayRow, StockDelta, Store, StoreTx } from './ports';
import { addDays, daysBetween, eachDay, hubToday } from './dates';
import { fromMinor, toMinor } from './money';
import { newLocator } from './secrets';

export interface Catalog {
  product(id: string): Promise<Product | null>;
  ratePlan(id: string): Promise<RatePlan | null>;
  ratePlans(productId: string): Promise<RatePlan[]>;
}

export interface BookingConfig {
  /** Default hold time (seconds). */
  holdSeconds: number;
  maxHoldSeconds: number;
}

type PricedItem = NewBooking['items'][number];

/** Kinds of partner that may sell (book on behalf of travellers). */
export function canSell(a: Actor): boolean {
  return a.kind === 'agency' || a.kind === 'channel' || a.kind === 'gds' || a.kind === 'operator';
}

/** Who may read a booking: the operator, its seller, and the providers whose products it contains. */
export function canRead(a: Actor, b: Booking): boolean {
  if (a.kind === 'operator' || a.partnerId === b.agentId) return true;
  return isProviderKind(a.kind) && b.items.some((it) => it.providerId === a.partnerId);
}

/**
 * The booking as `a` may see it (call after `canRead`): the operator and the seller see all of it; a
 * provider sees its own lines only, with their total, and the travellers and contact it serves. Another
 * provider's lines and the package price are commercial information of the seller.
 */
export function bookingSeenBy(a: Actor, b: Booking): Booking {
  if (a.kind === 'operator' || a.partnerId === b.agentId) return b;
  return providerView(b, a.partnerId);
}

/** A provider's part of a booking: its lines and their total (zero when it has no line left). */
export function providerView(b: Booking, providerId: string): Booking {
  const items = b.items.filter((it) => it.providerId === providerId);
  const totalMinor = items.reduce((s, it) => s + (toMinor(it.price.amount) ?? 0), 0);
  return { ...b, items, total: { amount: fromMinor(totalMinor), currency: b.total.currency } };
}

function canChange(a: Actor, b: Booking): boolean {
  return a.kind === 'operator' || a.partnerId === b.agentId;
}

/** Price of one unit for one day at `guests`, in minor units, or null when no rate covers it. */
export function unitPrice(row: Pick<StayRow, 'amounts' | 'extraAdult'>, guests: number): number | null {
  const amounts = row.amounts;
  if (!amounts) return null;
  const exact = amounts[String(guests)];
  if (exact !== undefined) return Number(exact);
  // Above the largest loaded occupancy, the extra-adult supplement applies per additional guest.
  const keys = Object.keys(amounts).map(Number).filter((k) => k < guests);
  if (keys.length === 0 || row.extraAdult == null) return null;
  const base = Math.max(...keys);
  return Number(amounts[String(base)]) + (guests - base) * Number(row.extraAdult);
}

export class Bookings {
  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    private readonly clock: Clock,
    private readonly config: BookingConfig,
  ) {}

  /**
   * Resolves, checks rules and prices every item; lists every violation, not only the first. No item may
   * start before `today` unless it is a line of `booked` (the booking being modified) whose nights before
   * today stay as booked.
   */
  async price(actor: Actor, items: BookingItemRequest[], today: IsoDate, booked: BookingItem[] = []): Promise<{ items: PricedItem[]; currency: string; totalMinor: number }> {
    const violations: Violation[] = [];
    const priced: PricedItem[] = [];
    for (const [i, it] of items.entries()) {
      const path = `/items/${i}`;
      const product = await this.catalog.product(it.productId);
      if (!product || (!product.public && actor.kind !== 'operator' && product.providerId !== actor.partnerId)) {
        violations.push({ code: 'GW_UNKNOWN_PRODUCT', message: `unknown product ${it.productId}`, path: `${path}/productId` });
        continue;
      }
      const past = pastStart(it, today, booked);
      if (past) {
        violations.push({ code: 'GW_BAD_DATES', message: past, path: `${path}/start` });
        continue;
      }
      let ratePlan: RatePlan | null;
      if (it.ratePlanId) ratePlan = await this.catalog.ratePlan(it.ratePlanId);
      else ratePlan = (await this.catalog.ratePlans(product.id))[0] ?? null;
      if (!ratePlan || ratePlan.productId !== product.id) {
        violations.push({ code: 'GW_UNKNOWN_RATE_PLAN', message: `no rate plan ${it.ratePlanId ?? ''} for ${product.id}`.replace('  ', ' '), path: `${path}/ratePlanId` });
        continue;
      }
      if (it.guests > product.maxGuests) {
        violations.push({ code: 'GW_BAD_INPUT', message: `${product.name} takes at most ${product.maxGuests} guests per unit`, path: `${path}/guests` });
        continue;
      }
      const end = product.pricing === 'per_unit' ? addDays(it.start, 1) : it.end;
      if (!end) {
        violations.push({ code: 'GW_BAD_DATES', message: `end (check-out) is required for ${product.name}`, path: `${path}/end` });
        continue;
      }
      const nights = daysBetween(it.start, end);
      // Read the departure day too: closed-to-departure applies to it.
      const rows = await this.store.readStay(product.id, ratePlan.id, it.start, end);
      const stay = rows.slice(0, nights);
      const departure = rows[nights];
      const first = stay[0];
      if (first.closedToArrival) violations.push({ code: 'GW_RESTRICTED', message: `${product.name} is closed to arrival on ${it.start}`, path: `${path}/start` });
      if (product.pricing === 'per_night' && departure?.closedToDeparture) violations.push({ code: 'GW_RESTRICTED', message: `${product.name} is closed to departure on ${end}`, path: `${path}/end` });
      if (first.minLos != null && nights < first.minLos) violations.push({ code: 'GW_RESTRICTED', message: `${product.name} needs at least ${first.minLos} nights from ${it.start}`, path: `${path}/end` });
      if (first.maxLos != null && nights > first.maxLos) violations.push({ code: 'GW_RESTRICTED', message: `${product.name} allows at most ${first.maxLos} nights from ${it.start}`, path: `${path}/end` });
      const stopped = stay.filter((d) => d.stopSell).map((d) => d.day);
      if (stopped.length) violations.push({ code: 'GW_RESTRICTED', message: `${product.name} is closed for sale on ${stopped.join(', ')}`, path: `${path}/start` });
      let amount = 0;
      const unpriced: IsoDate[] = [];
      for (const d of stay) {
        const p = unitPrice(d, it.guests);
        if (p === null || (d.currency && d.currency !== ratePlan.currency)) unpriced.push(d.day);
        else amount += p;
      }
      if (unpriced.length) {
        violations.push({ code: 'GW_NO_RATE', message: `no ${ratePlan.code} rate for ${it.guests} guest(s) on ${unpriced.slice(0, 5).join(', ')}${unpriced.length > 5 ? ` and ${unpriced.length - 5} more` : ''}`, path: `${path}/ratePlanId` });
        continue;
      }
      priced.push({
        line: i + 1, productId: product.id, providerId: product.providerId, kind: product.kind, ratePlanId: ratePlan.id,
        start: it.start, end, quantity: it.quantity, guests: it.guests, amountMinor: amount * it.quantity, currency: ratePlan.currency,
      });
    }
    if (violations.length) {
      const codes = new Set(violations.map((v) => v.code));
      const code = codes.size === 1 ? violations[0].code : codes.has('GW_UNKNOWN_PRODUCT') ? 'GW_UNKNOWN_PRODUCT' : codes.has('GW_BAD_INPUT') || codes.has('GW_BAD_DATES') ? 'GW_BAD_INPUT' : codes.has('GW_RESTRICTED') ? 'GW_RESTRICTED' : violations[0].code;
      throw new GatewayError(code, violations.length === 1 ? violations[0].message : `${violations.length} problems: ${violations.map((v) => v.message).join('; ')}`, { violations });
    }
    const currencies = new Set(priced.map((p) => p.currency));
    if (currencies.size > 1) throw gwError('GW_BAD_INPUT', `the items are priced in different currencies (${[...currencies].join(', ')}); book them separately`);
    return { items: priced, currency: priced[0].currency, totalMinor: priced.reduce((s, p) => s + p.amountMinor, 0) };
  }

  /** Stock deltas for items: `sign` +1 takes, -1 releases, on `held` or `sold`. */
  static deltas(items: Pick<PricedItem, 'productId' | 'start' | 'end' | 'quantity'>[], field: 'held' | 'sold', sign: 1 | -1, into = new Map<string, StockDelta>()): Map<string, StockDelta> {
    for (const it of items) {
      for (const day of eachDay(it.start, it.end)) {
        const k = `${it.productId}\0${day}`;
        const d = into.get(k) ?? { productId: it.productId, day, held: 0, sold: 0 };
        d[field] += sign * it.quantity;
        into.set(k, d);
      }
    }
    return into;
  }

  static effective(m: Map<string, StockDelta>): StockDelta[] {
    return [...m.values()].filter((d) => d.held !== 0 || d.sold !== 0).sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  }

  async book(ctx: Ctx, req: BookingRequest, inTx: <T>(fn: (t: StoreTx) => Promise<T>) => Promise<T>): Promise<Booking> {
    const actor = ctx.actor;
    if (!canSell(actor)) throw gwError('GW_FORBIDDEN', `a ${actor.kind} partner cannot sell; bookings are made by agencies, channels and GDSs`);
    const now = this.clock.now();
    const { items, currency, totalMinor } = await this.price(actor, req.items, hubToday(now));
    const status: BookingStatus = req.hold ? 'held' : 'confirmed';
    const holdSeconds = Math.min(req.holdSeconds ?? this.config.holdSeconds, this.config.maxHoldSeconds);
    const holdExpiresAt = req.hold ? new Date(now.getTime() + holdSeconds * 1000) : null;
    const deltas = Bookings.effective(Bookings.deltas(items, req.hold ? 'held' : 'sold', 1));
    const event: Omit<BookingEvent, 'at'> = { action: req.hold ? 'hold' : 'book', status, actor: actor.partnerId };
    for (let attempt = 1; ; attempt++) {
      const nb: NewBooking = {
        locator: newLocator(), agentId: actor.partnerId, status, holdExpiresAt, currency, totalMinor,
        contact: req.contact ?? null, externalRef: req.externalRef ?? null, channel: req.channel ?? null, items,
        travellers: req.travellers ?? [],
      };
      try {
        return await inTx(async (t) => {
          const changed = await t.reserve(deltas, nb, event, now);
          if (changed < deltas.length) throw soldOut(items);
          return toBooking(nb, [{ at: now.toISOString(), ...event }], now);
        });
      } catch (e) {
        const constraint = (e as { constraint?: string }).constraint;
        if (constraint === 'bookings_pkey' && attempt < 5) continue; // locator collision: draw another
        if (constraint === 'bookings_external_ref') {
          const prev = await this.store.findBookingByExternalRef(actor.partnerId, req.externalRef!);
          throw gwError('GW_DUPLICATE', `reference ${req.externalRef} was already booked as ${prev?.locator ?? 'another booking'}`, { detail: { locator: prev?.locator } });
        }
        if (constraint === 'inventory_within_allotment') throw soldOut(items);
        throw e;
      }
    }
  }

  /** Loads and locks a booking the actor may change; expires it first when its hold has run out. */
  private async lockForChange(t: StoreTx, actor: Actor, locator: string, now: Date): Promise<{ b: Booking; expired: boolean }> {
    const b = await t.lockBooking(locator);
    if (!b || !canRead(actor, b)) throw gwError('GW_UNKNOWN_BOOKING', `no booking ${locator}`);
    if (!canChange(actor, b)) throw gwError('GW_FORBIDDEN', `booking ${locator} belongs to another seller`);
    if (b.status === 'held' && b.holdExpiresAt && Date.parse(b.holdExpiresAt) <= now.getTime()) {
      await this.release(t, b, 'held', now);
      await t.setBookingStatus(b.locator, 'expired', null, { action: 'expire', status: 'expired', actor: 'system' }, now, providersOf(b.items));
      return { b, expired: true };
    }
    return { b, expired: false };
  }

  private async release(t: StoreTx, b: Booking, field: 'held' | 'sold', now: Date): Promise<void> {
    const deltas = Bookings.effective(Bookings.deltas(b.items, field, -1));
    const changed = await t.reserve(deltas, null, null, now);
    if (changed < deltas.length) throw gwError('GW_INTERNAL', `stock of ${b.locator} could not be released (${changed}/${deltas.length} days)`);
  }

  async confirm(ctx: Ctx, locator: string, inTx: <T>(fn: (t: StoreTx) => Promise<T>) => Promise<T>): Promise<Booking> {
    const now = this.clock.now();
    const out = await inTx(async (t) => {
      const { b, expired } = await this.lockForChange(t, ctx.actor, locator, now);
      if (expired) return { expired: true as const, b };
      if (b.status === 'confirmed') return { expired: false as const, b };
      if (b.status !== 'held') throw gwError(b.status === 'expired' ? 'GW_HOLD_EXPIRED' : 'GW_INVALID_STATE', `booking ${locator} is ${b.status} and cannot be confirmed`);
      const m = Bookings.deltas(b.items, 'held', -1);
      const deltas = Bookings.effective(Bookings.deltas(b.items, 'sold', 1, m));
      if ((await t.reserve(deltas, null, null, now)) < deltas.length) throw gwError('GW_INTERNAL', `held stock of ${locator} is missing`);
      await t.setBookingStatus(locator, 'confirmed', null, { action: 'confirm', status: 'confirmed', actor: ctx.actor.partnerId }, now, providersOf(b.items));
      return { expired: false as const, b: withStatus(b, 'confirmed', null, { action: 'confirm', actor: ctx.actor.partnerId }, now) };
    });
    if (out.expired) throw gwError('GW_HOLD_EXPIRED', `the hold on ${locator} expired at ${out.b.holdExpiresAt}; its inventory was released`);
    return out.b;
  }

  async cancel(ctx: Ctx, locator: string, inTx: <T>(fn: (t: StoreTx) => Promise<T>) => Promise<T>): Promise<Booking> {
    const now = this.clock.now();
    return inTx(async (t) => {
      const { b, expired } = await this.lockForChange(t, ctx.actor, locator, now);
      if (expired) return withStatus(b, 'expired', null, { action: 'expire', actor: 'system' }, now);
      if (b.status === 'cancelled') return b;
      if (b.status === 'expired') throw gwError('GW_INVALID_STATE', `booking ${locator} already expired; nothing to cancel`);
      await this.release(t, b, b.status === 'held' ? 'held' : 'sold', now);
      await t.setBookingStatus(locator, 'cancelled', null, { action: 'cancel', status: 'cancelled', actor: ctx.actor.partnerId }, now, providersOf(b.items));
      return withStatus(b, 'cancelled', null, { action: 'cancel', actor: ctx.actor.partnerId }, now);
    });
  }

  async modify(ctx: Ctx, locator: string, items: BookingItemRequest[], inTx: <T>(fn: (t: StoreTx) => Promise<T>) => Promise<T>): Promise<Booking> {
    const now = this.clock.now();
    const today = hubToday(now);
    // A stay already begun may be kept (or extended, or shortened to today) in a modification; read the
    // booked lines for that check only when an item starts before today, and check again under the lock.
    const current = items.some((it) => it.start < today) ? await this.store.getBooking(locator) : null;
    const begun = current && canChange(ctx.actor, current) ? current.items : [];
    const priced = await this.price(ctx.actor, items, today, begun);
    const out = await inTx(async (t) => {
      const { b, expired } = await this.lockForChange(t, ctx.actor, locator, now);
      if (expired) return { expired: true as const, b };
      if (b.status !== 'held' && b.status !== 'confirmed') throw gwError('GW_INVALID_STATE', `booking ${locator} is ${b.status} and cannot be modified`);
      const moved = items.map((it, i) => ({ message: pastStart(it, today, b.items), path: `/items/${i}/start` })).filter((v) => v.message);
      if (moved.length) throw gwError('GW_BAD_DATES', moved[0].message!, { violations: moved.map((v) => ({ code: 'GW_BAD_DATES', message: v.message!, path: v.path })) });
      const field = b.status === 'held' ? 'held' : 'sold';
      // Old stock released and new stock taken as one netted delta per product-day, in one statement:
      // there is no moment where both, or neither, hold the stock.
      const m = Bookings.deltas(b.items, field, -1);
      const deltas = Bookings.effective(Bookings.deltas(priced.items, field, 1, m));
      if ((await t.reserve(deltas, null, null, now)) < deltas.length) throw soldOut(priced.items);
      const event = { action: 'modify' as const, status: b.status, actor: ctx.actor.partnerId };
      await t.replaceItems(locator, priced.items, priced.currency, priced.totalMinor, event, now, [...providersOf(b.items), ...providersOf(priced.items)]);
      const nb = { ...b, items: priced.items.map(toItem), total: { amount: fromMinor(priced.totalMinor), currency: priced.currency }, updatedAt: now.toISOString(), history: [...b.history, { at: now.toISOString(), ...event }] };
      return { expired: false as const, b: nb };
    });
    if (out.expired) throw gwError('GW_HOLD_EXPIRED', `the hold on ${locator} expired; its inventory was released`);
    return out.b;
  }

  /** Expires holds past their time, in batches; returns how many bookings expired. */
  async expireHolds(batch = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const n = await this.store.tx(async (t) => {
        const expired = await t.claimExpiredHolds(now, batch);
        if (expired.length === 0) return 0;
        const m = new Map<string, StockDelta>();
        for (const b of expired) Bookings.deltas(b.items, 'held', -1, m);
        const deltas = Bookings.effective(m);
        if ((await t.reserve(deltas, null, null, now)) < deltas.length) throw gwError('GW_INTERNAL', 'expired holds could not be released');
        return expired.length;
      });
      total += n;
      if (n < batch) return total;
    }
  }
}

/**
 * Why an item may not start on its start date, or null: a start before today is refused, except for a line
 * already booked (same product, rate plan, quantity, guests and start) whose nights before today are
 * unchanged, so a stay in progress can be modified from today on.
 */
function pastStart(it: BookingItemRequest, today: IsoDate, booked: BookingItem[]): string | null {
  if (it.start >= today) return null;
  const until = (end: IsoDate) => (end < today ? end : today);
  const end = it.end ?? addDays(it.start, 1);
  const kept = booked.some((l) => l.productId === it.productId && l.start === it.start && l.quantity === it.quantity && l.guests === it.guests
    && (it.ratePlanId === undefined || it.ratePlanId === l.ratePlanId) && until(l.end) === until(end));
  if (kept) return null;
  return `start ${it.start} is in the past: today is ${today} in Makkah and Madinah (Asia/Riyadh)${booked.length ? '; a stay already begun may only be changed from today on' : ''}`;
}

function providersOf(items: { providerId: string }[]): string[] {
  return [...new Set(items.map((it) => it.providerId))];
}

function soldOut(items: PricedItem[]): GatewayError {
  const what = items.map((it) => `${it.quantity} × ${it.productId} ${it.start}→${it.end}`).join(', ');
  return gwError('GW_SOLD_OUT', `not enough inventory left for ${what}`);
}

function toItem(it: PricedItem): Booking['items'][number] {
  return {
    line: it.line, productId: it.productId, providerId: it.providerId, kind: it.kind, ratePlanId: it.ratePlanId,
    start: it.start, end: it.end, quantity: it.quantity, guests: it.guests, price: { amount: fromMinor(it.amountMinor), currency: it.currency },
  };
}

function toBooking(nb: NewBooking, history: BookingEvent[], now: Date): Booking {
  return {
    locator: nb.locator, agentId: nb.agentId, status: nb.status, holdExpiresAt: nb.holdExpiresAt?.toISOString() ?? null,
    items: nb.items.map(toItem), travellers: nb.travellers, total: { amount: fromMinor(nb.totalMinor), currency: nb.currency },
    contact: nb.contact ?? null, externalRef: nb.externalRef, channel: nb.channel, history,
    createdAt: now.toISOString(), updatedAt: now.toISOString(),
  };
}

function withStatus(b: Booking, status: BookingStatus, holdExpiresAt: string | null, ev: { action: BookingEvent['action']; actor: string }, now: Date): Booking {
  return { ...b, status, holdExpiresAt, updatedAt: now.toISOString(), history: [...b.history, { at: now.toISOString(), action: ev.action, status, actor: ev.actor }] };
}
