/**
 * Fuzz through the whole EDIFACT entry point (`handleEdifact`: envelope, partner profile, translators, core
 * on a real database, answer writer): seeded mutations of valid AVLREQ, RESREQ (sell, hold, cancel), PAXLST
 * and PNRGOV interchanges — values replaced by odd ones (service characters, Arabic, huge, negative, bad
 * dates), elements and segments dropped or repeated, other separator sets (one without a release character),
 * replays, damaged bytes. Every case must be answered (never a throw), with EDIFACT our own strict parser
 * reads without an error, and afterwards the stock must balance: for every product-day, sold and held
 * equal what the confirmed and held bookings take, never below zero, never over the allotment.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { rng as prng } from './support/rng';
import { forEachBackend } from './support/db';
import { openWorld, type TestWorld } from './support/world';
import { handleEdifact, type EdifactDeps } from '../adapters/edifact/messages';
import { PartnerDirectory, loadPartnerProfiles, parseInterchanges, tokenize, validateProfile } from '../adapters/edifact';
import { addDays } from '../core/dates';
import { projectRoot } from '../core/paths';
import type { Actor } from '../core/model';

const CASES = 2000;

/** Separator sets (component, element, decimal, release, repetition, terminator); the last has no release. */
const SEPARATORS = [":+.? '", ":+.?*'", '|^,\\ ~', ":+.  '"];

const ODD_VALUES = ['', 'X', '0', '-3', '999999', '2', '310225', '290230', 'ZZZZZZ', 'QCA', 'JED', 'HTL', 'DBL', 'BAR', 'A'.repeat(400), "O'NEIL+:?*", 'فندق مكة', 'Ünïcödé', '12.5', '1,5'];

interface Seed {
  actor: 'agency' | 'airline';
  segments: { tag: string; elements: string[][] }[];
}

function ddmmyy(d: string): string {
  return d.slice(8, 10) + d.slice(5, 7) + d.slice(2, 4);
}

/** Segments of an interchange (UNA left out: the writer below adds its own). */
function segmentsOf(text: string): Seed['segments'] {
  return tokenize(Buffer.from(text, 'latin1')).segments.map((s) => ({ tag: s.tag, elements: s.elements.map((e) => [...e]) }));
}

function seeds(from: string): Seed[] {
  const start = addDays(from, 3);
  const end = addDays(from, 6);
  const batch = (type: string, body: string[]) => {
    const segs = [`UNH+1+${type}:D:21A:UN`, ...body];
    segs.push(`UNT+${segs.length + 1}+1`);
    return `UNB+UNOA:4+AG-NOOR:ZZZ+MAQAM:ZZZ+20250301:0900+REF'${segs.join("'")}'UNZ+1+REF'`;
  };
  const interactive = (type: string, body: string[]) => {
    const segs = [`UIH+${type}:D:21A:UN+1`, ...body];
    segs.push(`UIT+1+${segs.length + 1}`);
    return `UIB+UNOA:4+REF+T1+++AG-NOOR:ZZZ+MAQAM:ZZZ+20250301:0900'${segs.join("'")}'UIZ+REF+1'`;
  };
  const fixture = (f: string) => fs.readFileSync(path.join(projectRoot(), 'fixtures/edifact/messages', f), 'latin1').replace(/^UNA.{6}\r?\n?/, '');
  return [
    { actor: 'agency', segments: segmentsOf(interactive('AVLREQ', [`TVL+${ddmmyy(start)}::${ddmmyy(end)}+QCA`, 'PRD+HTL', 'NUN+1+2'])) },
    { actor: 'agency', segments: segmentsOf(batch('RESREQ', ['MSD+2', 'RCI+1A:PNR1', 'TIF+SANTOSO:A+BUDI MR', `TVL+${ddmmyy(start)}::${ddmmyy(end)}+QCA++QCA-SAFWA+DBL:BAR`, 'NUN+2+2'])) },
    { actor: 'agency', segments: segmentsOf(batch('RESREQ', ['MSD+23', `TVL+${ddmmyy(start)}+JED+QCA+SAPTCO+JED-QCA`, 'NUN+3+1'])) },
    { actor: 'agency', segments: segmentsOf(interactive('RESREQ', ['MSD+2', `TVL+${ddmmyy(addDays(from, 1))}::${ddmmyy(addDays(from, 2))}+QCA++QCA-AJYAD+TPL:BAR`, 'NUN+1+3'])) },
    { actor: 'agency', segments: segmentsOf(batch('RESREQ', ['MSD+1', 'RCI+MQM:ZZZZZZ'])) },
    { actor: 'airline', segments: segmentsOf(fixture('paxlst-umrah-passengers.edi').replaceAll('SVAPI:ZZZ', 'NAJMAIR:ZZZ')) },
    { actor: 'airline', segments: segmentsOf(fixture('pnrgov-two-pnrs.edi').replace('UNB+IATA:1+SV+MAQAMHUB+', 'UNB+IATA:1+NJ+MAQAM:ZZZ+')) },
  ];
}

