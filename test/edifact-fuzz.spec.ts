/**
 * Fuzz: 10,000 seeded mutations of valid interchanges (truncation, separator swaps, random bytes, huge
 * segments, bad counts, UNA damage, dropped/duplicated segments, chunked delivery) through the inbound
 * pipeline: never a crash or a hang, every interchange ends with findings or a CONTRL, memory bounded.
 */
import { rng as prng } from './support/rng';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EdifactParser, buildContrl, loadPartnerProfiles, parseInterchanges, processInbound, serializeInterchange } from '../adapters/edifact';
import { projectRoot } from '../core/paths';


function corpus(): Buffer[] {
  const dir = path.join(projectRoot(), 'fixtures', 'edifact', 'syntax');
  const out: Buffer[] = fs.readdirSync(dir).filter((f) => f.endsWith('.edi')).map((f) => fs.readFileSync(path.join(dir, f)));
  out.push(
    serializeInterchange(
      {
        sender: { id: 'SIRAJGDS', qualifier: 'ZZZ' },
        recipient: { id: 'MAQAM', qualifier: 'ZZZ' },
        controlRef: 'FZ1',
        password: { value: 'SIRAJ-TEST-PW' },
        prepared: new Date('2026-01-02T12:00:00Z'),
        groups: [{ ref: 'G1', sender: { id: 'S' }, recipient: { id: 'R' }, messages: [{ type: 'PAXLST', version: 'D', release: '21A', agency: 'UN', segments: [{ tag: 'BGM', elements: [['745']] }, { tag: 'TDT', elements: [['20'], ['SV1']] }, { tag: 'NAD', elements: [['FL'], [''], [''], ["O'NEIL", 'ANN']] }] }] }],
      },
      { lineBreaks: true },
    ),
  );
  return out;
}

const SEPS = [0x3a, 0x2b, 0x27, 0x3f, 0x2a, 0x0a, 0x0d, 0x20];

function mutate(src: Buffer, rnd: () => number): { bytes: Buffer; chunks: number } {
  let b = Buffer.from(src);
  const n = 1 + Math.floor(rnd() * 3);
  const int = (k: number) => Math.floor(rnd() * k);
  for (let m = 0; m < n; m++) {
    switch (int(10)) {
      case 0: // truncate
        b = b.subarray(0, int(b.length + 1));
        break;
      case 1: // swap a separator for another
        for (let k = 0; k < 3; k++) {
          const i = int(b.length);
          if (SEPS.includes(b[i])) b[i] = SEPS[int(SEPS.length)];
        }
        break;
      case 2: // random bytes overwritten
        for (let k = 0; k < 1 + int(8); k++) b[int(b.length)] = int(256);
        break;
      case 3: {
        // insert random bytes
        const i = int(b.length + 1);
        const ins = Buffer.from(Array.from({ length: 1 + int(40) }, () => int(256)));
        b = Buffer.concat([b.subarray(0, i), ins, b.subarray(i)]);
        break;
      }
      case 4: {
        // huge segment (over the 64 KiB limit used here) or a long run without separators
        const i = b.indexOf("'") + 1;
        const big = Buffer.alloc(70_000 + int(100_000), 0x41);
        if (rnd() < 0.3) big[int(big.length)] = 0x3f; // a release inside
        b = Buffer.concat([b.subarray(0, i), Buffer.from('FTX+AAI+++'), big, b.subarray(i)]);
        break;
      }
      case 5: {
        // bad counts: change digits in UNT/UNZ/UNE
        const s = b.toString('latin1').replace(/(UN[TZE]\+)(\d+)/g, (_x, p: string, d: string) => p + String(Number(d) + int(5) - 2));
        b = Buffer.from(s, 'latin1');
        break;
      }
      case 6: {
        // drop or duplicate a segment
        const s = b.toString('latin1').split("'");
        const i = int(s.length);
        if (rnd() < 0.5) s.splice(i, 1);
        else s.splice(i, 0, s[i] ?? '');
        b = Buffer.from(s.join("'"), 'latin1');
        break;
      }
      case 7: {
        // UNA damage: random service string advice at the front
        const una = Buffer.from('UNA' + String.fromCharCode(...Array.from({ length: 6 }, () => 32 + int(95))), 'latin1');
        b = Buffer.concat([rnd() < 0.5 ? una : una.subarray(0, int(9)), b]);
        break;
      }
      case 8: // release character at the very end
        b = Buffer.concat([b.subarray(0, int(b.length + 1)), Buffer.from('?')]);
        break;
      default: // concatenate with itself (several interchanges), sometimes with junk between
        b = Buffer.concat([b, rnd() < 0.5 ? Buffer.from('\r\n-- junk --\r\n') : Buffer.alloc(0), b]);
    }
  }
  return { bytes: b, chunks: 1 + int(6) };
}

