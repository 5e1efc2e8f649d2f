/**
 * The JSON API for providers and agents (`/v1/...`). Translates HTTP into core calls; every rule lives in
 * core. Mutations honour the `Idempotency-Key` header.
 */
import type { Ctx } from '../../core/api';
import { gwError } from '../../core/errors';
import type { AvailabilityQuery } from '../../core/model';
import { json, jsonBody } from './server';
import type { HttpRequest, Route } from './types';

function ctx(req: HttpRequest): Ctx {
  if (!req.actor) throw gwError('GW_UNAUTHORIZED', 'credentials are required');
  return { actor: req.actor, idempotencyKey: req.headers['idempotency-key'] ?? null, correlationId: req.correlationId };
}

function bodyObject(req: HttpRequest): Record<string, unknown> {
  const b = jsonBody(req);
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw gwError('GW_BAD_INPUT', 'the body must be a JSON object');
  return b as Record<string, unknown>;
}

/** Query values stay strings unless they look like whole numbers, so validation can name wrong ones. */
function queryObject(q: URLSearchParams, ints: string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of q) o[k] = ints.includes(k) && /^-?\d+$/.test(v) ? Number(v) : v;
  return o;
}

function range(req: HttpRequest): { from: string; to: string } {
  const from = req.query.get('from');
  const to = req.query.get('to');
  if (!from || !to) throw gwError('GW_BAD_DATES', 'give the range as ?from=YYYY-MM-DD&to=YYYY-MM-DD');
  return { from, to };
}

export const apiRoutes: Route[] = [
  { method: 'GET', pattern: '/v1/me', auth: true, handler: async (req, d) => json(200, await d.gateway.getPartner(ctx(req), req.actor!.partnerId)) },
  { method: 'POST', pattern: '/v1/partners', auth: true, handler: async (req, d) => json(201, await d.gateway.createPartner(ctx(req), bodyObject(req) as never)) },

  { method: 'GET', pattern: '/v1/products', auth: true, handler: async (req, d) => json(200, await d.gateway.listProducts(ctx(req), {
    kind: req.query.get('kind') ?? undefined, city: req.query.get('city') ?? undefined }) ) },
  { method: 'POST', pattern: '/v1/products', auth: true, handler: async (req, d) => json(201, await d.gateway.createProduct(ctx(req), bodyObject(req) as never)) },
  { method: 'GET', pattern: '/v1/products/:id', auth: true, handler: async (req, d) => json(200, await d.gateway.getProduct(ctx(req), req.params.id)) },
  { method: 'GET', pattern: '/v1/products/:id/rate-plans', auth: true, handler: async (req, d) => json(200, await d.gateway.listRatePlans(ctx(req), req.params.id)) },
  { method: 'POST', pattern: '/v1/products/:id/rate-plans', auth: true, handler: async (req, d) => json(201, await d.gateway.createRatePlan(ctx(req), { ...bodyObject(req), productId: req.params.id } as never)) },
  { method: 'GET', pattern: '/v1/products/:id/inventory', auth: true, handler: async (req, d) => {
    const { from, to } = range(req);
    return json(200, await d.gateway.getInventory(ctx(req), req.params.id, from, to));
  } },
  { method: 'PUT', pattern: '/v1/products/:id/inventory', auth: true, handler: async (req, d) => json(200, await d.gateway.updateInventory(ctx(req), { ...bodyObject(req), productId: req.params.id } as never)) },
  { method: 'GET', pattern: '/v1/rate-plans/:id/rates', auth: true, handler: async (req, d) => {
    const { from, to } = range(req);
    return json(200, await d.gateway.getRates(ctx(req), req.params.id, from, to));
  } },
  { method: 'PUT', pattern: '/v1/rate-plans/:id/rates', auth: true, handler: async (req, d) => json(200, await d.gateway.updateRates(ctx(req), { ...bodyObject(req), ratePlanId: req.params.id } as never)) },

  { method: 'GET', pattern: '/v1/availability', auth: true, handler: async (req, d) => {
    const q = queryObject(req.query, ['guests', 'quantity']);
    if (q.guests === undefined) q.guests = 1;
    if (q.quantity === undefined) q.quantity = 1;
    return json(200, { offers: await d.gateway.search(ctx(req), q as unknown as AvailabilityQuery) });
  } },

  { method: 'GET', pattern: '/v1/air-bookings/:carrier/:locator', auth: true, handler: async (req, d) => json(200, await d.gateway.getAirBooking(ctx(req), req.params.carrier.toUpperCase(), req.params.locator.toUpperCase())) },
  { method: 'POST', pattern: '/v1/air-bookings', auth: true, handler: async (req, d) => {
    const b = jsonBody(req);
    return json(200, await d.gateway.recordAirBookings(ctx(req), (Array.isArray(b) ? b : [b]) as never));
  } },

  { method: 'POST', pattern: '/v1/bookings', auth: true, handler: async (req, d) => {
    const b = await d.gateway.book(ctx(req), { channel: 'json', ...bodyObject(req) } as never);
    return json(201, b, { location: `/v1/bookings/${b.locator}` });
  } },
  { method: 'GET', pattern: '/v1/bookings', auth: true, handler: async (req, d) => json(200, await d.gateway.listBookings(ctx(req), queryObject(req.query, ['limit']))) },
  { method: 'GET', pattern: '/v1/bookings/:locator', auth: true, handler: async (req, d) => json(200, await d.gateway.retrieve(ctx(req), req.params.locator)) },
  { method: 'POST', pattern: '/v1/bookings/:locator/confirm', auth: true, handler: async (req, d) => json(200, await d.gateway.confirm(ctx(req), req.params.locator)) },
  { method: 'POST', pattern: '/v1/bookings/:locator/cancel', auth: true, handler: async (req, d) => json(200, await d.gateway.cancel(ctx(req), req.params.locator)) },
  { method: 'POST', pattern: '/v1/bookings/:locator/modify', auth: true, handler: async (req, d) => json(200, await d.gateway.modify(ctx(req), req.params.locator, bodyObject(req) as never)) },
];
