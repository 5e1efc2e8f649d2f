/**
 * The canonical offer/booking model. Every protocol adapter (EDIFACT, OpenTravel, terminal, JSON)
 * translates into and out of these shapes; none invents its own booking shape.
 *
 * Conventions: dates are ISO calendar dates (`YYYY-MM-DD`, no time zone: the local date at the service's
 * place); money is a decimal string with the currency (ISO 4217, `SAR` by default); codes are strings.
 */

/** A calendar date `YYYY-MM-DD`. */
export type IsoDate = string;

/** The kinds of service a provider sells through the hub. */
export type ServiceKind = 'hotel' | 'transport' | 'catering' | 'experience' | 'insurance';
export const SERVICE_KINDS: readonly ServiceKind[] = ['hotel', 'transport', 'catering', 'experience', 'insurance'];

/**
 * What a trading partner is. Providers are the five service kinds; `agency` sells (travel agents and
 * Umrah companies), `airline` reports flights, `channel` and `gds` receive ARI and book on behalf of
 * sellers, `operator` runs the hub.
 */
export type PartnerKind = ServiceKind | 'agency' | 'airline' | 'channel' | 'gds' | 'operator';
export const PARTNER_KINDS: readonly PartnerKind[] = [...SERVICE_KINDS, 'agency', 'airline', 'channel', 'gds', 'operator'];

export function isProviderKind(k: PartnerKind): k is ServiceKind {
  return (SERVICE_KINDS as readonly string[]).includes(k);
}

/** A trading partner connected to the hub. */
export interface Partner {
  /** Stable id, upper case letters, digits and `-` (e.g. `MAK-HILTON`, `AG-NOOR`). */
  id: string;
  name: string;
  kind: PartnerKind;
  /** Home city code (see README: MAK Makkah, MED Madinah, JED Jeddah …), if meaningful. */
  city?: string | null;
}

/** The authenticated caller of a core operation. Tenant rules are decided on it. */
export interface Actor {
  partnerId: string;
  kind: PartnerKind;
}

/** How a product is priced and stocked. */
export type Pricing =
  /** Stocked and priced per day of a date range `[start, end)` (hotel nights, catering days). */
  | 'per_night'
  /** Stocked and priced once, on the service date (a transport leg, a visit, an insurance policy). */
  | 'per_unit';

/**
 * A sellable product of a provider: a room type, a transport leg, a meal plan, a visit, an insurance plan.
 * Inventory and rates hang off it.
 */
export interface Product {
  id: string;
  providerId: string;
  kind: ServiceKind;
  /** The provider's own code (room type code, route code …). Unique per provider. */
  code: string;
  name: string;
  /** City code where the service is delivered (for transport: the origin city). */
  city: string | null;
  /** Transport legs: origin and destination codes (airport or city). */
  origin?: string | null;
  destination?: string | null;
  /** Most guests one unit takes (room occupancy; 1 for per-person products). */
  maxGuests: number;
  pricing: Pricing;
  /** Offered to every agent (until distribution contracts restrict it). */
  public: boolean;
  /** Free-form descriptive attributes (bed type, departure time, coverage …). */
  details: Record<string, unknown>;
}

/** A rate plan of a product (e.g. `BAR` best available, `RO` room only, `BB` with breakfast). */
export interface RatePlan {
  id: string;
  productId: string;
  code: string;
  name: string;
  currency: string;
  mealPlan?: string | null;
  refundable: boolean;
}

/** Days of the week, Monday first, as in OTA `StatusApplicationControl`. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Inventory and restrictions of one product on one day. */
export interface InventoryDay {
  productId: string;
  day: IsoDate;
  /** Units the provider put on sale in total. */
  allotment: number;
  sold: number;
  held: number;
  /** `allotment - sold - held`, never negative. */
  available: number;
  stopSell: boolean;
  closedToArrival: boolean;
  closedToDeparture: boolean;
  minLos: number | null;
  maxLos: number | null;
  /** Per (product, day) sequence; grows with every change. */
  version: number;
}

/**
 * An ARI command: change inventory and/or restrictions of one product over an inclusive date range,
 * optionally only on some weekdays. Fields left undefined are unchanged; `null` clears a LOS limit.
 * Exactly one of `allotment` (set the total), `available` (set what remains to sell) and `adjust`
 * (add or remove units) may be given.
 */
