/**
 * EDIFACT message translators: PAXLST and PNRGOV into the canonical model, AVLREQ/RESREQ into gateway
 * commands and back into AVLRSP/RESRSP, canonical manifests out as PAXLST.
 *
 * `translateEdifact(bytes)` (for `maqam translate FILE`) detects every message in every interchange of
 * the input and returns what it could translate plus every finding, each with its 0085 code and segment
 * position (1-based in its interchange, UNB = 1).
 */
import { parseInterchanges } from '../parser';
import type { Finding as EngineFinding } from '../types';
import type { Interchange, Message } from '../interchange';
import { TRANSLATORS, referenceDay } from './translate';
import type { Finding } from './segments';

export type { Finding, Segment, Severity } from './segments';
export { parsePaxlst, renderPaxlst } from './paxlst';
export { parsePnrgov } from './pnrgov';
export { parseAvlreq, parseResreq, renderAvlrsp, renderResrsp, parseResponse } from './interactive';
export type { AvailabilityCommand, ReservationCommand, ProductRef, ResponseSummary } from './interactive';
export { TRANSLATORS, referenceDay } from './translate';

/** What `translateEdifact` returns: canonical values in message order, and all findings. */
export interface TranslationResult {
  canonical: unknown[];
  findings: Finding[];
  /** One entry per message seen: its type, reference and how many canonical values it gave. */
  messages: { type: string; ref: string; position: number; produced: number }[];
}

/** Maps an engine finding (envelope, structure, characters) to the translator's finding form. */
export function fromEngineFinding(f: EngineFinding, m?: Message): Finding {
  const position = f.segment ?? (m && f.messageSegment ? m.position + f.messageSegment - 1 : undefined);
  const out: Finding = { code0085: f.code, message: f.message, severity: f.severity };
  if (position !== undefined) out.position = position;
  return out;
}

/** Translates one message of an interchange (used by translateEdifact and handleEdifact). */
export function translateMessage(m: Message, ich: Interchange, now: Date): { canonical: unknown[]; findings: Finding[] } {
  const findings = m.findings.map((f) => fromEngineFinding(f, m));
  const tr = TRANSLATORS[m.type];
  if (!tr) {
    findings.push({ code0085: '17', position: m.position, severity: 'error', message: `Message type ${m.type || '(none)'} is not translated by the hub (known: ${Object.keys(TRANSLATORS).join(', ')})` });
    return { canonical: [], findings };
  }
  try {
    const r = tr(m.segments, { refDate: referenceDay(ich.date, now) });
    return { canonical: r.canonical, findings: [...findings, ...r.findings.list] };
  } catch (e) {
    // A translator bug must not take the whole interchange down; report it against the message.
    findings.push({ code0085: '18', position: m.position, severity: 'error', message: `Translation of ${m.type} ${m.ref} failed: ${(e as Error).message}` });
    return { canonical: [], findings };
  }
}

/**
 * Detects and translates every message of the interchanges in `bytes`.
 * Never throws on bad input: problems come back as findings.
 */
export function translateEdifact(bytes: Uint8Array | string, opts: { now?: Date } = {}): TranslationResult {
  const now = opts.now ?? new Date();
  const parsed = parseInterchanges(bytes);
  const out: TranslationResult = { canonical: [], findings: parsed.findings.map((f) => fromEngineFinding(f)), messages: [] };
  if (parsed.interchanges.length === 0 && out.findings.length === 0) {
    out.findings.push({ code0085: '13', severity: 'error', message: 'No UN/EDIFACT interchange (UNB or UIB) found in the input' });
  }
  for (const ich of parsed.interchanges) {
    out.findings.push(...ich.findings.map((f) => fromEngineFinding(f)));
    for (const g of ich.groups) out.findings.push(...g.findings.map((f) => fromEngineFinding(f)));
    for (const m of ich.messages) {
      const r = translateMessage(m, ich, now);
      out.canonical.push(...r.canonical);
      out.findings.push(...r.findings);
      out.messages.push({ type: m.type, ref: m.ref, position: m.position, produced: r.canonical.length });
    }
  }
  return out;
}
