/**
 * EDIFACT message translators: PAXLST and PNRGOV into the canonical model, AVLREQ/RESREQ into gateway
 * commands and back into AVLRSP/RESRSP, canonical manifests out as PAXLST.
 *
 * `translateEdifact(bytes)` (for `maqam translate FILE`) detects every message in every interchange of
 * the input and returns what it could translate plus every finding, each with its 0085 code and segment
 * position (1-based in its interchange, UNB = 1).
 */
import { EdifactParser, type ParseOptions } from '..';
import { fromEngineFinding, translateMessage } from './translate';
import type { Finding } from './segments';

export type { Finding, Segment, Severity } from './segments';
export { parsePaxlst, renderPaxlst } from './paxlst';
export { parsePnrgov } from './pnrgov';
export { parseAvlreq, parseResreq, renderAvlrsp, renderResrsp, parseResponse } from './interactive';
export type { AvailabilityCommand, ReservationCommand, ProductRef, ResponseSummary } from './interactive';
export { TRANSLATORS, referenceDay, translateMessage, fromEngineFinding } from './translate';
export { handleEdifact, EDIFACT_CONTENT_TYPE, type EdifactDeps, type EdifactReply } from './handle';
export { manifestToPaxlst, responseInterchange, type PaxlstOptions } from './outbound';
export { runAvailability, runReservation } from './exec';

/** What `translateEdifact` returns: canonical values in message order, and all findings. */
export interface TranslationResult {
  canonical: unknown[];
  findings: Finding[];
  /** One entry per message seen: its type, reference and how many canonical values it gave. */
  messages: { type: string; ref: string; position: number; produced: number }[];
}

/**
 * Detects and translates every message of the interchanges in `bytes`.
 * Never throws on bad input: problems come back as findings. `now` is the reference day only for
 * interchanges without a date; `parse` takes a partner's options (`parseOptionsFor(profile)`).
 * Each message is translated as soon as its trailer is read and its segments are then dropped, so a
 * large manifest file holds one message's segments at a time.
 */
export function translateEdifact(bytes: Uint8Array | string, opts: { now?: Date; parse?: ParseOptions } = {}): TranslationResult {
  const now = opts.now ?? new Date();
  const out: TranslationResult = { canonical: [], findings: [], messages: [] };
  let interchanges = 0;
  const parser = new EdifactParser({
    messageEnd: (m, ich) => {
      const r = translateMessage(m, ich, now);
      m.segments = [];
      out.canonical.push(...r.canonical);
      out.findings.push(...r.findings);
      out.messages.push({ type: m.type, ref: m.ref, position: m.position, produced: r.canonical.length });
    },
    interchangeEnd: (ich) => {
      interchanges++;
      out.findings.push(...ich.findings.map((f) => fromEngineFinding(f)));
      for (const g of ich.groups) out.findings.push(...g.findings.map((f) => fromEngineFinding(f)));
    },
  }, { ...opts.parse, keepSegments: true });
  parser.push(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  out.findings.push(...parser.end().map((f) => fromEngineFinding(f)));
  if (interchanges === 0 && !out.findings.some((f) => f.severity === 'error')) {
    out.findings.push({ code0085: '13', severity: 'error', message: 'No UN/EDIFACT interchange (UNB or UIB) found in the input' });
  }
  return out;
}
export { edifactHandler, edifactRoute } from './http';
