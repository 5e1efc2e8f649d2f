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

  it('on a modify moving the stay to another hotel, sends a Cancel to the old hotel and a Commit to the new one', async () => {
    const safwa = await pms([ack('SAFWA-1')]);
    const ajyad = await pms([ack('AJYAD-1')]);
    try {
      const registry = createRegistry([
        { partnerId: 'QCA-SAFWA', mapping: 'qca-safwa-pms.json', delivery: { url: safwa.url } },
        { partnerId: 'QCA-AJYAD', delivery: { url: ajyad.url } },
      ], { 'QCA-SAFWA': loadMappingFile('qca-safwa-pms.json') });
      const deps: DeliveryDeps = { gateway: w.gateway, db: w.db, registry, operatorId: 'MAQAM-OPS' };
      const agent = { actor: w.actor('AG-NOOR') };
      const stay = { start: addDays(w.from, 5), end: addDays(w.from, 7), quantity: 1 };
      const b = await w.gateway.book(agent, { hold: false, items: [{ productId: 'QCA-SAFWA-DBL', ...stay, guests: 2 }], travellers: [{ surname: 'Hasan', givenName: 'Umar' }] });
      await scanBookings(deps);
      assert.deepEqual(await sendDue(deps), { delivered: 1, failed: 0 });

      await w.gateway.modify(agent, b.locator, { items: [{ productId: 'QCA-AJYAD-TRP', ...stay, guests: 3 }] });
      // Two pollers at once: each change is claimed by one of them, so each delivery is queued once.
      const [x, y] = await Promise.all([scanBookings(deps), scanBookings(deps)]);
      assert.equal(x + y, 2);
      assert.deepEqual(await sendDue(deps), { delivered: 2, failed: 0 });

      assert.equal(safwa.got.length, 2);
      const cancel = safwa.got[1];
      assertValidOta(cancel);
      assert.match(cancel, /ResStatus="Cancel"/);
      assert.match(cancel, /HotelCode="SAFWA01"/, 'the old hotel is named in its own code');
      assert.match(cancel, new RegExp(`ResID_Value="${b.locator}"`));
      assert.equal(ajyad.got.length, 1);
      const commit = ajyad.got[0];
      assertValidOta(commit);
      assert.match(commit, /ResStatus="Commit"/);
      assert.match(commit, /RoomTypeCode="TRP"/);
      assert.match(commit, /HotelCode="QCA-AJYAD"/);
      const all = await listDeliveries(w.db, { locator: b.locator });
      assert.deepEqual(all.map((d) => [d.providerId, d.action, d.status, d.pmsConfirmation]).sort(), [
        ['QCA-AJYAD', 'Commit', 'delivered', 'AJYAD-1'], ['QCA-SAFWA', 'Cancel', 'delivered', 'SAFWA-1'], ['QCA-SAFWA', 'Commit', 'delivered', 'SAFWA-1'],
      ]);
    } finally {
      await safwa.close();
      await ajyad.close();
    }
  });

  it("tells a hotel of its own rooms and their total only, not of the package's other lines", async () => {
    const safwa = await pms([ack('SAFWA-3')]);
    try {
      const registry = createRegistry([{ partnerId: 'QCA-SAFWA', mapping: 'qca-safwa-pms.json', delivery: { url: safwa.url } }], { 'QCA-SAFWA': loadMappingFile('qca-safwa-pms.json') });
      const deps: DeliveryDeps = { gateway: w.gateway, db: w.db, registry, operatorId: 'MAQAM-OPS' };
      const b = await w.gateway.book({ actor: w.actor('AG-NOOR') }, { hold: false, travellers: [{ surname: 'Hasan', givenName: 'Umar' }], items: [
        { productId: 'QCA-SAFWA-DBL', start: addDays(w.from, 1), end: addDays(w.from, 2), quantity: 1, guests: 2 },
        { productId: 'MED-ANSAR-DBL', start: addDays(w.from, 2), end: addDays(w.from, 3), quantity: 1, guests: 2 },
        { productId: 'SAPTCO-QCA-MED', start: addDays(w.from, 2), quantity: 2, guests: 1 },
      ] });
      await scanBookings(deps);
      assert.deepEqual(await sendDue(deps), { delivered: 1, failed: 0 });
      const rq = safwa.got[0];
      assertValidOta(rq);
      const room = b.items[0].price;
      assert.notEqual(b.total.amount, room.amount);
      const totals = [...rq.matchAll(/<Total AmountAfterTax="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(totals)], [room.amount], 'every Total, ResGlobalInfo\'s too, is the price of its room');
      assert.doesNotMatch(rq, new RegExp(`"${b.total.amount}"|MED-ANSAR|ANSAR`));
      assert.match(rq, /Surname>Hasan</);
    } finally {
      await safwa.close();
    }
  });

  it('tells a hotel nothing of a stay moved away before it heard of it, and consumes changes of providers without an endpoint', async () => {
    const safwa = await pms([ack('SAFWA-2')]);
    const ajyad = await pms([ack('AJYAD-2')]);
    try {
      const registry = createRegistry([
        { partnerId: 'QCA-SAFWA', mapping: 'qca-safwa-pms.json', delivery: { url: safwa.url } },
        { partnerId: 'QCA-AJYAD', delivery: { url: ajyad.url } },
      ], { 'QCA-SAFWA': loadMappingFile('qca-safwa-pms.json') });
      const deps: DeliveryDeps = { gateway: w.gateway, db: w.db, registry, operatorId: 'MAQAM-OPS' };
      const agent = { actor: w.actor('AG-NOOR') };
      const stay = { start: addDays(w.from, 6), end: addDays(w.from, 8), quantity: 1 };
      const b = await w.gateway.book(agent, { hold: false, items: [{ productId: 'QCA-SAFWA-DBL', ...stay, guests: 2 }], travellers: [{ surname: 'Hasan', givenName: 'Umar' }] });
      await w.gateway.modify(agent, b.locator, { items: [{ productId: 'QCA-AJYAD-TRP', ...stay, guests: 3 }] });
      const coach = await w.gateway.book(agent, { hold: false, items: [{ productId: 'SAPTCO-JED-QCA', start: stay.start, quantity: 2, guests: 1 }], travellers: [{ surname: 'Hasan', givenName: 'Umar' }] });
      assert.equal(await scanBookings(deps), 1, 'only the Commit to the hotel the stay is at now');
      assert.deepEqual(await sendDue(deps), { delivered: 1, failed: 0 });
      assert.equal(safwa.got.length, 0);
      assert.match(ajyad.got[0], /ResStatus="Commit"/);
      const pending = await w.db.query('SELECT locator FROM booking_changes WHERE consumed_at IS NULL AND locator = ANY($1::text[])', [[b.locator, coach.locator]]);
      assert.equal(pending.rows.length, 0, 'every change was consumed, the coach one too');
      assert.deepEqual(await listDeliveries(w.db, { locator: coach.locator }), []);
    } finally {
      await safwa.close();
      await ajyad.close();
    }
  });
});
