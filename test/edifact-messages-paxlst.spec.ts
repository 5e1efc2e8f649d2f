/**
 * PAXLST out and back: a canonical manifest sent to an authority (D:05B, IATA, BGM 745, CNT+42) reads
 * back as the same manifest, in UNOA and, with Arabic names, UNOW and UNOI; and two-digit years resolve
 * by the documented pivot.
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

describe('PAXLST out to authorities and back', () => {
  for (const [fixture, syntaxId] of [
    ['paxlst-umrah-passengers.canonical.json', 'UNOA'],
    ['paxlst-two-digit-years.canonical.json', 'UNOA'],
    ['paxlst-arabic-unow.canonical.json', 'UNOW'],
    ['paxlst-arabic-unoi.canonical.json', 'UNOI'],
  ] as const) {
    it(`${fixture} → PAXLST (${syntaxId}) → the same manifest`, () => {
      for (const m of load(fixture)) {
        const bytes = manifestToPaxlst(m, { recipient: { id: 'SAUAPIS', qualifier: 'ZZZ' }, controlRef: '000000042', syntaxId, prepared: new Date('2025-02-05T10:00:00Z') });
        const text = bytes.toString(syntaxId === 'UNOW' ? 'utf8' : 'latin1');
        assert.match(text, /UNH\+1\+PAXLST:D:05B:UN:IATA'BGM\+(745|250)'/);
        assert.match(text, new RegExp(`CNT\\+${m.kind === 'crew' ? 41 : 42}:${m.travellers.length}'UNT\\+`));
        const back = translateEdifact(bytes);
        assert.deepEqual(back.findings.filter((f) => f.severity === 'error'), []);
        assert.deepEqual(plain(back.canonical), [plain(m)]);
      }
    });
  }

  it('drops Arabic-script names when the repertoire cannot carry them, keeping the Latin ones', () => {
    const m = load('paxlst-arabic-unoi.canonical.json')[0];
    const bytes = manifestToPaxlst(m, { recipient: { id: 'SAUAPIS' }, controlRef: '7', syntaxId: 'UNOA' });
    assert.match(bytes.toString('latin1'), /NAD\+FL\+\+\+AL-KHATIB:OMAR:KHALED'/);
    const back = translateEdifact(bytes).canonical[0] as Manifest;
    assert.equal(back.travellers[0].surnameArabic, undefined);
    assert.equal(back.travellers[0].surname, 'AL-KHATIB');
  });

  it('decides the century of two-digit years: births in the past of the flight, expiries within ±50 years', () => {
    const flight = '2025-03-01';
    assert.equal(parseDtm('250101', '', 'past', flight)?.date, '2025-01-01');
    assert.equal(parseDtm('250301', '', 'past', flight)?.date, '2025-03-01');
    assert.equal(parseDtm('250302', '', 'past', flight)?.date, '1925-03-02');
    assert.equal(parseDtm('991231', '', 'window', flight)?.date, '1999-12-31');
    assert.equal(parseDtm('740615', '', 'window', flight)?.date, '2074-06-15');
    assert.equal(parseDtm('750101', '', 'window', flight)?.date, '1975-01-01');
    assert.equal(parseDtm('19250601', '102', 'past', flight)?.date, '1925-06-01');
    assert.deepEqual(parseDtm('2502100835', '201', 'window', flight), { date: '2025-02-10', time: '08:35' });
    assert.equal(parseDtm('230230', '', 'past', flight), null);
    assert.equal(parseDmmmy('12JUL80', 'past', flight), '1980-07-12');
    assert.equal(parseDmmmy('04NOV29', 'window', flight), '2029-11-04');
    assert.equal(centuryOf(0, 2, 29, 'past', flight), 2000);
  });
});
