/**
 * Independent parsers read what we write: the npm `edifact` package (node-edifact) and Debian's
 * libbusiness-edifact-interchange-perl (Business::Edifact::Interchange). Each case is serialized by us,
 * parsed by us and by the peer, and the segment trees are compared. What each peer accepts is printed
 * (and recorded in adapters/edifact/README.md).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildContrl, parseInterchanges, separatorsFromString, serializeInterchange, type SerializeOptions } from '../adapters/edifact';

interface Case {
  name: string;
  bytes: Buffer;
  /** The text the npm parser reads (it takes strings). */
  encoding: BufferEncoding;
}

const NOW = new Date('2026-01-02T12:00:00Z');
const travellers = [
  ["O'NEIL", 'ANN', 'MARIE'],
  ['ALHARBI', 'AHMED+SAAD'],
  ['KHAN?', 'IMRAN:A'],
];

function paxlst(names: string[][], opts: SerializeOptions & { syntaxId?: string } = {}, ref = 'X1'): Buffer {
  return serializeInterchange(
    {
      syntax: { id: opts.syntaxId ?? 'UNOC', version: 4 },
      sender: { id: 'NAJMAIR', qualifier: 'ZZZ' },
      recipient: { id: 'MAQAM', qualifier: 'ZZZ' },
      controlRef: ref,
      prepared: NOW,
      messages: [
        {
          type: 'PAXLST', version: 'D', release: '05B', agency: 'UN', association: 'IATA',
          segments: [
            { tag: 'BGM', elements: [['745']] },
            { tag: 'TDT', elements: [['20'], ['NJ123'], [''], [''], ['NJ']] },
            { tag: 'LOC', elements: [['125'], ['JED']] },
            { tag: 'DTM', elements: [['189', '2601021200', '201']] },
            ...names.flatMap((n) => [
              { tag: 'NAD', elements: [['FL'], [''], [''], n] },
              { tag: 'DOC', elements: [['P', '110', '111'], ['K1234567']] },
            ]),
            { tag: 'CNT', elements: [['42', String(names.length)]] },
          ],
        },
      ],
    },
    opts,
  );
}

function cases(): Case[] {
  const ich = parseInterchanges("UNB+UNOC:4+SIRAJGDS:ZZZ+MAQAM:ZZZ+20260102:1200+C1'UNH+1+PAXLST:D:21A:UN'TDT+20+SV1'ATT+2++MALEMALEMALEMALEMALE'UNT+4+2'UNZ+1+C1'", { strict: true }).interchanges[0];
  return [
    { name: 'PAXLST, default separators, no escapes', bytes: paxlst([['ALHARBI', 'AHMED', 'SAAD'], ['KHAN', 'IMRAN']]), encoding: 'latin1' },
    { name: 'PAXLST, default separators, release characters', bytes: paxlst(travellers), encoding: 'latin1' },
    { name: 'PAXLST, default separators, line breaks', bytes: paxlst([['ALHARBI', 'AHMED']], { lineBreaks: true }), encoding: 'latin1' },
    { name: 'CONTRL v4 with UCS/UCD', bytes: buildContrl(ich, { controlRef: '9', prepared: NOW }).bytes, encoding: 'latin1' },
    { name: 'CONTRL v3', bytes: buildContrl(ich, { controlRef: '9', prepared: NOW, version: 3 }).bytes, encoding: 'latin1' },
    { name: 'PAXLST UNOW (UTF-8 Arabic)', bytes: paxlst([['محمد', 'علي']], { syntaxId: 'UNOW' }), encoding: 'utf8' },
    { name: "PAXLST with UNA :+,? ' (decimal comma)", bytes: paxlst(travellers, { separators: separatorsFromString(":+,? '"), una: true }), encoding: 'latin1' },
    { name: 'PAXLST with UNA |*.\\ $ (other separators)', bytes: paxlst(travellers, { separators: separatorsFromString('|*.\\ $'), una: true }), encoding: 'latin1' },
  ];
}

function ours(b: Buffer): { tag: string; elements: string[][] }[] {
  const r = parseInterchanges(b, { validate: false });
  const out: { tag: string; elements: string[][] }[] = [];
  for (const ich of r.interchanges) {
    out.push({ tag: ich.header!.tag, elements: ich.header!.elements });
    for (const m of ich.messages) for (const s of m.segments) out.push({ tag: s.tag, elements: s.elements });
    out.push({ tag: ich.trailer!.tag, elements: ich.trailer!.elements });
  }
  return out;
}

