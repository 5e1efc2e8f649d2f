import assert from 'node:assert/strict';
import { collectingSink, EdifactParser, parseInterchanges, type Interchange, type SegmentView, serializeSegments, tokenize, Tokenizer, separatorsFromString, DEFAULT_SEPARATORS, type Finding, type Segment } from '../adapters/edifact';
import { rng } from './support/rng';
import { sharedCutter } from '../adapters/edifact/values';

const SAMPLE =
  "UNA:+.? '\r\nUNB+UNOC:4+SIRAJGDS:ZZZ+MAQAM:ZZZ+20260102:1200+R1'\r\n" +
  "UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+FL+++O?'NEIL?+SONS:ANN??:X'FTX+AAI+++A?:B?'C'" +
  "TDT+20+SV1'UNT+6+1'UNZ+1+R1'";

function tok(bytes: Uint8Array, chunks: number[] = [], opts = {}): { segments: Segment[]; findings: Finding[] } {
  const sink = collectingSink();
  const { segments, findings } = sink;
  const t = new Tokenizer(sink, opts);
  let at = 0;
  for (const c of chunks) {
    t.push(bytes.subarray(at, c));
    at = c;
  }
  t.push(bytes.subarray(at));
  t.end();
  return { segments, findings };
}

const codes = (fs: Finding[]) => fs.map((f) => f.code).sort();

