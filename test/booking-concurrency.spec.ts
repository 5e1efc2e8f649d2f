import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { openWorld, type TestWorld } from './support/world';
import { isGatewayError } from '../core/errors';
import { addDays } from '../core/dates';

const PRODUCT = 'QCA-SAFWA-DBL';

forEachBackend('inventory under concurrency', (backend) => {
  let w: TestWorld;
  before(async () => { w = await openWorld(backend, { days: 3 }); });
  after(async () => { await w?.close(); });

  it('64 concurrent holds/confirms on 10 units: exactly 10 succeed, 54 get GW_SOLD_OUT, stock ends at 0 (20 rounds)', async function () {
    this.timeout(180_000);
    const ops = { actor: w.actor('MAQAM-OPS') };
    const agents = [w.actor('AG-NOOR'), w.actor('AG-BARAKA')];
    for (let round = 0; round < 20; round++) {
      const day = addDays(w.from, round % 2);
      await w.gateway.updateInventory(ops, { productId: PRODUCT, from: day, to: day, available: 10 });
      const before = (await w.store.getInventory(PRODUCT, day, day))[0];
      const count = async (table: string) => (await w.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
      const [bookingsBefore, itemsBefore, changesBefore] = [await count('bookings'), await count('booking_items'), await count('booking_changes')];
      const results = await Promise.allSettled(Array.from({ length: 64 }, async (_, i) => {
        const ctx = { actor: agents[i % 2] };
        const hold = i % 2 === 0;
        const b = await w.gateway.book(ctx, { hold, items: [{ productId: PRODUCT, start: day, end: addDays(day, 1), quantity: 1, guests: 2 }] });
        return hold ? w.gateway.confirm(ctx, b.locator) : b;
      }));
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(ok.length, 10, `round ${round}: ${ok.length} succeeded`);
      assert.equal(failed.length, 54);
      for (const f of failed) assert.ok(isGatewayError(f.reason) && f.reason.code === 'GW_SOLD_OUT', `round ${round}: ${f.reason}`);
      const after = (await w.store.getInventory(PRODUCT, day, day))[0];
      assert.equal(after.available, 0);
      assert.equal(after.held, before.held);
      assert.equal(after.sold, before.sold + 10);
      // A refused booking leaves nothing behind: no booking, item or booking-change row of it.
      assert.equal(await count('bookings'), bookingsBefore + 10);
      assert.equal(await count('booking_items'), itemsBefore + 10);
      // A direct book records one change; a hold records its hold and its confirm.
      const changes = results.reduce((n, r, i) => n + (r.status === 'fulfilled' ? (i % 2 === 0 ? 2 : 1) : 0), 0);
      assert.equal(await count('booking_changes'), changesBefore + changes);
    }
  });
});
