import assert from 'node:assert/strict';
import http from 'node:http';
import { forEachBackend } from './support/db';
import { openWorld, type TestWorld } from './support/world';
import { assertValidOta } from './support/ota-xsd';
import { createRegistry } from '../adapters/ota/partners';
import { loadMappingFile } from '../adapters/ota/mapping';
import { scanBookings, sendDue, type DeliveryDeps } from '../adapters/ota/deliveries';
import { listDeliveries } from '../adapters/ota/sql';
import { addDays } from '../adapters/ota/dates';

/** A property system endpoint: answers with `answers` in turn (then the last one forever). */
async function pms(answers: ((rq: string) => { status: number; body: string })[]) {
  const got: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push(body);
      const a = answers[Math.min(got.length - 1, answers.length - 1)](body);
      res.writeHead(a.status, { 'content-type': 'application/xml' }).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/ota`, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const ack = (conf: string) => () => ({ status: 200, body: `<OTA_HotelResNotifRS xmlns="http://www.opentravel.org/OTA/2003/05" Version="1.0"><Success/><HotelReservations><HotelReservation><ResGlobalInfo><HotelReservationIDs><HotelReservationID ResID_Type="10" ResID_Value="${conf}"/></HotelReservationIDs></ResGlobalInfo></HotelReservation></HotelReservations></OTA_HotelResNotifRS>` });

forEachBackend('OTA reservation delivery to a property system', (backend) => {
  let w: TestWorld;
  before(async () => { w = await openWorld(backend, { days: 10 }); });
  after(async () => { await w.close(); });

  it('pushes Commit then Cancel, retries until acknowledged, and records the PMS confirmation', async () => {
    const endpoint = await pms([() => ({ status: 503, body: 'busy' }), ack('PMS-778')]);
    try {
      const registry = createRegistry([{ partnerId: 'QCA-SAFWA', mapping: 'qca-safwa-pms.json', delivery: { url: endpoint.url } }], { 'QCA-SAFWA': loadMappingFile('qca-safwa-pms.json') });
      const deps: DeliveryDeps = { gateway: w.gateway, db: w.db, registry, operatorId: 'MAQAM-OPS' };
      const agent = { actor: w.actor('AG-NOOR') };
      const b = await w.gateway.book(agent, { hold: false, items: [{ productId: 'QCA-SAFWA-DBL', start: addDays(w.from, 2), end: addDays(w.from, 4), quantity: 1, guests: 2 }], travellers: [{ surname: 'Hasan', givenName: 'Umar' }] });
      assert.equal(await scanBookings(deps), 1);
      assert.equal(await scanBookings(deps), 0, 'a rescan queues nothing twice');

      assert.deepEqual(await sendDue(deps), { delivered: 0, failed: 1 });
      let [d] = await listDeliveries(w.db, { locator: b.locator });
      assert.equal(d.status, 'pending');
      assert.equal(d.attempts, 1);
      assert.equal(d.lastError, 'HTTP 503');
      assert.ok(Date.parse(d.nextAttemptAt) > Date.now(), 'the retry waits for its backoff');
      assert.deepEqual(await sendDue(deps), { delivered: 0, failed: 0 }, 'not due yet');
      await w.db.query('UPDATE ota_deliveries SET next_attempt_at = now() WHERE id = $1', [d.id]); // the backoff has passed
      assert.deepEqual(await sendDue(deps), { delivered: 1, failed: 0 });
      [d] = await listDeliveries(w.db, { locator: b.locator });
      assert.equal(d.status, 'delivered');
      assert.equal(d.pmsConfirmation, 'PMS-778');
      const rq = endpoint.got[1];
      assertValidOta(rq);
      assert.match(rq, /ResStatus="Commit"/);
      assert.match(rq, /RoomTypeCode="DBLH"/);
      assert.match(rq, new RegExp(`ResID_Type="14" ResID_Value="${b.locator}"`));

      await w.gateway.cancel(agent, b.locator);
      assert.equal(await scanBookings(deps), 1);
      assert.deepEqual(await sendDue(deps), { delivered: 1, failed: 0 });
      const all = await listDeliveries(w.db, { locator: b.locator });
      assert.deepEqual(all.map((x) => [x.action, x.status]), [['Cancel', 'delivered'], ['Commit', 'delivered']]);
      assert.match(endpoint.got[2], /ResStatus="Cancel"/);
      assertValidOta(endpoint.got[2]);
    } finally {
      await endpoint.close();
    }
  });
});
