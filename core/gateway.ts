/**
 * The core service: implements `GatewayApi` over the `Store` port. Tenant rules are decided here, once,
 * for every protocol: a provider changes only its own products' inventory and rates and sees only bookings
 * of its products; a seller sees only its own bookings and the offers open to it.
 */
import crypto from 'node:crypto';
import type { Ctx, GatewayApi, NewProduct, NewRatePlan } from './api';
import { Bookings, bookingSeenBy, canRead, unitPrice, type BookingConfig } from './booking';
import { gwError, isGatewayError, GatewayError } from './errors';
import type { Actor, AirBooking, AvailabilityQuery, Booking, BookingRequest, InventoryUpdate, Manifest, Offer, Partner, Product, RatePlan, RateUpdate } from './model';
import { isProviderKind, manifestLegs, PARTNER_KINDS } from './model';
import type { Clock, Store, StoreTx } from './ports';
import { systemClock } from './ports';
import { SearchCache } from './search-cache';
import { inventoryRefusal } from './ari-rules';
import { addDays, daysBetween, hubToday } from './dates';
import { fromMinor, toMinor } from './money';
import { hashSecret, newSecret, requestHash, secretMatches } from './secrets';
import { checkAirBookings, checkAvailabilityQuery, checkBookingFilter, checkBookingRequest, checkInventoryUpdate, checkItems, checkManifest, checkNewProduct, checkNewRatePlan, checkOwnId, checkRateUpdate, Checker, CITY, PARTNER_ID } from './validate';

export interface GatewayOptions {
  store: Store;
  clock?: Clock;
  booking?: Partial<BookingConfig>;
}

/** Successful authentications are remembered briefly so a busy partner does not pay a DB read per request. */
const AUTH_CACHE_MS = 30_000;
const AUTH_CACHE_MAX = 10_000;
const DUMMY = hashSecret('timing-equaliser');

class Gateway implements GatewayApi {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly bookings: Bookings;
  private readonly products = new Map<string, Product>();
  private readonly ratePlansById = new Map<string, RatePlan>();
  private readonly ratePlansByProduct = new Map<string, RatePlan[]>();
  private readonly authCache = new Map<string, { actor: Actor; until: number }>();
  private readonly searchCache: SearchCache;

  constructor(opts: GatewayOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? systemClock;
    const cfg: BookingConfig = { holdSeconds: 900, maxHoldSeconds: 86_400, ...opts.booking };
    const catalog = {
      product: (id: string) => this.product(id),
      ratePlan: (id: string) => this.ratePlan(id),
      ratePlans: (productId: string) => this.ratePlansOf(productId),
    };
    this.bookings = new Bookings(this.store, catalog, this.clock, cfg);
    this.searchCache = new SearchCache(this.store, this.clock, (id) => this.products.get(id));
  }

  // ---- catalogue cache (products and rate plans do not change once created) ----
  private async product(id: string): Promise<Product | null> {
    const hit = this.products.get(id);
    if (hit) return hit;
    const p = await this.store.getProduct(id);
    if (p) this.products.set(id, p);
    return p;
  }
  private async ratePlan(id: string): Promise<RatePlan | null> {
    const hit = this.ratePlansById.get(id);
    if (hit) return hit;
    const r = await this.store.getRatePlan(id);
    if (r) this.ratePlansById.set(id, r);
    return r;
  }
  private async ratePlansOf(productId: string): Promise<RatePlan[]> {
    const hit = this.ratePlansByProduct.get(productId);
    if (hit && hit.length > 0) return hit;
    const list = await this.store.listRatePlans(productId);
    this.ratePlansByProduct.set(productId, list);
    for (const r of list) this.ratePlansById.set(r.id, r);
    return list;
  }

  /** Runs `fn` in a transaction, made idempotent when the caller gave a key. */
  private async idempotent<T>(ctx: Ctx, op: string, body: unknown, fn: (t: StoreTx) => Promise<T>, oneStatement = false): Promise<T> {
    return this.searchCache.writing(() => this.idempotentTx(ctx, op, body, fn, oneStatement));
  }