export interface InventoryUpdate {
  productId: string;
  from: IsoDate;
  /** Inclusive. */
  to: IsoDate;
  weekdays?: Weekday[];
  allotment?: number;
  available?: number;
  adjust?: number;
  stopSell?: boolean;
  closedToArrival?: boolean;
  closedToDeparture?: boolean;
  minLos?: number | null;
  maxLos?: number | null;
}

/** The price of one day for a rate plan, per number of guests in the unit. */
export interface RateDay {
  ratePlanId: string;
  day: IsoDate;
  currency: string;
  /** Price by number of guests (key `"1"`, `"2"` …) as decimal strings. */
  amounts: Record<string, string>;
  extraAdult: string | null;
  extraChild: string | null;
  version: number;
}

/** An ARI command: set rates of a rate plan over an inclusive date range. Listed guest counts are replaced. */
export interface RateUpdate {
  ratePlanId: string;
  from: IsoDate;
  to: IsoDate;
  weekdays?: Weekday[];
  currency?: string;
  amounts: Record<string, string>;
  extraAdult?: string | null;
  extraChild?: string | null;
}

/** Money as a decimal string and its currency. */
export interface Money {
  amount: string;
  currency: string;
}

export type Gender = 'M' | 'F' | 'U';

/** A travel document (passport by default). */
export interface TravelDocument {
  /** `P` passport, `V` visa, `I` identity card … */
  type: string;
  number: string;
  /** ISO 3166 alpha-3. */
  issuingCountry?: string | null;
  expiry?: IsoDate | null;
  issued?: IsoDate | null;
}

/** A traveller (pilgrim). Names in Latin script are required; Arabic script is kept when given. */
export interface Traveller {
  surname: string;
  givenName: string;
  middleName?: string | null;
  /** Names in Arabic script, as written in the passport's Arabic zone or given by the agent. */
  surnameArabic?: string | null;
  givenNameArabic?: string | null;
  gender?: Gender | null;
  birthDate?: IsoDate | null;
  /** ISO 3166 alpha-3. */
  nationality?: string | null;
  residence?: string | null;
  documents?: TravelDocument[];
  /** `ADT` adult, `CHD` child, `INF` infant. */
  type?: 'ADT' | 'CHD' | 'INF';
}

export type BookingStatus = 'held' | 'confirmed' | 'cancelled' | 'expired';
export const BOOKING_STATUSES: readonly BookingStatus[] = ['held', 'confirmed', 'cancelled', 'expired'];

/** One line of a booking request. */
export interface BookingItemRequest {
  productId: string;
  /** Defaults to the product's only (or first) rate plan. */
  ratePlanId?: string;
  start: IsoDate;
  /** Exclusive end (check-out day) for per-night products; ignored for per-unit products. */
  end?: IsoDate;
  /** Rooms, seats or persons. */
  quantity: number;
  /** Guests per unit (room occupancy); 1 for per-person products. */
  guests: number;
}

/** A request to book (or hold) several services at once: a package. */
export interface BookingRequest {
  items: BookingItemRequest[];
  travellers?: Traveller[];
  /** `true` holds stock until `holdExpiresAt`; `false` books and confirms in one step. */
  hold: boolean;
  /** Hold time in seconds (bounded by config). */
  holdSeconds?: number;
  contact?: { name?: string; phone?: string; email?: string } | null;
  /** The sender's own reference (channel reservation id, GDS PNR …). Unique per seller. */
  externalRef?: string | null;
  /** Through which channel or protocol it came (`json`, `ota:<partner>`, `edifact:<partner>` …). */
  channel?: string | null;
}

/** One booked line. */
export interface BookingItem {
  line: number;
  productId: string;
  providerId: string;
  kind: ServiceKind;
  ratePlanId: string;
  start: IsoDate;
  /** Exclusive end. For per-unit products the day after `start`. */
  end: IsoDate;
  quantity: number;
  guests: number;
  price: Money;
}

/** A status change in a booking's history. */
export interface BookingEvent {
  at: string;
  action: 'hold' | 'book' | 'confirm' | 'cancel' | 'modify' | 'expire';
  status: BookingStatus;
  actor: string;
}

