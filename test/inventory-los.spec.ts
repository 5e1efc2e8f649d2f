import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { openServer, type TestServer } from './support/server';
import { openOtaWorld, pos, OTA_NS, type OtaWorld } from './support/ota-world';
import { assertValidOta } from './support/ota-xsd';
import { addDays } from '../core/dates';

/** A day's minimum length of stay never ends above its maximum, whichever updates set them. */
forEachBackend('minimum and maximum length of stay kept consistent', (backend) => {
  describe('JSON API', () => {
    let s: TestServer;
    before(async () => { s = await openServer(backend, { days: 10 }); });
    after(async () => { await s?.close(); });
    const put = (body: Record<string, unknown>) => s.request('PUT', '/v1/products/QCA-SAFWA-DBL/inventory', { as: 'QCA-SAFWA', body });
    const los = async (from: string, to: string) => (await s.store.getInventory('QCA-SAFWA-DBL', from, to)).map((d) => [d.day, d.minLos, d.maxLos]);
    const outbox = async () => (await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ari_outbox')).rows[0].n;

    for (const [first, second, stored] of [
      [{ minLos: 5 }, { maxLos: 2 }, [5, null]],
      [{ maxLos: 2 }, { minLos: 5 }, [null, 2]],
    ] as const) {
      it(`refuses ${JSON.stringify(second)} over a stored ${JSON.stringify(first)}, naming the days, and stores nothing of it`, async () => {
        const a = addDays(s.from, first.minLos ? 4 : 6);
        const b = addDays(a, 1);
        assert.equal((await put({ from: a, to: b, ...first })).status, 200);
        const before = [await los(a, b), await outbox()];
        // the first day also takes a larger maximum: the whole record is refused, that day too
        const r = await put({ from: a, to: addDays(b, 1), ...second });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.code, 'GW_BAD_INPUT');
        assert.equal(r.json.detail, `QCA-SAFWA-DBL: the minimum stay would be above the maximum on ${a} (minLos 5 > maxLos 2), ${b} (minLos 5 > maxLos 2); set both together or clear one`);
        assert.deepEqual(r.json.data.days, [{ day: a, minLos: 5, maxLos: 2 }, { day: b, minLos: 5, maxLos: 2 }]);
        assert.deepEqual([await los(a, b), await outbox()], before);
        assert.deepEqual((await los(a, b)).map(([, min, max]) => [min, max]), [stored, stored]);
        assert.equal((await put({ from: a, to: b, minLos: 2, maxLos: 2 })).status, 200, 'both set together are taken');
      });
    }
  });

  describe('OTA_HotelAvailNotifRQ', () => {
    let o: OtaWorld;
    before(async () => { o = await openOtaWorld(backend, { days: 10 }); });
    after(async () => { await o?.close(); });

    it('refuses a record whose maximum stay falls below the stored minimum, applying the other records', async () => {
      const day = addDays(o.w.from, 3);
      const record = (id: string, type: string, time: number) => `<AvailStatusMessage><StatusApplicationControl Start="${day}" End="${day}" InvTypeCode="DBLH"/>`
        + `<LengthsOfStay><LengthOfStay MinMaxMessageType="${type}" Time="${time}"/></LengthsOfStay><UniqueID Type="16" ID="${id}"/></AvailStatusMessage>`;
      const send = (...records: string[]) => o.post('/ota/OTA_HotelAvailNotifRQ', `<OTA_HotelAvailNotifRQ xmlns="${OTA_NS}" Version="1.0">${pos('SAFWA-PMS', o.w.secret('QCA-SAFWA'))}`
        + `<AvailStatusMessages HotelCode="SAFWA01">${records.join('')}</AvailStatusMessages></OTA_HotelAvailNotifRQ>`);
      assert.match((await send(record('1', 'SetMinLOS', 5))).text, /<Success\/>/);
      const r = await send(record('2', 'SetMaxLOS', 2), `<AvailStatusMessage BookingLimit="7" BookingLimitMessageType="SetLimit"><StatusApplicationControl Start="${day}" End="${day}" InvTypeCode="QUAD"/><UniqueID Type="16" ID="3"/></AvailStatusMessage>`);
      assertValidOta(r.text);
      assert.match(r.text, new RegExp(`<Warning [^>]*ShortText="GW_BAD_INPUT"[^>]*RecordID="2"[^>]*>QCA-SAFWA-DBL: the minimum stay would be above the maximum on ${day} \\(minLos 5 &gt; maxLos 2\\)`));
      const [dbl] = await o.w.store.getInventory('QCA-SAFWA-DBL', day, day);
      assert.deepEqual([dbl.minLos, dbl.maxLos], [5, null]);
      assert.equal((await o.w.store.getInventory('QCA-SAFWA-QUAD', day, day))[0].allotment, 7, 'the other record applied');
    });
  });
});
