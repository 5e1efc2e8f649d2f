/**
 * The core `Store` port on PostgreSQL (server through `pg`, or embedded PGlite): maps rows to the canonical
 * model and runs the statements of ./sql.ts.
 */
import type {
  Actor, AirBooking, AriChange, AvailabilityQuery, Booking, BookingEvent, InventoryDay, InventoryUpdate, IsoDate, Manifest, Partner, Product,
  RateDay, RatePlan, RateUpdate,
} from '../../core/model';
import { lastTravelDate, WEEKDAYS } from '../../core/model';
import type { CredentialRow, IdempotencyClaim, LosConflict, RateRow, NewBooking, SearchCandidate, StayRow, StockDelta, Store, StoreTx, StoredResponse } from '../../core/ports';
import { fromMinor } from '../../core/money';
import { isRetryable, sqlState, type Db, type Sql } from './db';
import * as q from './sql';

type Row = Record<string, any>;

function isoDays(weekdays: InventoryUpdate['weekdays']): number[] {
  const list = weekdays && weekdays.length > 0 ? weekdays : WEEKDAYS;
  return list.map((w) => WEEKDAYS.indexOf(w) + 1);
}

function iso(v: unknown): string | null {
  if (v == null) return null;
  return v instanceof Date ? v.toISOString() : String(v);
}

export function productFromRow(r: Row): Product {
  return {
    id: r.id, providerId: r.provider_id, kind: r.kind, code: r.code, name: r.name, city: r.city ?? null,
    origin: r.origin ?? null, destination: r.destination ?? null, maxGuests: r.max_guests, pricing: r.pricing,
    public: r.public, details: r.details ?? {},
  };
}

export function ratePlanFromRow(r: Row): RatePlan {
  return { id: r.id, productId: r.product_id, code: r.code, name: r.name, currency: r.currency, mealPlan: r.meal_plan ?? null, refundable: r.refundable };
}