  private async idempotentTx<T>(ctx: Ctx, op: string, body: unknown, fn: (t: StoreTx) => Promise<T>, oneStatement: boolean): Promise<T> {
    const key = ctx.idempotencyKey;
    if (!key) return oneStatement ? this.store.once(fn) : this.store.tx(fn);
    if (key.length > 200) throw gwError('GW_BAD_INPUT', 'the idempotency key is longer than 200 characters');
    const hash = requestHash(op, body);
    const partner = ctx.actor.partnerId;
    let replay: { ok: boolean; value?: unknown; error?: unknown } | null = null;
    try {
      return await this.store.tx(async (t) => {
        const claim = await t.claimIdempotency(partner, key, hash);
        if (!claim.fresh) {
          if (claim.requestHash !== hash) throw gwError('GW_IDEMPOTENCY_MISMATCH', `idempotency key "${key}" was already used for a different request`);
          replay = claim.response;
          throw REPLAY;
        }
        const out = await fn(t);
        await t.saveIdempotency(partner, key, { ok: true, value: out });
        return out;
      });
    } catch (e) {
      if (e === REPLAY && replay) {
        const r = replay as { ok: boolean; value?: unknown; error?: Parameters<typeof GatewayError.fromJSON>[0] };
        if (r.ok) return r.value as T;
        throw GatewayError.fromJSON(r.error!);
      }
      // A business refusal is an answer too: remember it so a replay gets the same one. Transient failures
      // (conflicts, outages) are not remembered, so a retry can succeed.
      if (isGatewayError(e) && e.spec.http < 500 && e.code !== 'GW_CONFLICT' && e.code !== 'GW_IDEMPOTENCY_MISMATCH') {
        await this.store.tx(async (t) => {
          const claim = await t.claimIdempotency(partner, key, hash);
          if (claim.fresh) await t.saveIdempotency(partner, key, { ok: false, error: e.toJSON() });
        });
      }
      throw e;
    }
  }

  // ---- partners and authentication ----
  async authenticate(partnerId: string, secret: string): Promise<Actor> {
    const cacheKey = `${partnerId}\0${crypto.createHash('sha256').update(secret).digest('base64')}`;
    const hit = this.authCache.get(cacheKey);
    const now = Date.now();
    if (hit && hit.until > now) return hit.actor;
    const partner = PARTNER_ID.test(partnerId) ? await this.store.getPartner(partnerId) : null;
    const creds = partner ? await this.store.credentials(partnerId) : [];
    let ok = false;
    for (const c of creds) ok = secretMatches(secret, c.salt, c.hash) || ok;
    if (creds.length === 0) secretMatches(secret, DUMMY.salt, DUMMY.hash); // same work whether or not the partner exists
    if (!partner || !ok) throw gwError('GW_UNAUTHORIZED', 'unknown partner or wrong secret');
    const actor: Actor = { partnerId: partner.id, kind: partner.kind };
    if (this.authCache.size >= AUTH_CACHE_MAX) this.authCache.clear();
    this.authCache.set(cacheKey, { actor, until: now + AUTH_CACHE_MS });
    return actor;
  }

  async getPartner(ctx: Ctx, id: string): Promise<Partner> {
    const p = await this.store.getPartner(id);
    if (!p || (ctx.actor.kind !== 'operator' && ctx.actor.partnerId !== id)) throw gwError('GW_NOT_FOUND', `no partner ${id}`);
    return p;
  }

  async createPartner(ctx: Ctx, p: Partner): Promise<{ partner: Partner; secret: string }> {
    if (ctx.actor.kind !== 'operator') throw gwError('GW_FORBIDDEN', 'only the hub operator creates partners');
    const c = new Checker();
    const r = c.object(p, '') ?? {};
    c.str(r, 'id', '', { required: true, pattern: PARTNER_ID });
    c.str(r, 'name', '', { required: true, max: 120 });
    c.str(r, 'city', '', { pattern: CITY });
    if (!(PARTNER_KINDS as readonly unknown[]).includes(r.kind)) c.add('/kind', `kind must be one of ${PARTNER_KINDS.join(', ')}`);
    c.done('The partner is invalid');
    const partner: Partner = { id: p.id, name: p.name, kind: p.kind, city: p.city ?? null };
    await this.store.upsertPartner(partner);
    const secret = newSecret();
    await this.addCredential(partner.id, secret, 'api');
    return { partner, secret };
  }

