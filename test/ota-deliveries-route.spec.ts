import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { openOtaWorld, type OtaWorld } from './support/ota-world';

forEachBackend('GET /ota/deliveries', (backend) => {
  let o: OtaWorld;
  before(async () => { o = await openOtaWorld(backend, { days: 3 }); });
  after(async () => { await o.close(); });
  const get = async (query: string) => {
    const auth = Buffer.from(`MAQAM-OPS:${o.w.secret('MAQAM-OPS')}`).toString('base64');
    const res = await fetch(`${o.base}/ota/deliveries${query}`, { headers: { authorization: `Basic ${auth}` } });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.json() as Record<string, unknown> };
  };

  it('answers a bad limit with 400 problem+json naming it, and lists with a good one', async () => {
    for (const limit of ['-1', '0', 'abc', '2.5', '']) {
      const r = await get(`?limit=${limit}`);
      assert.equal(r.status, 400, `limit=${limit}`);
      assert.match(r.type, /application\/problem\+json/);
      assert.equal(r.body.code, 'GW_BAD_INPUT');
      assert.deepEqual((r.body.violations as { path: string }[]).map((v) => v.path), ['/limit']);
    }
    for (const q of ['', '?limit=1', '?limit=5000']) {
      const r = await get(q);
      assert.equal(r.status, 200, q);
      assert.ok(Array.isArray(r.body.deliveries));
    }
  });
});
