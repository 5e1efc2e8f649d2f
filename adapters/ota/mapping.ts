/**
 * Per-partner code tables (mappings/ota/<partner>.json): the partner's hotel, room (InvTypeCode) and rate
 * plan codes ↔ canonical provider, product and rate plan ids. Data, not code. A partner without a table
 * uses the hub's own codes (HotelCode = provider id, InvTypeCode = product code, RatePlanCode = rate plan
 * code), resolved through core. An unknown code is GW_UNMAPPED_CODE (GW_UNMAPPED_ROOM_TYPE, GW_UNMAPPED_RATE_CODE for
 * room types and rate plans) naming the code and where it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx, GatewayApi } from '../../core/api';
import { GatewayError, type ErrorCode } from '../../core/errors';
import { projectRoot } from '../../core/paths';

/** The JSON form of `mappings/ota/<partner>.json`. */
export interface OtaMapping {
  /** The partner the table belongs to. */
  partner: string;
  /** Partner HotelCode → provider and its room types. */
  hotels: Record<string, {
    providerId: string;
    /** InvTypeCode → product id and, per RatePlanCode, the canonical rate plan id. */
    rooms: Record<string, { productId: string; ratePlans?: Record<string, string> }>;
  }>;
  /** Non-hotel service codes (ground transfer, insurance plan) → product id. */
  services?: Record<string, string>;
}

/** Where a partner code points. */
export interface RoomRef { hotelCode: string; invTypeCode: string; productId: string; providerId: string }
export interface RateRef extends RoomRef { ratePlanCode: string; ratePlanId: string }

/** Resolves partner codes both ways. Every miss throws a GW_UNMAPPED_… error with the code and the XPath. */
export interface CodeResolver {
  readonly kind: 'table' | 'canonical';
  provider(hotelCode: string | undefined, tag: string): Promise<string>;
  room(hotelCode: string | undefined, invTypeCode: string | undefined, tag: string): Promise<RoomRef>;
  /** Rate plans for a RatePlanCode: of one room when `invTypeCode` is given, else of every room that has it. */
  ratePlans(hotelCode: string | undefined, invTypeCode: string | undefined, ratePlanCode: string, tag: string): Promise<RateRef[]>;
  service(code: string | undefined, tag: string): Promise<string>;
  /** The partner's codes for a canonical product / rate plan, or undefined when the table has none. */
  codesOfProduct(productId: string): Promise<{ hotelCode: string; invTypeCode: string } | undefined>;
  codesOfRatePlan(productId: string, ratePlanId: string): Promise<{ hotelCode: string; invTypeCode: string; ratePlanCode: string } | undefined>;
  codeOfService(productId: string): Promise<string | undefined>;
}

/** The registry code of an unmapped partner code: OTA tells an invalid room type (402) and rate code (249) apart. */
const UNMAPPED: Record<string, ErrorCode> = { InvTypeCode: 'GW_UNMAPPED_ROOM_TYPE', RatePlanCode: 'GW_UNMAPPED_RATE_CODE' };

export function unmapped(what: string, code: string | undefined, tag: string): GatewayError {
  const message = code === undefined ? `${what} is missing` : `${what} '${code}' is not mapped for this partner`;
  const gw: ErrorCode = code === undefined ? 'GW_BAD_INPUT' : UNMAPPED[what] ?? 'GW_UNMAPPED_CODE';
  return new GatewayError(gw, message, { violations: [{ code: gw, message, path: tag }], detail: code === undefined ? undefined : { code } });
}

/** Reverse indexes built once per table. */
export interface CompiledMapping {
  source: OtaMapping;
  byProduct: Map<string, { hotelCode: string; invTypeCode: string }>;
  byRatePlan: Map<string, { hotelCode: string; invTypeCode: string; ratePlanCode: string }>;
  byService: Map<string, string>;
}

const compiled = new WeakMap<OtaMapping, CompiledMapping>();