describe('edifact fuzz', function () {
  this.timeout(120_000);
  const partners = loadPartnerProfiles();
  const base = corpus();

  it('10,000 mutated interchanges: no crash, no hang, findings or a CONTRL each, bounded memory', async () => {
    const rnd = prng(0xed1fac7);
    const started = Date.now();
    let worst = 0;
    let maxHeap = 0;
    let interchanges = 0;
    let contrls = 0;
    let contrlErrors = 0;
    for (let i = 0; i < 10_000; i++) {
      const { bytes, chunks } = mutate(base[i % base.length], rnd);
      const t0 = Date.now();
      // streaming path in random chunks (bounded segment size)
      const p = new EdifactParser({}, { maxSegmentBytes: 64 * 1024, keepSegments: false, keepMessages: false });
      const step = Math.max(1, Math.ceil(bytes.length / chunks));
      for (let o = 0; o < bytes.length; o += step) p.push(bytes.subarray(o, o + step));
      p.end();
      // whole pipeline with partner profiles and CONTRL
      const r = await processInbound(bytes, { partners, controlRef: '1', parse: { maxSegmentBytes: 64 * 1024 } });
      for (const x of r.interchanges) {
        interchanges++;
        const ich = x.interchange;
        const findings = ich.findings.length + ich.messages.reduce((n, m) => n + m.findings.length, 0) + ich.groups.reduce((n, g) => n + g.findings.length, 0);
        const contrl = x.contrl ?? buildContrl(ich, { controlRef: '1' });
        assert.ok(contrl.bytes.length > 0);
        if (x.contrl) contrls++;
        if (i % 10 === 0) {
          // the CONTRL itself must read back as one interchange with one CONTRL message, without an error
          const back = parseInterchanges(contrl.bytes, { strict: true });
          assert.equal(back.interchanges.length, 1, contrl.bytes.toString('latin1'));
          assert.equal(back.interchanges[0].messages[0]?.type, 'CONTRL');
          if (back.interchanges[0].rejected || back.interchanges[0].messages[0].rejected) contrlErrors++;
        }
        assert.ok(findings > 0 || contrl.action === '7', `case ${i}: neither findings nor an acknowledgement`);
      }
      if (r.interchanges.length === 0) assert.ok(r.findings.length > 0 || bytes.every((c) => c === 0x20 || c === 0x0a || c === 0x0d) || bytes.length === 0, `case ${i}: input without interchange and without findings`);
      worst = Math.max(worst, Date.now() - t0);
      if (i % 500 === 0) maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
    }
    const secs = (Date.now() - started) / 1000;
    console.log(`      fuzz: ${interchanges} interchanges, ${contrls} CONTRLs by policy (${contrlErrors} sampled CONTRLs with an error), slowest case ${worst} ms, peak heap ${(maxHeap / 1048576).toFixed(0)} MB, ${secs.toFixed(1)} s`);
    assert.equal(contrlErrors, 0, 'every sampled CONTRL reads back without an error (strict), even about a broken interchange');
    assert.ok(worst < 5000, `a case took ${worst} ms`);
    assert.ok(maxHeap < 512 * 1048576, `heap grew to ${maxHeap}`);
  });
});
