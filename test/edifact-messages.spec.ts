/**
 * Golden pairs: every `fixtures/edifact/messages/x.edi` translates to `x.canonical.json`, and the findings
 * listed in `x.findings.json` (when present) are among those reported.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { renderAvlrsp, renderResrsp, responseInterchange, translateEdifact } from '../adapters/edifact/messages';
import { parseInterchanges } from '../adapters/edifact';
import { projectRoot } from '../core/paths';

const DIR = path.join(projectRoot(), 'fixtures', 'edifact', 'messages');
// Golden outputs must not depend on the day the test runs: two-digit years pivot on the messages' own dates.
const NOW = new Date('2025-02-01T00:00:00Z');

function plain(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x));
}

describe('EDIFACT message translators: golden pairs', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.edi')).sort();
  it('has fixtures', () => assert.ok(files.length >= 5, `only ${files.length} fixtures in ${DIR}`));
  for (const f of files) {
    const base = f.slice(0, -4);
    it(`${f} → ${base}.canonical.json`, () => {
      const r = translateEdifact(fs.readFileSync(path.join(DIR, f)), { now: NOW });
      const expected = JSON.parse(fs.readFileSync(path.join(DIR, `${base}.canonical.json`), 'utf8'));
      assert.deepEqual(plain(r.canonical), expected);
      assert.deepEqual(r.findings.filter((x) => x.severity === 'error'), [], 'no error findings');
      const fp = path.join(DIR, `${base}.findings.json`);
      if (fs.existsSync(fp)) {
        for (const want of JSON.parse(fs.readFileSync(fp, 'utf8'))) {
          assert.ok(r.findings.some((g) => g.code0085 === want.code0085 && g.position === want.position && g.severity === want.severity && g.message === want.message),
            `missing finding ${JSON.stringify(want)} in ${JSON.stringify(r.findings)}`);
        }
      }
    });
  }
});

describe('EDIFACT message translators: AVLRSP/RESRSP rendering', () => {
  const sources = fs.readdirSync(DIR).filter((f) => f.endsWith('.source.json')).sort();
  for (const f of sources) {
    const base = f.slice(0, -'.source.json'.length);
    it(`${f} renders ${base}.edi byte for byte, in the request's envelope`, () => {
      const src = JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'));
      const ich = parseInterchanges(fs.readFileSync(path.join(DIR, src.request))).interchanges[0];
      const segments = src.offers
        ? renderAvlrsp({ offers: src.offers })
        : renderResrsp(src.action, { booking: src.booking, products: new Map(Object.entries(src.products)), ratePlanCodes: new Map(Object.entries(src.ratePlanCodes)) });
      const out = responseInterchange(ich, [{ type: src.offers ? 'AVLRSP' : 'RESRSP', ref: ich.messages[0].ref, segments }], `R${ich.controlRef}`, new Date(src.prepared));
      assert.equal(out.toString('latin1'), fs.readFileSync(path.join(DIR, `${base}.edi`), 'latin1'));
    });
  }
});