  /** Stores a credential for a partner (seeding and operator tooling; the secret is not kept). */
  async addCredential(partnerId: string, secret: string, label: string): Promise<void> {
    const { salt, hash } = hashSecret(secret);
    await this.store.addCredential(partnerId, salt, hash, label);
  }

  // ---- catalogue ----
  private async ownedProduct(ctx: Ctx, id: string): Promise<Product> {
    const p = await this.product(id);
    if (!p || (ctx.actor.kind !== 'operator' && p.providerId !== ctx.actor.partnerId && !p.public)) throw gwError('GW_UNKNOWN_PRODUCT', `unknown product ${id}`);
    if (ctx.actor.kind !== 'operator' && p.providerId !== ctx.actor.partnerId) throw gwError('GW_FORBIDDEN', `product ${id} belongs to another provider`);
    return p;
  }

  async createProduct(ctx: Ctx, np: NewProduct): Promise<Product> {
    const a = ctx.actor;
    if (a.kind !== 'operator' && !isProviderKind(a.kind)) throw gwError('GW_FORBIDDEN', 'only providers and the operator create products');
    checkNewProduct(np);
    const providerId = a.kind === 'operator' ? np.providerId : a.partnerId;
    if (!providerId) throw gwError('GW_BAD_INPUT', 'providerId is required', { violations: [{ code: 'GW_BAD_INPUT', message: 'providerId is required', path: '/providerId' }] });
    if (a.kind !== 'operator' && np.providerId && np.providerId !== a.partnerId) throw gwError('GW_FORBIDDEN', 'a provider creates products only for itself');
    const provider = await this.store.getPartner(providerId);
    if (!provider || !isProviderKind(provider.kind)) throw gwError('GW_BAD_INPUT', `${providerId} is not a provider`);
    checkOwnId(np.id, providerId, np.code, 'the provider');
    const kind = np.kind ?? provider.kind;
    if (kind !== provider.kind) throw gwError('GW_BAD_INPUT', `${providerId} is a ${provider.kind} provider and cannot sell ${kind}`);
    const product: Product = {
      id: np.id ?? `${providerId}-${np.code.toUpperCase()}`, providerId, kind, code: np.code, name: np.name,
      city: np.city ?? provider.city ?? null, origin: np.origin ?? null, destination: np.destination ?? null,
      maxGuests: np.maxGuests ?? (kind === 'hotel' ? 2 : 1), pricing: np.pricing ?? (kind === 'hotel' || kind === 'catering' ? 'per_night' : 'per_unit'),
      public: np.public ?? true, details: np.details ?? {},
    };
    try {
      await this.store.insertProduct(product);
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw gwError('GW_DUPLICATE', `product ${product.id} (code ${np.code}) already exists`);
      throw e;
    }
    this.products.set(product.id, product);
    return product;
  }

  async getProduct(ctx: Ctx, id: string): Promise<Product> {
    const p = await this.product(id);
    if (!p || (!p.public && ctx.actor.kind !== 'operator' && p.providerId !== ctx.actor.partnerId)) throw gwError('GW_UNKNOWN_PRODUCT', `unknown product ${id}`);
    return p;
  }

  async getProductByCode(ctx: Ctx, providerId: string, code: string): Promise<Product> {
    const p = await this.store.getProductByCode(providerId, code);
    if (!p || (!p.public && ctx.actor.kind !== 'operator' && p.providerId !== ctx.actor.partnerId)) throw gwError('GW_UNKNOWN_PRODUCT', `unknown product code ${code} of ${providerId}`);
    return p;
  }

  async listProducts(ctx: Ctx, f: { kind?: string; city?: string; providerId?: string } = {}): Promise<Product[]> {
    const a = ctx.actor;
    if (isProviderKind(a.kind)) return this.store.listProducts({ ...f, providerId: a.partnerId });
    return this.store.listProducts({ ...f, publicOnly: a.kind !== 'operator' });
  }

