import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { forEachBackend } from './support/db';
import { openServer, type TestServer } from './support/server';
import { projectRoot } from '../core/paths';
import type { Manifest } from '../core/model';

/** Flights reach the hub from airline systems (PNRGOV over EDIFACT); a PNR is its reporter's, read by it and the operator. */
forEachBackend('airline bookings reported over EDIFACT', (backend) => {
  let s: TestServer;
  let airlineAuth: string;
  before(async () => {
    s = await openServer(backend, { days: 3 });
    // AL-NAJM's EDIFACT profile is config/partners/airline-najm.json (UNB id NJ).
    const { secret } = await s.gateway.createPartner({ actor: s.actor('MAQAM-OPS') }, { id: 'AL-NAJM', name: 'Najm Air', kind: 'airline' });
    airlineAuth = 'Basic ' + Buffer.from(`AL-NAJM:${secret}`).toString('base64');
  });
  after(async () => { await s?.close(); });

  const pnrgov = () => fs.readFileSync(path.join(projectRoot(), 'fixtures/edifact/messages/pnrgov-two-pnrs.edi'), 'latin1')
    .replace('UNB+IATA:1+SV+MAQAMHUB+', 'UNB+IATA:1+NJ+MAQAM:ZZZ+')
    .replace('UNG+PNRGOV+SV+MAQAMHUB+', 'UNG+PNRGOV+NJ+MAQAM:ZZZ+');

  it('stores the PNRs of one report together or not at all: a database failure on the second leaves the first unstored', async () => {
    // a real failure inside the database, on the second PNR only
    await s.db.exec(`CREATE FUNCTION refuse_fail01() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.record_locator = 'FAIL01' THEN RAISE EXCEPTION 'disk full (test)'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_fail01 BEFORE INSERT OR UPDATE ON air_bookings FOR EACH ROW EXECUTE FUNCTION refuse_fail01();`);
    try {
      const pnr = (recordLocator: string) => ({ carrier: 'SV', recordLocator, segments: [], travellers: [{ surname: 'HASAN' }] });
      const r = await s.request('POST', '/v1/air-bookings', { as: 'GDS-SIRAJ', body: [pnr('OKAY01'), pnr('FAIL01')] });
      assert.equal(r.status, 500, r.text);
      const stored = (await s.db.query<{ n: number }>("SELECT count(*)::int AS n FROM air_bookings WHERE record_locator IN ('OKAY01', 'FAIL01')")).rows[0].n;
      assert.equal(stored, 0, 'the first PNR of the failed report is not stored');
    } finally {
      await s.db.exec('DROP TRIGGER refuse_fail01 ON air_bookings; DROP FUNCTION refuse_fail01();');
    }
  });

  it('stores the PNRs of a PNRGOV, which their reporter retrieves by carrier and record locator', async () => {
    const r = await s.request('POST', '/edifact', { raw: pnrgov(), headers: { authorization: airlineAuth, 'content-type': 'application/edifact' } });
    assert.ok(r.status < 300, `${r.status} ${r.text}`);
    const got = await s.request('GET', '/v1/air-bookings/SV/ABC7XZ', { headers: { authorization: airlineAuth } });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.recordLocator, 'ABC7XZ');
    assert.equal(got.json.travellers[0].surname, 'SANTOSO');
    assert.ok(got.json.segments.some((x: { destination: string }) => x.destination === 'JED'));
    const n = (await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM air_bookings')).rows[0].n;
    await s.request('POST', '/edifact', { raw: pnrgov().replace('+PNR0209+', '+PNR0210+').replace("UNZ+1+PNR0209'", "UNZ+1+PNR0210'"), headers: { authorization: airlineAuth, 'content-type': 'application/edifact' } });
    assert.equal((await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM air_bookings')).rows[0].n, n, 'a new report replaces, never duplicates');
  });

  it('keeps each reporter\'s PNR: another GDS or airline reporting the same locator neither replaces nor reads it, and no agency reads it', async () => {
    const row = async () => (await s.db.query<{ reported_by: string; data: { travellers: { surname: string }[] } }>(
      "SELECT reported_by, data FROM air_bookings WHERE carrier = 'SV' AND record_locator = 'ABC7XZ' AND reported_by = 'AL-NAJM'")).rows;
    const airlines = await row();
    assert.equal(airlines.length, 1, 'AL-NAJM reported SV ABC7XZ in the PNRGOV test above');
    // the GDS reports the same carrier and record locator, empty
    const gds = await s.request('POST', '/v1/air-bookings', { as: 'GDS-SIRAJ', body: { carrier: 'SV', recordLocator: 'ABC7XZ', segments: [], travellers: [] } });
    assert.equal(gds.status, 200, gds.text);
    assert.deepEqual(await row(), airlines, 'the airline\'s PNR is as it reported it');
    const own = await s.request('GET', '/v1/air-bookings/SV/ABC7XZ', { headers: { authorization: airlineAuth } });
    assert.equal(own.status, 200, own.text);
    assert.equal(own.json.travellers[0].surname, 'SANTOSO');
    const theirs = await s.request('GET', '/v1/air-bookings/SV/ABC7XZ', { as: 'GDS-SIRAJ' });
    assert.equal(theirs.status, 200, theirs.text);
    assert.deepEqual(theirs.json.travellers, [], 'the GDS reads its own report, not the airline\'s');
    const ops = await s.request('GET', '/v1/air-bookings/SV/ABC7XZ', { as: 'MAQAM-OPS' });
    assert.equal(ops.status, 200, ops.text);
    // a PNR the GDS never reported: neither it nor an agency learns that it exists
    const other = await s.request('GET', '/v1/air-bookings/MH/Q9W8E7', { as: 'GDS-SIRAJ' });
    const agency = await s.request('GET', '/v1/air-bookings/SV/ABC7XZ', { as: 'AG-NOOR' });
    const none = await s.request('GET', '/v1/air-bookings/SV/NOSUCH', { as: 'AG-NOOR' });
    for (const r of [other, agency, none]) {
      assert.equal(r.status, 404, r.text);
      assert.equal(r.json.code, 'GW_NOT_FOUND');
    }
    assert.equal(agency.json.detail, none.json.detail.replace('NOSUCH', 'ABC7XZ'), 'the same answer as for a PNR that does not exist');
  });

  it('stores a PAXLST manifest per flight, replacing it when the flight is reported again', async () => {
    const paxlst = fs.readFileSync(path.join(projectRoot(), 'fixtures/edifact/messages/paxlst-umrah-passengers.edi'), 'latin1')
      .replaceAll('SVAPI:ZZZ', 'NAJMAIR:ZZZ');
    const send = (ref: string) => s.request('POST', '/edifact', { raw: paxlst.replaceAll('SV0000417', ref), headers: { authorization: airlineAuth, 'content-type': 'application/edifact' } });
    const r = await send('SV0000417');
    assert.ok(r.status < 300, `${r.status} ${r.text}`);
    const rows = async () => (await s.db.query<{ flight_number: string; data: { travellers: unknown[] } }>('SELECT flight_number, data FROM manifests')).rows;
    const first = await rows();
    assert.equal(first.length, 1);
    assert.ok(first[0].data.travellers.length > 0);
    await send('SV0000418');
    assert.equal((await rows()).length, 1);
  });

  it('answers a PAXLST whose flight core refuses with a CONTRL rejecting that message (0085 12), keeps why, stores nothing', async () => {
    const paxlst = fs.readFileSync(path.join(projectRoot(), 'fixtures/edifact/messages/paxlst-umrah-passengers.edi'), 'latin1')
      .replaceAll('SVAPI:ZZZ', 'NAJMAIR:ZZZ')
      .replaceAll('SV0000417', 'SV0000777')
      .replace('+SV0000777++PAXLST', '+SV0000777++PAXLST++1') // UNB 0031 = 1: AL-NAJM gets a CONTRL when it asks
      .replace("LOC+125+CGK'", "LOC+125+CG1'");
    const before = (await s.db.query<{ n: number }>("SELECT count(*)::int AS n FROM manifests WHERE origin = 'CG1'")).rows[0].n;
    const r = await s.request('POST', '/edifact', { raw: paxlst, headers: { authorization: airlineAuth, 'content-type': 'application/edifact' } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type') ?? '', /edifact/i);
    // UCM: message 1 (PAXLST D 05B UN IATA) rejected (4) with 0085 12, invalid value
    assert.match(r.text, /UCI\+SV0000777\+NAJMAIR:ZZZ\+MAQAM:ZZZ\+7'/);
    assert.match(r.text, /UCM\+[^+']+\+PAXLST:D:05B:UN:IATA\+4\+12'/);
    assert.equal((await s.db.query<{ n: number }>("SELECT count(*)::int AS n FROM manifests WHERE origin = 'CG1'")).rows[0].n, before);
    const arch = (await s.db.query<{ status: string; correlation: { refused?: { detail: string; violations: { path: string }[] }[] } | string }>(
      "SELECT status, correlation FROM edifact_archive WHERE direction = 'in' AND control_ref = 'SV0000777'")).rows[0];
    assert.equal(arch.status, 'refused', 'its only message was refused');
    const corr = typeof arch.correlation === 'string' ? JSON.parse(arch.correlation) : arch.correlation;
    assert.match(corr.refused[0].detail, /origin "CG1"/);
    assert.ok(corr.refused[0].violations.some((v: { path: string }) => v.path === '/flight/origin'));
  });

  it('stores the good PAXLST of an interchange and refuses the other: CONTRL accepts one and rejects one, archive says partly refused', async () => {
    const fixture = fs.readFileSync(path.join(projectRoot(), 'fixtures/edifact/messages/paxlst-umrah-passengers.edi'), 'latin1').replaceAll('SVAPI:ZZZ', 'NAJMAIR:ZZZ');
    const unh = fixture.indexOf('UNH+');
    const une = fixture.indexOf('UNE+');
    const good = fixture.slice(unh, une).replaceAll('SV817', 'SV819');
    const bad = good.replaceAll('PAX417', 'PAX418').replaceAll('SV819', 'SV821').replace("LOC+125+CGK'", "LOC+125+CG1'");
    const raw = fixture.slice(0, unh).replaceAll('SV0000417', 'SV0000778').replace('+SV0000778++PAXLST', '+SV0000778++PAXLST++1')
      + good + bad + "UNE+2+417'\nUNZ+1+SV0000778'\n";
    const r = await s.request('POST', '/edifact', { raw, headers: { authorization: airlineAuth, 'content-type': 'application/edifact' } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /UCM\+PAX418\+PAXLST:D:05B:UN:IATA\+4\+12'/, 'the refused message is rejected');
    assert.doesNotMatch(r.text, /UCM\+PAX417\+[^']*\+4/, 'the good message is not rejected');
    const flights = (await s.db.query<{ flight_number: string }>("SELECT flight_number FROM manifests WHERE flight_number IN ('819', 'SV819', '821', 'SV821')")).rows.map((x) => x.flight_number);
    assert.equal(flights.length, 1, `only the good flight is stored: ${flights.join(', ')}`);
    assert.match(flights[0], /819$/);
    const arch = (await s.db.query<{ status: string; correlation: { refused?: { message: string }[] } | string }>(
      "SELECT status, correlation FROM edifact_archive WHERE direction = 'in' AND control_ref = 'SV0000778'")).rows[0];
    assert.equal(arch.status, 'partly refused');
    const corr = typeof arch.correlation === 'string' ? JSON.parse(arch.correlation) : arch.correlation;
    assert.deepEqual(corr.refused?.map((x: { message: string }) => x.message), ['PAX418']);
  });

  it('stores every leg of a PAXLST with a LOC+92 stop, filed under its first leg', async () => {
    const paxlst = fs.readFileSync(path.join(projectRoot(), 'fixtures/edifact/messages/paxlst-hajj-charter-stop.edi'), 'latin1')
      .replaceAll('GAAPI:ZZZ', 'NAJMAIR:ZZZ');
    const r = await s.request('POST', '/edifact', { raw: paxlst, headers: { authorization: airlineAuth, 'content-type': 'application/edifact' } });
    assert.ok(r.status < 300, `${r.status} ${r.text}`);
    const rows = (await s.db.query<{ origin: string; departure_date: string | Date; data: Manifest }>(
      "SELECT origin, departure_date, data FROM manifests WHERE carrier = 'GA' AND flight_number = '1101'")).rows;
    assert.equal(rows.length, 1);
    assert.equal(rows[0].origin, 'CGK');
    assert.deepEqual(rows[0].data.legs.map((l) => `${l.origin}-${l.destination} ${l.departureTime}-${l.arrivalTime}`), ['CGK-KUL 22:30-01:35', 'KUL-JED 02:50-06:40']);
  });

  it('still takes a JSON manifest without legs (as sent before legs existed), storing its flight as the one leg', async () => {
    const ops = { actor: s.actor('MAQAM-OPS') };
    const flight = { carrier: 'SV', flightNumber: '5301', origin: 'SOC', destination: 'MED', departureDate: '2025-05-20', departureTime: '23:10' };
    await s.gateway.recordManifest(ops, { kind: 'passengers', flight, travellers: [{ surname: 'WIDODO', givenName: 'ANI' }] } as unknown as Manifest);
    const row = (await s.db.query<{ data: Manifest }>("SELECT data FROM manifests WHERE carrier = 'SV' AND flight_number = '5301'")).rows[0];
    assert.deepEqual(row.data.legs, [flight]);
    assert.deepEqual(row.data.flight, flight);

    const bad = await s.gateway.recordManifest(ops, { kind: 'passengers', flight, legs: [flight, { ...flight, carrier: 'saudia', origin: 'Madinah', departureDate: '20 May' }], travellers: [] })
      .then(() => null, (e: { violations?: { path: string }[] }) => e);
    assert.deepEqual(bad?.violations?.map((v) => v.path).sort(), ['/legs/1/carrier', '/legs/1/departureDate', '/legs/1/origin']);
    const other = await s.gateway.recordManifest(ops, { kind: 'passengers', flight, legs: [{ ...flight, flightNumber: '5302' }], travellers: [] })
      .then(() => null, (e: { violations?: { path: string }[] }) => e);
    assert.deepEqual(other?.violations?.map((v) => v.path), ['/legs/0']);
  });

  it('refuses a PNR whose segments or travellers are not what airline systems report, with every path, storing nothing', async () => {
    const junk = [{ carrier: 'SV', recordLocator: 'JUNK1', travellers: [1, { surname: 7 }], segments: [1, { carrier: 'SV', flightNumber: 817 }, { departureDate: 'yesterday', origin: 'CGK' }] }];
    const r = await s.request('POST', '/v1/air-bookings', { body: junk, headers: { authorization: airlineAuth } });
    assert.equal(r.status, 400, r.text);
    assert.deepEqual((r.json.violations as { path: string }[]).map((v) => v.path).sort(), [
      '/0/segments/0', '/0/segments/1/departureDate', '/0/segments/1/flightNumber', '/0/segments/2/departureDate', '/0/travellers/0', '/0/travellers/1/surname',
    ]);
    assert.equal((await s.db.query("SELECT 1 FROM air_bookings WHERE record_locator = 'JUNK1'")).rowCount, 0);
  });

  it('lets only airlines, GDSs and the operator report flights, and hides them from providers', async () => {
    const r = await s.request('POST', '/v1/air-bookings', { as: 'AG-NOOR', body: [{ carrier: 'SV', recordLocator: 'ZZZ999', travellers: [], segments: [] }] });
    assert.equal(r.status, 403);
    assert.equal(r.json.code, 'GW_FORBIDDEN');
    const hotel = await s.request('GET', '/v1/air-bookings/SV/ABC7XZ', { as: 'QCA-SAFWA' });
    assert.equal(hotel.status, 404);
    const bad = await s.request('POST', '/v1/air-bookings', { as: 'MAQAM-OPS', body: [{ carrier: 'saudia', recordLocator: '', segments: 'none' }] });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.violations.map((v: { path: string }) => v.path).sort(), ['/0/carrier', '/0/recordLocator', '/0/segments', '/0/travellers']);
  });
});
