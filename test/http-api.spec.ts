import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { openServer, type TestServer } from './support/server';
import { addDays } from '../core/dates';

forEachBackend('JSON API', (backend) => {
  let s: TestServer;
  before(async () => { s = await openServer(backend, { days: 10 }); });
  after(async () => { await s?.close(); });

  const stay = () => ({ productId: 'QCA-AJYAD-TRP', start: addDays(s.from, 1), end: addDays(s.from, 3), quantity: 2, guests: 2 });
  const avail = async () => (await s.store.getInventory('QCA-AJYAD-TRP', addDays(s.from, 1), addDays(s.from, 2))).map((d) => d.available);

  it('GET /health reports the store without credentials', async () => {
    const r = await s.request('GET', '/health');
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'ok');
    assert.equal(r.json.store.kind, backend.name);
  });

  it('searches, books and retrieves over HTTP with the price of every night', async () => {
    const q = `/v1/availability?kind=hotel&city=QCA&start=${addDays(s.from, 1)}&end=${addDays(s.from, 3)}&guests=2&quantity=2`;
    const found = await s.request('GET', q, { as: 'AG-NOOR' });
    assert.equal(found.status, 200);
    const offer = found.json.offers.find((o: any) => o.product.id === 'QCA-AJYAD-TRP');
    assert.ok(offer, 'the Ajyad triple room is offered');
    assert.equal(offer.ratePlans[0].daily.length, 2);
    const before = await avail();
    const r = await s.request('POST', '/v1/bookings', { as: 'AG-NOOR', body: { hold: false, items: [stay()], travellers: [{ surname: 'RAHMAN', givenName: 'SITI', givenNameArabic: 'سيتي', nationality: 'IDN', gender: 'F' }] } });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.locator, /^[A-Z2-9]{6}$/);
    assert.equal(r.json.total.amount, offer.ratePlans[0].total.amount);
    assert.deepEqual(await avail(), before.map((a) => a - 2));
    const got = await s.request('GET', `/v1/bookings/${r.json.locator}`, { as: 'AG-NOOR' });
    assert.equal(got.json.travellers[0].givenNameArabic, 'سيتي');
  });

  it('replays an Idempotency-Key with the first answer, and refuses the key with another body', async () => {
    const before = await avail();
    const headers = { 'idempotency-key': `k-${Date.now()}` };
    const a = await s.request('POST', '/v1/bookings', { as: 'AG-NOOR', headers, body: { hold: true, items: [stay()] } });
    const b = await s.request('POST', '/v1/bookings', { as: 'AG-NOOR', headers, body: { hold: true, items: [stay()] } });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.json.locator, a.json.locator);
    assert.deepEqual(await avail(), before.map((x) => x - 2), 'stock taken once');
    const c = await s.request('POST', '/v1/bookings', { as: 'AG-NOOR', headers, body: { hold: true, items: [{ ...stay(), quantity: 1 }] } });
    assert.equal(c.status, 422);
    assert.equal(c.json.code, 'GW_IDEMPOTENCY_MISMATCH');
    assert.deepEqual(await avail(), before.map((x) => x - 2));
  });

  it("shows a provider only its own lines and their total; the seller and the operator see the whole package", async () => {
    const items = [
      { productId: 'QCA-SAFWA-DBL', start: addDays(s.from, 4), end: addDays(s.from, 6), quantity: 1, guests: 2 },
      { productId: 'MED-ANSAR-DBL', start: addDays(s.from, 6), end: addDays(s.from, 8), quantity: 1, guests: 2 },
    ];
    const travellers = [{ surname: 'MIX', givenName: 'AMINA' }];
    const r = await s.request('POST', '/v1/bookings', { as: 'AG-NOOR', body: { hold: false, items, travellers, contact: { phone: '+62 1' } } });
    assert.equal(r.status, 201, r.text);
    const [safwa, ansar] = r.json.items;
    const loc = r.json.locator;
    const asAnsar = await s.request('GET', `/v1/bookings/${loc}`, { as: 'MED-ANSAR' });
    assert.equal(asAnsar.status, 200);
    assert.deepEqual(asAnsar.json.items, [ansar], "Safwa's line is not shown to Ansar");
    assert.deepEqual(asAnsar.json.total, ansar.price, 'the total is that of its own lines');
    assert.deepEqual(asAnsar.json.travellers, r.json.travellers, 'the travellers it serves are kept');
    assert.equal(asAnsar.json.contact.phone, '+62 1');
    const listed = (await s.request('GET', '/v1/bookings?limit=500', { as: 'MED-ANSAR' })).json.find((b: any) => b.locator === loc);
    assert.deepEqual([listed.items, listed.total], [[ansar], ansar.price], 'the list shows the same');
    const asSafwa = await s.request('GET', `/v1/bookings/${loc}`, { as: 'QCA-SAFWA' });
    assert.deepEqual([asSafwa.json.items, asSafwa.json.total], [[safwa], safwa.price]);
    for (const who of ['AG-NOOR', 'MAQAM-OPS']) {
      const all = await s.request('GET', `/v1/bookings/${loc}`, { as: who });
      assert.deepEqual([all.json.items, all.json.total], [r.json.items, r.json.total], `${who} sees the whole package`);
    }
  });

  it('replays a confirm and a cancel whose locator is spelt in lower case the second time', async () => {
    const held = await s.request('POST', '/v1/bookings', { as: 'AG-NOOR', body: { hold: true, items: [{ ...stay(), quantity: 1 }] } });
    const loc: string = held.json.locator;
    for (const action of ['confirm', 'cancel']) {
      const headers = { 'idempotency-key': `${action}-${loc}` };
      const first = await s.request('POST', `/v1/bookings/${loc}/${action}`, { as: 'AG-NOOR', headers });
      assert.equal(first.status, 200, first.text);
      const again = await s.request('POST', `/v1/bookings/${loc.toLowerCase()}/${action}`, { as: 'AG-NOOR', headers });
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(again.json, first.json, 'the stored answer');
    }
  });

  describe('bad requests get a coded error and change nothing', () => {
    const cases: [string, () => Promise<{ status: number; json: any }>, number, string][] = [
      ['wrong types', () => s.request('POST', '/v1/bookings', { as: 'AG-NOOR', body: { hold: 'yes', items: [{ productId: 7, start: 'tomorrow', quantity: '2', guests: 2 }] } }), 400, 'GW_BAD_INPUT'],
      ['unknown product', () => s.request('POST', '/v1/bookings', { as: 'AG-NOOR', body: { hold: false, items: [{ ...stay(), productId: 'NOPE-1' }] } }), 404, 'GW_UNKNOWN_PRODUCT'],
      ['dates reversed', () => s.request('POST', '/v1/bookings', { as: 'AG-NOOR', body: { hold: false, items: [{ ...stay(), start: addDays(s.from, 3), end: addDays(s.from, 1) }] } }), 400, 'GW_BAD_DATES'],
      ['10 MB body', () => s.request('POST', '/v1/bookings', { as: 'AG-NOOR', raw: JSON.stringify({ hold: false, items: [stay()], pad: 'x'.repeat(10 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } }), 413, 'GW_PAYLOAD_TOO_LARGE'],
      ['unauthenticated', () => s.request('POST', '/v1/bookings', { body: { hold: false, items: [stay()] } }), 401, 'GW_UNAUTHORIZED'],
      ['wrong secret', () => s.request('POST', '/v1/bookings', { body: { hold: false, items: [stay()] }, headers: { authorization: 'Basic ' + Buffer.from('AG-NOOR:guess').toString('base64') } }), 401, 'GW_UNAUTHORIZED'],
      ["another provider's product", () => s.request('PUT', '/v1/products/QCA-AJYAD-TRP/inventory', { as: 'QCA-SAFWA', body: { from: s.from, to: addDays(s.from, 5), available: 0 } }), 403, 'GW_FORBIDDEN'],
      ['malformed JSON', () => s.request('POST', '/v1/bookings', { as: 'AG-NOOR', raw: '{"hold": fa', headers: { 'content-type': 'application/json' } }), 400, 'GW_BAD_INPUT'],
      ['not JSON', () => s.request('POST', '/v1/bookings', { as: 'AG-NOOR', raw: '<x/>', headers: { 'content-type': 'text/xml' } }), 415, 'GW_UNSUPPORTED_MEDIA'],
      ['a method the resource does not have', () => s.request('DELETE', '/v1/bookings', { as: 'AG-NOOR' }), 405, 'GW_METHOD_NOT_ALLOWED'],
      ['an unknown status filter', () => s.request('GET', '/v1/bookings?status=bogus', { as: 'AG-NOOR' }), 400, 'GW_BAD_INPUT'],
      ['a limit of 0', () => s.request('GET', '/v1/bookings?limit=0', { as: 'AG-NOOR' }), 400, 'GW_BAD_INPUT'],
      ['a limit that is not a number', () => s.request('GET', '/v1/bookings?limit=ten', { as: 'AG-NOOR' }), 400, 'GW_BAD_INPUT'],
      ['a limit above 500', () => s.request('GET', '/v1/bookings?limit=501', { as: 'AG-NOOR' }), 400, 'GW_BAD_INPUT'],
      ['a malformed percent-escape in the path', () => s.request('GET', '/v1/products/%ZZ', { as: 'AG-NOOR' }), 400, 'GW_BAD_INPUT'],
      ['a cut UTF-8 sequence in the path', () => s.request('POST', '/v1/bookings/%E0%A4%A/cancel', { as: 'AG-NOOR' }), 400, 'GW_BAD_INPUT'],
    ];
    for (const [name, send, status, code] of cases) {
      it(name, async () => {
        const before = await avail();
        const outboxBefore = (await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ari_outbox')).rows[0].n;
        const r = await send();
        assert.equal(r.status, status);
        assert.equal(r.json?.code, code);
        assert.equal(r.json.status, status, 'the problem document states the status it was sent with');
        assert.ok(r.json.detail, 'the error says what is wrong');
        assert.deepEqual(await avail(), before);
        const outboxAfter = (await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ari_outbox')).rows[0].n;
        assert.equal(outboxAfter, outboxBefore);
      });
    }
    it('a malformed percent-escape names the path, and an OTA partner gets it as OTA Errors', async () => {
      const r = await s.request('GET', '/v1/bookings/%E0%A4%A', { as: 'AG-NOOR' });
      assert.equal(r.json.detail, "the path /v1/bookings/%E0%A4%A is not valid percent-encoding: '%E0%A4%A' does not decode to UTF-8 text");
      const ota = await s.request('POST', '/ota/OTA_%ZZ', { as: 'QCA-SAFWA', raw: '<x/>', headers: { 'content-type': 'text/xml' } });
      assert.equal(ota.status, 400);
      assert.match(ota.text, /<OTA_ErrorRS [^>]*ErrorCode="GW_BAD_INPUT"[^>]*ErrorMessage="the path \/ota\/OTA_%ZZ is not valid percent-encoding/);
    });
    it("refuses a product or rate plan id under another provider's prefix, storing nothing; its own prefix is taken", async () => {
      const r = await s.request('POST', '/v1/products', { as: 'QCA-SAFWA', body: { code: 'SUITE', name: 'Suite', id: 'QCA-AJYAD-TRP2' } });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.code, 'GW_BAD_INPUT');
      assert.deepEqual(r.json.violations, [{ code: 'GW_BAD_INPUT', path: '/id', message: 'id QCA-AJYAD-TRP2 must start with QCA-SAFWA- (the provider\'s id), e.g. QCA-SAFWA-SUITE; leave it out to get that one' }]);
      assert.equal((await s.request('GET', '/v1/products/QCA-AJYAD-TRP2', { as: 'MAQAM-OPS' })).status, 404);
      const asOperator = await s.request('POST', '/v1/products', { as: 'MAQAM-OPS', body: { providerId: 'QCA-SAFWA', code: 'SUITE', name: 'Suite', id: 'QCA-AJYAD-TRP2' } });
      assert.equal(asOperator.json.code, 'GW_BAD_INPUT', 'the operator too names a product under its provider');
      const plan = await s.request('POST', '/v1/products/QCA-SAFWA-DBL/rate-plans', { as: 'QCA-SAFWA', body: { code: 'HB', name: 'Half board', id: 'QCA-AJYAD-TRP-HB' } });
      assert.equal(plan.status, 400);
      assert.equal(plan.json.violations[0].path, '/id');
      assert.equal((await s.request('GET', '/v1/products/QCA-SAFWA-DBL/rate-plans', { as: 'QCA-SAFWA' })).json.some((p: any) => p.id === 'QCA-AJYAD-TRP-HB'), false);
      const own = await s.request('POST', '/v1/products', { as: 'QCA-SAFWA', body: { code: 'SUITE', name: 'Suite', id: 'QCA-SAFWA-ROYAL-SUITE' } });
      assert.equal(own.status, 201, own.text);
      assert.equal(own.json.providerId, 'QCA-SAFWA');
    });
    it('says which booking filter is wrong, and a valid one still lists', async () => {
      const r = await s.request('GET', '/v1/bookings?status=bogus&limit=0', { as: 'AG-NOOR' });
      assert.deepEqual(r.json.violations.map((v: any) => [v.path, v.message]), [['/status', 'status must be one of held, confirmed, cancelled, expired'], ['/limit', 'limit must be between 1 and 500']]);
      const ok = await s.request('GET', '/v1/bookings?status=confirmed&limit=1', { as: 'AG-NOOR' });
      assert.equal(ok.status, 200);
      assert.equal(ok.json.length, 1);
      assert.equal(ok.json[0].status, 'confirmed');
    });
    it('names the methods a resource has (Allow) when another is used', async () => {
      const r = await s.request('PUT', '/edifact', { as: 'AG-NOOR', raw: 'x' });
      assert.equal(r.status, 405);
      assert.equal(r.headers.get('allow'), 'POST');
      assert.match(r.json.detail, /^PUT is not allowed on \/edifact; use POST$/);
      const b = await s.request('DELETE', '/v1/bookings', { as: 'AG-NOOR' });
      assert.equal(b.headers.get('allow'), 'GET, POST');
    });
    it('lists every violation with its path, not only the first', async () => {
      const r = await s.request('POST', '/v1/bookings', { as: 'AG-NOOR', body: { hold: 'yes', items: [{ productId: 7, start: 'tomorrow', quantity: '2', guests: 2 }] } });
      const paths = r.json.violations.map((v: any) => v.path).sort();
      assert.deepEqual(paths, ['/hold', '/items/0/productId', '/items/0/quantity', '/items/0/start']);
    });
  });
});