  async createRatePlan(ctx: Ctx, nr: NewRatePlan): Promise<RatePlan> {
    checkNewRatePlan(nr);
    const p = await this.ownedProduct(ctx, nr.productId);
    checkOwnId(nr.id, p.id, nr.code, 'the product');
    const rp: RatePlan = {
      id: nr.id ?? `${p.id}-${nr.code.toUpperCase()}`, productId: p.id, code: nr.code, name: nr.name,
      currency: nr.currency ?? 'SAR', mealPlan: nr.mealPlan ?? null, refundable: nr.refundable ?? true,
    };
    try {
      await this.store.insertRatePlan(rp);
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw gwError('GW_DUPLICATE', `rate plan ${rp.code} of ${p.id} already exists`);
      throw e;
    }
    this.ratePlansById.set(rp.id, rp);
    this.ratePlansByProduct.delete(p.id);
    return rp;
  }

  async listRatePlans(ctx: Ctx, productId: string): Promise<RatePlan[]> {
    await this.getProduct(ctx, productId);
    return this.ratePlansOf(productId);
  }

  // ---- ARI ----
  async updateInventory(ctx: Ctx, raw: InventoryUpdate): Promise<{ changed: number }> {
    const u = checkInventoryUpdate(raw);
    const p = await this.ownedProduct(ctx, u.productId);
    return this.idempotent(ctx, 'inventory', u, async (t) => {
      const r = await t.updateInventory(u, p.providerId);
      const refused = inventoryRefusal(p.id, r);
      if (refused) throw refused;
      return { changed: r.changed };
    });
  }

  async updateRates(ctx: Ctx, raw: RateUpdate): Promise<{ changed: number }> {
    const u = checkRateUpdate(raw);
    const rp = await this.ratePlan(u.ratePlanId);
    if (!rp) throw gwError('GW_UNKNOWN_RATE_PLAN', `unknown rate plan ${u.ratePlanId}`);
    const p = await this.ownedProduct(ctx, rp.productId);
    const currency = u.currency ?? rp.currency;
    if (currency !== rp.currency) throw gwError('GW_BAD_INPUT', `rate plan ${rp.id} is priced in ${rp.currency}, not ${currency}`, { violations: [{ code: 'GW_BAD_INPUT', message: `currency must be ${rp.currency}`, path: '/currency' }] });
    const minor: Record<string, string> = {};
    for (const [k, v] of Object.entries(u.amounts)) minor[k] = String(toMinor(v));
    const norm: RateUpdate = {
      ...u, amounts: minor,
      ...(u.extraAdult !== undefined ? { extraAdult: u.extraAdult === null ? null : String(toMinor(u.extraAdult)) } : {}),
      ...(u.extraChild !== undefined ? { extraChild: u.extraChild === null ? null : String(toMinor(u.extraChild)) } : {}),
    };
    return this.idempotent(ctx, 'rates', u, (t) => t.updateRates(norm, p.providerId, p.id, currency));
  }

  async getInventory(ctx: Ctx, productId: string, from: string, to: string) {
    const p = await this.ownedProduct(ctx, productId);
    checkRangeQuery(from, to);
    return this.store.getInventory(p.id, from, to);
  }

  async getRates(ctx: Ctx, ratePlanId: string, from: string, to: string) {
    const rp = await this.ratePlan(ratePlanId);
    if (!rp) throw gwError('GW_UNKNOWN_RATE_PLAN', `unknown rate plan ${ratePlanId}`);
    await this.ownedProduct(ctx, rp.productId);
    checkRangeQuery(from, to);
    return this.store.getRates(ratePlanId, from, to);
  }

  // ---- shopping ----
  /** Offers for a query, answered from the shopping cache when it can (see search-cache.ts for how stale). */
  async search(ctx: Ctx, raw: AvailabilityQuery): Promise<Offer[]> {
    const q = checkAvailabilityQuery(raw);
    const today = hubToday(this.clock.now());
    // Refused, not answered with nothing (which reads as sold out): a past date is a slip to be told of.
    if (q.start < today) throw gwError('GW_BAD_DATES', `The search is invalid: start ${q.start} is in the past (today is ${today} in Makkah and Madinah, Asia/Riyadh)`, { violations: [{ code: 'GW_BAD_DATES', message: `start ${q.start} is in the past`, path: '/start' }] });
    const query = { ...q, end: q.end ?? addDays(q.start, 1) };
    const a = ctx.actor;
    const key = SearchCache.key(query, a.kind === 'operator' ? '*' : isProviderKind(a.kind) ? a.partnerId : 'public');
    const hit = await this.searchCache.get(key);
    if (hit.offers) return hit.offers as Offer[];
    return this.searchCache.put(key, query, await this.searchStore(ctx, query), hit.gen) as Offer[];
  }

