/**
 * The shopping cache never hides a change for longer than documented (core/search-cache.ts): a change made
 * through this gateway (ARI, booking, cancellation, expired hold) shows in the very next search; a change
 * made by another gateway process shows once the outbox feed is read (after FEED_POLL_MS), and no answer
 * outlives TTL_MS.
 */
import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { openWorld, type TestWorld } from './support/world';
import { addDays } from '../core/dates';
import { createGateway } from '../core/gateway';
import { FEED_POLL_MS, TTL_MS } from '../core/search-cache';
import { createStore } from '../adapters/postgres/store';
import type { Actor } from '../core/model';

function manualClock() {
  let t = Date.now();
  return { now: () => new Date(t), advance(ms: number) { t += ms; } };
}

forEachBackend('shopping cache', (backend) => {
  const clock = manualClock();
  let w: TestWorld;
  const P = 'MED-ANSAR-DBL';
  const noor = () => ({ actor: w.actor('AG-NOOR') });
  const ops = () => ({ actor: w.actor('MAQAM-OPS') });
  const query = (from: number, to: number) => ({ kind: 'hotel' as const, providerId: 'MED-ANSAR', start: addDays(w.from, from), end: addDays(w.from, to), guests: 2, quantity: 1 });
  /** Rooms of P on offer to AG-NOOR for the stay, or 0 when P is not offered. */
  const offered = async (g: Pick<TestWorld['gateway'], 'search'>, from: number, to: number) =>
    (await g.search(noor(), query(from, to))).find((o) => o.product.id === P)?.available ?? 0;

  before(async () => { w = await openWorld(backend, { days: 20, clock, holdSeconds: 600 }); });
  after(async () => { await w?.close(); });

  it('an ARI change through the gateway shows in the next search', async () => {
    const before = await offered(w.gateway, 2, 5);
    assert.ok(before > 5);
    assert.equal(await offered(w.gateway, 2, 5), before); // answered from the cache
    await w.gateway.updateInventory(ops(), { productId: P, from: addDays(w.from, 3), to: addDays(w.from, 3), allotment: 5 });
    assert.equal(await offered(w.gateway, 2, 5), 5);
    await w.gateway.updateInventory(ops(), { productId: P, from: addDays(w.from, 3), to: addDays(w.from, 3), stopSell: true });
    assert.equal(await offered(w.gateway, 2, 5), 0);
    assert.ok(await offered(w.gateway, 5, 7) > 5, 'a stay not touching the changed day is still offered');
  });

  it('a rate change through the gateway shows in the next search', async () => {
    const price = async () => (await w.gateway.search(noor(), query(8, 9))).find((o) => o.product.id === P)!.ratePlans[0];
    const rp = await price();
    await w.gateway.updateRates(ops(), { ratePlanId: rp.ratePlan.id, from: addDays(w.from, 8), to: addDays(w.from, 8), amounts: { 2: '777.00' } });
    assert.equal((await price()).total.amount, '777.00');
  });

  it('a booking, its cancellation and an expired hold show in the next search', async () => {
    const before = await offered(w.gateway, 10, 12);
    const item = { productId: P, start: addDays(w.from, 10), end: addDays(w.from, 12), quantity: 3, guests: 2 };
    const b = await w.gateway.book(noor(), { hold: false, items: [item] });
    assert.equal(await offered(w.gateway, 10, 12), before - 3);
    await w.gateway.cancel(noor(), b.locator);
    assert.equal(await offered(w.gateway, 10, 12), before);
    await w.gateway.book(noor(), { hold: true, items: [item] });
    assert.equal(await offered(w.gateway, 10, 12), before - 3);
    clock.advance(601_000);
    assert.equal(await w.gateway.expireHolds(), 1);
    assert.equal(await offered(w.gateway, 10, 12), before);
  });

  it("another process's booking shows once the outbox feed is read", async () => {
    const other = createGateway({ store: createStore(w.db), clock });
    const before = await offered(w.gateway, 14, 16);
    await other.book(noor(), { hold: false, items: [{ productId: P, start: addDays(w.from, 14), end: addDays(w.from, 16), quantity: 2, guests: 2 }] });
    assert.equal(await offered(w.gateway, 14, 16), before, 'within FEED_POLL_MS the cached answer stands');
    clock.advance(FEED_POLL_MS);
    assert.equal(await offered(w.gateway, 14, 16), before - 2);
  });

  it('a change the outbox feed never carries is seen after TTL_MS', async () => {
    const before = await offered(w.gateway, 16, 17);
    // Stands for an outbox row committed out of id order, which the feed may skip.
    await w.db.query('UPDATE inventory SET allotment = allotment - 4 WHERE product_id = $1 AND day = $2', [P, addDays(w.from, 16)]);
    clock.advance(FEED_POLL_MS);
    assert.equal(await offered(w.gateway, 16, 17), before);
    clock.advance(TTL_MS);
    assert.equal(await offered(w.gateway, 16, 17), before - 4);
  });

  it("a provider's private product never reaches a seller through a cached answer", async () => {
    const ansar = { actor: w.actor('MED-ANSAR') };
    const priv = await w.gateway.createProduct(ansar, { code: 'STAFF', name: 'Staff room', public: false, maxGuests: 2 });
    await w.gateway.updateInventory(ansar, { productId: priv.id, from: addDays(w.from, 6), to: addDays(w.from, 7), allotment: 3 });
    await w.gateway.createRatePlan(ansar, { productId: priv.id, code: 'BAR', name: 'Staff rate' });
    await w.gateway.updateRates(ansar, { ratePlanId: `${priv.id}-BAR`, from: addDays(w.from, 6), to: addDays(w.from, 7), amounts: { 2: '100.00' } });
    const ids = async (ctx: { actor: Actor }) => (await w.gateway.search(ctx, query(6, 7))).map((o) => o.product.id);
    assert.ok((await ids(ansar)).includes(priv.id));
    assert.ok(!(await ids(noor())).includes(priv.id));
    assert.ok(!(await ids({ actor: w.actor('AG-BARAKA') })).includes(priv.id));
    assert.ok((await ids(ops())).includes(priv.id));
  });

  it('a city search learns of a product that had no stock when it was cached', async () => {
    const city = { kind: 'hotel' as const, city: 'MED', start: addDays(w.from, 18), end: addDays(w.from, 19), guests: 2, quantity: 1 };
    await w.gateway.updateInventory(ops(), { productId: P, from: addDays(w.from, 18), to: addDays(w.from, 18), allotment: 0 });
    assert.equal((await w.gateway.search(noor(), city)).some((o) => o.product.id === P), false);
    await w.gateway.updateInventory(ops(), { productId: P, from: addDays(w.from, 18), to: addDays(w.from, 18), allotment: 7 });
    assert.equal((await w.gateway.search(noor(), city)).find((o) => o.product.id === P)?.available, 7);
  });
});