describe('edifact tokenizer', () => {
  const bytes = Buffer.from(SAMPLE, 'latin1');
  const whole = tokenize(bytes);

  it('reads elements and components, removing release characters', () => {
    const nad = whole.segments.find((s) => s.tag === 'NAD')!;
    assert.deepEqual(nad.elements, [['FL'], [''], [''], ["O'NEIL+SONS", 'ANN?', 'X']]);
    const ftx = whole.segments.find((s) => s.tag === 'FTX')!;
    assert.deepEqual(ftx.elements[3], ['A:B\'C']);
    assert.deepEqual(whole.segments.map((s) => s.position), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(whole.segments[0].offset, 11); // after UNA and CR/LF
  });

  it('gives the same result for every split point of the input into two chunks', () => {
    for (let i = 1; i < bytes.length; i++) {
      const r = tok(bytes, [i]);
      assert.deepEqual(r.segments, whole.segments, `split at ${i}`);
      assert.deepEqual(r.findings, whole.findings, `split at ${i}`);
    }
  });

  it('gives the same result when fed one byte at a time and in three-part splits', () => {
    const one = tok(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1));
    assert.deepEqual(one.segments, whole.segments);
    for (let i = 1; i < bytes.length; i += 7) for (let j = i + 1; j < bytes.length; j += 5) assert.deepEqual(tok(bytes, [i, j]).segments, whole.segments, `${i}/${j}`);
  });

  it('keeps the byte after a release character that ends a chunk', () => {
    const at = SAMPLE.indexOf("O?'") + 2; // chunk ends right after '?'
    assert.equal(bytes[at - 1], 0x3f);
    const r = tok(bytes, [at]);
    assert.equal(r.segments.find((s) => s.tag === 'NAD')!.elements[3][0], "O'NEIL+SONS");
  });

  it('reads any UNA separator set, and the defaults without UNA', () => {
    const custom = "UNA|*,\\ $UNB*UNOC:4|X*SIRAJGDS|ZZZ*MAQAM|ZZZ*20260102|1200*R2$UNH*1*PAXLST|D|21A|UN$FTX*AAI***A\\*B\\$C\\|D\\\\$UNT*3*1$UNZ*1*R2$";
    const r = tokenize(Buffer.from(custom, 'latin1'));
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.segments[0].elements[0], ['UNOC:4', 'X']);
    assert.deepEqual(r.segments[2].elements[3], ['A*B$C|D\\']);
    const plain = tokenize(Buffer.from("UNB+UNOC:4+A+B+20260102:1200+R3'UNZ+0+R3'", 'latin1'));
    assert.deepEqual(plain.segments.map((s) => s.tag), ['UNB', 'UNZ']);
  });

  it('splits repetitions when UNA declares a repetition separator, and not when the partner ignores it', () => {
    const s = "UNA:+.?*'UNB+UNOC:4+A+B+20260102:1200+R4'UNH+1+X:D:21A:UN'FTX+AAI+++ONE*TWO:2*THREE'UNT+3+1'UNZ+1+R4'";
    const rep = tokenize(Buffer.from(s, 'latin1'));
    const ftx = rep.segments.find((x) => x.tag === 'FTX')!;
    assert.deepEqual(ftx.elements[3], ['ONE']);
    assert.deepEqual(ftx.repetitions, { 3: [['ONE'], ['TWO', '2'], ['THREE']] });
    const ign = tokenize(Buffer.from(s, 'latin1'), { ignoreRepetition: true });
    assert.deepEqual(ign.segments.find((x) => x.tag === 'FTX')!.elements[3], ['ONE*TWO', '2*THREE']);
    // a space in the repetition position means none
    const none = tokenize(Buffer.from(s.replace("UNA:+.?*'", "UNA:+.? '"), 'latin1'));
    assert.deepEqual(none.segments.find((x) => x.tag === 'FTX')!.elements[3], ['ONE*TWO', '2*THREE']);
  });

  it('reports quirks as warnings with a 0085 code and a position, never throwing', () => {
    const q = "  \r\nUNB+UNOC:4+A+B+20260102:1200+R5'\nUNH +1+X:D:21A:UN'BGM+1+'UNT+3+1'UNZ+1+R5'\r\nTHANK YOU\r\nUNB+UNOC:4+A+B+20260102:1200+R6'UNZ+0+R6";
    const r = tokenize(Buffer.from(q, 'latin1'));
    assert.deepEqual(r.segments.map((s) => s.tag), ['UNB', 'UNH', 'BGM', 'UNT', 'UNZ', 'UNB', 'UNZ']);
    const byCode = (c: string) => r.findings.filter((f) => f.code === c);
    assert.ok(byCode('21').some((f) => /whitespace/.test(f.message)));
    assert.ok(byCode('21').some((f) => /space around segment tag/.test(f.message) && f.segment === 2));
    assert.ok(byCode('45').some((f) => f.tag === 'BGM' && f.segment === 3));
    assert.ok(byCode('33').some((f) => /after the interchange trailer/.test(f.message)));
    assert.ok(byCode('18').some((f) => /several interchanges/.test(f.message)));
    assert.ok(byCode('13').some((f) => /no segment terminator/.test(f.message)));
    assert.ok(r.findings.every((f) => f.severity === 'warning'));
    assert.equal(r.segments[5].position, 1); // positions restart per interchange
  });

  it('bounds segment size: an oversized segment is skipped with finding 39', () => {
    const big = 'X'.repeat(3000);
    const s = `UNB+UNOC:4+A+B+20260102:1200+R7'UNH+1+X:D:21A:UN'FTX+AAI+++${big}?'${big}'BGM+1'UNT+4+1'UNZ+1+R7'`;
    for (const chunks of [[], [100, 1000, 2000, 5000], Array.from({ length: 80 }, (_, i) => (i + 1) * 97)]) {
      const r = tok(Buffer.from(s, 'latin1'), chunks, { maxSegmentBytes: 1024 });
      assert.deepEqual(r.segments.map((x) => x.tag), ['UNB', 'UNH', 'FTX', 'BGM', 'UNT', 'UNZ']);
      assert.deepEqual(r.segments[2].elements, []);
      assert.ok(r.findings.some((f) => f.code === '39' && f.tag === 'FTX' && f.segment === 3));
    }
  });
});

