/**
 * Golden interchanges in fixtures/edifact/syntax/: each NAME.edi is run through the inbound pipeline
 * (partner profile from config/partners, envelope and structure checks, CONTRL per the partner's policy)
 * and compared with NAME.expected.json. Regenerate after a deliberate change with
 *   UPDATE_GOLDEN=1 npx mocha dist/test/edifact-golden.spec.js   (then review the diff)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadPartnerProfiles, processInbound, type Finding } from '../adapters/edifact';
import { projectRoot } from '../core/paths';

const DIR = path.join(projectRoot(), 'fixtures', 'edifact', 'syntax');
const NOW = new Date('2026-01-02T12:00:00Z');

function compact(f: Finding): string {
  const parts = [f.code, f.severity, f.tag ?? '-'];
  if (f.segment !== undefined) parts.push(`seg=${f.segment}`);
  if (f.messageSegment !== undefined) parts.push(`msg=${f.messageSegment}`);
  if (f.element !== undefined) parts.push(`el=${f.element}${f.component !== undefined ? ':' + f.component : ''}`);
  return parts.join(' ') + ' | ' + f.message;
}

async function run(file: string): Promise<unknown> {
  const bytes = fs.readFileSync(path.join(DIR, file));
  const partners = loadPartnerProfiles();
  const r = await processInbound(bytes, { partners, controlRef: '1', now: NOW });
  return {
    partner: r.partner?.id ?? null,
    streamFindings: r.findings.map(compact),
    interchanges: r.interchanges.map((i) => ({
      controlRef: i.interchange.controlRef,
      sender: i.interchange.sender,
      syntax: i.interchange.syntax,
      rejected: i.interchange.rejected,
      processable: i.processable,
      findings: i.interchange.findings.map(compact),
      groups: i.interchange.groups.map((g) => ({ ref: g.ref, rejected: g.rejected, findings: g.findings.map(compact) })),
      messages: i.interchange.messages.map((m) => ({
        ref: m.ref,
        type: `${m.type}:${m.version}:${m.release}:${m.agency}${m.association ? ':' + m.association : ''}`,
        segments: m.segments.map((s) => s.tag).join(' '),
        names: m.segments.filter((s) => s.tag === 'NAD' && s.elements[0]?.[0] === 'FL').map((s) => s.elements[3] ?? []),
        rejected: m.rejected,
        findings: m.findings.map(compact),
      })),
      contrl: i.contrl ? i.contrl.bytes.toString('latin1') : null,
    })),
  };
}

describe('edifact golden fixtures', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.edi')).sort();
  it('has fixtures', () => assert.ok(files.length >= 20));
  for (const f of files) {
    it(f, async () => {
      const got = await run(f);
      const exp = path.join(DIR, f.replace(/\.edi$/, '.expected.json'));
      if (process.env.UPDATE_GOLDEN || !fs.existsSync(exp)) {
        fs.writeFileSync(exp, JSON.stringify(got, null, 2) + '\n');
        if (!process.env.UPDATE_GOLDEN) assert.fail(`wrote missing ${path.basename(exp)}; review it`);
      }
      assert.deepEqual(got, JSON.parse(fs.readFileSync(exp, 'utf8')));
    });
  }
});
