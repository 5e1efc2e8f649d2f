import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EdifactParser, parseInterchanges, structureFor, validateMessage, type Finding } from '../adapters/edifact';
import { generate, MESSAGES, defaultDirectory } from '../mappings/edifact/generate';
import { projectRoot } from '../core/paths';

const msg = (body: string, release = '21A') => {
  const r = parseInterchanges(`UNB+UNOC:4+A+B+20260102:1200+R1'UNH+1+PAXLST:D:${release}:UN'${body}UNT+${body.split("'").length + 1}+1'UNZ+1+R1'`, { strict: true });
  return r.interchanges[0].messages[0];
};
const short = (fs: Finding[]) => fs.map((f) => `${f.code}@${f.messageSegment}${f.element ? ':' + f.element + (f.component ? '.' + f.component : '') : ''}`);

describe('edifact structure validator', () => {
  it('has generated structures for every message of the issue, and they match a fresh generation', function () {
    for (const t of [...MESSAGES, 'CONTRL', 'PNRGOV']) assert.ok(structureFor(t), t);
    const dir = defaultDirectory();
    if (!fs.existsSync(dir)) this.skip();
    const tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'gen-'));
    const files = generate(dir, tmp);
    for (const f of files) {
      const rel = path.relative(tmp, f);
      assert.equal(fs.readFileSync(f, 'utf8'), fs.readFileSync(path.join(projectRoot(), 'mappings', 'edifact', 'generated', rel), 'utf8'), `${rel} is stale: run node dist/mappings/edifact/generate.js`);
    }
    fs.rmSync(tmp, { recursive: true });
  });

  it('accepts a complete PAXLST', () => {
    const m = msg("BGM+745'RFF+TN:1'DTM+137:202601021200:203'NAD+MS+++OPS'COM+1234:TE'TDT+20+SV1'LOC+125+JED'DTM+189:2601021200:201'LOC+87+MED'NAD+FL+++DOE:JOHN'ATT+2++M'DTM+329:850312'NAT+2+SAU'RFF+AVF:ABC'DOC+P:110:111+K1'DTM+36:301231'LOC+91+SAU'CNT+42:1'");
    assert.deepEqual(m.findings, []);
  });

  it('segment order (15), mandatory segments and groups (13), repetitions (35, 36)', () => {
    const m = msg("BGM+745'BGM+745'TDT+20+SV1'NAD+FL+++A'ATT+2++M'ATT+2++M'ATT+2++M'ATT+2++M'ATT+2++M'ATT+2++M'ATT+2++M'ATT+2++M'ATT+2++M'ATT+2++M'CNT+42:1'BGM+1'");
    // BGM 2, BGM 3 (max 1), TDT 4, NAD 5, ATT 6…15 (max 9), CNT 16, BGM 17 (out of place)
    assert.deepEqual(short(m.findings), ['35@3', '35@15', '15@17']);
    const noTdt = msg("BGM+745'NAD+FL+++A'");
    assert.deepEqual(short(noTdt.findings), ['13@4']); // the NAD is read as SG1 (reporting party): SG2 is missed at UNT
    assert.match(noTdt.findings[0].message, /group SG2 \(TDT\) missing/);
    const groups = msg("BGM+745'" + Array.from({ length: 11 }, (_, i) => `TDT+20+SV${i}'`).join(''));
    assert.deepEqual(short(groups.findings), ['36@13']);
  });

  it('element checks: mandatory (13), too many constituents (16), too long (39), too short (40), type (37)', () => {
    // BGM 2, TDT 3, NAD 4, ATT 5, DTM 6, DTM 7, LOC 8, CNT 9
    const m = msg("BGM+745'TDT+20+SV1'NAD+FL+++A'ATT+2++ABCDEFGHIJKLMNOPQRSTUVWXYZ'DTM+:850312'DTM+329:1:2:3:4'LOC+1+2+3+4+5+6+7'CNT+42:X1'");
    assert.deepEqual(short(m.findings), ['39@5:3.1', '13@6:1.1', '16@7:1.4', '16@8:6', '37@9:1.2']);
    // too short (40): fixed-length service elements, e.g. UNB S004 time (n4)
    const ich = parseInterchanges("UNB+UNOC:4+A+B+20260102:12+R1'UNZ+0+R1'", { strict: true }).interchanges[0];
    assert.ok(ich.findings.some((f) => f.code === '40' && f.tag === 'UNB' && f.element === 4 && f.component === 2 && f.severity === 'error'));
    // UNH itself is checked against the service directory
    const unh = parseInterchanges("UNB+UNOC:4+A+B+20260102:1200+R1'UNH+123456789012345+PAXLST:D:21A:UN'BGM+745'TDT+20+SV1'UNT+4+123456789012345'UNZ+1+R1'", { strict: true }).interchanges[0].messages[0];
    assert.ok(unh.findings.some((f) => f.code === '39' && f.tag === 'UNH' && f.element === 1));
    const s = parseInterchanges("UNB+UNOC:4+A+B+20260102:1200+R1'UNH+1+CONTRL:4:1:UN'UCI+X+A+B+7'UNT+3+1'UNZ+1+R1'", { strict: true }).interchanges[0];
    assert.deepEqual(s.findings, []);
    assert.deepEqual(s.messages[0].findings, []);
  });

  it('reports an element error on every occurrence of a repeated segment', () => {
    // UNH 1, BGM 2, TDT 3, then per traveller i: NAD 4+3i, ATT 5+3i, NAT 6+3i (nationality an..3 written SAUDI)
    const travellers = Array.from({ length: 5 }, () => "NAD+FL+++A'ATT+2++M'NAT+2+SAUDI'").join('');
    const m = msg(`BGM+745'TDT+20+SV1'${travellers}`);
    assert.deepEqual(short(m.findings), [6, 9, 12, 15, 18].map((p) => `39@${p}:2.1`));
  });

  it('checks a repeated segment again under another decimal mark, also when one stream reuses its tape', () => {
    // CNT+42:1,5 is numeric under the decimal comma, not under the full stop; a streaming parser keeps one
    // tape (and its string indexes) for all three interchanges
    const body = "BGM+745'TDT+20+SV1'CNT+42:1,5'";
    const ich = (una: string, ref: string) => `${una}UNB+UNOC:4+A+B+20260102:1200+${ref}'UNH+1+PAXLST:D:21A:UN'${body}UNT+5+1'UNZ+1+${ref}'`;
    const input = ich("UNA:+,? '", 'R1') + ich("UNA:+.? '", 'R2') + ich("UNA:+,? '", 'R3');
    const found: string[][] = [];
    const p = new EdifactParser({ messageEnd: (m) => found.push(short(m.findings)) }, { strict: true, keepSegments: false, keepMessages: false });
    p.push(Buffer.from(input, 'latin1'));
    p.end();
    assert.deepEqual(found, [[], ['37@4:1.2'], []]);
  });

  it('validates D:05B PAXLST leniently against D.21A (warnings only) and PNRGOV by order', () => {
    const m = msg("BGM+745'TDT+20+SV1'ATT+2++ABCDEFGHIJKLMNOPQRSTUVWXYZ'", '05B');
    assert.ok(m.findings.length > 0 && m.findings.every((f) => f.severity === 'warning'));
    assert.equal(m.rejected, false);
    const p = validateMessage({ type: 'PNRGOV', release: '1', segments: parseInterchanges("UNH+1+PNRGOV:11:1:IA'MSG+:22'TVL+1'EQN+1'SRC'RCI+NJ:ABC'TIF+A:B'SSR+DOCS'TVL+2'RPI+1+HK'LTS+X'UNT+12+1'").interchanges[0].messages[0].segments });
    assert.deepEqual(p, []);
    const bad = validateMessage({ type: 'PNRGOV', release: '1', segments: parseInterchanges("UNH+1+PNRGOV:11:1:IA'TVL+1'MSG+:22'EQN+1'UNT+5+1'").interchanges[0].messages[0].segments });
    assert.deepEqual(bad.map((f) => f.code), ['13', '15']);
  });
});
