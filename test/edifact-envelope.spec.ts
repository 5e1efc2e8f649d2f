import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  buildContrl, checkEnvelope, getArchived, loadPartnerProfiles, nextControlRef, parseInterchanges, processInbound, validateMessage, validateProfile,
  PartnerDirectory, ProfileError, type Interchange,
} from '../adapters/edifact';
import { forEachBackend } from './support/db';

const GDS_PW = 'SIRAJ-TEST-PW';
const NOW = new Date('2026-01-02T12:00:00Z');
const gds = (ref: string, body: string, unz?: string, extra = '') =>
  `UNB+UNOC:4+SIRAJGDS:ZZZ+MAQAM:ZZZ+20260102:1200+${ref}+${GDS_PW}${extra}'${body}${unz ?? `UNZ+${(body.match(/UNH\+/g) ?? []).length}+${ref}'`}`;
const PAX = (ref: string, tdt = 'SV1') => `UNH+${ref}+PAXLST:D:21A:UN'BGM+745'TDT+20+${tdt}'UNT+4+${ref}'`;

function text(b: Buffer): string {
  return b.toString('latin1');
}

describe('edifact partner profiles', () => {
  it('loads the sample GDS and airline profiles', () => {
    const dir = loadPartnerProfiles();
    assert.equal(dir.bySender({ id: 'SIRAJGDS', qualifier: 'ZZZ' })?.id, 'GDS-SIRAJ');
    assert.equal(dir.bySender({ id: 'NJ' })?.id, 'AL-NAJM');
    assert.equal(dir.bySender({ id: 'NJ', qualifier: '1' })?.id, 'AL-NAJM'); // profile id without qualifier matches any
    assert.equal(dir.bySender({ id: 'SIRAJGDS', qualifier: '1' }), undefined);
    assert.equal(dir.get('AL-NAJM')?.edifact.ignoreRepetition, true);
  });

  it('validates a profile with errors naming each key', () => {
    const base = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'config', 'partners', 'gds-siraj.json'), 'utf8'));
    const bad = { ...base, colour: 'red', edifact: { ...base.edifact, syntaxVersion: 5, separators: "::.? '", ackPolicy: 'sometimes', ids: [{ id: '' }], password: { sha256: 'xyz' } } };
    try {
      validateProfile(bad, 'config/partners/bad.json');
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof ProfileError);
      const m = (e as Error).message;
      for (const key of ['colour', 'edifact.syntaxVersion', 'edifact.separators', 'edifact.ackPolicy', 'edifact.ids[0].id', 'edifact.password.sha256']) assert.ok(m.includes(key), `${key} in ${m}`);
      assert.ok(m.startsWith('config/partners/bad.json: '));
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'partners-'));
    fs.writeFileSync(path.join(tmp, 'x.json'), JSON.stringify({ ...base, edifact: { ...base.edifact, mode: 'loose' } }));
    assert.throws(() => loadPartnerProfiles(tmp), /x\.json: edifact\.mode/);
    fs.writeFileSync(path.join(tmp, 'x.json'), JSON.stringify(base));
    fs.writeFileSync(path.join(tmp, 'y.json'), JSON.stringify({ ...base, id: 'GDS-OTHER' }));
    assert.throws(() => loadPartnerProfiles(tmp), /edifact\.ids: SIRAJGDS:ZZZ is also claimed by GDS-SIRAJ/);
    fs.rmSync(tmp, { recursive: true });
  });
});

describe('edifact envelope checks against partner profiles', () => {
  const partners = loadPartnerProfiles();
  const one = (s: string) => parseInterchanges(s).interchanges[0];

  it('accepts a known sender with the right password and recipient', async () => {
    const ich = one(gds('E1', PAX('1')));
    const r = await checkEnvelope(ich, { partners });
    assert.equal(r.partner?.id, 'GDS-SIRAJ');
    assert.deepEqual(r.findings, []);
    assert.equal(ich.rejected, false);
  });

  it('unknown sender → 23, recipient not us → 7, wrong password → 12, other authenticated partner → 23', async () => {
    const unknown = one("UNB+UNOC:4+STRANGER:ZZZ+MAQAM:ZZZ+20260102:1200+E2'UNZ+0+E2'");
    assert.deepEqual((await checkEnvelope(unknown, { partners })).findings.map((f) => [f.code, f.element]), [['23', 2]]);
    const notUs = one(gds('E3', PAX('1')).replace('MAQAM:ZZZ', 'OTHER:ZZZ'));
    assert.deepEqual((await checkEnvelope(notUs, { partners })).findings.map((f) => [f.code, f.element]), [['7', 3]]);
    const pw = one(gds('E4', PAX('1')).replace(GDS_PW, 'GUESS'));
    assert.deepEqual((await checkEnvelope(pw, { partners })).findings.map((f) => [f.code, f.element]), [['12', 6]]);
    const auth = one(gds('E5', PAX('1')));
    assert.deepEqual((await checkEnvelope(auth, { partners, authenticatedPartnerId: 'AL-NAJM' })).findings.map((f) => f.code), ['23']);
    for (const i of [unknown, notUs, pw, auth]) assert.equal(i.rejected, true);
  });
});