/** Validates a table and builds its reverse indexes; throws naming the bad key. */
export function compileMapping(m: OtaMapping): CompiledMapping {
  const hit = compiled.get(m);
  if (hit) return hit;
  const fail = (key: string, why: string) => new Error(`OTA mapping for ${m.partner ?? '?'}: ${key} ${why}`);
  if (!m || typeof m.partner !== 'string') throw fail('partner', 'must be a string');
  if (!m.hotels || typeof m.hotels !== 'object') throw fail('hotels', 'must be an object');
  const byProduct = new Map<string, { hotelCode: string; invTypeCode: string }>();
  const byRatePlan = new Map<string, { hotelCode: string; invTypeCode: string; ratePlanCode: string }>();
  for (const [hotelCode, h] of Object.entries(m.hotels)) {
    if (typeof h?.providerId !== 'string') throw fail(`hotels.${hotelCode}.providerId`, 'must be a string');
    for (const [invTypeCode, r] of Object.entries(h.rooms ?? {})) {
      if (typeof r?.productId !== 'string') throw fail(`hotels.${hotelCode}.rooms.${invTypeCode}.productId`, 'must be a string');
      byProduct.set(r.productId, { hotelCode, invTypeCode });
      for (const [ratePlanCode, id] of Object.entries(r.ratePlans ?? {})) {
        if (typeof id !== 'string') throw fail(`hotels.${hotelCode}.rooms.${invTypeCode}.ratePlans.${ratePlanCode}`, 'must be a string');
        byRatePlan.set(id, { hotelCode, invTypeCode, ratePlanCode });
      }
    }
  }
  const byService = new Map<string, string>();
  for (const [code, id] of Object.entries(m.services ?? {})) byService.set(id, code);
  const out = { source: m, byProduct, byRatePlan, byService };
  compiled.set(m, out);
  return out;
}

/** A resolver over a partner's table. */
export function tableResolver(m: OtaMapping): CodeResolver {
  const c = compileMapping(m);
  const hotel = (hotelCode: string | undefined, tag: string) => {
    const h = hotelCode === undefined ? undefined : m.hotels[hotelCode];
    if (!h || !Object.prototype.hasOwnProperty.call(m.hotels, hotelCode!)) throw unmapped('HotelCode', hotelCode, tag);
    return h;
  };
  const room = (hotelCode: string | undefined, invTypeCode: string | undefined, tag: string): RoomRef => {
    const h = hotel(hotelCode, tag);
    const r = invTypeCode === undefined || !Object.prototype.hasOwnProperty.call(h.rooms, invTypeCode) ? undefined : h.rooms[invTypeCode];
    if (!r) throw unmapped('InvTypeCode', invTypeCode, tag);
    return { hotelCode: hotelCode!, invTypeCode: invTypeCode!, productId: r.productId, providerId: h.providerId };
  };
  return {
    kind: 'table',
    async provider(hotelCode, tag) {
      return hotel(hotelCode, tag).providerId;
    },
    async room(hotelCode, invTypeCode, tag) {
      return room(hotelCode, invTypeCode, tag);
    },
    async ratePlans(hotelCode, invTypeCode, ratePlanCode, tag) {
      const h = hotel(hotelCode, tag);
      const codes = invTypeCode === undefined ? Object.keys(h.rooms) : [room(hotelCode, invTypeCode, tag).invTypeCode];
      const out: RateRef[] = [];
      for (const inv of codes) {
        const r = h.rooms[inv];
        const id = r.ratePlans && Object.prototype.hasOwnProperty.call(r.ratePlans, ratePlanCode) ? r.ratePlans[ratePlanCode] : undefined;
        if (id) out.push({ hotelCode: hotelCode!, invTypeCode: inv, productId: r.productId, providerId: h.providerId, ratePlanCode, ratePlanId: id });
      }
      if (out.length === 0) throw unmapped('RatePlanCode', ratePlanCode, tag);
      return out;
    },
    async service(code, tag) {
      const id = code !== undefined && m.services && Object.prototype.hasOwnProperty.call(m.services, code) ? m.services[code] : undefined;
      if (!id) throw unmapped('Service code', code, tag);
      return id;
    },
    async codesOfProduct(productId) {
      return c.byProduct.get(productId);
    },
    async codesOfRatePlan(_productId, ratePlanId) {
      return c.byRatePlan.get(ratePlanId);
    },
    async codeOfService(productId) {
      return c.byService.get(productId);
    },
  };
}

