/**
 * The operations core offers to every adapter. Adapters authenticate the caller, translate their protocol
 * into these calls, and render the result (or the `GatewayError`) back into their protocol.
 */
import type {
  Actor, AirBooking, AvailabilityQuery, Booking, Manifest, BookingItemRequest, BookingRequest, InventoryDay, InventoryUpdate, IsoDate,
  Offer, Partner, Product, RateDay, RatePlan, RateUpdate,
} from './model';
import type { StoreTx } from './ports';

/** Who is calling and under which idempotency key. */
export interface Ctx {
  actor: Actor;
  /** Makes a mutating call safe to repeat: a replay with the same key returns the first answer. */
  idempotencyKey?: string | null;
  correlationId?: string;
}

export interface NewProduct {
  /** Defaults to `<providerId>-<code>`. */
  id?: string;
  /** Operators may create for any provider; providers only for themselves. */
  providerId?: string;
  kind?: Product['kind'];
  code: string;
  name: string;
  city?: string | null;
  origin?: string | null;
  destination?: string | null;
  maxGuests?: number;
  pricing?: Product['pricing'];
  public?: boolean;
  details?: Record<string, unknown>;
}

export interface NewRatePlan {
  id?: string;
  productId: string;
  code: string;
  name: string;
  currency?: string;
  mealPlan?: string | null;
  refundable?: boolean;
}

export interface GatewayApi {
  /** Verifies a partner's secret (constant time); throws GW_UNAUTHORIZED. */
  authenticate(partnerId: string, secret: string): Promise<Actor>;
  getPartner(ctx: Ctx, id: string): Promise<Partner>;
  /** Operator only. Returns the partner and a newly generated secret (shown once). */
  createPartner(ctx: Ctx, p: Partner): Promise<{ partner: Partner; secret: string }>;

  createProduct(ctx: Ctx, p: NewProduct): Promise<Product>;
  getProduct(ctx: Ctx, id: string): Promise<Product>;
  listProducts(ctx: Ctx, filter?: { kind?: string; city?: string; providerId?: string }): Promise<Product[]>;
  /** Looks a product up by its provider's own code (used by partner code mappings). */
  getProductByCode(ctx: Ctx, providerId: string, code: string): Promise<Product>;
  createRatePlan(ctx: Ctx, r: NewRatePlan): Promise<RatePlan>;
  listRatePlans(ctx: Ctx, productId: string): Promise<RatePlan[]>;

  /** One ARI record, applied in its own transaction. Providers only on their own products. */
  updateInventory(ctx: Ctx, u: InventoryUpdate): Promise<{ changed: number }>;
  updateRates(ctx: Ctx, u: RateUpdate): Promise<{ changed: number }>;
  getInventory(ctx: Ctx, productId: string, from: IsoDate, to: IsoDate): Promise<InventoryDay[]>;
  getRates(ctx: Ctx, ratePlanId: string, from: IsoDate, to: IsoDate): Promise<RateDay[]>;

  search(ctx: Ctx, q: AvailabilityQuery): Promise<Offer[]>;

  /** Holds (`req.hold`) or books and confirms in one step. Errors: GW_SOLD_OUT, GW_RESTRICTED, GW_NO_RATE … */
  book(ctx: Ctx, req: BookingRequest): Promise<Booking>;
  confirm(ctx: Ctx, locator: string): Promise<Booking>;
  cancel(ctx: Ctx, locator: string): Promise<Booking>;
  /** Replaces the items atomically (old stock released and new stock taken in one transaction). */
  modify(ctx: Ctx, locator: string, change: { items: BookingItemRequest[] }): Promise<Booking>;
  retrieve(ctx: Ctx, locator: string): Promise<Booking>;
  findByExternalRef(ctx: Ctx, externalRef: string): Promise<Booking | null>;
  /** The caller's bookings, newest first: `status` one of held, confirmed, cancelled, expired; `limit` 1–500 (50). */
  listBookings(ctx: Ctx, filter?: { status?: string; limit?: number }): Promise<Booking[]>;

  /** Stores airline bookings (PNRs) reported by an airline system or GDS; a report replaces the reporter's previous one. */
  recordAirBookings(ctx: Ctx, bookings: AirBooking[]): Promise<{ stored: number }>;
  /**
   * A PNR (it holds passport numbers and birth dates): the caller's own report of it, or for the operator the
   * latest report by anyone. GW_NOT_FOUND for anyone else, whether or not it exists.
   */
  getAirBooking(ctx: Ctx, carrier: string, recordLocator: string): Promise<AirBooking>;
  /**
   * Checks and stores a passenger or crew manifest of one flight, replacing the reporter's previous one for
   * that flight; returns it as stored. `forFiling`: checked in full, for an authority. `tx`: stored in the
   * caller's transaction (an adapter that numbers, writes and archives the message it sends in the same
   * one), so that it is stored only if that work commits.
   */
  recordManifest(ctx: Ctx, manifest: Manifest, opts?: { forFiling?: boolean; tx?: StoreTx }): Promise<Manifest>;

  /** Releases expired holds; returns how many bookings expired. */
  expireHolds(): Promise<number>;
}
