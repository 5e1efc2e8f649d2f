import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { openServer, type TestServer } from './support/server';
import { openWorld, type TestWorld } from './support/world';
import { addDays, hubToday } from '../core/dates';
import type { GatewayError } from '../core/errors';
import type { Ctx } from '../core/api';

async function refused(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (e) {
    assert.equal((e as GatewayError).code, 'GW_BAD_DATES', String(e));
    return e as GatewayError;
  }
  assert.fail('expected GW_BAD_DATES');
}

/** No stay may start before today where the services are, Makkah and Madinah (Asia/Riyadh, UTC+3). */
forEachBackend('no stay starts in the past', (backend) => {
  describe('over HTTP', () => {
    let s: TestServer;
    before(async () => { s = await openServer(backend, { days: 5 }); });
    after(async () => { await s?.close(); });
    const yesterday = () => addDays(s.from, -1);
    const room = (start: string) => ({ productId: 'QCA-SAFWA-DBL', start, end: addDays(start, 1), quantity: 1, guests: 2 });
    const stock = async () => (await s.store.getInventory('QCA-SAFWA-DBL', yesterday(), s.from)).map((d) => [d.day, d.sold, d.held]);
    const count = async () => (await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM bookings')).rows[0].n;

    it('refuses a booking, a hold and a search starting yesterday with GW_BAD_DATES, even where stock and rates are loaded', async () => {
      // a property system may well load its past days (a correction of its history)
      assert.equal((await s.request('PUT', '/v1/products/QCA-SAFWA-DBL/inventory', { as: 'QCA-SAFWA', body: { from: yesterday(), to: yesterday(), allotment: 10 } })).status, 200);
      assert.equal((await s.request('PUT', '/v1/rate-plans/QCA-SAFWA-DBL-BAR/rates', { as: 'QCA-SAFWA', body: { from: yesterday(), to: yesterday(), amounts: { 2: '500' } } })).status, 200);
      const [before, bookings] = [await stock(), await count()];
      for (const hold of [false, true]) {
        const r = await s.request('POST', '/v1/bookings', { as: 'AG-NOOR', body: { hold, items: [room(yesterday())] } });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.code, 'GW_BAD_DATES');
        assert.equal(r.json.detail, `start ${yesterday()} is in the past: today is ${s.from} in Makkah and Madinah (Asia/Riyadh)`);
        assert.deepEqual(r.json.violations.map((v: any) => v.path), ['/items/0/start']);
      }
      const found = await s.request('GET', `/v1/availability?kind=hotel&city=QCA&start=${yesterday()}&end=${s.from}&guests=2`, { as: 'AG-NOOR' });
      assert.equal(found.status, 400);
      assert.equal(found.json.code, 'GW_BAD_DATES');
      assert.match(found.json.detail, new RegExp(`start ${yesterday()} is in the past \\(today is ${s.from} in Makkah and Madinah`));
      assert.deepEqual(await stock(), before, 'no stock moved');
      assert.equal(await count(), bookings, 'nothing stored');
      const today = await s.request('POST', '/v1/bookings', { as: 'AG-NOOR', body: { hold: false, items: [room(s.from)] } });
      assert.equal(today.status, 201, 'a stay starting today is sold');
      const moved = await s.request('POST', `/v1/bookings/${today.json.locator}/modify`, { as: 'AG-NOOR', body: { items: [room(yesterday())] } });
      assert.equal(moved.status, 400);
      assert.equal(moved.json.code, 'GW_BAD_DATES');
      assert.deepEqual((await s.request('GET', `/v1/bookings/${today.json.locator}`, { as: 'AG-NOOR' })).json.items.map((i: any) => i.start), [s.from]);
    });
    it('refuses a traveller born after today (GW_BAD_DATES at the birth date) and sells nothing', async () => {
      const [before, bookings] = [await stock(), await count()];
      const traveller = (birthDate: string) => ({ surname: 'HASAN', givenName: 'AHMAD', birthDate });
      const r = await s.request('POST', '/v1/bookings', { as: 'AG-NOOR', body: { hold: false, items: [room(s.from)], travellers: [traveller(addDays(s.from, 1))] } });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.code, 'GW_BAD_DATES');
      assert.deepEqual(r.json.violations.map((v: any) => [v.path, v.message]), [['/travellers/0/birthDate', `birthDate ${addDays(s.from, 1)} is after today (${s.from})`]]);
      assert.equal(await count(), bookings, 'nothing stored');
      assert.deepEqual(await stock(), before, 'no stock moved');
      const born = await s.request('POST', '/v1/bookings', { as: 'AG-NOOR', body: { hold: true, items: [room(s.from)], travellers: [traveller(s.from)] } });
      assert.equal(born.status, 201, 'a baby born today travels');
    });
  });

  describe('in core, on Makkah time', () => {
    // The first seeded day D-1 at 21:30 UTC is already 00:30 on D in Makkah.
    const D = addDays(hubToday(new Date()), 1);
    let t = Date.parse(`${addDays(D, -1)}T21:30:00Z`);
    const clock = { now: () => new Date(t) };
    let w: TestWorld;
    const noor = (): Ctx => ({ actor: w.actor('AG-NOOR') });
    const P = 'MED-ANSAR-DBL';
    const stay = (start: string, end: string, quantity = 1) => ({ productId: P, start, end, quantity, guests: 2 });
    const sold = async () => (await w.store.getInventory(P, D, addDays(D, 4))).map((d) => d.sold);
    before(async () => { w = await openWorld(backend, { from: addDays(D, -1), days: 10, clock }); });
    after(async () => { await w?.close(); });

    it("takes Makkah's date, not UTC's: at 21:30 UTC the UTC date is already past", async () => {
      const e = await refused(w.gateway.book(noor(), { hold: true, items: [stay(addDays(D, -1), D)] }));
      assert.match(e.message, new RegExp(`today is ${D} in Makkah`));
      await refused(w.gateway.search(noor(), { kind: 'hotel', city: 'MED', start: addDays(D, -1), end: D, guests: 2, quantity: 1 }));
      assert.equal((await w.gateway.search(noor(), { kind: 'hotel', city: 'MED', start: D, end: addDays(D, 1), guests: 2, quantity: 1 })).length, 1);
    });

    it('lets a stay in progress be modified from today on, never its nights before today', async () => {
      const b = await w.gateway.book(noor(), { hold: false, items: [stay(D, addDays(D, 3))] });
      t += 2 * 86_400_000; // two nights later: today is D+2
      const coach = { productId: 'SAPTCO-MED-APT', start: addDays(D, 3), quantity: 1, guests: 1 };
      const extended = await w.gateway.modify(noor(), b.locator, { items: [stay(D, addDays(D, 4)), coach] });
      assert.deepEqual(extended.items.map((i) => [i.start, i.end]), [[D, addDays(D, 4)], [addDays(D, 3), addDays(D, 4)]]);
      assert.deepEqual(await sold(), [1, 1, 1, 1, 0]);
      for (const [change, why] of [
        [stay(addDays(D, 1), addDays(D, 4)), 'moved into the past'],
        [stay(D, addDays(D, 4), 2), 'a second room for nights gone'],
        [stay(D, addDays(D, 1)), 'a night gone given back'],
      ] as const) {
        const e = await refused(w.gateway.modify(noor(), b.locator, { items: [change] }));
        assert.equal(e.message, `start ${change.start} is in the past: today is ${addDays(D, 2)} in Makkah and Madinah (Asia/Riyadh); a stay already begun may only be changed from today on`, why);
        assert.deepEqual(await sold(), [1, 1, 1, 1, 0], why);
      }
      const shortened = await w.gateway.modify(noor(), b.locator, { items: [stay(D, addDays(D, 2))] });
      assert.deepEqual(shortened.items.map((i) => i.end), [addDays(D, 2)], 'checking out today keeps every night gone');
      assert.deepEqual(await sold(), [1, 1, 0, 0, 0]);
      await refused(w.gateway.book(noor(), { hold: false, items: [stay(D, addDays(D, 3))] }));
    });
  });
});