/**
 * A resolver using the hub's own codes, through core (as the calling partner sees them). Lookups are
 * cached for the life of the resolver: make one per message.
 */
export function canonicalResolver(gateway: GatewayApi, ctx: Ctx): CodeResolver {
  const products = new Map<string, Promise<RoomRef>>();
  const plans = new Map<string, Promise<{ id: string; code: string }[]>>();
  const plansOf = (productId: string) => {
    let p = plans.get(productId);
    if (!p) {
      p = gateway.listRatePlans(ctx, productId).then((rs) => rs.map((r) => ({ id: r.id, code: r.code })));
      plans.set(productId, p);
    }
    return p;
  };
  const room = (hotelCode: string | undefined, invTypeCode: string | undefined, tag: string): Promise<RoomRef> => {
    if (hotelCode === undefined) return Promise.reject(unmapped('HotelCode', hotelCode, tag));
    if (invTypeCode === undefined) return Promise.reject(unmapped('InvTypeCode', invTypeCode, tag));
    const key = hotelCode + '\u0000' + invTypeCode;
    let p = products.get(key);
    if (!p) {
      p = gateway.getProductByCode(ctx, hotelCode, invTypeCode).then(
        (prod) => ({ hotelCode, invTypeCode, productId: prod.id, providerId: prod.providerId }),
        (e) => {
          if (e instanceof GatewayError && (e.code === 'GW_UNKNOWN_PRODUCT' || e.code === 'GW_NOT_FOUND')) throw unmapped('InvTypeCode', invTypeCode, tag);
          throw e;
        },
      );
      products.set(key, p);
    }
    return p;
  };
  return {
    kind: 'canonical',
    async provider(hotelCode, tag) {
      if (hotelCode === undefined) throw unmapped('HotelCode', hotelCode, tag);
      return hotelCode;
    },
    room,
    async ratePlans(hotelCode, invTypeCode, ratePlanCode, tag) {
      const rooms = invTypeCode !== undefined
        ? [await room(hotelCode, invTypeCode, tag)]
        : (await gateway.listProducts(ctx, { providerId: await this.provider(hotelCode, tag) })).map((p) => ({ hotelCode: hotelCode!, invTypeCode: p.code, productId: p.id, providerId: p.providerId }));
      const out: RateRef[] = [];
      for (const r of rooms) {
        for (const rp of await plansOf(r.productId)) if (rp.code === ratePlanCode) out.push({ ...r, ratePlanCode, ratePlanId: rp.id });
      }
      if (out.length === 0) throw unmapped('RatePlanCode', ratePlanCode, tag);
      return out;
    },
    async service(code, tag) {
      if (code === undefined) throw unmapped('Service code', code, tag);
      return code;
    },
    async codesOfProduct(productId) {
      const p = await gateway.getProduct(ctx, productId);
      return { hotelCode: p.providerId, invTypeCode: p.code };
    },
    async codesOfRatePlan(productId, ratePlanId) {
      const p = await gateway.getProduct(ctx, productId);
      const rp = (await plansOf(productId)).find((r) => r.id === ratePlanId);
      return rp ? { hotelCode: p.providerId, invTypeCode: p.code, ratePlanCode: rp.code } : undefined;
    },
    async codeOfService(productId) {
      return productId;
    },
  };
}

/** Reads `mappings/ota/<file>` (relative names resolve against the project's mappings/ota folder). */
export function loadMappingFile(file: string): OtaMapping {
  const full = path.isAbsolute(file) ? file : path.join(projectRoot(), 'mappings', 'ota', file);
  const m = JSON.parse(fs.readFileSync(full, 'utf8')) as OtaMapping;
  compileMapping(m);
  return m;
}
