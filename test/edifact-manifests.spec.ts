/**
 * Filing pilgrim manifests with an authority over real HTTP (`POST /edifact/manifests?to=SA-APIS`): the
 * PAXLST the authority gets (read back with our parser, structure validation on), the persisted control
 * reference sequence, the archive row, the stored manifest, and refusals that leave everything unchanged.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { forEachBackend } from './support/db';
import { openServer, type TestServer } from './support/server';
import { parseInterchanges } from '../adapters/edifact';
import { translateEdifact as translate } from '../adapters/edifact/messages';
import { projectRoot } from '../core/paths';
import type { Manifest } from '../core/model';
import { addDays, today } from '../core/dates';

function sample(): Manifest {
  const file = path.join(projectRoot(), 'fixtures/edifact/messages/paxlst-umrah-passengers.canonical.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest[])[0];
}

forEachBackend('filing manifests with an authority (POST /edifact/manifests)', (backend) => {
  let s: TestServer;
  before(async () => {
    s = await openServer(backend, { days: 3 });
  });
  after(async () => { await s?.close(); });

  const count = async (table: string, where = 'true') => (await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`)).rows[0].n;
  const file = (body: unknown, opts: { to?: string | null; as?: string; accept?: string } = {}) => {
    const to = opts.to === undefined ? 'SA-APIS' : opts.to;
    return s.request('POST', `/edifact/manifests${to === null ? '' : `?to=${encodeURIComponent(to)}`}`, {
      as: opts.as ?? 'AG-NOOR', body, headers: opts.accept ? { accept: opts.accept } : {},
    });
  };

  it('answers 201 with a PAXLST to the authority that reads back to the same manifest, archived and numbered', async () => {
    const m = sample();
    const r = await file(m);
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers.get('content-type') ?? '', /application\/edifact/i);
    const text = r.text;
    // the authority's profile: UNOA, default separators, its UNB id; a UNG group for IATA PAXLST
    assert.match(text, /^UNA:\+\.\? 'UNB\+UNOA:4\+MAQAM:ZZZ\+SAUAPIS:ZZZ\+\d{8}:\d{4}\+(\d+)'UNG\+PAXLST\+/);
    const ref = r.headers.get('x-maqam-control-ref')!;
    assert.ok(text.includes(`'UNZ+1+${ref}'`), 'the UNZ closes the interchange with the same reference');
    // our own parser, structure validation on, finds no error; the translator gives the manifest back
    const parsed = parseInterchanges(Buffer.from(text, 'latin1'), { validate: true });
    assert.deepEqual(parsed.interchanges.flatMap((i) => i.findings).filter((f) => f.severity === 'error'), []);
    const back = translate(Buffer.from(text, 'latin1'));
    assert.deepEqual(back.findings.filter((f) => f.severity === 'error'), []);
    const got = back.canonical[0] as Manifest;
    assert.deepEqual(got.flight, m.flight);
    // UNOA: O'NEILL goes out escaped and comes back whole
    assert.deepEqual(got.travellers.map((t) => `${t.surname}/${t.givenName}/${t.documents?.[0]?.number}`), m.travellers.map((t) => `${t.surname}/${t.givenName}/${t.documents?.[0]?.number}`));
    // archived as an outgoing interchange with what it carries
    const row = (await s.db.query<{ direction: string; partner_id: string; recipient: string; control_ref: string; status: string; correlation: unknown; bytes: Uint8Array }>(
      'SELECT direction, partner_id, recipient, control_ref, status, correlation, bytes FROM edifact_archive WHERE id = $1', [Number(r.headers.get('x-maqam-archive-id'))])).rows[0];
    assert.equal(row.direction, 'out');
    assert.equal(row.partner_id, 'SA-APIS');
    assert.equal(row.recipient, 'SAUAPIS');
    assert.equal(row.control_ref, ref);
    assert.equal(row.status, 'issued');
    assert.equal(Buffer.from(row.bytes).toString('latin1'), text);
    const corr = (typeof row.correlation === 'string' ? JSON.parse(row.correlation) : row.correlation) as { manifest: Record<string, string>; filedBy: string; travellers: number };
    assert.deepEqual(corr.manifest, { carrier: 'SV', flightNumber: '817', departureDate: '2025-02-10', origin: 'CGK', kind: 'passengers' });
    assert.equal(corr.filedBy, 'AG-NOOR');
    assert.equal(corr.travellers, 3);
    // stored under its flight
    assert.equal(await count('manifests', "carrier = 'SV' AND flight_number = '817'"), 1);
  });

  it('numbers each interchange to the authority from its persisted sequence, and answers JSON when asked', async () => {
    const a = await file(sample());
    // a pilgrim with one name only (common in Indonesia) is filed with the surname alone
    const mononym = { surname: 'SUPARMAN', givenName: '', gender: 'M', nationality: 'IDN', documents: [{ type: 'P', number: 'C7766554', issuingCountry: 'IDN' }] };
    const b = await file({ ...sample(), reference: 'SECOND', travellers: [...sample().travellers, mononym] }, { accept: 'application/json' });
    assert.equal(a.status, 201, a.text);
    assert.equal(b.status, 201, b.text);
    assert.equal(Number(b.json.controlRef), Number(a.headers.get('x-maqam-control-ref')) + 1);
    assert.equal(b.json.authority, 'SA-APIS');
    assert.match(b.json.interchange, /^UNA/);
    assert.ok(b.json.interchange.includes("'NAD+FL+++SUPARMAN'"), b.json.interchange);
    assert.ok(b.json.interchange.includes("'CNT+42:4'"));
    assert.equal(String(b.json.archiveId), b.headers.get('x-maqam-archive-id'));
    assert.equal(await count('manifests', "carrier = 'SV' AND flight_number = '817'"), 1, 'filing the flight again replaces its manifest');
  });

  it('keeps each filer\'s manifest of a flight: a second agency\'s pilgrims on it do not replace the first\'s', async () => {
    const m = sample();
    const flight = { ...m.flight, flightNumber: '5501' };
    const theirs = { surname: 'YILMAZ', givenName: 'AYSE', gender: 'F', nationality: 'TUR', documents: [{ type: 'P', number: 'U1234567', issuingCountry: 'TUR' }] };
    assert.equal((await file({ ...m, flight, legs: [flight] })).status, 201);
    const b = await file({ ...m, flight, legs: [flight], travellers: [theirs] }, { as: 'AG-BARAKA' });
    assert.equal(b.status, 201, b.text);
    const rows = (await s.db.query<{ reported_by: string; data: Manifest }>(
      "SELECT reported_by, data FROM manifests WHERE carrier = 'SV' AND flight_number = '5501' ORDER BY reported_by")).rows;
    assert.deepEqual(rows.map((r) => [r.reported_by, r.data.travellers.map((t) => t.surname)]), [
      ['AG-BARAKA', ['YILMAZ']],
      ['AG-NOOR', m.travellers.map((t) => t.surname)],
    ]);
  });

  it('refuses a bad manifest with every problem and its path, and stores, numbers and archives nothing', async () => {
    const before = { archive: await count('edifact_archive'), seq: (await s.db.query<{ v: string }>("SELECT coalesce(max(last_value), 0)::text AS v FROM edifact_sequences WHERE partner_id = 'SA-APIS'")).rows[0].v };
    const m = sample() as unknown as Record<string, unknown>;
    const bad = {
      ...m,
      flight: { ...(m.flight as object), origin: 'cgk1' },
      legs: undefined,
      travellers: [{ surname: 'SANTOSO', gender: 'X', birthDate: '1967-02-30', documents: [{ type: 'P', issuingCountry: 'ID' }] }],
    };
    const r = await file(bad);
    assert.equal(r.status, 400, r.text);
    assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(r.json.code, 'GW_BAD_INPUT');
    const paths = (r.json.violations as { path: string }[]).map((v) => v.path).sort();
    for (const p of ['/flight/origin', '/travellers/0/gender', '/travellers/0/birthDate', '/travellers/0/documents/0/number', '/travellers/0/documents/0/issuingCountry']) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
    const notAList = await file({ ...m, travellers: 'everyone' });
    assert.equal(notAList.status, 400);
    assert.ok((notAList.json.violations as { path: string }[]).some((v) => v.path === '/travellers'));
    const nobody = await file({ ...m, travellers: [] });
    assert.equal(nobody.status, 400, nobody.text);
    assert.deepEqual(nobody.json.violations, [{ code: 'GW_BAD_INPUT', message: 'a manifest filed with an authority lists at least one traveller', path: '/travellers' }]);
    assert.equal(await count('edifact_archive'), before.archive);
    assert.equal((await s.db.query<{ v: string }>("SELECT coalesce(max(last_value), 0)::text AS v FROM edifact_sequences WHERE partner_id = 'SA-APIS'")).rows[0].v, before.seq);
    assert.equal(await count('manifests', "origin = 'cgk1'"), 0);
  });

  it('refuses a flight or leg whose fields the PAXLST cannot carry (times, airports), and keeps the filer\'s earlier manifest of that flight', async () => {
    const m = sample();
    const flight = { ...m.flight, flightNumber: '5601' };
    const good = await file({ ...m, flight, legs: [flight] });
    assert.equal(good.status, 201, good.text);
    const stored = async () => (await s.db.query<{ data: Manifest }>("SELECT data FROM manifests WHERE carrier = 'SV' AND flight_number = '5601' AND reported_by = 'AG-NOOR'")).rows.map((r) => r.data);
    const kept = await stored();
    const before = { archive: await count('edifact_archive'), seq: (await s.db.query<{ v: string }>("SELECT coalesce(max(last_value), 0)::text AS v FROM edifact_sequences WHERE partner_id = 'SA-APIS'")).rows[0].v };
    const { destination: _none, ...noDestination } = flight;
    const cases: [unknown, string[]][] = [
      [{ ...flight, departureTime: 830 }, ['/flight/departureTime']],
      [{ ...flight, departureTime: 'banana' }, ['/flight/departureTime']],
      [{ ...flight, departureTime: '24:00', arrivalTime: '8:35' }, ['/flight/arrivalTime', '/flight/departureTime']],
      [noDestination, ['/flight/destination']],
      [{ ...flight, destination: ['JED'] }, ['/flight/destination']],
      [{ ...flight, destination: 12345 }, ['/flight/destination']],
      [{ ...flight, origin: 'CGK ', arrivalDate: '10 Feb', flightNumber: 'SV5601' }, ['/flight/arrivalDate', '/flight/flightNumber', '/flight/origin']],
    ];
    for (const [f, paths] of cases) {
      const r = await file({ ...m, flight: f, legs: undefined });
      assert.equal(r.status, 400, `${JSON.stringify(f)}: ${r.text}`);
      assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.deepEqual((r.json.violations as { path: string }[]).map((v) => v.path).sort(), paths, JSON.stringify(f));
    }
    const legs = await file({ ...m, flight, legs: [flight, { ...flight, origin: 'JED', destination: 'MED', departureTime: 1900 }] });
    assert.equal(legs.status, 400, legs.text);
    assert.deepEqual((legs.json.violations as { path: string }[]).map((v) => v.path), ['/legs/1/departureTime']);
    assert.match(legs.json.violations[0].message, /departureTime 1900 is not a time of day \(HH:MM/);
    assert.deepEqual(await stored(), kept, 'the manifest filed before is the one kept');
    assert.equal(await count('edifact_archive'), before.archive);
    assert.equal((await s.db.query<{ v: string }>("SELECT coalesce(max(last_value), 0)::text AS v FROM edifact_sequences WHERE partner_id = 'SA-APIS'")).rows[0].v, before.seq);
  });

  it('refuses a name the authority\'s character set cannot hold, or a blank one, instead of sending a pilgrim without a name', async () => {
    const m = sample();
    const flight = { ...m.flight, flightNumber: '5801' };
    const pilgrim = m.travellers[0];
    const before = { archive: await count('edifact_archive'), seq: (await s.db.query<{ v: string }>("SELECT coalesce(max(last_value), 0)::text AS v FROM edifact_sequences WHERE partner_id = 'SA-APIS'")).rows[0].v };
    const r = await file({ ...m, flight, legs: [flight], travellers: [
      { ...pilgrim, surname: 'حسن', givenName: 'أحمد', middleName: null },
      { ...pilgrim, surname: '€€€', givenName: 'TM' },
      { ...pilgrim, surname: '   ' },
      { ...pilgrim, givenName: 'ANA', surname: 'LØKKE', gender: 'X' },
    ] });
    assert.equal(r.status, 400, r.text);
    assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
    const v = r.json.violations as { path: string; message: string }[];
    assert.deepEqual(v.map((x) => x.path).sort(), [
      '/travellers/0/givenName', '/travellers/0/surname', '/travellers/1/surname', '/travellers/2/surname', '/travellers/3/gender', '/travellers/3/surname',
    ]);
    const arabic = v.find((x) => x.path === '/travellers/0/surname')!.message;
    assert.match(arabic, /cannot be sent to SA-APIS: its manifests are written in UNOA, level A \(upper case letters/);
    assert.match(arabic, /machine-readable zone/);
    assert.match(v.find((x) => x.path === '/travellers/1/surname')!.message, /has no "€"/);
    assert.match(v.find((x) => x.path === '/travellers/3/surname')!.message, /has no "Ø"/);
    assert.equal(v.find((x) => x.path === '/travellers/2/surname')!.message, 'surname is blank');
    assert.equal(await count('manifests', "flight_number = '5801'"), 0);
    assert.equal(await count('edifact_archive'), before.archive);
    assert.equal((await s.db.query<{ v: string }>("SELECT coalesce(max(last_value), 0)::text AS v FROM edifact_sequences WHERE partner_id = 'SA-APIS'")).rows[0].v, before.seq);
    // the Latin name from the passport goes through; accents and lower case are written as the MRZ has them
    const ok = await file({ ...m, flight, legs: [flight], travellers: [{ ...pilgrim, surname: 'Müller', givenName: 'José', surnameArabic: 'مولر' }] });
    assert.equal(ok.status, 201, ok.text);
    assert.ok(ok.text.includes("'NAD+FL+++MULLER:JOSE:HARTONO'"), ok.text);
  });

  it('refuses dates no traveller on the flight can have: born after today or after the flight, a document expired before it or issued after it', async () => {
    const m = sample();
    const now = today(new Date());
    const flight = { ...m.flight, flightNumber: '5901', departureDate: addDays(now, 30), arrivalDate: addDays(now, 30) };
    const pilgrim = m.travellers[0];
    const passport = pilgrim.documents![0];
    const r = await file({ ...m, flight, legs: [flight], travellers: [
      { ...pilgrim, birthDate: addDays(now, 1) },
      { ...pilgrim, documents: [{ ...passport, expiry: addDays(now, 10) }] },
      { ...pilgrim, documents: [{ ...passport, issued: addDays(now, 2) }] },
      { ...pilgrim, documents: [{ ...passport, expiry: flight.departureDate, issued: addDays(now, -3650) }] }, // valid on the day: fine
    ] });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.code, 'GW_BAD_DATES');
    assert.deepEqual((r.json.violations as { path: string; message: string }[]).map((v) => [v.path, v.message]), [
      ['/travellers/0/birthDate', `birthDate ${addDays(now, 1)} is after today`],
      ['/travellers/1/documents/0/expiry', `the document expired on ${addDays(now, 10)}, before the flight on ${flight.departureDate}: file the document the pilgrim travels on`],
      ['/travellers/2/documents/0/issued', `issued ${addDays(now, 2)} is after today`],
    ]);
    // a flight that has left: the limit is its departure
    const past = await file({ ...m, travellers: [{ ...pilgrim, birthDate: '2025-03-01', documents: [{ ...passport, expiry: '2020-01-01' }] }] });
    assert.equal(past.status, 400, past.text);
    assert.deepEqual((past.json.violations as { path: string; message: string }[]).map((v) => v.message), [
      'birthDate 2025-03-01 is after the flight on 2025-02-10',
      'the document expired on 2020-01-01, before the flight on 2025-02-10: file the document the pilgrim travels on',
    ]);
    assert.equal(await count('manifests', "flight_number = '5901'"), 0);
  });

  it('writes dates so that they survive PAXLST\'s two-digit years: our translator gives back every date it was sent, and what would come back a century off is refused', async () => {
    const m = sample(); // flight 2025-02-10
    const flight = { ...m.flight, flightNumber: '6001' };
    const pilgrim = m.travellers[0];
    const passport = pilgrim.documents![0];
    const sent = [
      { ...pilgrim, surname: 'ELDER', birthDate: '1925-02-11', documents: [{ ...passport, expiry: '2080-11-04', issued: '2016-03-01' }] }, // 99 years old, a long-lived card
      { ...pilgrim, surname: 'INFANT', birthDate: '2025-02-01', documents: [{ ...passport, expiry: '2025-02-10' }] }, // expires on the day of the flight
      { ...pilgrim, surname: 'MIDDLE', birthDate: '1980-12-31', documents: [{ ...passport, expiry: '2034-01-01', issued: '2024-01-02' }] },
    ];
    const r = await file({ ...m, flight, legs: [flight], travellers: sent });
    assert.equal(r.status, 201, r.text);
    assert.ok(r.text.includes("'DTM+329:250211'") && r.text.includes("'DTM+36:801104'"), r.text);
    const back = translate(Buffer.from(r.text, 'latin1'));
    assert.deepEqual(back.findings.filter((f) => f.severity === 'error'), []);
    const got = (back.canonical[0] as Manifest).travellers;
    const dates = (ts: Manifest['travellers']) => ts.map((t) => [t.birthDate, t.documents?.[0]?.expiry ?? null, t.documents?.[0]?.issued ?? null]);
    assert.deepEqual(dates(got), dates(sent as Manifest['travellers']));

    const r2 = await file({ ...m, flight: { ...flight, flightNumber: '6002' }, legs: undefined, travellers: [
      { ...pilgrim, birthDate: '1925-02-10' }, // 100 years before the flight: 250210 reads as the flight day
      { ...pilgrim, documents: [{ ...passport, expiry: '2105-01-01' }] },
    ] });
    assert.equal(r2.status, 400, r2.text);
    assert.equal(r2.json.code, 'GW_BAD_DATES');
    const v = r2.json.violations as { path: string; message: string }[];
    assert.deepEqual(v.map((x) => x.path), ['/travellers/0/birthDate', '/travellers/1/documents/0/expiry']);
    assert.match(v[0].message, /^birthDate 1925-02-10 cannot be sent to SA-APIS: a PAXLST writes it with a two-digit year \(250210\), which reads as 2025-02-10; a traveller born 100 years or more before the flight/);
    assert.match(v[1].message, /\(050101\), which reads as 2005-01-01; expiry dates are read from 20 years before to 79 years after the flight/);
    assert.equal(await count('manifests', "flight_number = '6002'"), 0);
  });

  it('stores, numbers, writes and archives in one transaction: when archiving fails nothing is stored and no reference is skipped', async () => {
    const seq = async () => Number((await s.db.query<{ v: string }>("SELECT coalesce(max(last_value), 0)::text AS v FROM edifact_sequences WHERE partner_id = 'SA-APIS'")).rows[0].v);
    const m = sample();
    const flight = { ...m.flight, flightNumber: '5701' };
    const first = await file({ ...m, flight, legs: [flight] });
    assert.equal(first.status, 201, first.text);
    const stored = async () => (await s.db.query<{ data: Manifest }>("SELECT data FROM manifests WHERE carrier = 'SV' AND flight_number = '5701'")).rows.map((r) => r.data.travellers.map((t) => t.surname));
    const before = { seq: await seq(), archive: await count('edifact_archive'), stored: await stored() };
    // a real database failure at the archive insert (a constraint only this test adds)
    await s.db.query("ALTER TABLE edifact_archive ADD CONSTRAINT test_refuse_sauapis CHECK (recipient <> 'SAUAPIS') NOT VALID");
    try {
      const r = await file({ ...m, flight, legs: [flight], travellers: [{ ...m.travellers[0], surname: 'REPLACED' }] });
      assert.equal(r.status, 500, r.text);
      assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
    } finally {
      await s.db.query('ALTER TABLE edifact_archive DROP CONSTRAINT test_refuse_sauapis');
    }
    assert.deepEqual(await stored(), before.stored, 'the manifest filed before is kept: the one that was not sent is not stored');
    assert.equal(await seq(), before.seq, 'the control reference was not consumed');
    assert.equal(await count('edifact_archive'), before.archive);
    const next = await file(sample());
    assert.equal(next.status, 201, next.text);
    assert.equal(Number(next.headers.get('x-maqam-control-ref')), before.seq + 1, 'the next filing takes the very next reference');
  });

  it('names the authorities it knows when `to` is missing or unknown, and says who may file', async () => {
    const missing = await file(sample(), { to: null });
    assert.equal(missing.status, 400, missing.text);
    assert.match(missing.json.detail, /\?to=SA-APIS/);
    const unknown = await file(sample(), { to: 'XX-APIS' });
    assert.equal(unknown.status, 404, unknown.text);
    assert.match(unknown.json.detail, /no authority "XX-APIS" \(known: SA-APIS\)/);
    // an EDIFACT partner that is not an authority is not a place to file manifests with
    const notAuthority = await file(sample(), { to: 'AL-NAJM' });
    assert.equal(notAuthority.status, 404, notAuthority.text);
    const hotel = await file(sample(), { as: 'MED-ANSAR' });
    assert.equal(hotel.status, 403, hotel.text);
    assert.match(hotel.json.detail, /cannot report manifests/);
    const notJson = await s.request('POST', '/edifact/manifests?to=SA-APIS', { as: 'AG-NOOR', raw: 'UNA:+.? ', headers: { 'content-type': 'application/edifact' } });
    assert.equal(notJson.status, 415, notJson.text);
    const noCredentials = await s.request('POST', '/edifact/manifests?to=SA-APIS', { body: sample() });
    assert.equal(noCredentials.status, 401, noCredentials.text);
  });
});
