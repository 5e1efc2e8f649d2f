import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { openWorld, type TestWorld } from './support/world';
import { addDays } from '../core/dates';
import type { GatewayError } from '../core/errors';
import { createGateway } from '../core/gateway';
import { createStore } from '../adapters/postgres/store';

/** A clock the test moves forward. */
function manualClock() {
  let t = Date.now();
  return { now: () => new Date(t), advance(sec: number) { t += sec * 1000; } };
}

async function rejects(p: Promise<unknown>, code: string): Promise<GatewayError> {
  try {
    await p;
  } catch (e) {
    assert.equal((e as GatewayError).code, code, String(e));
    return e as GatewayError;
  }
  assert.fail(`expected ${code}`);
}

forEachBackend('booking lifecycle', (backend) => {
  const clock = manualClock();
  let w: TestWorld;
  const P = 'MED-ANSAR-DBL';
  const noor = () => ({ actor: w.actor('AG-NOOR') });
  const left = async (from: number, to: number) => (await w.store.getInventory(P, addDays(w.from, from), addDays(w.from, to))).map((d) => d.available);
  const item = (from: number, to: number, quantity = 1) => ({ productId: P, start: addDays(w.from, from), end: addDays(w.from, to), quantity, guests: 2 });

  before(async () => { w = await openWorld(backend, { days: 20, clock, holdSeconds: 600 }); });
  after(async () => { await w?.close(); });

  it('a hold takes stock, and expires by itself after its time, returning the stock', async () => {
    const before = await left(1, 3);
    const b = await w.gateway.book(noor(), { hold: true, items: [item(1, 4, 3)] });
    assert.equal(b.status, 'held');
    assert.deepEqual(await left(1, 3), before.map((x) => x - 3));
    clock.advance(599);
    assert.equal(await w.gateway.expireHolds(), 0);
    clock.advance(2);
    assert.equal(await w.gateway.expireHolds(), 1);
    assert.deepEqual(await left(1, 3), before);
    const got = await w.gateway.retrieve(noor(), b.locator);
    assert.equal(got.status, 'expired');
    assert.deepEqual(got.history.map((h) => h.action), ['hold', 'expire']);
    await rejects(w.gateway.confirm(noor(), b.locator), 'GW_HOLD_EXPIRED');
  });

  it('confirming a hold past its time (before the sweeper ran) refuses and releases the stock', async () => {
    const before = await left(1, 3);
    const b = await w.gateway.book(noor(), { hold: true, items: [item(1, 4)] });
    clock.advance(601);
    await rejects(w.gateway.confirm(noor(), b.locator), 'GW_HOLD_EXPIRED');
    assert.deepEqual(await left(1, 3), before);
  });

  it('a crash between hold and confirm never leaves stock held forever', async () => {
    // A second gateway over the same store stands for the process that restarted after the crash.
    const before = await left(5, 6);
    const crashed = createGateway({ store: createStore(w.db), clock, booking: { holdSeconds: 60 } });
    await crashed.book(noor(), { hold: true, items: [item(5, 7, 2)] });
    assert.deepEqual(await left(5, 6), before.map((x) => x - 2));
    clock.advance(61);
    const restarted = createGateway({ store: createStore(w.db), clock });
    assert.equal(await restarted.expireHolds(), 1);
    assert.deepEqual(await left(5, 6), before);
  });

  it('cancel returns the stock of a confirmed booking; a second cancel changes nothing', async () => {
    const before = await left(2, 2);
    const b = await w.gateway.book(noor(), { hold: false, items: [item(2, 3, 4)] });
    assert.deepEqual(await left(2, 2), [before[0] - 4]);
    const c = await w.gateway.cancel(noor(), b.locator);
    assert.equal(c.status, 'cancelled');
    assert.deepEqual(await left(2, 2), before);
    await w.gateway.cancel(noor(), b.locator);
    assert.deepEqual(await left(2, 2), before);
  });

  it('modify moves the stock atomically, and a modify that cannot be served leaves the old booking whole', async () => {
    const b = await w.gateway.book(noor(), { hold: false, items: [item(8, 10, 2)] });
    const mid = await left(8, 12);
    const m = await w.gateway.modify(noor(), b.locator, { items: [item(9, 12, 2)] });
    assert.equal(m.items[0].start, addDays(w.from, 9));
    const after = await left(8, 12);
    // night 8 released, nights 9 kept (net zero), 10-11 taken
    assert.deepEqual(after, [mid[0] + 2, mid[1], mid[2] - 2, mid[3] - 2, mid[4]]);
    await w.gateway.updateInventory({ actor: w.actor('MAQAM-OPS') }, { productId: P, from: addDays(w.from, 13), to: addDays(w.from, 13), available: 1 });
    await rejects(w.gateway.modify(noor(), b.locator, { items: [item(9, 14, 2)] }), 'GW_SOLD_OUT');
    assert.deepEqual(await left(8, 12), after, 'nothing moved');
    assert.equal((await w.gateway.retrieve(noor(), b.locator)).items[0].end, addDays(w.from, 12));
  });

  it('refuses stays that break restrictions, listing every one', async () => {
    const ops = { actor: w.actor('MAQAM-OPS') };
    await w.gateway.updateInventory(ops, { productId: P, from: addDays(w.from, 15), to: addDays(w.from, 15), closedToArrival: true, minLos: 3 });
    const e = await rejects(w.gateway.book(noor(), { hold: false, items: [item(15, 16)] }), 'GW_RESTRICTED');
    assert.equal(e.violations.length, 2);
    await w.gateway.updateInventory(ops, { productId: P, from: addDays(w.from, 16), to: addDays(w.from, 16), stopSell: true });
    await rejects(w.gateway.book(noor(), { hold: false, items: [item(16, 17)] }), 'GW_RESTRICTED');
    const offers = await w.gateway.search(noor(), { kind: 'hotel', city: 'MED', start: addDays(w.from, 16), end: addDays(w.from, 17), guests: 2, quantity: 1 });
    assert.equal(offers.find((o) => o.product.id === P), undefined, 'a stop-sold product is not offered');
  });

  it('every change of availability or rates writes an outbox row with a growing per-key sequence', async () => {
    const day = addDays(w.from, 18);
    const rows = async () => (await w.db.query<{ seq: number; state: any; kind: string }>(`SELECT seq, state, kind FROM ari_outbox WHERE product_id = $1 AND day = $2 ORDER BY id`, [P, day])).rows;
    const n0 = (await rows()).length;
    await w.gateway.updateInventory({ actor: w.actor('MED-ANSAR') }, { productId: P, from: day, to: day, available: 7 });
    await w.gateway.updateInventory({ actor: w.actor('MED-ANSAR') }, { productId: P, from: day, to: day, available: 7 });
    const b = await w.gateway.book(noor(), { hold: true, items: [item(18, 19)] });
    await w.gateway.confirm(noor(), b.locator);
    await w.gateway.updateRates({ actor: w.actor('MED-ANSAR') }, { ratePlanId: 'MED-ANSAR-DBL-BAR', from: day, to: day, amounts: { '2': '999.00' } });
    const r = (await rows()).slice(n0);
    const avail = r.filter((x) => x.kind === 'availability');
    assert.deepEqual(avail.map((x) => x.state.available), [7, 6], 'unchanged values and a confirm (no availability change) write nothing');
    assert.ok(avail[1].seq > avail[0].seq);
    const rate = r.filter((x) => x.kind === 'rate');
    assert.equal(rate.length, 1);
    assert.equal(rate[0].state.amounts['2'], '999.00');
  });

  it('concurrent duplicates under one idempotency key make one booking and all get its answer', async () => {
    const before = await left(3, 3);
    const ctx = { actor: w.actor('AG-NOOR'), idempotencyKey: `dup-${Math.random()}` };
    const all = await Promise.all(Array.from({ length: 12 }, () => w.gateway.book(ctx, { hold: false, items: [item(3, 4, 2)] })));
    assert.equal(new Set(all.map((b) => b.locator)).size, 1);
    assert.deepEqual(await left(3, 3), [before[0] - 2]);
    const sameKeyOtherBody = w.gateway.book(ctx, { hold: false, items: [item(3, 4, 1)] });
    await rejects(sameKeyOtherBody, 'GW_IDEMPOTENCY_MISMATCH');
  });

  it('a refused request replays as the same refusal under its key', async () => {
    const ctx = { actor: w.actor('AG-NOOR'), idempotencyKey: `no-${Math.random()}` };
    const day = (await w.store.getInventory(P, addDays(w.from, 4), addDays(w.from, 4)))[0];
    await rejects(w.gateway.book(ctx, { hold: false, items: [item(4, 5, day.available + 1)] }), 'GW_SOLD_OUT');
    await rejects(w.gateway.book(ctx, { hold: false, items: [item(4, 5, day.available + 1)] }), 'GW_SOLD_OUT');
  });

  it('records a booking change for every status or items change, naming old and new providers', async () => {
    const changes = async (locator: string) => (await w.db.query<{ action: string; status: string; providers: string[] }>(
      'SELECT action, status, providers FROM booking_changes WHERE locator = $1 ORDER BY id', [locator])).rows;
    const b = await w.gateway.book(noor(), { hold: true, items: [item(6, 7)] });
    await w.gateway.confirm(noor(), b.locator);
    await w.gateway.modify(noor(), b.locator, { items: [{ productId: 'QCA-AJYAD-TRP', start: addDays(w.from, 6), end: addDays(w.from, 7), quantity: 1, guests: 2 }] });
    await w.gateway.cancel(noor(), b.locator);
    assert.deepEqual(await changes(b.locator), [
      { action: 'hold', status: 'held', providers: ['MED-ANSAR'] },
      { action: 'confirm', status: 'confirmed', providers: ['MED-ANSAR'] },
      { action: 'modify', status: 'confirmed', providers: ['MED-ANSAR', 'QCA-AJYAD'] },
      { action: 'cancel', status: 'cancelled', providers: ['QCA-AJYAD'] },
    ]);
    const failed = await w.db.query<{ n: number }>('SELECT count(*)::int AS n FROM booking_changes');
    await rejects(w.gateway.book(noor(), { hold: false, items: [item(6, 7, 400)] }), 'GW_SOLD_OUT');
    assert.equal((await w.db.query<{ n: number }>('SELECT count(*)::int AS n FROM booking_changes')).rows[0].n, failed.rows[0].n, 'a refused booking records nothing');
  });

  it('refuses to set an allotment below what is sold and held', async () => {
    const day = addDays(w.from, 19);
    await w.gateway.book(noor(), { hold: false, items: [item(19, 20, 5)] });
    const inv = (await w.store.getInventory(P, day, day))[0];
    await rejects(w.gateway.updateInventory({ actor: w.actor('MED-ANSAR') }, { productId: P, from: day, to: day, allotment: inv.sold + inv.held - 1 }), 'GW_BELOW_COMMITTED');
    assert.deepEqual((await w.store.getInventory(P, day, day))[0], inv);
  });
});
