/**
 * PAXLST out and back: a canonical manifest sent to an authority (D:05B, IATA, BGM 745, CNT+42) reads
 * back as the same manifest, every flight leg included, in UNOA and, with Arabic names, UNOW and UNOI;
 * every TDT group and every LOC+92 stop becomes a leg with its times; and two-digit years resolve by the
 * documented pivot.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { manifestToPaxlst, translateEdifact } from '../adapters/edifact/messages';
import { centuryOf, parseDmmmy, parseDtm } from '../adapters/edifact/messages/dates';
import { projectRoot } from '../core/paths';
import type { Manifest } from '../core/model';

const DIR = path.join(projectRoot(), 'fixtures', 'edifact', 'messages');
const load = (name: string): Manifest[] => JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8'));
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

/** A PAXLST interchange around `body` (the segments between UNH and UNT, without terminators). */
function paxlst(body: string[]): Buffer {
  const segs = ['UNB+UNOA:4+GAAPI:ZZZ+MAQAM:ZZZ+250501:1900+T1', 'UNH+1+PAXLST:D:05B:UN:IATA', ...body, `UNT+${body.length + 2}+1`, 'UNZ+1+T1'];
  return Buffer.from(segs.join("'") + "'", 'latin1');
}
/** Interchange position of a body segment (UNB is 1, UNH 2). */
const positionOf = (body: string[], segment: string): number => body.indexOf(segment) + 3;
const PILGRIM = ['NAD+FL+++SUGIARTO:AHMAD', 'ATT+2++M', 'NAT+2+IDN', 'CNT+42:1'];
const route = (m: Manifest) => m.legs.map((l) => `${l.carrier}${l.flightNumber} ${l.origin} ${l.departureDate} ${l.departureTime} → ${l.destination} ${l.arrivalDate} ${l.arrivalTime}`);

