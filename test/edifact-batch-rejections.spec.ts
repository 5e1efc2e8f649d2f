/**
 * PAXLST and PNRGOV messages the hub does not take, through `handleEdifact` on both database backends:
 * what the partner reads in its CONTRL, that nothing of such a message is stored, and what the archived
 * interchange says about it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { forEachBackend } from './support/db';
import { openWorld, type TestWorld } from './support/world';
import { handleEdifact } from '../adapters/edifact/messages';
import { projectRoot } from '../core/paths';

const PAXLST = fs.readFileSync(path.join(projectRoot(), 'fixtures/edifact/messages/paxlst-umrah-passengers.edi'), 'latin1');

/** The fixture PAXLST (one message PAX417, flight SV817, in group 417) as sent by GDS-SIRAJ (always gets a CONTRL). */
function fromSiraj(ref: string): string {
  return PAXLST
    .replace('UNB+UNOA:4+SVAPI:ZZZ+MAQAM:ZZZ+250205:1130+SV0000417++PAXLST', `UNB+UNOC:4+SIRAJGDS:ZZZ+MAQAM:ZZZ+250205:1130+${ref}+SIRAJ-TEST-PW+PAXLST`)
    .replace('UNG+PAXLST+SVAPI:ZZZ', 'UNG+PAXLST+SIRAJGDS:ZZZ')
    .replace('UNZ+1+SV0000417', `UNZ+1+${ref}`);
}

/** PNRGOV messages from AL-NAJM (IATA:1), asking for a CONTRL (UNB 0031 = 1). */
function fromNajm(ref: string, messages: string[][]): string {
  const body = messages.map((segs, i) => {
    const all = [`UNH+${i + 1}+PNRGOV:11:1:IA`, ...segs];
    return all.join("'") + `'UNT+${all.length + 1}+${i + 1}'`;
  });
  return `UNA:+.?*'UNB+IATA:1+NJ+MAQAM:ZZZ+261122:1000+${ref}++PNRGOV++1'${body.join('')}UNZ+${messages.length}+${ref}'`;
}
const PNR_HEAD = ['MSG+:22', 'ORG+NJ', 'TVL+011226:0835:011226:1420+CGK+JED+NJ+817', 'EQN+2'];
/** A PNR without a record locator (RCI at position 7 of its message), then a good one. */
const ONE_PNR_UNREADABLE = [...PNR_HEAD, 'SRC', 'RCI+NJ', 'TIF+NOLOC:A+ALI MR', 'SRC', 'RCI+NJ:ZZZ999', 'TIF+HASAN:A+AHMAD MR'];

interface Archived {
  status: string;
  refused?: { message: string; type: string; code: string; detail: string; violations: { code: string; message: string; path?: string }[] }[];
}

