/**
 * Non-hotel services over OpenTravel: transport legs (OTA_GroundAvailRQ / OTA_GroundBookRQ) and insurance
 * plans (OTA_InsuranceQuoteRQ / OTA_InsuranceBookRQ), mapped to per-unit canonical products. Reading and
 * rendering live in ground.ts and insurance.ts; here each message becomes its canonical calls.
 *
 * The Book messages have no Initiate phase in OpenTravel (unlike OTA_HotelResRQ's ResStatus), so they book
 * and confirm in one step; a retransmission with the same sender id (or EchoToken) replays the first answer.
 */
import type { BookingItemRequest, Product } from '../../core/model';
import { gwIssue, type OtaIssue } from './envelope';
import { groundReservationEl, groundServiceEl, readGroundAvail, readGroundBook } from './ground';
import type { HandlerInput, MessageHandler } from './handler';
import { planBookEl, planQuoteEl, readPlans, senderRef } from './insurance';
import { el } from './xml';

/** A key that makes a retransmitted message replay the first answer, or none when the sender gave no ids. */
function key(...parts: (string | undefined)[]): string | null {
  if (parts.some((p) => p === undefined)) return null;
  return ['ota', ...parts].join(':').slice(0, 200);
}

/** The product a service code points at, refused when it is not of the kind the message sells. */
async function productOfKind(inp: HandlerInput, productId: string, kind: Product['kind'], code: string, tag: string): Promise<Product> {
  const p = await inp.gateway.getProduct(inp.ctx, productId);
  if (p.kind !== kind) throw gwIssue('GW_BAD_INPUT', `Service code '${code}' is not ${kind === 'transport' ? 'a transport leg' : 'an insurance plan'} (its product is of kind ${p.kind})`, tag);
  return p;
}

/** The canonical rate plan of a product named by the hub's rate plan code; an unknown code names itself. */
async function ratePlanId(inp: HandlerInput, productId: string, code: string, tag: string): Promise<string> {
  const rp = (await inp.gateway.listRatePlans(inp.ctx, productId)).find((r) => r.code === code);
  if (!rp) throw gwIssue('GW_UNMAPPED_RATE_CODE', `RateQualifier '${code}' is not a rate plan of this service`, tag);
  return rp.id;
}

export const groundAvail: MessageHandler = async (inp) => {
  const q = readGroundAvail(inp.root);
  const offers = await inp.gateway.search(inp.ctx, { kind: 'transport', origin: q.origin, destination: q.destination, start: q.start, guests: 1, quantity: q.passengers });
  const services: string[] = [];
  for (const o of offers) {
    // A leg the partner has no code for cannot be booked by it: leave it out.
    const code = await inp.resolver.codeOfService(o.product.id);
    if (!code) continue;
    for (const pr of o.ratePlans) {
      if (q.ratePlanCode && pr.ratePlan.code !== q.ratePlanCode) continue;
      services.push(groundServiceEl(o.product, code, q.start, o.available, pr.ratePlan.code, pr.total));
    }
  }
  if (services.length === 0) return { body: '', warnings: [{ code: 'GW_SOLD_OUT', message: `No transport from ${q.origin} to ${q.destination} has ${q.passengers} seat(s) on ${q.start}` }] };
  return { body: el('GroundServices', null, ...services) };
};