describe('edifact CONTRL', () => {
  const partners = loadPartnerProfiles();
  const contrlFor = async (s: string, opts: { version?: 3 | 4; acceptance?: boolean } = {}) => {
    const ich = parseInterchanges(s, { strict: true }).interchanges[0];
    await checkEnvelope(ich, { partners });
    return { ich, c: buildContrl(ich, { controlRef: '77', prepared: NOW, ...opts }) };
  };
  const body = (b: Buffer) => text(b).split("'").filter((x) => /^U(CI|CM|CS|CD|CF)/.test(x));

  it('reports UNT count/reference errors on the UCM (29, 28) and rejects only that message', async () => {
    const { c } = await contrlFor(gds('C1', PAX('1') + "UNH+2+PAXLST:D:21A:UN'BGM+745'TDT+20+SV2'UNT+9+3'"));
    assert.equal(c.action, '7');
    assert.deepEqual(body(c.bytes), ['UCI+C1+SIRAJGDS:ZZZ+MAQAM:ZZZ+7', 'UCM+2+PAXLST:D:21A:UN+4+29+UNT']);
    assert.deepEqual(c.rejectedMessages, ['2']);
    assert.equal(text(c.bytes), "UNB+UNOC:4+MAQAM:ZZZ+SIRAJGDS:ZZZ+20260102:1200+77'UNH+1+CONTRL:4:1:UN'UCI+C1+SIRAJGDS:ZZZ+MAQAM:ZZZ+7'UCM+2+PAXLST:D:21A:UN+4+29+UNT'UNT+4+1'UNZ+1+77'");
  });

  it('rejects the interchange for UNZ count/reference errors (UCI 4 with 0085, 0135 and S011)', async () => {
    const { c } = await contrlFor(gds('C2', PAX('1'), "UNZ+1+C9'"));
    assert.equal(c.action, '4');
    assert.deepEqual(body(c.bytes), ['UCI+C2+SIRAJGDS:ZZZ+MAQAM:ZZZ+4+28+UNZ+2']);
    assert.deepEqual([c.rejectedMessages, c.acceptedMessages], [['1'], []], 'nothing of a rejected interchange is accepted');
    const { c: c2 } = await contrlFor(gds('C3', PAX('1'), "UNZ+5+C3'"));
    assert.deepEqual(body(c2.bytes), ['UCI+C3+SIRAJGDS:ZZZ+MAQAM:ZZZ+4+29+UNZ+1']);
  });

  it('points UCS/UCD at the exact segment and element:component positions', async () => {
    const s = gds('C4', "UNH+1+PAXLST:D:21A:UN'TDT+20+SV1'LOC+125+JED'NAD+FL+++ALHARBI:AHMED'ATT+2++MALEMALEMALEMALEMALE'CNT+42:ABC:9:9'UNT+7+1'");
    const { c, ich } = await contrlFor(s);
    assert.equal(ich.messages[0].rejected, true);
    assert.deepEqual(body(c.bytes), [
      'UCI+C4+SIRAJGDS:ZZZ+MAQAM:ZZZ+7',
      'UCM+1+PAXLST:D:21A:UN+4',
      'UCS+2+13', // BGM missing where TDT came
      'UCS+5',
      'UCD+39+3:1', // ATT 9019 too long
      'UCS+6',
      'UCD+16+1:4', // CNT C270 has 3 components
      'UCD+37+1:2', // CNT 6066 not numeric
    ]);
  });

  it('sends an acceptance CONTRL when UNB 0031 = 1, and CONTRL v3 for syntax 3', async () => {
    const { c } = await contrlFor(gds('C5', PAX('1') + PAX('2'), undefined, '+++1'));
    assert.deepEqual(body(c.bytes), ['UCI+C5+SIRAJGDS:ZZZ+MAQAM:ZZZ+7', 'UCM+1+PAXLST:D:21A:UN+7', 'UCM+2+PAXLST:D:21A:UN+7']);
    // syntax 3 (checked without the partner profile, which agrees on syntax 4: that would be a 2)
    const ich3 = parseInterchanges(gds('C6', PAX('1').replace('UNT+4', 'UNT+5')).replace('UNOC:4', 'UNOC:3')).interchanges[0];
    const v3 = { c: buildContrl(ich3, { controlRef: '77', prepared: NOW }) };
    assert.match(text(v3.c.bytes), /^UNB\+UNOC:3\+MAQAM:ZZZ\+SIRAJGDS:ZZZ\+260102:1200\+77'UNH\+1\+CONTRL:D:3:UN'UCI\+C6\+SIRAJGDS:ZZZ\+MAQAM:ZZZ\+7'UCM\+1\+PAXLST:D:21A:UN\+4\+29\+UNT'UNT\+4\+1'UNZ\+1\+77'$/);
  });

  it('answers groups with UCF (SG3)', async () => {
    const group = (ref: string, une: string) => `UNG+PAXLST+SIRAJ:ZZZ+MAQAM:ZZZ+20260102:1200+${ref}+UN+D:21A'` + PAX('1') + `UNE+${une}+${ref}'`;
    const { c: ok } = await contrlFor(gds('C7', group('G1', '1'), "UNZ+1+C7'"), { acceptance: true });
    assert.deepEqual(body(ok.bytes), ['UCI+C7+SIRAJGDS:ZZZ+MAQAM:ZZZ+7', 'UCF+G1+SIRAJ:ZZZ+MAQAM:ZZZ+7', 'UCM+1+PAXLST:D:21A:UN+7']);
    assert.deepEqual([ok.rejectedMessages, ok.acceptedMessages], [[], ['1']]);
  });

  it('accepts no message of a rejected group (UCF 4): only the messages with errors of their own get a UCM', async () => {
    const s = gds('C7', "UNG+PAXLST+SIRAJ:ZZZ+MAQAM:ZZZ+20260102:1200+G1+UN+D:21A'" + PAX('1') + "UNH+2+PAXLST:D:21A:UN'BGM+745'TDT+20+SV2'UNT+9+2'UNE+3+G1'", "UNZ+1+C7'");
    const { c } = await contrlFor(s, { acceptance: true });
    assert.deepEqual(body(c.bytes), ['UCI+C7+SIRAJGDS:ZZZ+MAQAM:ZZZ+7', 'UCF+G1+SIRAJ:ZZZ+MAQAM:ZZZ+4+29+UNE+1', 'UCM+2+PAXLST:D:21A:UN+4+29+UNT']);
    assert.deepEqual([c.rejectedMessages, c.acceptedMessages], [['1', '2'], []]);
  });

  it('our CONTRLs pass our own structure validator (v3 and v4) and parse in the npm edifact package', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Reader = require('edifact/reader.js') as new (o?: object) => { parse(s: string): { name: string; elements: string[][] }[] };
    const cases = [
      gds('C8', "UNH+1+PAXLST:D:21A:UN'TDT+20+SV1'ATT+2++MALEMALEMALEMALEMALE'UNT+4+1'" + PAX('2')),
      gds('C9', PAX('1'), "UNZ+4+C9'"),
      gds('C10', "UNG+PAXLST+S:ZZZ+M:ZZZ+20260102:1200+G1+UN+D:21A'" + PAX('1') + "UNH+2+PAXLST:D:21A:UN'UNT+3+9'UNE+2+G1'", "UNZ+1+C10'"),
    ];
    for (const s of cases) {
      for (const version of [3, 4] as const) {
        const { c } = await contrlFor(s, { version, acceptance: true });
        const back = parseInterchanges(c.bytes, { strict: true });
        const ich: Interchange = back.interchanges[0];
        assert.deepEqual(ich.findings, [], text(c.bytes));
        assert.equal(ich.messages[0].type, 'CONTRL');
        assert.deepEqual(ich.messages[0].findings, [], text(c.bytes));
        assert.deepEqual(validateMessage(ich.messages[0], { syntaxVersion: String(version) }), []);
        const segs = new Reader().parse(text(c.bytes));
        assert.deepEqual(segs.map((x) => x.name), c.segments.map((x) => x.tag));
      }
    }
  });
});