describe('edifact character sets', () => {
  const wrap = (sid: string, body: Buffer) =>
    Buffer.concat([Buffer.from(`UNB+${sid}:4+A+B+20260102:1200+R8'UNH+1+X:D:21A:UN'NAD+FL+++`, 'latin1'), body, Buffer.from("'UNT+3+1'UNZ+1+R8'", 'latin1')]);
  const name = (b: Buffer, opts = {}) => {
    const r = tokenize(b, opts);
    return { comps: r.segments.find((s) => s.tag === 'NAD')!.elements[3], findings: r.findings };
  };

  it('decodes UNOI (ISO 8859-6) Arabic', () => {
    const r = name(wrap('UNOI', Buffer.from([0xe5, 0xcd, 0xe5, 0xcf, 0x3a, 0xd9, 0xe4, 0xea])));
    assert.deepEqual(r.comps, ['محمد', 'علي']);
    assert.deepEqual(r.findings, []);
  });

  it('decodes UNOW and UNOY as UTF-8 (also split inside a multi-byte character)', () => {
    for (const sid of ['UNOW', 'UNOY']) {
      const b = wrap(sid, Buffer.from('محمد:علي', 'utf8'));
      assert.deepEqual(name(b).comps, ['محمد', 'علي']);
      const at = b.indexOf(0xd9) + 1;
      assert.deepEqual(tok(b, [at]).segments.find((s) => s.tag === 'NAD')!.elements[3], ['محمد', 'علي']);
    }
  });

  it('decodes the UNB\'s own values per the syntax identifier it declares (UTF-8 ids under UNOW)', () => {
    const id = 'حج'.repeat(15); // 30 characters, 60 bytes: within 0004's 35 characters
    const b = Buffer.from(`UNB+UNOW:4+${id}:ZZZ+MAQAM:ZZZ+20260102:1200+R1'UNH+1+X:D:21A:UN'UNT+2+1'UNZ+1+R1'`, 'utf8');
    const r = tokenize(b);
    assert.deepEqual(r.segments[0].elements[1], [id, 'ZZZ']);
    assert.deepEqual(r.findings, []);
    // split inside a multi-byte character of the header too
    assert.deepEqual(tok(b, [b.indexOf(0xd8) + 1]).segments[0].elements[1], [id, 'ZZZ']);
  });

  it('never assumes UTF-8: UNOC bytes are ISO 8859-1', () => {
    assert.deepEqual(name(wrap('UNOC', Buffer.from('JOS\u00c9:M\u00dcLLER', 'latin1'))).comps, ['JOSÉ', 'MÜLLER']);
    // the same UTF-8 bytes read under UNOC give latin1 characters, not Arabic
    assert.notDeepEqual(name(wrap('UNOC', Buffer.from('محمد', 'utf8'))).comps, ['محمد']);
  });

  it('UNOA allows upper case only; UNOB allows lower case; IATA is level A', () => {
    const a = name(wrap('UNOA', Buffer.from('Doe:JOHN', 'latin1')));
    assert.deepEqual(a.comps, ['Doe', 'JOHN']);
    assert.ok(a.findings.some((f) => f.code === '21' && f.tag === 'NAD' && f.element === 4 && f.component === 1));
    assert.deepEqual(name(wrap('UNOB', Buffer.from('Doe:John', 'latin1'))).findings, []);
    assert.ok(name(wrap('IATA', Buffer.from('Doe', 'latin1'))).findings.some((f) => f.code === '21'));
    assert.ok(name(wrap('UNOB', Buffer.from([0xe9]))).findings.some((f) => f.code === '21'));
    // strict partners get errors
    assert.ok(name(wrap('UNOA', Buffer.from('doe', 'latin1')), { strict: true }).findings.some((f) => f.code === '21' && f.severity === 'error'));
  });

  it('reports invalid UTF-8 under UNOW, at the segment and component that hold it', () => {
    const r = name(wrap('UNOW', Buffer.from([0x41, 0xc3, 0x28])));
    const bad = r.findings.filter((f) => f.code === '21' && /UTF-8/.test(f.message));
    const nad = tokenize(wrap('UNOW', Buffer.from([0x41, 0xc3, 0x28]))).segments.find((s) => s.tag === 'NAD')!;
    assert.deepEqual(bad.map((f) => [f.segment, f.offset]), [[nad.position, nad.offset + 'NAD+FL+++'.length]]);
  });

  it('serializes Arabic back per charset', () => {
    const segs = [{ tag: 'UNB', elements: [['UNOI', '4'], ['A'], ['B'], ['20260102', '1200'], ['R9']] }, { tag: 'NAD', elements: [['FL'], [''], [''], ['محمد', 'علي']] }];
    const out = serializeSegments(segs);
    assert.ok(out.includes(Buffer.from([0xe5, 0xcd, 0xe5, 0xcf, 0x3a, 0xd9, 0xe4, 0xea])));
    const back = tokenize(out);
    assert.deepEqual(back.segments[1].elements[3], ['محمد', 'علي']);
    assert.throws(() => serializeSegments([{ tag: 'UNB', elements: [['UNOA', '4']] }, { tag: 'NAD', elements: [['محمد']] }]), /7-bit/);
  });
});

