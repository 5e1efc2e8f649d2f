/**
 * The translators never crash on damaged input: every golden interchange, truncated, with bytes flipped,
 * separators swapped or segments repeated, translates to findings (a translator exception would surface
 * as a 0085 18 "Translation … failed" finding), and input that is not EDIFACT at all gets a coded error.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { translateEdifact } from '../adapters/edifact/messages';
import { projectRoot } from '../core/paths';

const DIR = path.join(projectRoot(), 'fixtures', 'edifact', 'messages');

/** Deterministic pseudo-random numbers (xorshift32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

function mutate(src: Buffer, r: () => number): Buffer {
  const b = Buffer.from(src);
  switch (Math.floor(r() * 5)) {
    case 0: return b.subarray(0, Math.floor(r() * b.length));
    case 1: {
      for (let i = 0, n = 1 + Math.floor(r() * 8); i < n; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      return b;
    }
    case 2: {
      const seps = [0x3a, 0x2b, 0x27, 0x3f, 0x2a];
      const from = seps[Math.floor(r() * seps.length)];
      const to = seps[Math.floor(r() * seps.length)];
      for (let i = 0; i < b.length; i++) if (b[i] === from && r() < 0.3) b[i] = to;
      return b;
    }
    case 3: {
      const at = Math.floor(r() * b.length);
      const len = Math.floor(r() * 200);
      return Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at, at + len), b.subarray(at)]);
    }
    default: {
      // Empty some element values: missing dates, codes, names.
      const s = b.toString('latin1').replace(/[+:][A-Z0-9]{2,8}/g, (m) => (r() < 0.15 ? m[0] : m));
      return Buffer.from(s, 'latin1');
    }
  }
}

describe('EDIFACT message translators on damaged input', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.edi')).sort();
  it(`translates 2,000 mutations of the ${files.length} golden interchanges without a crash`, () => {
    const r = rng(20250301);
    let n = 0;
    for (const f of files) {
      const src = fs.readFileSync(path.join(DIR, f));
      for (let i = 0; i < Math.ceil(2000 / files.length); i++, n++) {
        const bad = mutate(src, r);
        const out = translateEdifact(bad, { now: new Date('2025-03-01T00:00:00Z') });
        const crash = out.findings.find((x) => x.code0085 === '18' && /Translation .* failed/.test(x.message));
        assert.equal(crash, undefined, `${f} mutation ${i}: ${crash?.message}\n${bad.toString('latin1').slice(0, 400)}`);
        for (const x of out.findings) assert.match(x.code0085, /^\d{1,3}$/, `finding without a 0085 code: ${JSON.stringify(x)}`);
      }
    }
    assert.ok(n >= 2000);
  });

  it('reports input that holds no interchange with a coded error', () => {
    for (const junk of ['', 'hello world', '<?xml version="1.0"?><OTA_PingRQ/>', 'UNA:+.? ']) {
      const out = translateEdifact(Buffer.from(junk));
      assert.deepEqual(out.canonical, []);
      assert.ok(out.findings.some((f) => f.severity === 'error' && /^\d+$/.test(f.code0085)), `no coded error for ${JSON.stringify(junk)}: ${JSON.stringify(out.findings)}`);
    }
  });

  it('reports a message type it does not translate, and still translates the others', () => {
    const src = fs.readFileSync(path.join(DIR, 'paxlst-two-digit-years.edi'), 'latin1').replace("UNH+C1+PAXLST", "UNH+C1+CUSRES");
    const out = translateEdifact(Buffer.from(src, 'latin1'));
    assert.equal(out.canonical.length, 1);
    assert.ok(out.findings.some((f) => f.code0085 === '17' && f.severity === 'error' && /CUSRES/.test(f.message)));
  });
});
