/**
 * The ports core needs from the outside world. Core depends only on these interfaces; adapters
 * (adapters/postgres, adapters/amqp …) implement them.
 */
import type {
  Actor, AriChange, Booking, BookingEvent, BookingItem, BookingStatus, InventoryDay, InventoryUpdate, IsoDate,
  Partner, Product, RateDay, RatePlan, RateUpdate, Traveller, AvailabilityQuery, BookingRequest, AirBooking, Manifest,
} from './model';

/** Wall clock, replaceable in tests. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** A change of stock on one product-day: `delta` units added to (positive) or removed from `held` or `sold`. */
export interface StockDelta {
  productId: string;
  day: IsoDate;
  held: number;
  sold: number;
}

/** A day whose minimum length of stay an inventory update would leave above its maximum. */
export interface LosConflict {
  day: IsoDate;
  minLos: number;
  maxLos: number;
}

/** Rows read for pricing and rule checks of one stay. */
export interface StayRow {
  day: IsoDate;
  available: number;
  stopSell: boolean;
  closedToArrival: boolean;
  closedToDeparture: boolean;
  minLos: number | null;
  maxLos: number | null;
  /** Rate amounts (minor units) of the requested rate plan, null when no rate is loaded that day. */
  amounts: Record<string, number> | null;
  extraAdult: number | null;
  extraChild: number | null;
  currency: string | null;
}

/** A product with stock for a searched stay, and the restrictions of its arrival and departure days. */
export interface SearchCandidate {
  product: Product;
  available: number;
  closedToArrival: boolean;
  closedToDeparture: boolean;
  minLos: number | null;
  maxLos: number | null;
}

/** One stored rate day, amounts in minor units. */
export interface RateRow {
  day: IsoDate;
  currency: string;
  amounts: Record<string, number>;
  extraAdult: number | null;
  extraChild: number | null;
}

/** A stored credential: salted SHA-256 of a high-entropy secret the hub generated. */
export interface CredentialRow {
  partnerId: string;
  salt: Buffer;
  hash: Buffer;
}

export type IdempotencyClaim =
  | { fresh: true }
  | { fresh: false; requestHash: string; response: StoredResponse | null };

/** What an idempotent operation answered: a result or a coded error, protocol-neutral. */
export type StoredResponse = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string; violations?: unknown[]; detail?: Record<string, unknown> } };

export interface NewBooking {
  locator: string;
  agentId: string;
  status: BookingStatus;
  holdExpiresAt: Date | null;
  currency: string;
  totalMinor: number;
  contact: BookingRequest['contact'];
  externalRef: string | null;
  channel: string | null;
  items: (Omit<BookingItem, 'price'> & { amountMinor: number; currency: string })[];
  travellers: Traveller[];
}

/** Operations that run inside one database transaction. */
export interface StoreTx {
  claimIdempotency(partnerId: string, key: string, requestHash: string): Promise<IdempotencyClaim>;
  saveIdempotency(partnerId: string, key: string, response: StoredResponse): Promise<void>;
  /**
   * Applies stock deltas (one per product-day) atomically with the conditional update: a row changes only if
   * it stays within its allotment and, for a positive net take, is not stop-sold. Writes one outbox row per
   * day whose availability changed. When `booking` is given it is inserted in the same statement.
   * Returns how many product-days changed; fewer than `deltas.length` means the caller must roll back.
   */
  reserve(deltas: StockDelta[], booking: NewBooking | null, event: Omit<BookingEvent, 'at'> | null, at: Date): Promise<number>;
  /** Locks and reads a booking (FOR UPDATE). */
  lockBooking(locator: string): Promise<Booking | null>;
  /** Changes a booking's status and records a booking change (outbox) for `providers`, in this transaction. */
  setBookingStatus(locator: string, status: BookingStatus, holdExpiresAt: Date | null, event: Omit<BookingEvent, 'at'>, at: Date, providers: string[]): Promise<void>;
  /** Replaces the items and records a booking change for `providers` (old and new lines' providers). */
  replaceItems(locator: string, items: NewBooking['items'], currency: string, totalMinor: number, event: Omit<BookingEvent, 'at'>, at: Date, providers: string[]): Promise<void>;
  /**
   * Applies an ARI inventory update; writes outbox rows. Returns days changed, or (changing nothing) the days
   * that would go below committed and those whose minimum stay would end above their maximum.
   */
  updateInventory(u: InventoryUpdate, providerId: string): Promise<{ changed: number; belowCommitted: IsoDate[]; losConflicts: LosConflict[] }>;
  updateRates(u: RateUpdate, providerId: string, productId: string, currency: string): Promise<{ changed: number }>;
  /** Claims expired holds (SKIP LOCKED), marks them expired, records their booking changes and returns them. */
  claimExpiredHolds(now: Date, limit: number): Promise<Booking[]>;
  /** Stores a manifest under its flight (its first leg) and reporter, replacing that reporter's previous one. */
  upsertManifest(m: Manifest, reportedBy: string): Promise<void>;
  /** Stores a reporter's PNR, replacing that reporter's previous report of it (not another reporter's). */
  upsertAirBooking(b: AirBooking, reportedBy: string): Promise<void>;
}

