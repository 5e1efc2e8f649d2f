/**
 * Seeds a world (partners with credentials, products, rate plans, inventory and rates) through the core
 * operations, so the demo data goes through the same rules and writes the same ARI outbox rows as real
 * traffic. Safe to run twice: what exists is left alone, inventory and rates are set to the same values.
 */
import type { GatewayApi } from './api';
import type { IsoDate, PartnerKind, Weekday } from './model';
import type { Store } from './ports';
import { addDays } from './dates';
import { fromMinor, toMinor } from './money';

export interface WorldRatePlan {
  code: string;
  name: string;
  mealPlan?: string;
  amounts: Record<string, string>;
  extraAdult?: string;
  /** Thursday and Friday prices are the weekday price times this factor (the Saudi weekend peak). */
  weekend?: number;
}

export interface World {
  partners: { id: string; name: string; kind: PartnerKind; city?: string; secret: string }[];
  products: {
    providerId: string; code: string; name: string; maxGuests?: number; allotment: number; city?: string;
    origin?: string; destination?: string; details?: Record<string, unknown>; ratePlans: WorldRatePlan[];
  }[];
}

const WEEKEND: Weekday[] = ['thu', 'fri'];
const WEEKDAYS: Weekday[] = ['sat', 'sun', 'mon', 'tue', 'wed'];

export async function seedWorld(
  gateway: GatewayApi & { addCredential(partnerId: string, secret: string, label: string): Promise<void> },
  store: Store,
  world: World,
  opts: { from: IsoDate; days: number; progress?: (msg: string) => void },
): Promise<{ partners: number; products: number }> {
  const say = opts.progress ?? (() => undefined);
  const to = addDays(opts.from, opts.days - 1);
  for (const p of world.partners) {
    await store.upsertPartner({ id: p.id, name: p.name, kind: p.kind, city: p.city ?? null });
    if ((await store.credentials(p.id)).length === 0) await gateway.addCredential(p.id, p.secret, 'demo');
  }
  const op = world.partners.find((p) => p.kind === 'operator');
  if (!op) throw new Error('the world has no operator partner');
  const ctx = { actor: { partnerId: op.id, kind: 'operator' as const } };
  let n = 0;
  for (const wp of world.products) {
    n++;
    say(`seeding ${n}/${world.products.length}: ${wp.name}`);
    const existing = await store.getProductByCode(wp.providerId, wp.code);
    const product = existing ?? await gateway.createProduct(ctx, {
      providerId: wp.providerId, code: wp.code, name: wp.name, maxGuests: wp.maxGuests, city: wp.city,
      origin: wp.origin, destination: wp.destination, details: wp.details,
    });
    await gateway.updateInventory(ctx, { productId: product.id, from: opts.from, to, allotment: wp.allotment });
    const plans = await store.listRatePlans(product.id);
    for (const wr of wp.ratePlans) {
      const rp = plans.find((r) => r.code === wr.code) ?? await gateway.createRatePlan(ctx, { productId: product.id, code: wr.code, name: wr.name, mealPlan: wr.mealPlan });
      const extra = wr.extraAdult ? { extraAdult: wr.extraAdult } : {};
      await gateway.updateRates(ctx, { ratePlanId: rp.id, from: opts.from, to, weekdays: wr.weekend ? WEEKDAYS : undefined, amounts: wr.amounts, ...extra });
      if (wr.weekend) {
        const peak: Record<string, string> = {};
        for (const [k, v] of Object.entries(wr.amounts)) peak[k] = fromMinor(Math.round((toMinor(v)! * wr.weekend) / 100) * 100);
        await gateway.updateRates(ctx, { ratePlanId: rp.id, from: opts.from, to, weekdays: WEEKEND, amounts: peak, ...extra });
      }
    }
  }
  return { partners: world.partners.length, products: world.products.length };
}