describe('PAXLST out to authorities and back', () => {
  for (const [fixture, syntaxId] of [
    ['paxlst-umrah-passengers.canonical.json', 'UNOA'],
    ['paxlst-two-digit-years.canonical.json', 'UNOA'],
    ['paxlst-arabic-unow.canonical.json', 'UNOW'],
    ['paxlst-arabic-unoi.canonical.json', 'UNOI'],
    ['paxlst-hajj-charter-stop.canonical.json', 'UNOA'],
    ['paxlst-two-flights.canonical.json', 'UNOA'],
  ] as const) {
    it(`${fixture} → PAXLST (${syntaxId}) → the same manifest`, () => {
      for (const m of load(fixture)) {
        const bytes = manifestToPaxlst(m, { recipient: { id: 'SAUAPIS', qualifier: 'ZZZ' }, controlRef: '000000042', syntaxId, prepared: new Date('2025-02-05T10:00:00Z') });
        const text = bytes.toString(syntaxId === 'UNOW' ? 'utf8' : 'latin1');
        assert.match(text, /UNH\+1\+PAXLST:D:05B:UN:IATA'BGM\+(745|250)'/);
        assert.match(text, new RegExp(`CNT\\+${m.kind === 'crew' ? 41 : 42}:${m.travellers.length}'UNT\\+`));
        assert.equal(text.match(/'TDT\+20\+/g)?.length, m.legs.length, 'one TDT group per leg');
        const back = translateEdifact(bytes);
        assert.deepEqual(back.findings.filter((f) => f.severity === 'error'), []);
        assert.deepEqual(plain(back.canonical), [plain(m)]);
      }
    });
  }

  it('writes earlier legs as routing (LOC+92) and the leg entering the destination country with LOC+125/87', () => {
    const m = load('paxlst-hajj-charter-stop.canonical.json')[0];
    const text = manifestToPaxlst(m, { recipient: { id: 'SAUAPIS' }, controlRef: '8' }).toString('latin1');
    assert.ok(text.includes("TDT+20+GA1101+++GA'LOC+92+CGK'DTM+189:2505022230:201'LOC+92+KUL'DTM+232:2505030135:201'"
      + "TDT+20+GA1101+++GA'LOC+125+KUL'DTM+189:2505030250:201'LOC+87+JED'DTM+232:2505030640:201'NAD+FL+"), text);
  });

  it('sends a manifest without legs (stored before manifests had them) as its one flight, read back with that leg', () => {
    const { legs, ...old } = load('paxlst-umrah-passengers.canonical.json')[0];
    const bytes = manifestToPaxlst(old as Manifest, { recipient: { id: 'SAUAPIS' }, controlRef: '9' });
    assert.equal(bytes.toString('latin1').match(/'TDT\+/g)?.length, 1);
    const back = translateEdifact(bytes).canonical[0] as Manifest;
    assert.deepEqual(plain(back.legs), plain(legs));
    assert.deepEqual(plain(back.flight), plain(legs[0]));
  });

  it('drops Arabic-script names when the repertoire cannot carry them, keeping the Latin ones', () => {
    const m = load('paxlst-arabic-unoi.canonical.json')[0];
    const bytes = manifestToPaxlst(m, { recipient: { id: 'SAUAPIS' }, controlRef: '7', syntaxId: 'UNOA' });
    assert.match(bytes.toString('latin1'), /NAD\+FL\+\+\+AL-KHATIB:OMAR:KHALED'/);
    const back = translateEdifact(bytes).canonical[0] as Manifest;
    assert.equal(back.travellers[0].surnameArabic, undefined);
    assert.equal(back.travellers[0].surname, 'AL-KHATIB');
  });

  it('decides the century of two-digit years: births in the past of the flight, expiries forward from it, flights within ±50 years', () => {
    const flight = '2025-03-01';
    assert.equal(parseDtm('250101', '', 'past', flight)?.date, '2025-01-01');
    assert.equal(parseDtm('250301', '', 'past', flight)?.date, '2025-03-01');
    assert.equal(parseDtm('250302', '', 'past', flight)?.date, '1925-03-02');
    assert.equal(parseDtm('991231', '', 'expiry', flight)?.date, '2099-12-31');
    assert.equal(parseDtm('801104', '', 'expiry', flight)?.date, '2080-11-04');
    assert.equal(parseDtm('050101', '', 'expiry', flight)?.date, '2005-01-01', 'expired 20 years before the flight');
    assert.equal(parseDtm('041231', '', 'expiry', flight)?.date, '2104-12-31');
    assert.equal(parseDtm('991231', '', 'window', flight)?.date, '1999-12-31');
    assert.equal(parseDtm('740615', '', 'window', flight)?.date, '2074-06-15');
    assert.equal(parseDtm('750101', '', 'window', flight)?.date, '1975-01-01');
    assert.equal(parseDtm('19250601', '102', 'past', flight)?.date, '1925-06-01');
    assert.deepEqual(parseDtm('2502100835', '201', 'window', flight), { date: '2025-02-10', time: '08:35' });
    assert.equal(parseDtm('230230', '', 'past', flight), null);
    assert.equal(parseDmmmy('12JUL80', 'past', flight), '1980-07-12');
    assert.equal(parseDmmmy('04NOV29', 'expiry', flight), '2029-11-04');
    assert.equal(parseDmmmy('04NOV80', 'expiry', flight), '2080-11-04');
    assert.equal(centuryOf(0, 2, 29, 'past', flight), 2000);
  });
});

describe('PAXLST flights: every TDT group and LOC+92 stop is a leg', () => {
  it('reads two TDT groups as two legs, each with its own flight number and times', () => {
    const r = translateEdifact(paxlst(['BGM+745',
      'TDT+20+SV817+++SV', 'LOC+125+CGK', 'DTM+189:2505020835:201', 'LOC+87+RUH', 'DTM+232:2505021410:201',
      'TDT+20+SV1430+++SV', 'LOC+125+RUH', 'DTM+189:2505021625:201', 'LOC+87+MED', 'DTM+232:2505021740:201',
      ...PILGRIM]));
    assert.deepEqual(r.findings, []);
    const m = r.canonical[0] as Manifest;
    assert.deepEqual(route(m), ['SV817 CGK 2025-05-02 08:35 → RUH 2025-05-02 14:10', 'SV1430 RUH 2025-05-02 16:25 → MED 2025-05-02 17:40']);
    assert.deepEqual(plain(m.flight), plain(m.legs[0]), 'the manifest is filed under its first leg');
  });

  it('splits a TDT group at a LOC+92 stop: arrival there (232), departure from there (189)', () => {
    const r = translateEdifact(paxlst(['BGM+745',
      'TDT+20+GA1101+++GA', 'LOC+125+CGK', 'DTM+189:2505022230:201',
      'LOC+92+KUL', 'DTM+232:2505030135:201', 'DTM+189:2505030250:201',
      'LOC+87+JED', 'DTM+232:2505030640:201', ...PILGRIM]));
    assert.deepEqual(r.findings, []);
    assert.deepEqual(route(r.canonical[0] as Manifest), ['GA1101 CGK 2025-05-02 22:30 → KUL 2025-05-03 01:35', 'GA1101 KUL 2025-05-03 02:50 → JED 2025-05-03 06:40']);
  });

  it('reports a leg without a departure date at its LOC (0085 13), keeping the other legs', () => {
    const body = ['BGM+745',
      'TDT+20+MH724+++MH', 'LOC+92+CGK', 'DTM+189:2503011745:201', 'LOC+92+KUL', 'DTM+232:2503012050:201',
      'TDT+20+MH150+++MH', 'LOC+125+KUL', 'LOC+87+JED', 'DTM+232:2503020555:201', ...PILGRIM];
    const r = translateEdifact(paxlst(body));
    assert.deepEqual(r.findings, [{ code0085: '13', position: positionOf(body, 'LOC+125+KUL'), severity: 'error',
      message: 'Flight MH150 from KUL to JED has no departure date (DTM+189 after LOC+125); the leg is left out' }]);
    assert.deepEqual(route(r.canonical[0] as Manifest), ['MH724 CGK 2025-03-01 17:45 → KUL 2025-03-01 20:50']);
  });

  it('reports a TDT group without an arrival place at its TDT, and gives no manifest when no leg is left', () => {
    const body = ['BGM+745', 'TDT+20+GA1101+++GA', 'LOC+125+CGK', 'DTM+189:2505022230:201', ...PILGRIM];
    const r = translateEdifact(paxlst(body));
    assert.deepEqual(r.canonical, []);
    assert.deepEqual(r.findings.map((f) => [f.code0085, f.severity, f.position]), [['13', 'error', positionOf(body, 'TDT+20+GA1101+++GA')], ['13', 'error', undefined]]);
    assert.match(r.findings[0].message, /GA1101 has no departure \(LOC\+125\) or no arrival \(LOC\+87\) place/);
    assert.match(r.findings[1].message, /no manifest produced/);
  });

  it('warns when a leg does not leave from where the one before it arrived', () => {
    const body = ['BGM+745',
      'TDT+20+MH724+++MH', 'LOC+125+CGK', 'DTM+189:2503011745:201', 'LOC+87+KUL',
      'TDT+20+SV841+++SV', 'LOC+125+SIN', 'DTM+189:2503020110:201', 'LOC+87+JED', ...PILGRIM];
    const r = translateEdifact(paxlst(body));
    assert.deepEqual(r.findings, [{ code0085: '12', position: positionOf(body, 'LOC+125+SIN'), severity: 'warning',
      message: 'Flight SV841 leaves from SIN but the leg before it arrives at KUL' }]);
    assert.equal((r.canonical[0] as Manifest).legs.length, 2);
  });
});