forEachBackend('edifact inbound with the database', (backend) => {
  const partners = loadPartnerProfiles();

  it('processes an interchange once: the same sender + 0020 again gets CONTRL 26', async () => {
    const db = await backend.open();
    try {
      const bytes = Buffer.from(gds('D1', PAX('1')), 'latin1');
      const first = await processInbound(bytes, { partners, db, now: NOW });
      const i1 = first.interchanges[0];
      assert.equal(i1.processable, true);
      assert.equal(i1.duplicate, false);
      assert.equal(i1.contrl?.action, '7'); // GDS-SIRAJ ackPolicy always
      const second = await processInbound(bytes, { partners, db, now: NOW });
      const i2 = second.interchanges[0];
      assert.equal(i2.duplicate, true);
      assert.equal(i2.processable, false);
      assert.match(text(i2.contrl!.bytes), /UCI\+D1\+SIRAJGDS:ZZZ\+MAQAM:ZZZ\+4\+26\+UNB\+5'/);
      // another sender may reuse the reference; the same sender with another reference is fresh
      const other = await processInbound(Buffer.from(gds('D2', PAX('1')), 'latin1'), { partners, db, now: NOW });
      assert.equal(other.interchanges[0].duplicate, false);
      // outgoing control references come from the partner's persisted sequence
      assert.deepEqual([i1.contrl!.controlRef, i2.contrl!.controlRef, other.interchanges[0].contrl!.controlRef], ['1', '2', '3']);
      assert.equal(await nextControlRef(db, 'GDS-SIRAJ'), '4');
      assert.equal(await nextControlRef(db, 'AL-NAJM'), '1');
      // archive: raw bytes in and out, correlated
      const inRow = await getArchived(db, i1.archiveId!);
      assert.equal(inRow?.direction, 'in');
      assert.deepEqual(inRow?.bytes, bytes);
      assert.equal(inRow?.partnerId, 'GDS-SIRAJ');
      assert.deepEqual(inRow?.messageTypes, ['PAXLST']);
      assert.equal(inRow?.correlation.contrl, i1.contrl!.archiveId);
      const outRow = await getArchived(db, i1.contrl!.archiveId!);
      assert.equal(outRow?.direction, 'out');
      assert.equal(outRow?.inReplyTo, i1.archiveId);
      assert.deepEqual(outRow?.bytes, i1.contrl!.bytes);
      assert.equal((await getArchived(db, i2.archiveId!))?.status, 'duplicate');
    } finally {
      await db.close();
    }
  });

  it('unknown senders are rejected with 23 and not registered', async () => {
    const db = await backend.open();
    try {
      const bytes = Buffer.from("UNB+UNOC:4+STRANGER:ZZZ+MAQAM:ZZZ+20260102:1200+U1'UNH+1+PAXLST:D:21A:UN'BGM+745'TDT+20+SV1'UNT+4+1'UNZ+1+U1'", 'latin1');
      const r = await processInbound(bytes, { partners, db, now: NOW });
      assert.match(text(r.interchanges[0].contrl!.bytes), /UCI\+U1\+STRANGER:ZZZ\+MAQAM:ZZZ\+4\+23\+UNB\+2:1'/);
      const n = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM edifact_interchanges');
      assert.equal(n.rows[0].n, 0);
    } finally {
      await db.close();
    }
  });

  it('handles concurrent arrivals of the same interchange: exactly one is processed', async () => {
    const db = await backend.open();
    try {
      const bytes = Buffer.from(gds('D9', PAX('1')), 'latin1');
      const rs = await Promise.all(Array.from({ length: 6 }, () => processInbound(bytes, { partners, db, now: NOW })));
      assert.equal(rs.filter((r) => r.interchanges[0].processable).length, 1);
      assert.equal(rs.filter((r) => r.interchanges[0].duplicate).length, 5);
    } finally {
      await db.close();
    }
  });
});

describe('edifact partner directory', () => {
  it('rejects two profiles claiming one id', () => {
    const p = validateProfile(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'config', 'partners', 'gds-siraj.json'), 'utf8')), 'a.json');
    assert.throws(() => new PartnerDirectory([p, { ...p, source: 'b.json' }]), /id: GDS-SIRAJ is also used by a\.json/);
  });
});