  private async searchStore(ctx: Ctx, q: AvailabilityQuery & { end: string }): Promise<Offer[]> {
    const end = q.end;
    const { candidates, rates } = await this.store.searchOffers(q, ctx.actor);
    for (const c of candidates) if (!this.products.has(c.product.id)) this.products.set(c.product.id, c.product);
    const open = candidates.filter((c) => {
      if (c.closedToArrival || c.closedToDeparture) return false;
      const nights = c.product.pricing === 'per_unit' ? 1 : daysBetween(q.start, end);
      return (c.minLos == null || nights >= c.minLos) && (c.maxLos == null || nights <= c.maxLos);
    });
    if (open.length === 0) return [];
    const offers: Offer[] = [];
    for (const c of open) {
      const nights = c.product.pricing === 'per_unit' ? 1 : daysBetween(q.start, end);
      const priced = [];
      for (const { ratePlan, days } of rates) {
        if (ratePlan.productId !== c.product.id) continue;
        const stay = days.filter((d) => d.day < (c.product.pricing === 'per_unit' ? addDays(q.start, 1) : end));
        if (stay.length !== nights) continue;
        const daily: { day: string; amount: string }[] = [];
        let total = 0;
        for (const d of stay) {
          // The same pricing as a booking's, so the offered price is the price booked.
          const p = unitPrice(d, q.guests);
          if (p === null || d.currency !== ratePlan.currency) break;
          daily.push({ day: d.day, amount: fromMinor(Number(p)) });
          total += Number(p);
        }
        if (daily.length !== nights) continue;
        priced.push({ ratePlan, total: { amount: fromMinor(total * q.quantity), currency: ratePlan.currency }, daily });
      }
      if (priced.length) offers.push({ product: c.product, available: c.available, ratePlans: priced });
    }
    return offers;
  }

  // ---- bookings ----
  async book(ctx: Ctx, raw: BookingRequest): Promise<Booking> {
    const req = checkBookingRequest(raw, hubToday(this.clock.now()));
    // A new booking is one statement (stock, outbox, booking, items, booking change): without an
    // idempotency key it needs no explicit transaction.
    return this.bookings.book(ctx, req, (fn) => this.idempotent(ctx, 'book', req, fn, true));
  }

  // The operation key takes the normalised locator: a replay spelling it in lower case is the same request.
  async confirm(ctx: Ctx, locator: string): Promise<Booking> {
    const l = normLocator(locator);
    return this.bookings.confirm(ctx, l, (fn) => this.idempotent(ctx, `confirm:${l}`, {}, fn));
  }

  async cancel(ctx: Ctx, locator: string): Promise<Booking> {
    const l = normLocator(locator);
    return this.bookings.cancel(ctx, l, (fn) => this.idempotent(ctx, `cancel:${l}`, {}, fn));
  }

  async modify(ctx: Ctx, locator: string, change: { items: BookingRequest['items'] }): Promise<Booking> {
    const items = checkItems((change as { items?: unknown } | null)?.items);
    const l = normLocator(locator);
    return this.bookings.modify(ctx, l, items, (fn) => this.idempotent(ctx, `modify:${l}`, items, fn));
  }

  async retrieve(ctx: Ctx, locator: string): Promise<Booking> {
    const b = await this.store.getBooking(normLocator(locator));
    if (!b || !canRead(ctx.actor, b)) throw gwError('GW_UNKNOWN_BOOKING', `no booking ${locator}`);
    return bookingSeenBy(ctx.actor, b);
  }

  async findByExternalRef(ctx: Ctx, externalRef: string): Promise<Booking | null> {
    return this.store.findBookingByExternalRef(ctx.actor.partnerId, externalRef);
  }

  async listBookings(ctx: Ctx, raw: { status?: string; limit?: number } = {}): Promise<Booking[]> {
    const a = ctx.actor;
    const { status, limit } = checkBookingFilter(raw);
    if (a.kind === 'operator') return this.store.listBookings({ status, limit });
    if (isProviderKind(a.kind)) return (await this.store.listBookings({ providerId: a.partnerId, status, limit })).map((b) => bookingSeenBy(a, b));
    return this.store.listBookings({ agentId: a.partnerId, status, limit });
  }

