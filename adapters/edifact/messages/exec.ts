/**
 * Runs translated AVLREQ/RESREQ commands against the gateway and renders the answers. Partner product
 * references (provider + code, rate plan code) are resolved here through core, so tenant visibility rules
 * apply; every refusal comes back as a `GatewayError` and is rendered as ERI.
 */
import type { Ctx, GatewayApi } from '../../../core/api';
import { gwError, isGatewayError, type ErrorCode } from '../../../core/errors';
import type { Booking, BookingItemRequest, Product } from '../../../core/model';
import { renderAvlrsp, renderResrsp, type AvailabilityCommand, type ProductRef, type ReservationCommand } from './interactive';
import type { Segment } from './segments';

async function resolveProduct(gw: GatewayApi, ctx: Ctx, ref: ProductRef): Promise<Product> {
  return ref.providerId ? gw.getProductByCode(ctx, ref.providerId, ref.code) : gw.getProduct(ctx, ref.code);
}

async function resolveRatePlan(gw: GatewayApi, ctx: Ctx, product: Product, code: string | null): Promise<string | undefined> {
  if (!code) return undefined;
  const plans = await gw.listRatePlans(ctx, product.id);
  const rp = plans.find((r) => r.code.toUpperCase() === code.toUpperCase());
  if (!rp) throw gwError('GW_UNKNOWN_RATE_PLAN', `no rate plan ${code} on ${product.providerId} ${product.code}`);
  return rp.id;
}

// Anything that is not a GatewayError (a bug, a lost database connection) is answered as GW_INTERNAL in
// the partner's protocol rather than breaking the dialogue; its detail is not leaked to the partner.
function errorOf(e: unknown): { code: ErrorCode; message: string } {
  if (isGatewayError(e)) return { code: e.code, message: e.message };
  return { code: 'GW_INTERNAL', message: 'internal error, retry later' };
}

/** AVLREQ → `gateway.search` → AVLRSP body (ERI on any failure). */
export async function runAvailability(gw: GatewayApi, ctx: Ctx, cmd: AvailabilityCommand): Promise<Segment[]> {
  try {
    const { products, ...q } = cmd.query;
    const query = { ...q } as Parameters<GatewayApi['search']>[1];
    let planCodes: (string | null)[] = [];
    if (products?.length) {
      const resolved = await Promise.all(products.map((r) => resolveProduct(gw, ctx, r)));
      query.productIds = resolved.map((p) => p.id);
      planCodes = products.map((r) => r.ratePlanCode);
    }
    let offers = await gw.search(ctx, query);
    const wanted = planCodes.filter((c): c is string => !!c).map((c) => c.toUpperCase());
    if (wanted.length) {
      offers = offers
        .map((o) => ({ ...o, ratePlans: o.ratePlans.filter((rp) => wanted.includes(rp.ratePlan.code.toUpperCase())) }))
        .filter((o) => o.ratePlans.length > 0);
    }
    return renderAvlrsp({ offers });
  } catch (e) {
    return renderAvlrsp({ error: errorOf(e) });
  }
}

async function itemsOf(gw: GatewayApi, ctx: Ctx, cmd: ReservationCommand): Promise<BookingItemRequest[]> {
  const out: BookingItemRequest[] = [];
  for (const it of cmd.items) {
    const p = await resolveProduct(gw, ctx, it.product);
    const ratePlanId = await resolveRatePlan(gw, ctx, p, it.product.ratePlanCode);
    const item: BookingItemRequest = { productId: p.id, start: it.start, quantity: it.quantity, guests: it.guests };
    if (ratePlanId) item.ratePlanId = ratePlanId;
    if (it.end) item.end = it.end;
    out.push(item);
  }
  return out;
}

async function renderBooking(gw: GatewayApi, ctx: Ctx, action: ReservationCommand['action'], b: Booking): Promise<Segment[]> {
  const products = new Map<string, Product>();
  const ratePlanCodes = new Map<string, string>();
  for (const it of b.items) {
    if (!products.has(it.productId)) {
      // The booking is already made: a product the caller may no longer see still gets rendered by id.
      const p = await gw.getProduct(ctx, it.productId).catch(() => null);
      if (p) {
        products.set(p.id, p);
        for (const rp of await gw.listRatePlans(ctx, p.id).catch(() => [])) ratePlanCodes.set(rp.id, rp.code);
      }
    }
  }
  return renderResrsp(action, { booking: b, products, ratePlanCodes });
}

/**
 * RESREQ → `gateway.book/confirm/cancel/modify` → RESRSP body. `ctx.idempotencyKey` makes a repeated
 * request (same partner, interchange reference and message reference) answer what the first one did.
 */
export async function runReservation(gw: GatewayApi, ctx: Ctx, cmd: ReservationCommand, channel: string): Promise<{ segments: Segment[]; booking: Booking | null }> {
  try {
    let b: Booking;
    switch (cmd.action) {
      case 'sell':
      case 'hold':
        b = await gw.book(ctx, {
          items: await itemsOf(gw, ctx, cmd),
          travellers: cmd.travellers,
          hold: cmd.action === 'hold',
          externalRef: cmd.externalRef,
          channel,
        });
        break;
      case 'confirm':
        b = await gw.confirm(ctx, cmd.locator!);
        break;
      case 'cancel':
        b = await gw.cancel(ctx, cmd.locator!);
        break;
      case 'modify':
        b = await gw.modify(ctx, cmd.locator!, { items: await itemsOf(gw, ctx, cmd) });
        break;
    }
    return { segments: await renderBooking(gw, ctx, cmd.action, b), booking: b };
  } catch (e) {
    return { segments: renderResrsp(cmd.action, { error: errorOf(e), locator: cmd.locator }), booking: null };
  }
}