/** Writes segments with a separator set; without a release character, service characters are dropped. */
function write(segs: Seed['segments'], seps: string, utf8: boolean): Buffer {
  const [comp, elem, , rel, rep, term] = seps;
  const service = [comp, elem, rel, rep, term].filter((c) => c !== ' ');
  const esc = (v: string) => {
    let out = '';
    for (const ch of v) out += service.includes(ch) ? (rel === ' ' ? '' : rel + ch) : ch;
    return out;
  };
  const text = 'UNA' + seps + segs.map((s) => [s.tag, ...s.elements.map((e) => e.map(esc).join(comp))].join(elem)).join(term) + term;
  return Buffer.from(text, utf8 ? 'utf8' : 'latin1');
}

/** One mutated interchange with a fresh control reference. */
function mutate(seed: Seed, ref: string, rnd: () => number): Buffer {
  const int = (k: number) => Math.floor(rnd() * k);
  const segs = seed.segments.map((s) => ({ tag: s.tag, elements: s.elements.map((e) => [...e]) }));
  // a fresh interchange reference in header and trailer (else duplicate detection answers most cases)
  for (const s of segs) {
    if (s.tag === 'UNB' && s.elements[4]) s.elements[4] = [ref];
    if (s.tag === 'UNZ' && s.elements[1]) s.elements[1] = [ref];
    if (s.tag === 'UIB' && s.elements[1]) s.elements[1] = [ref];
    if (s.tag === 'UIZ' && s.elements[0]) s.elements[0] = [ref];
  }
  const body = () => 1 + int(Math.max(1, segs.length - 2)); // a segment between header and trailer
  for (let m = 0, n = 1 + int(3); m < n; m++) {
    const s = segs[body()];
    if (!s) continue;
    switch (int(6)) {
      case 0:
      case 1: { // an odd value somewhere in a body segment
        const e = s.elements[int(s.elements.length)];
        if (e) e[int(e.length)] = ODD_VALUES[int(ODD_VALUES.length)];
        break;
      }
      case 2: // an element dropped or one added
        if (rnd() < 0.5) s.elements.splice(int(s.elements.length), 1);
        else s.elements.push([ODD_VALUES[int(ODD_VALUES.length)]]);
        break;
      case 3: // a segment dropped
        segs.splice(segs.indexOf(s), 1);
        break;
      case 4: // a segment repeated
        segs.splice(segs.indexOf(s), 0, { tag: s.tag, elements: s.elements.map((x) => [...x]) });
        break;
      default: // a quantity or count pushed out of range
        for (const x of segs) if (x.tag === 'NUN' || x.tag === 'CNT') x.elements[0] = [ODD_VALUES[int(5) + 1]];
    }
  }
  const seps = SEPARATORS[rnd() < 0.6 ? 0 : int(SEPARATORS.length)];
  let bytes = write(segs, seps, rnd() < 0.2);
  const damage = rnd();
  if (damage < 0.08) bytes = bytes.subarray(0, int(bytes.length + 1)); // truncated
  else if (damage < 0.16) {
    bytes = Buffer.from(bytes);
    for (let k = 0; k < 1 + int(4); k++) bytes[int(bytes.length)] = int(256); // random bytes
  }
  return bytes;
}