describe('edifact envelope', () => {
  const env = (body: string, unz = "UNZ+1+R1'") => parseInterchanges(`UNB+UNOC:4+SIRAJGDS:ZZZ+MAQAM:ZZZ+20260102:1200+R1'${body}${unz}`);

  it('builds the interchange model with header fields', () => {
    const r = parseInterchanges("UNB+UNOC:4+SIRAJGDS:ZZZ+MAQAM:ZZZ+20260102:1200+R1+PW:AA+APP+A+1++1'UNH+7+PAXLST:D:05B:UN:IATA+CAR'BGM+745'TDT+20+SV1'UNT+4+7'UNZ+1+R1'");
    const ich = r.interchanges[0];
    assert.equal(ich.syntax.id, 'UNOC');
    assert.equal(ich.syntax.version, '4');
    assert.deepEqual(ich.sender, { id: 'SIRAJGDS', qualifier: 'ZZZ' });
    assert.deepEqual(ich.password, { value: 'PW', qualifier: 'AA' });
    assert.equal(ich.ackRequested, true);
    assert.equal(ich.test, true);
    const m = ich.messages[0];
    assert.deepEqual([m.ref, m.type, m.version, m.release, m.agency, m.association, m.commonAccessRef], ['7', 'PAXLST', 'D', '05B', 'UN', 'IATA', 'CAR']);
    assert.deepEqual(m.segments.map((s) => s.tag), ['UNH', 'BGM', 'TDT', 'UNT']);
    assert.equal(m.rejected, false);
  });

  it('UNT count (29) and reference (28)', () => {
    const m = env("UNH+1+PAXLST:D:21A:UN'BGM+745'TDT+20+SV1'UNT+5+2'").interchanges[0].messages[0];
    assert.deepEqual(codes(m.findings.filter((f) => f.severity === 'error')), ['28', '29']);
    assert.ok(m.rejected);
    assert.deepEqual(m.findings.find((f) => f.code === '29')!.messageSegment, 4);
  });

  it('UNZ count (29) and reference (28)', () => {
    const ich = env("UNH+1+PAXLST:D:21A:UN'BGM+745'TDT+20+SV1'UNT+4+1'", "UNZ+2+R9'").interchanges[0];
    assert.deepEqual(codes(ich.findings), ['28', '29']);
    assert.ok(ich.rejected);
  });

  it('UNG/UNE count and reference; groups and messages mixed (30)', () => {
    const g = env("UNG+PAXLST+A+B+20260102:1200+G1+UN+D:21A'UNH+1+PAXLST:D:21A:UN'BGM+745'TDT+20+SV1'UNT+4+1'UNE+2+G2'").interchanges[0];
    assert.deepEqual(codes(g.groups[0].findings), ['28', '29']);
    assert.equal(g.groups[0].ref, 'G1');
    assert.equal(g.messages[0].groupRef, 'G1');
    const mixed = env("UNH+1+PAXLST:D:21A:UN'BGM+745'TDT+20+SV1'UNT+4+1'UNG+PAXLST+A+B+20260102:1200+G1+UN+D:21A'UNH+2+PAXLST:D:21A:UN'BGM+745'TDT+20+SV1'UNT+4+2'UNE+1+G1'", "UNZ+2+R1'").interchanges[0];
    assert.ok(mixed.findings.some((f) => f.code === '30'));
  });

  it('missing UNT (13), missing UNZ (13), segment outside a message (33), no UNB (13)', () => {
    const r = env("UNH+1+PAXLST:D:21A:UN'BGM+745'UNH+2+PAXLST:D:21A:UN'BGM+745'TDT+20+SV1'UNT+4+2'FTX+AAI'", "UNZ+2+R1'").interchanges[0];
    assert.ok(r.messages[0].findings.some((f) => f.code === '13' && f.tag === 'UNT'));
    assert.ok(r.findings.some((f) => f.code === '33' && f.tag === 'FTX'));
    const noUnz = parseInterchanges("UNB+UNOC:4+A+B+20260102:1200+R1'UNH+1+PAXLST:D:21A:UN'BGM+745'TDT+20+SV1'UNT+4+1'").interchanges[0];
    assert.ok(noUnz.findings.some((f) => f.code === '13' && f.tag === 'UNZ'));
    const noUnb = parseInterchanges("UNH+1+PAXLST:D:21A:UN'BGM+745'TDT+20+SV1'UNT+4+1'").interchanges[0];
    assert.ok(noUnb.findings.some((f) => f.code === '13' && f.tag === 'UNB'));
    assert.equal(noUnb.messages.length, 1);
  });

  it('syntax identifier and version checks (2)', () => {
    const bad = parseInterchanges("UNB+UNOZ:7+A+B+20260102:1200+R1'UNZ+0+R1'").interchanges[0];
    assert.deepEqual(codes(bad.findings.filter((f) => f.severity === 'error')), ['2', '2']);
    for (const v of ['1', '2', '3', '4']) assert.ok(!parseInterchanges(`UNB+UNOB:${v}+A+B+260102:1200+R1'UNZ+0+R1'`).interchanges[0].findings.some((f) => f.code === '2'));
    assert.ok(!parseInterchanges("UNB+IATA:1+NJ+MAQAM+260102:1200+R1'UNZ+0+R1'").interchanges[0].findings.some((f) => f.code === '2'));
  });

  it('interactive UIB/UIH/UIT/UIZ with count and reference checks', () => {
    const ok = parseInterchanges("UIB+UNOC:4+D1++++SIRAJGDS:ZZZ+MAQAM:ZZZ+20260102:1200'UIH+AVLREQ:D:21A::UN+M1'ODI'UIT+M1+3'UIZ+D1+1'").interchanges[0];
    assert.equal(ok.interactive, true);
    assert.equal(ok.controlRef, 'D1');
    assert.deepEqual(ok.sender, { id: 'SIRAJGDS', qualifier: 'ZZZ' });
    assert.deepEqual([ok.messages[0].type, ok.messages[0].ref, ok.messages[0].agency], ['AVLREQ', 'M1', 'UN']);
    assert.deepEqual(ok.findings.filter((f) => f.severity === 'error'), []);
    assert.deepEqual(ok.messages[0].findings.filter((f) => f.severity === 'error'), []);
    const bad = parseInterchanges("UIB+UNOC:4+D1++++A+B+20260102:1200'UIH+AVLREQ:D:21A::UN+M1'ODI'UIT+M2+5'UIZ+D2+3'").interchanges[0];
    assert.deepEqual(codes(bad.messages[0].findings.filter((f) => f.severity === 'error')), ['28', '29']);
    assert.deepEqual(codes(bad.findings), ['28', '29']);
  });

  it('handles several interchanges in one input, each with its own separators', () => {
    const r = parseInterchanges("UNB+UNOC:4+A+B+20260102:1200+R1'UNZ+0+R1'\nUNA:*.? $UNB*UNOC:4*A*B*20260102:1200*R2$UNZ*0*R2$");
    assert.deepEqual(r.interchanges.map((i) => i.controlRef), ['R1', 'R2']);
    assert.equal(String.fromCharCode(r.interchanges[1].separators.element), '*');
  });
});