export const groundBook: MessageHandler = async (inp) => {
  const rq = await readGroundBook(inp.root, inp.resolver);
  const products = new Map<string, Product>();
  const items: BookingItemRequest[] = [];
  for (const l of rq.lines) {
    const p = await productOfKind(inp, l.productId, 'transport', l.serviceCode, `${l.tag}/Reference/@ID`);
    products.set(p.id, p);
    for (const [given, has, where] of [[l.origin, p.origin, 'Pickup'], [l.destination, p.destination, 'Dropoff']] as const) {
      if (given && has && given !== has) throw gwIssue('GW_BAD_INPUT', `Service '${l.serviceCode}' runs ${p.origin}-${p.destination}: its ${where} is not ${given}`, `${l.tag}/Location/${where}`);
    }
    const rp = l.ratePlanCode === undefined ? undefined : await ratePlanId(inp, p.id, l.ratePlanCode, `${l.tag}/RateQualifier/@RateQualifier`);
    items.push({ productId: p.id, ...(rp ? { ratePlanId: rp } : {}), start: l.start, quantity: l.seats, guests: 1 });
  }
  const b = await inp.gateway.book({ ...inp.ctx, idempotencyKey: key('ground', 'book', rq.externalRef ?? inp.h.echoToken) }, {
    items, travellers: rq.travellers, contact: rq.contact, hold: false, externalRef: rq.externalRef ?? null, channel: `ota:${inp.partnerId}`,
  });
  const reservations: string[] = [];
  for (const it of b.items) {
    const p = products.get(it.productId) ?? await inp.gateway.getProduct(inp.ctx, it.productId);
    const code = (await inp.gateway.listRatePlans(inp.ctx, it.productId)).find((r) => r.id === it.ratePlanId)?.code;
    reservations.push(groundReservationEl(b.locator, it, p, code, b.travellers));
  }
  return { body: reservations.join(''), locator: b.locator };
};

export const insuranceQuote: MessageHandler = async (inp) => {
  const plans = await readPlans(inp.root, 'OTA_InsuranceQuoteRQ', inp.resolver);
  const quoted: string[] = [];
  const warnings: OtaIssue[] = [];
  for (let i = 0; i < plans.length; i++) {
    const pl = plans[i];
    const p = await productOfKind(inp, pl.productId, 'insurance', pl.planCode, `${pl.tag}/@PlanID`);
    const [offer] = await inp.gateway.search(inp.ctx, { kind: 'insurance', productIds: [p.id], start: pl.start, guests: 1, quantity: pl.pilgrims });
    const pr = offer?.ratePlans[0];
    if (!pr) {
      warnings.push({ code: 'GW_SOLD_OUT', message: `Plan '${pl.planCode}' cannot cover ${pl.pilgrims} pilgrim(s) from ${pl.start}`, recordId: String(i + 1), tag: `${pl.tag}/@PlanID`, status: 'NotProcessed' });
      continue;
    }
    quoted.push(planQuoteEl(pl.planCode, p, pl.start, pr.total, pr.daily[0]?.amount ?? pr.total.amount));
  }
  // The 2015B RS needs at least one PlanForQuoteRS: when nothing could be quoted the answer is Errors.
  if (quoted.length === 0) return { body: '', failed: warnings };
  return { body: quoted.join(''), warnings };
};

export const insuranceBook: MessageHandler = async (inp) => {
  const plans = await readPlans(inp.root, 'OTA_InsuranceBookRQ', inp.resolver);
  const ext = senderRef(inp.root);
  const products = new Map<string, Product>();
  for (const pl of plans) products.set(pl.productId, await productOfKind(inp, pl.productId, 'insurance', pl.planCode, `${pl.tag}/@PlanID`));
  const travellers = plans.flatMap((pl) => pl.travellers).filter((t, i, all) => all.findIndex((x) => x.surname === t.surname && x.givenName === t.givenName && x.birthDate === t.birthDate) === i);
  const first = travellers[0];
  const b = await inp.gateway.book({ ...inp.ctx, idempotencyKey: key('insurance', 'book', ext ?? inp.h.echoToken) }, {
    items: plans.map((pl) => ({ productId: pl.productId, start: pl.start, quantity: pl.pilgrims, guests: 1 })),
    travellers, contact: first ? { name: `${first.givenName} ${first.surname}` } : null,
    hold: false, externalRef: ext ?? null, channel: `ota:${inp.partnerId}`,
  });
  const policies: string[] = [];
  for (let i = 0; i < b.items.length; i++) {
    const it = b.items[i];
    const p = products.get(it.productId) ?? await inp.gateway.getProduct(inp.ctx, it.productId);
    const code = (await inp.resolver.codeOfService(it.productId)) ?? plans[i]?.planCode ?? it.productId;
    policies.push(planBookEl(code, p, it, b.locator, b.externalRef, plans[i]?.travellers ?? b.travellers, b.createdAt.slice(0, 10)));
  }
  return { body: policies.join(''), locator: b.locator };
};