/** A booking, identified by its 6-character record locator. */
export interface Booking {
  locator: string;
  /** The seller that owns it. */
  agentId: string;
  status: BookingStatus;
  holdExpiresAt: string | null;
  items: BookingItem[];
  travellers: Traveller[];
  total: Money;
  contact: BookingRequest['contact'];
  externalRef: string | null;
  channel: string | null;
  history: BookingEvent[];
  createdAt: string;
  updatedAt: string;
}

/** An availability search. */
export interface AvailabilityQuery {
  kind?: ServiceKind;
  city?: string;
  /** Transport: origin/destination codes. */
  origin?: string;
  destination?: string;
  providerId?: string;
  productIds?: string[];
  start: IsoDate;
  /** Exclusive; defaults to `start + 1`. */
  end?: IsoDate;
  guests: number;
  quantity: number;
}

/** A priced rate plan inside an offer. */
export interface PricedRatePlan {
  ratePlan: RatePlan;
  total: Money;
  /** Price per day for one unit at the requested occupancy. */
  daily: { day: IsoDate; amount: string }[];
}

/** One product that can be sold for the searched stay. */
export interface Offer {
  product: Product;
  /** Least availability over the stay. */
  available: number;
  ratePlans: PricedRatePlan[];
}

/** What the outbox carries for one changed key. Always a full snapshot of that key: last writer wins by `seq`. */
export type AriChange =
  | { id: string; kind: 'availability'; seq: number; providerId: string; productId: string; day: IsoDate; state: AvailabilityState; createdAt: string }
  | { id: string; kind: 'rate'; seq: number; providerId: string; productId: string; ratePlanId: string; day: IsoDate; state: RateState; createdAt: string };

export interface AvailabilityState {
  available: number;
  allotment: number;
  stopSell: boolean;
  closedToArrival: boolean;
  closedToDeparture: boolean;
  minLos: number | null;
  maxLos: number | null;
}

export interface RateState {
  currency: string;
  amounts: Record<string, string>;
  extraAdult: string | null;
  extraChild: string | null;
}

/** A flight segment linked to a package (from PNRGOV or an airline system). */
export interface FlightSegment {
  carrier: string;
  flightNumber: string;
  bookingClass?: string | null;
  origin: string;
  destination: string;
  departureDate: IsoDate;
  departureTime?: string | null;
  arrivalDate?: IsoDate | null;
  arrivalTime?: string | null;
  /** HK, SS, XK … */
  status?: string | null;
}

/** An airline booking (PNR) reported by an airline system. */
export interface AirBooking {
  carrier: string;
  recordLocator: string;
  created?: string | null;
  travellers: Traveller[];
  segments: FlightSegment[];
}

/** A passenger or crew manifest (PAXLST) for one flight and the legs its travellers fly. */
export interface Manifest {
  kind: 'passengers' | 'crew';
  reference?: string | null;
  reportingParty?: { name?: string | null; phone?: string | null } | null;
  /**
   * The flight the manifest is filed under: the first leg (`legs[0]`), never a journey made up from
   * several legs (two legs may be different flights). The manifest is stored per carrier, flight number,
   * departure date and origin of this flight. Where the travellers end up is the last leg's destination.
   */
  flight: FlightSegment;
  /**
   * Every leg in itinerary order, each with its origin and destination and the dates and times known for
   * them; a flight with a stop (CGK → KUL → JED) is two legs. Manifests stored or sent before legs
   * existed have none: read them with `manifestLegs`, which gives `[flight]`.
   */
  legs: FlightSegment[];
  travellers: (Traveller & { recordLocator?: string | null; embarkation?: string | null; debarkation?: string | null })[];
}

/** The latest departure or arrival date of a PNR's segments (its travel data is kept from it), or null. */
export function lastTravelDate(b: Pick<AirBooking, 'segments'>): IsoDate | null {
  let last: IsoDate | null = null;
  for (const seg of b.segments) {
    for (const d of [seg.departureDate, seg.arrivalDate]) if (d && (last === null || d > last)) last = d;
  }
  return last;
}

/** A manifest's legs; `[flight]` for one stored or received before manifests had legs. */
export function manifestLegs(m: Pick<Manifest, 'flight'> & { legs?: FlightSegment[] | null }): FlightSegment[] {
  return Array.isArray(m.legs) && m.legs.length > 0 ? m.legs : [m.flight];
}