forEachBackend('PAXLST and PNRGOV messages not taken', (backend) => {
  let w: TestWorld;
  before(async () => {
    w = await openWorld(backend, { days: 3 });
  });
  after(async () => {
    await w?.close();
  });

  const send = async (partner: string, text: string) => {
    const r = await handleEdifact({ gateway: w.gateway, db: w.db }, { actor: w.actor(partner), bytes: Buffer.from(text, 'latin1') });
    return { ...r, text: r.body.toString('latin1') };
  };
  const archived = async (controlRef: string): Promise<Archived> => {
    const row = (await w.db.query<{ status: string; correlation: unknown }>("SELECT status, correlation FROM edifact_archive WHERE direction = 'in' AND control_ref = $1", [controlRef])).rows[0];
    const c = (typeof row.correlation === 'string' ? JSON.parse(row.correlation) : row.correlation) as { refused?: Archived['refused'] };
    return { status: row.status, refused: c.refused };
  };
  const airBookings = async (...locators: string[]) =>
    (await w.db.query<{ record_locator: string }>("SELECT record_locator FROM air_bookings WHERE carrier = 'NJ' AND record_locator = ANY($1) ORDER BY 1", [locators])).rows.map((x) => x.record_locator);
  const manifestsOf = async (flight: string) =>
    (await w.db.query<{ n: number }>("SELECT count(*)::int AS n FROM manifests WHERE carrier = 'SV' AND flight_number IN ($1, 'SV' || $1)", [flight])).rows[0].n;

  it('rejects the messages of a functional group rejected for its UNE count: UCF 4 and no UCM accepting them, nothing stored, archive refused', async () => {
    const ok = await send('GDS-SIRAJ', fromSiraj('GRP0001').replaceAll('SV817', 'SV917'));
    assert.match(ok.text, /UCF\+417\+SIRAJGDS:ZZZ\+MAQAM:ZZZ\+7'UCM\+PAX417\+PAXLST:D:05B:UN:IATA\+7'/, 'the same group with a true count is accepted');
    assert.equal(await manifestsOf('917'), 1);

    const r = await send('GDS-SIRAJ', fromSiraj('GRP0002').replaceAll('SV817', 'SV918').replace("UNE+1+417'", "UNE+5+417'"));
    assert.equal(r.status, 200);
    assert.match(r.text, /UCI\+GRP0002\+SIRAJGDS:ZZZ\+MAQAM:ZZZ\+7'UCF\+417\+SIRAJGDS:ZZZ\+MAQAM:ZZZ\+4\+29\+UNE\+1'UNT\+4\+1'/, r.text);
    assert.doesNotMatch(r.text, /UCM\+/, 'no message of the rejected group is listed as accepted');
    assert.equal(await manifestsOf('918'), 0, 'the manifest of the rejected group is not stored');
    assert.deepEqual(r.canonical, []);
    const a = await archived('GRP0002');
    assert.equal(a.status, 'refused');
    assert.equal(a.refused?.[0].message, 'PAX417');
    assert.equal(a.refused?.[0].code, 'GW_SYNTAX');
    assert.match(a.refused?.[0].detail ?? '', /with its functional group: UNE control count "5"/);
  });

  it('rejects a PAXLST whose flight leg cannot be read (TDT without LOC/DTM): UCM 4 with 0085 13, UCS at the TDT, nothing stored, archive refused', async () => {
    const px = "UNA:+.? 'UNB+UNOC:4+SIRAJGDS:ZZZ+MAQAM:ZZZ+20261122:1130+PX0001+SIRAJ-TEST-PW'UNH+M2+PAXLST:D:05B:UN:IATA'BGM+745'"
      + "TDT+20+XY200+++XY'NAD+FL+++SILENT:LOSS'CNT+42:1'UNT+6+M2'UNZ+1+PX0001'";
    const r = await send('GDS-SIRAJ', px);
    assert.equal(r.status, 200);
    // the message as a whole: no flight leg at all (13); the TDT (segment 3 of the message): no departure or arrival place (13)
    assert.match(r.text, /UCI\+PX0001\+SIRAJGDS:ZZZ\+MAQAM:ZZZ\+7'UCM\+M2\+PAXLST:D:05B:UN:IATA\+4\+13'UCS\+3\+13'UNT/, r.text);
    assert.deepEqual(r.canonical, []);
    assert.equal((await w.db.query("SELECT 1 FROM manifests WHERE carrier = 'XY'")).rowCount, 0);
    const a = await archived('PX0001');
    assert.equal(a.status, 'refused');
    assert.deepEqual(a.refused?.map((x) => [x.message, x.code]), [['M2', 'GW_BAD_INPUT']]);
    assert.deepEqual(a.refused?.[0].violations.map((v) => v.path), ['message M2 segment 3', 'message M2']);
    assert.match(a.refused?.[0].violations[1].message ?? '', /^0085 13: No flight leg has a departure place and date/);
  });

  it('keeps a PNRGOV message whole: one PNR without a record locator rejects the message and stores none of its PNRs; a message with no PNR is rejected too', async () => {
    const r = await send('AL-NAJM', fromNajm('N0002', [ONE_PNR_UNREADABLE, [...PNR_HEAD.slice(0, 3)]]));
    assert.equal(r.status, 200);
    const text = r.text;
    assert.match(text, /UNB\+UNOA:4\+MAQAM:ZZZ\+NJ\+\d{8}:\d{4}\+\w+'UNH\+1\+CONTRL:4:1:UN'UCI\+N0002\+NJ\+MAQAM:ZZZ\+7'/, text);
    assert.match(text, /'UCM\+1\+PNRGOV:11:1:IA\+4'UCS\+7\+13'UCM\+2\+PNRGOV:11:1:IA\+4\+13'UNT/, text);
    assert.deepEqual(await airBookings('ZZZ999'), [], 'the readable PNR of the rejected message is not stored either');
    const a = await archived('N0002');
    assert.equal(a.status, 'refused');
    assert.deepEqual(a.refused?.map((x) => x.message), ['1', '2']);
    assert.match(a.refused?.[0].detail ?? '', /^PNRGOV 1 not translated: RCI without a record locator/);
    assert.match(a.refused?.[1].detail ?? '', /^PNRGOV 2 not translated: No PNR/);
  });

  it('stores the PNRs of the readable PNRGOV message beside a rejected one: UCM 7 and UCM 4, archive partly refused', async () => {
    const good = [...PNR_HEAD, 'SRC', 'RCI+NJ:GOOD01', 'TIF+RAHMAN:A+SITI MRS'];
    const r = await send('AL-NAJM', fromNajm('N0003', [ONE_PNR_UNREADABLE.map((x) => x.replace('ZZZ999', 'ZZZ998')), good]));
    assert.match(r.text, /'UCM\+1\+PNRGOV:11:1:IA\+4'UCS\+7\+13'UCM\+2\+PNRGOV:11:1:IA\+7'UNT/, r.text);
    assert.deepEqual(await airBookings('ZZZ998', 'GOOD01'), ['GOOD01']);
    assert.deepEqual(r.canonical.map((b) => (b as { recordLocator: string }).recordLocator), ['GOOD01']);
    const a = await archived('N0003');
    assert.equal(a.status, 'partly refused');
    assert.deepEqual(a.refused?.map((x) => x.message), ['1']);
  });

  it('keeps a PAXLST rejected for its own syntax (UNT count) on the archive: refused, nothing stored', async () => {
    const r = await send('GDS-SIRAJ', fromSiraj('SYN0001').replaceAll('SV817', 'SV919').replace("UNT+48+PAX417'", "UNT+47+PAX417'"));
    assert.match(r.text, /UCF\+417\+SIRAJGDS:ZZZ\+MAQAM:ZZZ\+7'UCM\+PAX417\+PAXLST:D:05B:UN:IATA\+4\+29\+UNT'/, r.text);
    assert.equal(await manifestsOf('919'), 0);
    const a = await archived('SYN0001');
    assert.equal(a.status, 'refused');
    assert.deepEqual(a.refused?.map((x) => [x.message, x.code]), [['PAX417', 'GW_SYNTAX']]);
  });

  it('rejects a message of a type the hub does not receive (INVOIC) with UCM 4 and 0085 17 beside an accepted PNRGOV, archive partly refused', async () => {
    const good = [...PNR_HEAD, 'SRC', 'RCI+NJ:GOOD02', 'TIF+RAHMAN:A+SITI MRS'];
    const text = fromNajm('N0004', [good]).replace("UNZ+1+N0004'", "UNH+2+INVOIC:D:21A:UN'BGM+380+INV1'UNT+3+2'UNZ+2+N0004'");
    const r = await send('AL-NAJM', text);
    assert.match(r.text, /'UCM\+1\+PNRGOV:11:1:IA\+7'UCM\+2\+INVOIC:D:21A:UN\+4\+17'UNT/, r.text);
    assert.deepEqual(await airBookings('GOOD02'), ['GOOD02']);
    const a = await archived('N0004');
    assert.equal(a.status, 'partly refused');
    assert.deepEqual(a.refused?.map((x) => [x.message, x.type]), [['2', 'INVOIC']]);
    assert.match(a.refused?.[0].detail ?? '', /does not receive INVOIC/);
  });
});
