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
});