function bookingFromRow(r: Row): Booking {
  const items = (typeof r.items === 'string' ? JSON.parse(r.items) : r.items) as Row[];
  return {
    locator: r.locator,
    agentId: r.agent_id,
    status: r.status,
    holdExpiresAt: iso(r.hold_expires_at),
    items: items.map((it) => ({
      line: it.line, productId: it.productId, providerId: it.providerId, kind: it.kind, ratePlanId: it.ratePlanId,
      start: it.start, end: it.end, quantity: it.quantity, guests: it.guests,
      price: { amount: fromMinor(Number(it.amountMinor)), currency: it.currency },
    })),
    travellers: r.travellers ?? [],
    total: { amount: fromMinor(Number(r.total_minor)), currency: r.currency },
    contact: r.contact ?? null,
    externalRef: r.external_ref ?? null,
    channel: r.channel ?? null,
    history: r.history ?? [],
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

function itemsJson(items: NewBooking['items']): string {
  return JSON.stringify(items.map((it) => ({
    line: it.line, product_id: it.productId, provider_id: it.providerId, kind: it.kind, rate_plan_id: it.ratePlanId,
    start_date: it.start, end_date: it.end, quantity: it.quantity, guests: it.guests, amount_minor: it.amountMinor,
    currency: it.currency,
  })));
}

function eventJson(e: Omit<BookingEvent, 'at'>, at: Date): string {
  return JSON.stringify([{ at: at.toISOString(), ...e }]);
}

class PgStoreTx implements StoreTx {
  constructor(private readonly sql: Sql) {}

  async claimIdempotency(partnerId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const r = await this.sql.query(q.CLAIM_IDEMPOTENCY, [partnerId, key, requestHash]);
    if (r.rowCount > 0) return { fresh: true };
    const prev = await this.sql.query<Row>(q.READ_IDEMPOTENCY, [partnerId, key]);
    const row = prev.rows[0];
    return { fresh: false, requestHash: row?.request_hash ?? '', response: (row?.response as StoredResponse | null) ?? null };
  }

  async saveIdempotency(partnerId: string, key: string, response: StoredResponse): Promise<void> {
    await this.sql.query(q.SAVE_IDEMPOTENCY, [partnerId, key, JSON.stringify(response)]);
  }

  async reserve(deltas: StockDelta[], booking: NewBooking | null, event: Omit<BookingEvent, 'at'> | null, at: Date): Promise<number> {
    const bookingJson = booking && event ? JSON.stringify({
      locator: booking.locator, agent_id: booking.agentId, status: booking.status,
      hold_expires_at: booking.holdExpiresAt?.toISOString() ?? null, currency: booking.currency,
      total_minor: booking.totalMinor, contact: booking.contact ?? null, external_ref: booking.externalRef,
      channel: booking.channel, travellers: booking.travellers, history: [{ at: at.toISOString(), ...event }], at: at.toISOString(),
    }) : null;
    try {
      const r = await this.sql.query<{ changed: number }>(q.APPLY_STOCK, [
        deltas.map((d) => d.productId), deltas.map((d) => d.day), deltas.map((d) => d.held), deltas.map((d) => d.sold),
        bookingJson, booking ? itemsJson(booking.items) : null, event?.action ?? null,
        booking ? [...new Set(booking.items.map((it) => it.providerId))] : null, deltas.length,
      ]);
      return r.rows[0].changed;
    } catch (e) {
      // The statement refused itself because some day was short: nothing of it was applied.
      if (sqlState(e) === '22012') return 0;
      throw e;
    }
  }

  async recordBookingChange(locator: string, event: Omit<BookingEvent, 'at'>, providers: string[], at: Date): Promise<void> {
    await this.sql.query(q.RECORD_BOOKING_CHANGE, [locator, event.action, event.status, [...new Set(providers)], at]);
  }

  async lockBooking(locator: string): Promise<Booking | null> {
    const r = await this.sql.query<Row>(q.LOCK_BOOKING, [locator]);
    return r.rows[0] ? bookingFromRow(r.rows[0]) : null;
  }

  async setBookingStatus(locator: string, status: Booking['status'], holdExpiresAt: Date | null, event: Omit<BookingEvent, 'at'>, at: Date, providers: string[]): Promise<void> {
    await this.sql.query(q.SET_BOOKING_STATUS, [locator, status, holdExpiresAt, at, eventJson(event, at)]);
    await this.recordBookingChange(locator, event, providers, at);
  }

  async replaceItems(locator: string, items: NewBooking['items'], currency: string, totalMinor: number, event: Omit<BookingEvent, 'at'>, at: Date, providers: string[]): Promise<void> {
    await this.sql.query(q.DELETE_ITEMS, [locator]);
    await this.sql.query(q.INSERT_ITEMS, [locator, itemsJson(items)]);
    await this.sql.query(q.SET_BOOKING_TOTAL, [locator, currency, totalMinor, at, eventJson(event, at)]);
    await this.recordBookingChange(locator, event, providers, at);
  }

  async updateInventory(u: InventoryUpdate, providerId: string): Promise<{ changed: number; belowCommitted: IsoDate[]; losConflicts: LosConflict[] }> {
    const dows = isoDays(u.weekdays);
    await this.sql.query(q.ENSURE_INVENTORY_DAYS, [u.productId, u.from, u.to, dows]);
    const r = await this.sql.query<{ changed: number; bad: string[]; los: LosConflict[] }>(q.UPDATE_INVENTORY, [
      u.productId, u.from, u.to, dows, u.allotment ?? null, u.available ?? null, u.adjust ?? null,
      u.stopSell ?? null, u.closedToArrival ?? null, u.closedToDeparture ?? null,
      u.minLos !== undefined, u.minLos ?? null, u.maxLos !== undefined, u.maxLos ?? null, providerId,
    ]);
    return { changed: r.rows[0].changed, belowCommitted: r.rows[0].bad ?? [], losConflicts: r.rows[0].los ?? [] };
  }

  async updateRates(u: RateUpdate, providerId: string, productId: string, currency: string): Promise<{ changed: number }> {
    const amounts: Record<string, number> = {};
    for (const [k, v] of Object.entries(u.amounts)) amounts[k] = Number(v);
    const r = await this.sql.query<{ changed: number }>(q.UPSERT_RATES, [
      u.ratePlanId, u.from, u.to, isoDays(u.weekdays), currency, JSON.stringify(amounts),
      u.extraAdult !== undefined, u.extraAdult == null ? null : Number(u.extraAdult),
      u.extraChild !== undefined, u.extraChild == null ? null : Number(u.extraChild), providerId, productId,
    ]);
    return { changed: r.rows[0].changed };
  }

  async upsertManifest(m: Manifest, reportedBy: string): Promise<void> {
    // Keyed on the manifest's flight, its first leg (core checks they agree), and on who reported it: a
    // reporter's newer manifest replaces its own only. `data` keeps every leg.
    const f = m.flight;
    await this.sql.query(q.UPSERT_MANIFEST, [f.carrier, f.flightNumber, f.departureDate, f.origin, m.kind, JSON.stringify(m), reportedBy]);
  }

  async upsertAirBooking(b: AirBooking, reportedBy: string): Promise<void> {
    await this.sql.query(q.UPSERT_AIR_BOOKING, [b.carrier, b.recordLocator, JSON.stringify(b), reportedBy, lastTravelDate(b)]);
  }

  async claimExpiredHolds(now: Date, limit: number): Promise<Booking[]> {
    const r = await this.sql.query<{ locator: string }>(q.EXPIRE_HOLDS, [now, limit]);
    const out: Booking[] = [];
    for (const { locator } of r.rows) {
      const b = bookingFromRow((await this.sql.query<Row>(q.GET_BOOKING, [locator])).rows[0]);
      await this.recordBookingChange(locator, { action: 'expire', status: 'expired', actor: 'system' }, b.items.map((it) => it.providerId), now);
      out.push(b);
    }
    return out;
  }
}

/**
 * The store's transactional operations inside a transaction the caller opened on the same database, for an
 * adapter whose own writes must commit or roll back with core's (filing a manifest: core stores it, the
 * adapter numbers and archives the message it sends).
 */
export function storeTx(sql: Sql): StoreTx {
  return new PgStoreTx(sql);
}

function searchParams(sq: AvailabilityQuery & { end: IsoDate }, visibleTo: Actor): unknown[] {
  return [
    sq.start, sq.end, sq.kind ?? null, sq.city ?? null, sq.origin ?? null, sq.destination ?? null, sq.providerId ?? null,
    sq.productIds ?? null, visibleTo.kind === 'operator', visibleTo.partnerId, sq.guests, sq.quantity,
  ];
}

function candidateFromRow(x: Row): SearchCandidate {
  return {
    product: productFromRow(x), available: x.available, closedToArrival: x.cta ?? false,
    closedToDeparture: x.ctd ?? false, minLos: x.min_los ?? null, maxLos: x.max_los ?? null,
  };
}

/** Opens the core store over an already migrated database. */
export function createStore(db: Db): Store {
  const one = async <T>(text: string, values: unknown[], map: (r: Row) => T): Promise<T | null> => {
    const r = await db.query<Row>(text, values);
    return r.rows[0] ? map(r.rows[0]) : null;
  };
  return {
    kind: db.kind,
    async tx<T>(fn: (t: StoreTx) => Promise<T>): Promise<T> {
      // Deadlocks between multi-row stock updates are rare but possible (rows of several products locked in
      // different orders); the whole transaction is safe to replay because nothing escaped it.
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction((sql) => fn(new PgStoreTx(sql)));
        } catch (e) {
          if (attempt >= 5 || !isRetryable(e)) throw e;
        }
      }
    },
    once<T>(fn: (t: StoreTx) => Promise<T>): Promise<T> {
      return fn(new PgStoreTx(db));
    },
    async health() {
      try {
        await db.query('SELECT 1');
        return { ok: true, detail: db.description };
      } catch (e) {
        return { ok: false, detail: `${db.description}: ${(e as Error).message}` };
      }
    },
    close: () => db.close(),
    getPartner: (id) => one('SELECT id, name, kind, city FROM partners WHERE id = $1', [id], (r) => ({ id: r.id, name: r.name, kind: r.kind, city: r.city }) as Partner),
    async upsertPartner(p) {
      await db.query(`INSERT INTO partners (id, name, kind, city) VALUES ($1, $2, $3, $4)
        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, city = EXCLUDED.city`, [p.id, p.name, p.kind, p.city ?? null]);
    },
    async addCredential(partnerId, salt, hash, label) {
      await db.query('INSERT INTO credentials (partner_id, salt, hash, label) VALUES ($1, $2, $3, $4)', [partnerId, salt, hash, label]);
    },
    async credentials(partnerId) {
      const r = await db.query<Row>('SELECT partner_id, salt, hash FROM credentials WHERE partner_id = $1', [partnerId]);
      return r.rows.map((x) => ({ partnerId: x.partner_id, salt: Buffer.from(x.salt), hash: Buffer.from(x.hash) }) as CredentialRow);
    },
    async insertProduct(p) {
      await db.query(`INSERT INTO products (${q.PRODUCT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [p.id, p.providerId, p.kind, p.code, p.name, p.city, p.origin ?? null, p.destination ?? null, p.maxGuests, p.pricing, p.public, JSON.stringify(p.details ?? {})]);
    },
    getProduct: (id) => one(`SELECT ${q.PRODUCT_COLUMNS} FROM products WHERE id = $1`, [id], productFromRow),
    getProductByCode: (providerId, code) => one(`SELECT ${q.PRODUCT_COLUMNS} FROM products WHERE provider_id = $1 AND code = $2`, [providerId, code], productFromRow),
    async listProducts(f) {
      const r = await db.query<Row>(`SELECT ${q.PRODUCT_COLUMNS} FROM products
        WHERE ($1::text IS NULL OR provider_id = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR city = $3)
          AND (NOT $4::boolean OR public) ORDER BY id`, [f.providerId ?? null, f.kind ?? null, f.city ?? null, f.publicOnly ?? false]);
      return r.rows.map(productFromRow);
    },
    async insertRatePlan(r) {
      await db.query('INSERT INTO rate_plans (id, product_id, code, name, currency, meal_plan, refundable) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [r.id, r.productId, r.code, r.name, r.currency, r.mealPlan ?? null, r.refundable]);
    },
    getRatePlan: (id) => one('SELECT * FROM rate_plans WHERE id = $1', [id], ratePlanFromRow),
    async listRatePlans(productId) {
      const r = await db.query<Row>('SELECT * FROM rate_plans WHERE product_id = $1 ORDER BY code', [productId]);
      return r.rows.map(ratePlanFromRow);
    },
    async ensureInventoryRows(productId, from, to) {
      await db.query(q.ENSURE_INVENTORY_DAYS, [productId, from, to, [1, 2, 3, 4, 5, 6, 7]]);
    },
    async getInventory(productId, from, to) {
      const r = await db.query<Row>(q.GET_INVENTORY, [productId, from, to]);
      return r.rows.map((x) => ({
        productId: x.product_id, day: x.day, allotment: x.allotment, sold: x.sold, held: x.held,
        available: x.allotment - x.sold - x.held, stopSell: x.stop_sell, closedToArrival: x.closed_to_arrival,
        closedToDeparture: x.closed_to_departure, minLos: x.min_los, maxLos: x.max_los, version: x.version,
      }) as InventoryDay);
    },
    async getRates(ratePlanId, from, to) {
      const r = await db.query<Row>(q.GET_RATES, [ratePlanId, from, to]);
      return r.rows.map((x) => {
        const amounts: Record<string, string> = {};
        for (const [k, v] of Object.entries(x.amounts as Record<string, number>)) amounts[k] = fromMinor(Number(v));
        return {
          ratePlanId: x.rate_plan_id, day: x.day, currency: x.currency, amounts,
          extraAdult: x.extra_adult == null ? null : fromMinor(x.extra_adult),
          extraChild: x.extra_child == null ? null : fromMinor(x.extra_child), version: x.version,
        } as RateDay;
      });
    },
    async readStay(productId, ratePlanId, from, to) {
      const r = await db.query<Row>(q.READ_STAY, [productId, from, to, ratePlanId]);
      return r.rows.map((x) => ({
        day: x.day, available: x.available ?? 0, stopSell: x.stop_sell ?? false, closedToArrival: x.closed_to_arrival ?? false,
        closedToDeparture: x.closed_to_departure ?? false, minLos: x.min_los ?? null, maxLos: x.max_los ?? null,
        amounts: x.amounts ?? null, extraAdult: x.extra_adult ?? null, extraChild: x.extra_child ?? null, currency: x.currency ?? null,
      }) as StayRow);
    },
    async searchCandidates(sq: AvailabilityQuery & { end: IsoDate }, visibleTo: Actor) {
      const r = await db.query<Row>(q.SEARCH_CANDIDATES, searchParams(sq, visibleTo));
      return r.rows.map(candidateFromRow);
    },
    async searchOffers(sq, visibleTo) {
      const r = await db.query<Row>(q.SEARCH_OFFERS, searchParams(sq, visibleTo));
      const candidates = r.rows.map(candidateFromRow);
      const rates = r.rows.flatMap((x) => ((typeof x.rate_plans === 'string' ? JSON.parse(x.rate_plans) : x.rate_plans) as Row[])
        .map((rp) => ({ ratePlan: ratePlanFromRow(rp), days: (rp.days ?? []) as RateRow[] })));
      return { candidates, rates };
    },
    async searchRates(productIds, start, end) {
      const r = await db.query<Row>(q.SEARCH_RATES, [productIds, start, end]);
      return r.rows.map((x) => ({ ratePlan: ratePlanFromRow(x), days: (x.days ?? []) as RateRow[] }));
    },
    getBooking: (locator) => one(q.GET_BOOKING, [locator], bookingFromRow),
    findBookingByExternalRef: (agentId, ref) => one(q.GET_BOOKING_BY_REF, [agentId, ref], bookingFromRow),
    async listBookings(f) {
      const r = await db.query<Row>(q.LIST_BOOKINGS, [f.agentId ?? null, f.providerId ?? null, f.status ?? null, f.limit]);
      return r.rows.map(bookingFromRow);
    },
    getAirBooking: (carrier, locator, reportedBy) => one(q.GET_AIR_BOOKING, [carrier, locator, reportedBy], (r) => r.data),
    async countProducts() {
      const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM products');
      return r.rows[0].n;
    },
    async ariChangesSince(afterId, limit) {
      const r = await db.query<Row>(q.ARI_CHANGES_SINCE, [afterId, limit]);
      return r.rows.map((x) => ({ id: Number(x.id), providerId: x.provider_id, productId: x.product_id, day: x.day }));
    },
    async ariHighWater() {
      const r = await db.query<Row>(q.ARI_HIGH_WATER, []);
      return Number(r.rows[0].id);
    },
    async pendingAriChanges(limit) {
      const r = await db.query<Row>(q.PENDING_ARI, [limit]);
      return r.rows.map((x) => ({
        id: String(x.id), kind: x.kind, seq: x.seq, providerId: x.provider_id, productId: x.product_id,
        ...(x.rate_plan_id ? { ratePlanId: x.rate_plan_id } : {}), day: x.day, state: x.state, createdAt: iso(x.created_at)!,
      }) as AriChange);
    },
  };
}