describe('edifact segment tape', () => {
  const ich = "UNA:+.? 'UNB+UNOC:4+A+B+20260102:1200+R1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+FL+++O?'NEIL:ANN'ATT+2++M'UNT+5+1'UNH+2+PAXLST:D:05B:UN:IATA'BGM+745'UNT+3+2'UNZ+2+R1'";

  it("gives a message's segments as views that read what the tokenizer reads, one tape per message", () => {
    const { interchanges } = parseInterchanges(ich, { validate: false });
    const [m1, m2] = interchanges[0].messages;
    const plain = tokenize(Buffer.from(ich, 'latin1')).segments;
    assert.deepEqual(m1.segments.map((x) => ({ tag: x.tag, elements: x.elements, position: x.position, offset: x.offset })), plain.slice(1, 6));
    assert.deepEqual(m2.segments.map((x) => x.tag), ['UNH', 'BGM', 'UNT']);
    assert.notEqual(m1.tape, m2.tape);
    const nad = m1.segments[2] as SegmentView;
    assert.equal(nad.value(3, 0), "O'NEIL");
    assert.equal(nad.value(3, 5), '');
    assert.equal(nad.value(9), '');
    assert.equal(nad.elementCount, 4);
  });

  it('keeps the tape out of JSON and comparisons, and drops it with the segments', () => {
    const m = parseInterchanges(ich, { validate: false }).interchanges[0].messages[0];
    const json = JSON.parse(JSON.stringify(m)) as { segments: { tag: string }[]; tape?: unknown };
    assert.equal(json.tape, undefined);
    assert.deepEqual(json.segments.map((x) => x.tag), ['UNH', 'BGM', 'NAD', 'ATT', 'UNT']);
    assert.ok(!Object.keys(m).includes('tape'));
    m.segments = [];
    assert.equal(m.tape, undefined);
    assert.deepEqual(m.segments, []);
  });

  it('gives each of two parsers fed in turns what it gives alone (the value caches are shared)', () => {
    // the same values at other string indexes on each parser's tapes, chunks alternating between them
    const a = Buffer.from(ich, 'latin1');
    const b = Buffer.from(ich.replace(/O\?'NEIL:ANN/, 'ANN:ALHARBI').replace(/BGM\+745/g, 'BGM+ALHARBI').replace('ATT+2++M', 'ATT+ANN++FL'), 'latin1');
    const alone = (x: Buffer) => parseInterchanges(x, { validate: false }).interchanges[0].messages.map((m) => m.segments.map((v) => [v.tag, v.elements]));
    const got: Interchange[][] = [[], []];
    const parsers = [0, 1].map((k) => new EdifactParser({ interchangeEnd: (i) => got[k].push(i) }, { validate: false }));
    for (let at = 0; at < Math.max(a.length, b.length); at += 7) {
      parsers[0].push(a.subarray(at, at + 7));
      parsers[1].push(b.subarray(at, at + 7));
    }
    parsers.forEach((p) => p.end());
    const read = (k: number) => got[k][0].messages.map((m) => m.segments.map((v) => [v.tag, v.elements]));
    assert.deepEqual(read(0), alone(a));
    assert.deepEqual(read(1), alone(b));
    assert.notDeepEqual(read(0), read(1));
  });

  it('keeps no traveller name or document number in the shared value cache once a parse has ended', () => {
    parseInterchanges(ich.replace("O?'NEIL:ANN", 'ALHARBI:FATIMA+K12345678'), { validate: false });
    const held = (sharedCutter as unknown as { longVals: string[] }).longVals.filter((v) => v !== '');
    assert.deepEqual(held, []);
  });

  it('streams on one tape cleared segment by segment, each segment readable during its event', () => {
    const seen: string[] = [];
    const held: number[] = [];
    const p = new EdifactParser({ segment: (s) => { seen.push(`${s.tag}:${s.elements.map((e) => e.join(':')).join('+')}`); held.push(s.tape.length); } }, { keepSegments: false, keepMessages: false });
    p.push(Buffer.from(ich, 'latin1'));
    p.end();
    assert.deepEqual(seen, ['UNB:UNOC:4+A+B+20260102:1200+R1', 'UNH:1+PAXLST:D:05B:UN:IATA', 'BGM:745', "NAD:FL+++O'NEIL:ANN", 'ATT:2++M', 'UNT:5+1', 'UNH:2+PAXLST:D:05B:UN:IATA', 'BGM:745', 'UNT:3+2', 'UNZ:2+R1']);
    // memory bounded by one segment: no tape ever held more than the segment at hand
    assert.deepEqual(held, seen.map(() => 1));
  });
});

describe('edifact serializer', () => {
  it('escapes service characters and writes any separator set', () => {
    const seps = separatorsFromString("|*,\\ $");
    const out = serializeSegments([{ tag: 'FTX', elements: [['AAI'], [''], [''], ['A*B$C|D\\E', 'F']] }], { separators: seps }).toString('latin1');
    assert.equal(out, 'UNA|*,\\ $FTX*AAI***A\\*B\\$C\\|D\\\\E|F$');
    assert.equal(serializeSegments([{ tag: 'BGM', elements: [['1'], [''], ['']] }]).toString(), "BGM+1'");
    assert.throws(() => serializeSegments([{ tag: 'FTX', elements: [["A'B"]] }], { separators: { ...DEFAULT_SEPARATORS, release: -1 } }), /no release character/);
  });

  it('parse → serialize → parse is the identity on generated input (seeded property test)', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const sets = [":+.? '", "|*,\\ $", ':+.?*\'', "\u001f\u001d.?\u0019\u001c"];
    const alphabet = "ABCXYZ0189 ?:+'*|\\$.,-()/";
    for (let iter = 0; iter < 400; iter++) {
      const seps = separatorsFromString(sets[iter % sets.length]);
      const segs = [];
      const n = 1 + Math.floor(rnd() * 8);
      for (let k = 0; k < n; k++) {
        const elements: string[][] = [];
        const ne = 1 + Math.floor(rnd() * 5);
        for (let e = 0; e < ne; e++) {
          const nc = 1 + Math.floor(rnd() * 4);
          const comps: string[] = [];
          for (let c = 0; c < nc; c++) {
            let v = '';
            const len = Math.floor(rnd() * 6);
            for (let x = 0; x < len; x++) v += alphabet[Math.floor(rnd() * alphabet.length)];
            comps.push(v);
          }
          while (comps.length > 1 && comps[comps.length - 1] === '') comps.pop();
          elements.push(comps);
        }
        while (elements.length && elements[elements.length - 1].length === 1 && elements[elements.length - 1][0] === '') elements.pop();
        segs.push({ tag: ['FTX', 'NAD', 'RFF', 'DOC'][k % 4], elements });
      }
      const bytes = serializeSegments(segs, { separators: seps, una: true });
      const back = tokenize(bytes, {});
      assert.deepEqual(back.segments.map((s) => ({ tag: s.tag, elements: s.elements })), segs, `iteration ${iter}: ${bytes.toString('latin1')}`);
      assert.deepEqual(back.findings.filter((f) => f.code !== '21'), []);
      // and once more: serialize(parse(x)) === x
      assert.deepEqual(serializeSegments(back.segments, { separators: seps, una: true }), bytes);
    }
  });

  it('reads repeated segments under other separators and charsets as a fresh parse does', () => {
    // the fast path takes repeated values from caches keyed by their bytes: the same bytes must still
    // split per the separators in force, and decode per the charset in force
    const sets = [":+.? '", "+:.? '", ":+.?*'", ":+.  '"];
    const bodies = ['FTX:AB+C', 'LOC+178+JED', "NAD+FL+++O?'NEIL:ANN", 'FTX+AAI+++A LONG FREE TEXT VALUE:X', 'ATT+2++M*F:G', 'RFF+AVF:' + 'X'.repeat(32), 'RFF+AVF:' + 'Y'.repeat(33), 'DTM+329:500101'];
    const strip = (segs: Segment[]) => segs.map((x) => ({ tag: x.tag, elements: x.elements, repetitions: x.repetitions }));
    let stream = '';
    const expected: ReturnType<typeof strip> = [];
    for (const set of sets) {
      stream += `UNA${set}`;
      for (const body of bodies) {
        const one = strip(tokenize(Buffer.from(`UNA${set}${body}'`, 'latin1')).segments);
        for (let r = 0; r < 3; r++) {
          stream += `${body}'`;
          expected.push(...one);
        }
      }
    }
    const bytes = Buffer.from(stream, 'latin1');
    assert.deepEqual(strip(tokenize(bytes).segments), expected);
    assert.deepEqual(strip(tok(bytes, [7, 100, 101, 333]).segments), expected);
    // the same bytes ≥ 0x80: ISO 8859-1 under UNOC, UTF-8 under UNOW
    const nad = "NAD+FL+++\xd9\x85\xd8\xad:A'";
    const two = `UNB+UNOC:4+A+B+20260102:1200+R1'${nad}${nad}${nad}UNZ+0+R1'UNB+UNOW:4+A+B+20260102:1200+R2'${nad}${nad}${nad}UNZ+0+R2'`;
    const r = tokenize(Buffer.from(two, 'latin1'));
    const nads = r.segments.filter((x) => x.tag === 'NAD').map((x) => x.elements[3][0]);
    assert.deepEqual(nads, ['\xd9\x85\xd8\xad', '\xd9\x85\xd8\xad', '\xd9\x85\xd8\xad', 'مح', 'مح', 'مح']);
  });

  it('cuts every value right when values differ in one byte only (the value caches)', () => {
    // values of 1 to 30 bytes, each followed by copies with one byte changed at every position, read
    // twice over: a cache that compared too few bytes would hand out the first one again
    const segs: { tag: string; elements: string[][] }[] = [];
    for (let len = 1; len <= 30; len++) {
      const base = Array.from({ length: len }, (_, x) => String.fromCharCode(65 + ((x * 7) % 26))).join('');
      const values = [base];
      for (let at = 0; at < len; at++) values.push(base.slice(0, at) + (base[at] === 'Z' ? 'Y' : 'Z') + base.slice(at + 1));
      for (const v of [...values, ...values]) segs.push({ tag: 'FTX', elements: [['AAI'], [v, v.toLowerCase()]] });
    }
    const bytes = serializeSegments(segs, { separators: DEFAULT_SEPARATORS });
    assert.deepEqual(tokenize(bytes).segments.map((x) => ({ tag: x.tag, elements: x.elements })), segs);
    const m = parseInterchanges(Buffer.concat([Buffer.from("UNB+UNOC:4+A+B+20260102:1200+R1'UNH+1+X:D:21A:UN'"), bytes, Buffer.from(`UNT+${segs.length + 2}+1'UNZ+1+R1'`)]), { validate: false }).interchanges[0].messages[0];
    assert.deepEqual(m.segments.slice(1, -1).map((x) => x.elements), segs.map((x) => x.elements));
    // and 60 000 random values over 3 letters: far more values than cache slots, so slots are shared by
    // values with the same first, middle or last bytes
    const rnd = rng(11);
    const many: { tag: string; elements: string[][] }[] = [];
    for (let k = 0; k < 60_000; k++) {
      const len = 4 + Math.floor(rnd() * 27);
      let v = '';
      for (let x = 0; x < len; x++) v += 'ABC'[Math.floor(rnd() * 3)];
      many.push({ tag: 'RFF', elements: [['AVF', v]] });
    }
    assert.deepEqual(tokenize(serializeSegments(many, { separators: DEFAULT_SEPARATORS })).segments.map((x) => ({ tag: x.tag, elements: x.elements })), many);
  });
});
