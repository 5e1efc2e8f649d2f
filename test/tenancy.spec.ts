import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { openWorld, type TestWorld } from './support/world';
import { addDays } from '../core/dates';
import type { Ctx } from '../core/api';

/** Who may do what: every operation against every kind of caller. `ok` or the GW_ code expected. */
forEachBackend('tenant isolation matrix', (backend) => {
  let w: TestWorld;
  let locator: string;
  const P = 'MED-ANSAR-DBL';
  const RP = 'MED-ANSAR-DBL-BAR';
  before(async () => {
    w = await openWorld(backend, { days: 10 });
    const b = await w.gateway.book({ actor: w.actor('AG-NOOR') }, { hold: false, items: [{ productId: P, start: addDays(w.from, 1), end: addDays(w.from, 2), quantity: 1, guests: 1 }] });
    locator = b.locator;
    await w.gateway.createProduct({ actor: w.actor('MED-ANSAR') }, { code: 'STAFF', name: 'Staff rooms, not for sale to agents', public: false });
  });
  after(async () => { await w?.close(); });

  const callers = ['MAQAM-OPS', 'MED-ANSAR', 'QCA-SAFWA', 'AG-NOOR', 'AG-BARAKA'] as const;
  const day = () => addDays(w.from, 3);
  const ops: [string, (c: Ctx) => Promise<unknown>, Record<(typeof callers)[number], string>][] = [
    ['update inventory of MED-ANSAR', (c) => w.gateway.updateInventory(c, { productId: P, from: day(), to: day(), minLos: 1 }),
      { 'MAQAM-OPS': 'ok', 'MED-ANSAR': 'ok', 'QCA-SAFWA': 'GW_FORBIDDEN', 'AG-NOOR': 'GW_FORBIDDEN', 'AG-BARAKA': 'GW_FORBIDDEN' }],
    ['update rates of MED-ANSAR', (c) => w.gateway.updateRates(c, { ratePlanId: RP, from: day(), to: day(), amounts: { '1': '500.00' } }),
      { 'MAQAM-OPS': 'ok', 'MED-ANSAR': 'ok', 'QCA-SAFWA': 'GW_FORBIDDEN', 'AG-NOOR': 'GW_FORBIDDEN', 'AG-BARAKA': 'GW_FORBIDDEN' }],
    ['read inventory of MED-ANSAR', (c) => w.gateway.getInventory(c, P, day(), day()),
      { 'MAQAM-OPS': 'ok', 'MED-ANSAR': 'ok', 'QCA-SAFWA': 'GW_FORBIDDEN', 'AG-NOOR': 'GW_FORBIDDEN', 'AG-BARAKA': 'GW_FORBIDDEN' }],
    ['create a rate plan on MED-ANSAR', (c) => w.gateway.createRatePlan(c, { productId: P, code: `X${Math.random().toString(36).slice(2, 8)}`, name: 'x' }),
      { 'MAQAM-OPS': 'ok', 'MED-ANSAR': 'ok', 'QCA-SAFWA': 'GW_FORBIDDEN', 'AG-NOOR': 'GW_FORBIDDEN', 'AG-BARAKA': 'GW_FORBIDDEN' }],
    ["retrieve AG-NOOR's booking", (c) => w.gateway.retrieve(c, locator),
      { 'MAQAM-OPS': 'ok', 'MED-ANSAR': 'ok', 'QCA-SAFWA': 'GW_UNKNOWN_BOOKING', 'AG-NOOR': 'ok', 'AG-BARAKA': 'GW_UNKNOWN_BOOKING' }],
    ["confirm AG-NOOR's booking", (c) => w.gateway.confirm(c, locator),
      { 'MAQAM-OPS': 'ok', 'MED-ANSAR': 'GW_FORBIDDEN', 'QCA-SAFWA': 'GW_UNKNOWN_BOOKING', 'AG-NOOR': 'ok', 'AG-BARAKA': 'GW_UNKNOWN_BOOKING' }],
    ['book a public product', (c) => w.gateway.book(c, { hold: true, items: [{ productId: P, start: day(), end: addDays(day(), 1), quantity: 1, guests: 1 }] }),
      { 'MAQAM-OPS': 'ok', 'MED-ANSAR': 'GW_FORBIDDEN', 'QCA-SAFWA': 'GW_FORBIDDEN', 'AG-NOOR': 'ok', 'AG-BARAKA': 'ok' }],
    ["see MED-ANSAR's private product", (c) => w.gateway.getProduct(c, 'MED-ANSAR-STAFF'),
      { 'MAQAM-OPS': 'ok', 'MED-ANSAR': 'ok', 'QCA-SAFWA': 'GW_UNKNOWN_PRODUCT', 'AG-NOOR': 'GW_UNKNOWN_PRODUCT', 'AG-BARAKA': 'GW_UNKNOWN_PRODUCT' }],
    ['create a product for MED-ANSAR', (c) => w.gateway.createProduct(c, { providerId: 'MED-ANSAR', code: `R${Math.random().toString(36).slice(2, 8)}`, name: 'Suite' }),
      { 'MAQAM-OPS': 'ok', 'MED-ANSAR': 'ok', 'QCA-SAFWA': 'GW_FORBIDDEN', 'AG-NOOR': 'GW_FORBIDDEN', 'AG-BARAKA': 'GW_FORBIDDEN' }],
  ];

  for (const [name, op, expected] of ops) {
    for (const caller of callers) {
      it(`${name} as ${caller} → ${expected[caller]}`, async () => {
        let got = 'ok';
        try { await op({ actor: w.actor(caller) }); } catch (e) { got = (e as { code?: string }).code ?? String(e); }
        assert.equal(got, expected[caller]);
      });
    }
  }

  it('lists only what each caller may see', async () => {
    const list = async (id: string) => (await w.gateway.listBookings({ actor: w.actor(id) })).map((b) => b.locator);
    assert.ok((await list('AG-NOOR')).includes(locator));
    assert.ok(!(await list('AG-BARAKA')).includes(locator));
    assert.ok((await list('MED-ANSAR')).includes(locator));
    assert.ok(!(await list('QCA-SAFWA')).includes(locator));
    const agentProducts = (await w.gateway.listProducts({ actor: w.actor('AG-NOOR') })).map((p) => p.id);
    assert.ok(!agentProducts.includes('MED-ANSAR-STAFF'));
    const providerProducts = (await w.gateway.listProducts({ actor: w.actor('MED-ANSAR') })).map((p) => p.id);
    assert.ok(providerProducts.includes('MED-ANSAR-STAFF') && providerProducts.every((id) => id.startsWith('MED-ANSAR-')));
  });
});