  expireHolds(): Promise<number> {
    return this.searchCache.writing(() => this.bookings.expireHolds());
  }

  // ---- flights reported by airlines (linked to packages by record locator and travellers) ----
  /** PNRs come from airline systems and GDSs; manifests also from agencies (an Umrah company lists its pilgrims). */
  private assertReporter(ctx: Ctx, what: 'pnr' | 'manifest'): void {
    const k = ctx.actor.kind;
    const allowed = REPORTERS[what];
    if (!allowed.includes(k)) throw gwError('GW_FORBIDDEN', `${/^[aeiou]/.test(k) ? 'an' : 'a'} ${k} partner cannot report ${what === 'pnr' ? 'airline bookings' : 'manifests'}; ${allowed.slice(0, -1).join(', ')} partners do`);
  }

  async recordAirBookings(ctx: Ctx, list: AirBooking[]): Promise<{ stored: number }> {
    this.assertReporter(ctx, 'pnr');
    checkAirBookings(list);
    // one transaction: a message's PNRs are stored together or not at all
    await this.store.tx(async (t) => {
      for (const b of list) await t.upsertAirBooking(b, ctx.actor.partnerId);
    });
    return { stored: list.length };
  }

  async getAirBooking(ctx: Ctx, carrier: string, recordLocator: string): Promise<AirBooking> {
    // A PNR holds pilgrims' passport numbers and birth dates: its reporter reads its own report, the operator
    // any; nothing links a booking or package to a PNR yet, so no seller has one of its own to read. Anyone
    // else is told there is none, not that it is someone else's.
    const a = ctx.actor;
    const reportedBy = a.kind === 'operator' ? null : a.partnerId;
    const b = REPORTERS.pnr.includes(a.kind) ? await this.store.getAirBooking(carrier, recordLocator, reportedBy) : null;
    if (!b) throw gwError('GW_NOT_FOUND', `no airline booking ${carrier} ${recordLocator}`);
    return b;
  }

  /**
   * Stores a manifest under its flight and reporter (checked by `checkManifest`: in full when `forFiling`);
   * one without `legs` (sent before manifests had them) is stored with `legs: [flight]`.
   */
  async recordManifest(ctx: Ctx, raw: Manifest, opts: { forFiling?: boolean; tx?: StoreTx } = {}): Promise<Manifest> {
    this.assertReporter(ctx, 'manifest');
    const m = checkManifest(raw, { forFiling: opts.forFiling, today: hubToday(this.clock.now()) });
    const stored = { ...m, legs: manifestLegs(m) };
    if (opts.tx) await opts.tx.upsertManifest(stored, ctx.actor.partnerId);
    else await this.store.once((t) => t.upsertManifest(stored, ctx.actor.partnerId));
    return stored;
  }
}

/** Who may report PNRs and manifests (the operator last: the refusal names the others). */
const REPORTERS: Record<'pnr' | 'manifest', readonly string[]> = {
  pnr: ['airline', 'gds', 'operator'],
  manifest: ['airline', 'gds', 'agency', 'operator'],
};

const REPLAY = Symbol('replay');

function normLocator(l: string): string {
  if (typeof l !== 'string' || !/^[A-Za-z0-9]{6}$/.test(l)) throw gwError('GW_UNKNOWN_BOOKING', `"${String(l)}" is not a record locator (6 letters and digits)`);
  return l.toUpperCase();
}

function checkRangeQuery(from: string, to: string): void {
  const c = new Checker();
  const r = { from, to };
  c.date(r, 'from', '');
  c.date(r, 'to', '');
  if (c.v.length === 0 && daysBetween(from, to) < 0) c.add('/to', `to ${to} is before from ${from}`, 'GW_BAD_DATES');
  if (c.v.length === 0 && daysBetween(from, to) > 800) c.add('/to', 'at most 800 days at once', 'GW_BAD_DATES');
  c.done('The date range is invalid');
}

export type { Gateway };

/** Creates the core service over a store. */
export function createGateway(opts: GatewayOptions): GatewayApi & { addCredential(partnerId: string, secret: string, label: string): Promise<void> } {
  return new Gateway(opts);
}
