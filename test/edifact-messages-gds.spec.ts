/**
 * AVLREQ/RESREQ through `handleEdifact` against the real core on both database backends: what a GDS
 * reads back (offers, record locator, ERI errors, CONTRL) and the stock it moved.
 */
import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { openWorld, type TestWorld } from './support/world';
import { handleEdifact, translateEdifact, type EdifactDeps, type ResponseSummary } from '../adapters/edifact/messages';
import { PartnerDirectory, validateProfile } from '../adapters/edifact';
import type { Manifest } from '../core/model';
import { addDays } from '../core/dates';
import type { Actor } from '../core/model';

/** EDIFACT profiles of the two demo agencies: UNOA, syntax 4, lenient, a CONTRL for every batch interchange. */
const partners = new PartnerDirectory(['AG-NOOR', 'AG-BARAKA'].map((id) => validateProfile({
  id, name: id, kind: 'agency',
  edifact: { ids: [{ id, qualifier: 'ZZZ' }], charset: 'UNOA', syntaxVersion: 4, separators: ":+.? '", ignoreRepetition: false, ackPolicy: 'always', mode: 'lenient' },
})));

function ddmmyy(d: string): string {
  return d.slice(8, 10) + d.slice(5, 7) + d.slice(2, 4);
}

/** A UNB batch interchange holding one message body (UNH … UNT added here). */
function unb(sender: string, ref: string, type: string, body: string[]): Buffer {
  const segs = [`UNH+1+${type}:D:21A:UN`, ...body];
  segs.push(`UNT+${segs.length + 1}+1`);
  return Buffer.from(`UNB+UNOA:4+${sender}:ZZZ+MAQAM:ZZZ+20250301:0900+${ref}'${segs.join("'")}'UNZ+1+${ref}'`, 'latin1');
}

/** A UIB interactive interchange holding one message body (UIH … UIT added here). */
function uib(sender: string, ref: string, type: string, body: string[]): Buffer {
  const segs = [`UIH+${type}:D:21A:UN+1`, ...body];
  segs.push(`UIT+1+${segs.length + 1}`);
  return Buffer.from(`UNA:+.? 'UIB+UNOA:4+${ref}+T1+++${sender}:ZZZ+MAQAM:ZZZ+20250301:0900'${segs.join("'")}'UIZ+${ref}+1'`, 'latin1');
}

/** The one AVLRSP or RESRSP of an answer (a batch answer may also carry the CONTRL its partner asks for). */
function summary(body: Buffer): ResponseSummary {
  const r = translateEdifact(body);
  // the CONTRL beside a batch answer is not a message the translator reads
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error' && !/^Message type CONTRL is not translated/.test(f.message)), [], `our answer has syntax errors: ${body.toString('latin1')}`);
  const responses = r.canonical.filter((c) => ['AVLRSP', 'RESRSP'].includes((c as ResponseSummary).message));
  assert.equal(responses.length, 1);
  return responses[0] as ResponseSummary;
}