// trailing empty components/elements are not written by us, so a peer reads the same tree
function norm(segs: { tag: string; elements: string[][] }[]): string {
  return JSON.stringify(segs.map((s) => [s.tag, s.elements]));
}

describe('edifact cross-check with independent parsers', () => {
  it('the npm edifact package reads our interchanges', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Reader = require('edifact/reader.js') as new (o?: object) => { parse(s: string): { name: string; elements: string[][] }[]; encoding?: unknown };
    const report: string[] = [];
    let accepted = 0;
    for (const c of cases()) {
      let verdict: string;
      try {
        const segs = new Reader({ autoDetectEncoding: true }).parse(c.bytes.toString(c.encoding));
        const same = norm(segs.map((s) => ({ tag: s.name, elements: s.elements }))) === norm(ours(c.bytes));
        verdict = same ? 'accepted, identical segment tree' : 'accepted, different tree';
        if (same) accepted++;
      } catch (e) {
        verdict = `rejected (${(e as Error).message.split('\n')[0].slice(0, 80)})`;
      }
      report.push(`      npm edifact: ${c.name}: ${verdict}`);
    }
    console.log(report.join('\n'));
    // everything written with the default separators must be read identically
    for (const line of report.filter((l) => !/UNA|UNOW/.test(l))) assert.match(line, /identical/, line);
    assert.ok(accepted >= 6);
  });

  it('Business::Edifact::Interchange (Debian libbusiness-edifact-interchange-perl) reads our interchanges', function () {
    const probe = spawnSync('perl', ['-MBusiness::Edifact::Interchange', '-e', '1']);
    if (probe.status !== 0) {
      console.log('      skipped: perl module Business::Edifact::Interchange is not installed (apt-get install libbusiness-edifact-interchange-perl)');
      this.skip();
    }
    const script = `
use strict; use warnings;
use Business::Edifact::Interchange;
use JSON::PP;
no warnings 'redefine';
my @segs;
*Business::Edifact::Message::add_segment = sub { my ($self, $tag, $d) = @_; push @{ $self->{all} }, [ $tag, $d ]; };
my $file = shift;
my $i = Business::Edifact::Interchange->new;
$i->parse_file($file);
my @out;
for my $m (@{ $i->messages }) { push @out, { ref => $m->{ref_num}, type => $m->{type}, segments => $m->{all} // [] }; }
print JSON::PP->new->utf8->canonical->encode(\\@out);
`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-perl-'));
    const pl = path.join(dir, 'read.pl');
    fs.writeFileSync(pl, script);
    const report: string[] = [];
    let identical = 0;
    for (const c of cases()) {
      const f = path.join(dir, 'in.edi');
      fs.writeFileSync(f, c.bytes);
      const r = spawnSync('perl', [pl, f], { encoding: 'utf8' });
      let verdict: string;
      if (r.status !== 0) verdict = `rejected (${r.stderr.split('\n')[0].slice(0, 80)})`;
      else {
        const msgs = JSON.parse(r.stdout) as { ref: string; type: string; segments: [string, string[][]][] }[];
        const ourMsgs = parseInterchanges(c.bytes, { validate: false }).interchanges.flatMap((i) => i.messages);
        // it reads an empty element as [] where we read ['']
        const theirs = msgs.map((m) => [m.ref, m.type, m.segments.map(([t, d]) => [t.trim(), d.map((e) => (e.length ? e : ['']))])]);
        const mine = ourMsgs.map((m) => [m.ref, m.type, m.segments.slice(1, -1).map((s) => [s.tag, s.elements])]);
        const same = JSON.stringify(theirs) === JSON.stringify(mine);
        if (same) identical++;
        let detail = '';
        if (!same) {
          const a = (theirs[0]?.[2] ?? []) as unknown[];
          const b = (mine[0]?.[2] ?? []) as unknown[];
          const k = a.findIndex((x, j) => JSON.stringify(x) !== JSON.stringify(b[j]));
          detail = k >= 0 ? `: it reads ${JSON.stringify(a[k])} where we wrote ${JSON.stringify(b[k])}` : '';
        }
        verdict = same ? 'accepted, identical messages and segments' : `accepted, different reading${detail}`;
      }
      report.push(`      perl Business::Edifact: ${c.name}: ${verdict}`);
    }
    fs.rmSync(dir, { recursive: true });
    console.log(report.join('\n'));
    // it must agree on what it is able to read: default separators, no doubled release characters, latin1
    for (const line of report.filter((l) => /no escapes|line breaks|CONTRL/.test(l))) assert.match(line, /identical/, line);
    assert.ok(identical >= 4);
  });
});
