/**
 * EDIFACT message translators: PAXLST and PNRGOV into the canonical model, AVLREQ/RESREQ into gateway
 * commands and back into AVLRSP/RESRSP, canonical manifests out as PAXLST.
 *
 * `translateEdifact(bytes)`, and `EdifactTranslator` for input in chunks (`maqam translate FILE` streams
 * through it), detect every message in every interchange of the input and give what could be translated
 * plus every finding, each with its 0085 code and segment position (1-based in its interchange, UNB = 1).
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
export { rejectUntranslatable } from './batch';
export { manifestToPaxlst, responseInterchange, type PaxlstOptions } from './outbound';
export { runAvailability, runReservation } from './exec';

/** What `translateEdifact` returns: canonical values in message order, and all findings. */
export interface TranslationResult {
  canonical: unknown[];
  findings: Finding[];
  /** One entry per message seen: its type, reference and how many canonical values it gave. */
  messages: { type: string; ref: string; position: number; produced: number }[];
}

/** Receives what a translation produces, each message's values and findings as soon as it is translated. */
export interface TranslationSink {
  canonical(value: unknown): void;
  finding(f: Finding): void;
  message?(m: TranslationResult['messages'][number]): void;
}

/**
 * Push-style translation of interchanges arriving in chunks of any size: each message is translated as
 * soon as its trailer is read and its segments are then dropped, so a large manifest file holds one
 * message's segments at a time; what it gives goes to the sink at once. Never throws on bad input:
 * problems come back as findings. `now` is the reference day only for interchanges without a date;
 * `parse` takes a partner's options (`parseOptionsFor(profile)`).
 */
export class EdifactTranslator {
  private interchanges = 0;
  private errors = 0;
  private readonly parser: EdifactParser;

  constructor(private readonly sink: TranslationSink, opts: { now?: Date; parse?: ParseOptions } = {}) {
    const now = opts.now ?? new Date();
    this.parser = new EdifactParser(
      {
        messageEnd: (m, ich) => {
          const r = translateMessage(m, ich, now);
          m.segments = [];
          for (const c of r.canonical) sink.canonical(c);
          for (const f of r.findings) this.finding(f);
          sink.message?.({ type: m.type, ref: m.ref, position: m.position, produced: r.canonical.length });
        },
        interchangeEnd: (ich) => {
          this.interchanges++;
          for (const f of ich.findings) this.finding(fromEngineFinding(f));
          for (const g of ich.groups) for (const f of g.findings) this.finding(fromEngineFinding(f));
        },
      },
      { ...opts.parse, keepSegments: true, keepMessages: false },
    );
  }

  private finding(f: Finding): void {
    if (f.severity === 'error') this.errors++;
    this.sink.finding(f);
  }

  push(chunk: Uint8Array): void {
    this.parser.push(chunk);
  }

  /** Ends the input: the findings about its end, and an error when it held no interchange at all. */
  end(): void {
    for (const f of this.parser.end()) this.finding(fromEngineFinding(f));
    if (this.interchanges === 0 && this.errors === 0) {
      this.finding({ code0085: '13', severity: 'error', message: 'No UN/EDIFACT interchange (UNB or UIB) found in the input' });
    }
  }
}

/** Detects and translates every message of the interchanges in `bytes` (see `EdifactTranslator`). */
export function translateEdifact(bytes: Uint8Array | string, opts: { now?: Date; parse?: ParseOptions } = {}): TranslationResult {
  const out: TranslationResult = { canonical: [], findings: [], messages: [] };
  const t = new EdifactTranslator({ canonical: (v) => out.canonical.push(v), finding: (f) => out.findings.push(f), message: (m) => out.messages.push(m) }, opts);
  t.push(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  t.end();
  return out;
}
export { edifactHandler, edifactRoute } from './http';