/** The interchanges of an answer, in order: [message type, UNB/UIB control reference]. */
function interchangesOf(body: Buffer): [string, string][] {
  return [...body.toString('latin1').matchAll(/(?:UNB\+UNOA:4\+MAQAM:ZZZ\+AG-NOOR:ZZZ\+\d{8}:\d{4}\+([^'+]+)'UNH\+1\+|UIB\+UNOA:4\+([^'+]+)\+[^']*'UIH\+)(\w+)/g)]
    .map((m) => [m[3], m[1] ?? m[2]]);
}

forEachBackend('EDIFACT AVLREQ/RESREQ through the gateway', (backend) => {
  let w: TestWorld;
  let agent: Actor;
  let ops: Actor;
  let start: string;
  let end: string;
  let n = 0;
  let deps: EdifactDeps;
  const ref = () => `GDS${++n}`;

  before(async () => {
    w = await openWorld(backend, { days: 20 });
    agent = w.actor('AG-NOOR');
    ops = w.actor('MAQAM-OPS');
    start = addDays(w.from, 3);
    end = addDays(w.from, 6);
    deps = { gateway: w.gateway, db: w.db, partners };
  });
  after(() => w.close());

  async function sold(productId: string): Promise<number[]> {
    return (await w.gateway.getInventory({ actor: ops }, productId, start, addDays(end, -1))).map((d) => d.sold + d.held);
  }

  const sell = (r: string, qty: number, extra: string[] = []) => unb('AG-NOOR', r, 'RESREQ', [
    'MSD+2', 'RCI+1A:PNR' + r, 'TIF+SANTOSO:A+BUDI MR',
    'SSR+DOCS:HK::SV:::::/P/IDN/C4412987/IDN/14MAR67/M/04NOV35/SANTOSO/BUDI',
    `TVL+${ddmmyy(start)}::${ddmmyy(end)}+QCA++QCA-SAFWA+DBL:BAR`, `NUN+${qty}+2`, ...extra,
  ]);

  it('answers an AVLREQ with the Makkah hotels, their availability and stay prices', async () => {
    const req = uib('AG-NOOR', ref(), 'AVLREQ', [`TVL+${ddmmyy(start)}::${ddmmyy(end)}+QCA`, 'PRD+HTL', 'NUN+1+2']);
    const res = await handleEdifact(deps, { actor: agent, bytes: req });
    assert.equal(res.status, 200);
    assert.match(res.body.toString('latin1'), /^UNA:\+\.\? 'UIB\+UNOA:4\+GDS\d+:::\d+\+T1\+\+\+MAQAM:ZZZ\+AG-NOOR:ZZZ\+/);
    const s = summary(res.body);
    assert.deepEqual(s.errors, []);
    const dbl = s.offers!.find((o) => o.providerId === 'QCA-SAFWA' && o.code === 'DBL');
    assert.ok(dbl, 'Safwa double room offered');
    assert.equal(dbl.kind, 'HTL');
    const bar = dbl.ratePlans.find((r) => r.code === 'BAR')!;
    assert.equal(bar.available, 40);
    assert.equal(bar.total.currency, 'SAR');
    assert.ok(Number(bar.total.amount) >= 3 * 950, `3 nights for two at 950+ SAR, got ${bar.total.amount}`);
    assert.ok(s.offers!.every((o) => o.kind === 'HTL'));
  });

  it('declares in its UNA the decimal mark it writes, whatever decimal mark the request\'s UNA declared', async () => {
    const req = uib('AG-NOOR', ref(), 'AVLREQ', [`TVL+${ddmmyy(start)}::${ddmmyy(end)}+QCA`, 'PRD+HTL', 'NUN+1+2']);
    const comma = Buffer.from(req.toString('latin1').replace("UNA:+.? '", "UNA:+,? '"), 'latin1');
    const text = (await handleEdifact(deps, { actor: agent, bytes: comma })).body.toString('latin1');
    assert.match(text, /^UNA:\+\.\? '/);
    assert.match(text, /RTI\+\d+\.\d\d:SAR/);
    assert.ok(summary(Buffer.from(text, 'latin1')).offers!.length > 0);
  });

  it('answers a partner whose UNA has no release character in its own separators, service characters in error texts turned to spaces', async () => {
    const bad = uib('AG-NOOR', ref(), 'AVLREQ', ['TVL+310225::290225+QCA', 'PRD+HTL', 'NUN+1+2']);
    const req = Buffer.from(bad.toString('latin1').replace("UNA:+.? '", "UNA:+.  '"), 'latin1');
    const res = await handleEdifact(deps, { actor: agent, bytes: req });
    assert.equal(res.status, 200, res.body.toString('latin1'));
    const text = res.body.toString('latin1');
    assert.match(text, /^UNA:\+\.  'UIB\+/, 'answered with the request\'s separators');
    assert.ok(!text.includes('?'), 'no release character is written');
    const s = summary(res.body);
    assert.equal(s.errors.length, 1);
    assert.equal(s.errors[0].code, 'GW_BAD_INPUT');
    assert.ok(s.errors[0].text && s.errors[0].text.length > 5, `the error says what is wrong: ${text}`);
  });

  it('sells a room: RESRSP carries the record locator, stock goes down, a resend is answered the same without selling twice', async () => {
    const r = ref();
    const res = await handleEdifact(deps, { actor: agent, bytes: sell(r, 2) });
    const s = summary(res.body);
    assert.deepEqual(s.errors, []);
    assert.match(s.locator ?? '', /^[A-Z0-9]{6}$/);
    assert.equal(s.status, 'HK');
    assert.equal(s.items![0].code, 'DBL');
    assert.equal(s.items![0].quantity, 2);
    assert.deepEqual(await sold('QCA-SAFWA-DBL'), [2, 2, 2]);
    const booking = await w.gateway.retrieve({ actor: agent }, s.locator!);
    assert.equal(booking.externalRef, `1A:PNR${r}`);
    assert.equal(booking.travellers[0].documents?.[0].number, 'C4412987');

    const again = await handleEdifact(deps, { actor: agent, bytes: sell(r, 2) });
    assert.equal(summary(again.body).locator, s.locator);
    assert.deepEqual(await sold('QCA-SAFWA-DBL'), [2, 2, 2]);

    const cancel = await handleEdifact(deps, { actor: agent, bytes: unb('AG-NOOR', ref(), 'RESREQ', ['MSD+1', `RCI+MQM:${s.locator}`]) });
    const c = summary(cancel.body);
    assert.deepEqual(c.errors, []);
    assert.equal(c.status, 'XX');
    assert.deepEqual(await sold('QCA-SAFWA-DBL'), [0, 0, 0]);
  });

  it('modifies a sold room to two rooms and a shorter stay: the old stock is released and the new taken', async () => {
    const s = summary((await handleEdifact(deps, { actor: agent, bytes: sell(ref(), 1) })).body);
    assert.deepEqual(await sold('QCA-SAFWA-DBL'), [1, 1, 1]);
    const shorter = addDays(end, -1);
    const mod = summary((await handleEdifact(deps, { actor: agent, bytes: unb('AG-NOOR', ref(), 'RESREQ', [
      'MSD+4', `RCI+MQM:${s.locator}`, `TVL+${ddmmyy(start)}::${ddmmyy(shorter)}+QCA++QCA-SAFWA+DBL:BAR`, 'NUN+2+2',
    ]) })).body);
    assert.deepEqual(mod.errors, []);
    assert.equal(mod.locator, s.locator);
    assert.equal(mod.items![0].quantity, 2);
    assert.equal(mod.items![0].end, shorter);
    assert.deepEqual(await sold('QCA-SAFWA-DBL'), [2, 2, 0]);
    await handleEdifact(deps, { actor: agent, bytes: unb('AG-NOOR', ref(), 'RESREQ', ['MSD+1', `RCI+MQM:${s.locator}`]) });
    assert.deepEqual(await sold('QCA-SAFWA-DBL'), [0, 0, 0]);
  });

  it('answers a sale beyond the allotment with ERI (GW_SOLD_OUT) and moves nothing', async () => {
    const res = await handleEdifact(deps, { actor: agent, bytes: sell(ref(), 41) });
    const s = summary(res.body);
    assert.equal(s.locator, undefined);
    assert.deepEqual(s.errors, [{ code0085: '18', code: 'GW_SOLD_OUT', text: 'NO AVAILABILITY' }]);
    assert.deepEqual(await sold('QCA-SAFWA-DBL'), [0, 0, 0]);
  });

  it('reports an error with its whole sentence in IFT, dates included', async () => {
    const res = await handleEdifact(deps, { actor: agent, bytes: unb('AG-NOOR', ref(), 'RESREQ', [
      'MSD+2', `TVL+${ddmmyy(end)}::${ddmmyy(start)}+QCA++QCA-SAFWA+DBL:BAR`, 'NUN+1+2',
    ]) });
    assert.equal(summary(res.body).errors[0]?.text, 'CHECK DATE');
    const sentence = /'IFT\+AAO\+[^+']+\+CHECK DATE\+([^']*)'/.exec(res.body.toString('latin1'))?.[1] ?? '';
    assert.ok(sentence.length > 70, `the sentence is not cut at 70 characters: ${sentence}`);
    assert.ok(sentence.includes(start) && sentence.includes(end), `both dates are named: ${sentence}`);
  });

  it('sells nothing for a RESREQ in a functional group rejected for its UNE count: the CONTRL rejects the group, the RESRSP carries ERI', async () => {
    const grouped = sell(ref(), 1).toString('latin1')
      .replace("'UNH+", "'UNG+RESREQ+AG-NOOR:ZZZ+MAQAM:ZZZ+20250301:0900+G1+UN+D:21A'UNH+")
      .replace("'UNZ+", "'UNE+5+G1'UNZ+");
    const res = await handleEdifact(deps, { actor: agent, bytes: Buffer.from(grouped, 'latin1') });
    assert.match(res.body.toString('latin1'), /UCF\+G1\+AG-NOOR:ZZZ\+MAQAM:ZZZ\+4\+29\+UNE\+1'UNT/);
    const s = summary(res.body);
    assert.equal(s.locator, undefined);
    assert.equal(s.errors[0]?.code, 'GW_SYNTAX');
    assert.deepEqual(await sold('QCA-SAFWA-DBL'), [0, 0, 0]);
  });

  it('answers a sale or a search starting before today with ERI GW_BAD_DATES and moves nothing', async () => {
    const yesterday = addDays(w.from, -1);
    const past = summary((await handleEdifact(deps, { actor: agent, bytes: unb('AG-NOOR', ref(), 'RESREQ', ['MSD+2', `TVL+${ddmmyy(yesterday)}::${ddmmyy(end)}+QCA++QCA-SAFWA+DBL:BAR`, 'NUN+1+2']) })).body);
    assert.equal(past.locator, undefined);
    assert.deepEqual(past.errors.map((e) => [e.code, e.code0085]), [['GW_BAD_DATES', '12']]);
    const shop = summary((await handleEdifact(deps, { actor: agent, bytes: uib('AG-NOOR', ref(), 'AVLREQ', [`TVL+${ddmmyy(yesterday)}::${ddmmyy(end)}+QCA`, 'PRD+HTL', 'NUN+1+2']) })).body);
    assert.deepEqual(shop.errors.map((e) => e.code), ['GW_BAD_DATES']);
    assert.deepEqual(await sold('QCA-SAFWA-DBL'), [0, 0, 0]);
  });

  it('holds, then confirms a hold, and reports an unknown product code or locator with ERI', async () => {
    const hold = summary((await handleEdifact(deps, { actor: agent, bytes: unb('AG-NOOR', ref(), 'RESREQ', ['MSD+23', `TVL+${ddmmyy(start)}+JED+QCA+SAPTCO+JED-QCA`, 'NUN+3+1']) })).body);
    assert.equal(hold.status, 'HN');
    const conf = summary((await handleEdifact(deps, { actor: agent, bytes: unb('AG-NOOR', ref(), 'RESREQ', ['MSD+6', `RCI+MQM:${hold.locator}`]) })).body);
    assert.equal(conf.status, 'HK');
    assert.equal(conf.locator, hold.locator);

    const unknown = summary((await handleEdifact(deps, { actor: agent, bytes: unb('AG-NOOR', ref(), 'RESREQ', ['MSD+2', `TVL+${ddmmyy(start)}+QCA++QCA-SAFWA+PENTHOUSE`]) })).body);
    assert.equal(unknown.errors[0].code, 'GW_UNKNOWN_PRODUCT');
    const noBooking = summary((await handleEdifact(deps, { actor: agent, bytes: unb('AG-NOOR', ref(), 'RESREQ', ['MSD+1', 'RCI+MQM:ZZZZZZ']) })).body);
    assert.equal(noBooking.errors[0].code, 'GW_UNKNOWN_BOOKING');
    assert.equal(noBooking.errors[0].code0085, '12');
  });

  it('sends a batch AVLREQ the CONTRL its partner asks for before the AVLRSP, an interactive one the AVLRSP alone, and numbers and archives only what it sends', async () => {
    const repliesTo = async (controlRef: string) => (await w.db.query<{ message_types: string[]; control_ref: string }>(
      "SELECT message_types, control_ref FROM edifact_archive WHERE direction = 'out' AND in_reply_to = (SELECT id FROM edifact_archive WHERE direction = 'in' AND sender = 'AG-NOOR' AND control_ref = $1) ORDER BY id",
      [controlRef])).rows.map((r): [string, string] => [r.message_types.join(','), r.control_ref]);
    const avlreq = [`TVL+${ddmmyy(start)}::${ddmmyy(end)}+QCA`, 'PRD+HTL', 'NUN+1+2'];
    const r1 = ref();
    const batch = await handleEdifact(deps, { actor: agent, bytes: unb('AG-NOOR', r1, 'AVLREQ', avlreq) });
    assert.equal(batch.status, 200);
    const sent = interchangesOf(batch.body);
    assert.deepEqual(sent.map(([type]) => type), ['CONTRL', 'AVLRSP']);
    assert.match(batch.body.toString('latin1'), new RegExp(`UCI\\+${r1}\\+AG-NOOR:ZZZ\\+MAQAM:ZZZ\\+7'`));
    assert.ok(summary(batch.body).offers!.length > 0);
    assert.deepEqual(await repliesTo(r1), sent, 'the archive holds what was sent, with the references sent');
    assert.equal(Number(sent[1][1]), Number(sent[0][1]) + 1, 'the AVLRSP interchange takes the next reference after the CONTRL');

    const r2 = ref();
    const dialogue = await handleEdifact(deps, { actor: agent, bytes: uib('AG-NOOR', r2, 'AVLREQ', avlreq) });
    assert.deepEqual(interchangesOf(dialogue.body).map(([type]) => type), ['AVLRSP']);
    assert.deepEqual((await repliesTo(r2)).map(([type]) => type), ['AVLRSP'], 'no CONTRL archived as sent for a dialogue');

    // no reference was taken for a CONTRL that did not go out: the dialogue's reply took one, the next batch's CONTRL the next
    const next = interchangesOf((await handleEdifact(deps, { actor: agent, bytes: unb('AG-NOOR', ref(), 'AVLREQ', avlreq) })).body);
    assert.deepEqual(next.map(([type, r]) => [type, Number(r)]), [['CONTRL', Number(sent[1][1]) + 2], ['AVLRSP', Number(sent[1][1]) + 3]]);
  });

  it('rejects an interchange sent in another partner\'s name, and garbage, with a CONTRL', async () => {
    const other = await handleEdifact(deps, { actor: agent, bytes: unb('AG-BARAKA', ref(), 'AVLREQ', [`TVL+${ddmmyy(start)}+QCA`]) });
    assert.equal(other.status, 403);
    assert.match(other.body.toString('latin1'), /UNH\+1\+CONTRL:4:1:UN'UCI\+GDS\d+\+AG-BARAKA:ZZZ\+MAQAM:ZZZ\+4\+23/);
    const junk = await handleEdifact(deps, { actor: agent, bytes: Buffer.from('this is not EDIFACT') });
    assert.equal(junk.status, 400);
    assert.match(junk.body.toString('latin1'), /CONTRL/);
  });

  it('translates a PAXLST posted by a partner, returns the manifest and acknowledges it with a CONTRL', async () => {
    const r = ref();
    const body = [
      'BGM+745', 'TDT+20+SV817+++SV', 'LOC+125+CGK', `DTM+189:${start.slice(2).replace(/-/g, '')}0835:201`, 'LOC+87+JED',
      'NAD+FL+++SANTOSO:BUDI', 'ATT+2++M', 'DTM+329:670314', 'NAT+2+IDN', 'DOC+P:110:111+C4412987', 'DTM+36:291104', 'LOC+91+IDN', 'CNT+42:1',
    ];
    const segs = ['UNH+1+PAXLST:D:05B:UN:IATA', ...body];
    segs.push(`UNT+${segs.length + 1}+1`);
    const bytes = Buffer.from(`UNB+UNOA:4+AG-NOOR:ZZZ+MAQAM:ZZZ+20250301:0900+${r}+++1'${segs.join("'")}'UNZ+1+${r}'`, 'latin1');
    const res = await handleEdifact(deps, { actor: agent, bytes });
    assert.equal(res.status, 200);
    assert.match(res.body.toString('latin1'), new RegExp(`UCI\\+${r}\\+AG-NOOR:ZZZ\\+MAQAM:ZZZ\\+7'`));
    const m = res.canonical[0] as Manifest;
    assert.equal(m.flight.departureDate, start);
    assert.equal(m.travellers[0].documents?.[0].expiry, '2029-11-04');
    const again = await handleEdifact(deps, { actor: agent, bytes });
    assert.equal(again.status, 409);
    assert.match(again.body.toString('latin1'), new RegExp(`UCI\\+${r}\\+AG-NOOR:ZZZ\\+MAQAM:ZZZ\\+4\\+26`));
    assert.deepEqual(again.canonical, []);
  });
});