/** The persistent store. */
export interface Store extends StoreReads {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction; retries on deadlock/serialization failure. */
  tx<T>(fn: (t: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` without a transaction, each statement committing on its own: only for work that is one
   * statement (a new booking without idempotency key), saving the BEGIN and COMMIT round trips.
   */
  once<T>(fn: (t: StoreTx) => Promise<T>): Promise<T>;
  health(): Promise<{ ok: boolean; detail: string }>;
  close(): Promise<void>;
}

/** Reads outside a transaction. */
export interface StoreReads {
  getPartner(id: string): Promise<Partner | null>;
  upsertPartner(p: Partner): Promise<void>;
  addCredential(partnerId: string, salt: Buffer, hash: Buffer, label: string): Promise<void>;
  credentials(partnerId: string): Promise<CredentialRow[]>;
  insertProduct(p: Product): Promise<void>;
  getProduct(id: string): Promise<Product | null>;
  getProductByCode(providerId: string, code: string): Promise<Product | null>;
  listProducts(filter: { providerId?: string; kind?: string; city?: string; publicOnly?: boolean }): Promise<Product[]>;
  insertRatePlan(r: RatePlan): Promise<void>;
  getRatePlan(id: string): Promise<RatePlan | null>;
  listRatePlans(productId: string): Promise<RatePlan[]>;
  /** Ensures inventory rows exist for the product over [from, to] (allotment 0). */
  ensureInventoryRows(productId: string, from: IsoDate, to: IsoDate): Promise<void>;
  getInventory(productId: string, from: IsoDate, to: IsoDate): Promise<InventoryDay[]>;
  getRates(ratePlanId: string, from: IsoDate, to: IsoDate): Promise<RateDay[]>;
  /** Inventory, restrictions and rates of one product/rate plan over [from, to] inclusive. */
  readStay(productId: string, ratePlanId: string, from: IsoDate, to: IsoDate): Promise<StayRow[]>;
  /** Products (with their least availability over [start, end)) matching the query, before rule checks. */
  searchCandidates(q: AvailabilityQuery & { end: IsoDate }, visibleTo: Actor): Promise<SearchCandidate[]>;
  /** `searchCandidates` and, for every candidate, `searchRates` over [start, end), in one round trip. */
  searchOffers(q: AvailabilityQuery & { end: IsoDate }, visibleTo: Actor): Promise<{ candidates: SearchCandidate[]; rates: { ratePlan: RatePlan; days: RateRow[] }[] }>;
  /** Rate plans of the products with their rate rows over [start, end). */
  searchRates(productIds: string[], start: IsoDate, end: IsoDate): Promise<{ ratePlan: RatePlan; days: RateRow[] }[]>;
  getBooking(locator: string): Promise<Booking | null>;
  findBookingByExternalRef(agentId: string, externalRef: string): Promise<Booking | null>;
  listBookings(filter: { agentId?: string; providerId?: string; status?: string; limit: number }): Promise<Booking[]>;
  countProducts(): Promise<number>;
  /** A PNR as `reportedBy` reported it, or (null) the latest report of it by anyone. */
  getAirBooking(carrier: string, recordLocator: string, reportedBy: string | null): Promise<AirBooking | null>;
  /** The ARI outbox as a change feed for the shopping cache: product-days changed after outbox id `afterId`, in id order. */
  ariChangesSince(afterId: number, limit: number): Promise<{ id: number; providerId: string; productId: string; day: IsoDate }[]>;
  /** The highest ARI outbox id (0 when empty): where the change feed starts. */
  ariHighWater(): Promise<number>;
  /** Outbox reads for the relay (issue: ARI distribution). */
  pendingAriChanges(limit: number): Promise<AriChange[]>;
}