forEachBackend('EDIFACT entry point fuzz (handleEdifact with core on the database)', (backend) => {
  let w: TestWorld;
  let deps: EdifactDeps;
  let actors: Record<Seed['actor'], Actor>;

  before(async () => {
    w = await openWorld(backend, { days: 12 });
    await w.gateway.createPartner({ actor: w.actor('MAQAM-OPS') }, { id: 'AL-NAJM', name: 'Najm Air', kind: 'airline' });
    const agency = validateProfile({
      id: 'AG-NOOR', name: 'Noor', kind: 'agency',
      edifact: { ids: [{ id: 'AG-NOOR', qualifier: 'ZZZ' }], charset: ['UNOA', 'UNOC', 'UNOW'], syntaxVersion: 4, separators: ":+.? '", ignoreRepetition: false, ackPolicy: 'always', mode: 'lenient' },
    });
    deps = { gateway: w.gateway, db: w.db, partners: new PartnerDirectory([...loadPartnerProfiles().profiles, agency]) };
    actors = { agency: w.actor('AG-NOOR'), airline: { partnerId: 'AL-NAJM', kind: 'airline' } };
  });
  after(() => w?.close());

  it(`answers ${CASES} mutated interchanges with valid EDIFACT, never throws, and the stock balances with the bookings`, async function () {
    this.timeout(300_000);
    const rnd = prng(0x5eed0ed1);
    const list = seeds(w.from);
    const statuses = new Map<number, number>();
    let previous: { bytes: Buffer; actor: Actor } | null = null;
    for (let i = 0; i < CASES; i++) {
      const seed = list[i % list.length];
      // now and then a replay of the previous case, byte for byte
      const replay: boolean = previous !== null && rnd() < 0.05;
      const c: { bytes: Buffer; actor: Actor } = replay ? previous! : { bytes: mutate(seed, `FZ${i}`, rnd), actor: actors[seed.actor] };
      let reply;
      try {
        reply = await handleEdifact(deps, { actor: c.actor, bytes: c.bytes });
      } catch (e) {
        assert.fail(`case ${i} threw ${(e as Error).stack}\ninput: ${c.bytes.toString('latin1')}`);
      }
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      assert.ok([200, 400, 403, 409].includes(reply.status), `case ${i}: status ${reply.status}`);
      if (reply.body.length === 0) {
        // only a batch interchange from the airline, whose profile sends a CONTRL when UNB 0031 asks, is taken silently
        assert.ok(reply.status === 200 && c.actor.kind === 'airline', `case ${i}: empty answer with ${reply.status}`);
        previous = c;
        continue;
      }
      const back = parseInterchanges(reply.body, { strict: true });
      assert.ok(back.interchanges.length >= 1, `case ${i}: the answer is not EDIFACT: ${reply.body.toString('latin1')}`);
      for (const ich of back.interchanges) {
        const errors = [...ich.findings, ...ich.messages.flatMap((m) => m.findings)].filter((f) => f.severity === 'error');
        assert.deepEqual(errors, [], `case ${i}: our answer has errors\ninput:  ${c.bytes.toString('latin1')}\nanswer: ${reply.body.toString('latin1')}`);
        for (const m of ich.messages) assert.ok(['CONTRL', 'AVLRSP', 'RESRSP'].includes(m.type), `case ${i}: answered with ${m.type}`);
      }
      previous = c;
    }
    // every status seen, so that the cases reach more than one outcome
    assert.ok(statuses.get(200)! > CASES / 4, `answers by status: ${JSON.stringify([...statuses])}`);
    assert.ok((statuses.get(400) ?? 0) > 0, `answers by status: ${JSON.stringify([...statuses])}`);
    // the stock balances: what each product-day has sold and held is exactly what live bookings take
    const rows = (await w.db.query<{ product_id: string; day: string; sold: number; held: number; allotment: number; booked: number; holding: number }>(`
      WITH taken AS (
        SELECT bi.product_id, d::date AS day,
               sum(bi.quantity) FILTER (WHERE b.status = 'confirmed')::int AS booked,
               sum(bi.quantity) FILTER (WHERE b.status = 'held')::int AS holding
          FROM booking_items bi
          JOIN bookings b ON b.locator = bi.locator
          JOIN products p ON p.id = bi.product_id
         CROSS JOIN LATERAL generate_series(bi.start_date, CASE WHEN p.pricing = 'per_unit' THEN bi.start_date ELSE bi.end_date - 1 END, interval '1 day') AS d
         WHERE b.status IN ('confirmed', 'held')
         GROUP BY 1, 2)
      SELECT i.product_id, i.day::text AS day, i.sold, i.held, i.allotment, coalesce(t.booked, 0) AS booked, coalesce(t.holding, 0) AS holding
        FROM inventory i LEFT JOIN taken t ON t.product_id = i.product_id AND t.day = i.day
       WHERE i.sold <> coalesce(t.booked, 0) OR i.held <> coalesce(t.holding, 0) OR i.sold < 0 OR i.held < 0 OR i.sold + i.held > i.allotment`)).rows;
    assert.deepEqual(rows, [], 'stock and bookings disagree');
    const live = (await w.db.query<{ n: number }>("SELECT count(*)::int AS n FROM bookings WHERE status IN ('confirmed', 'held')")).rows[0].n;
    assert.ok(live > 0, 'some mutated requests still sold or held something');
    console.log(`      ${CASES} cases: answers by status ${JSON.stringify(Object.fromEntries(statuses))}, ${live} live bookings, stock balanced`);
  });
});
