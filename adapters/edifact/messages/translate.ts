/**
 * Message translators by type: one entry per message the hub reads, each a function over one message's
 * segments returning canonical values and findings.
 */
import type { IsoDate } from '../../../core/model';
import { parsePaxlst, type TranslateContext } from './paxlst';
import { parsePnrgov } from './pnrgov';
import { parseAvlreq, parseResponse, parseResreq } from './interactive';
import { parseYmd } from './dates';
import { Findings, type Segment } from './segments';

/** Translates one message; `canonical` lists what it produced (empty when nothing could be). */
export type MessageTranslator = (segments: Segment[], ctx: TranslateContext) => { canonical: unknown[]; findings: Findings };

/** The message types `translateEdifact` understands, by UNH/UIH 0065. */
export const TRANSLATORS: Readonly<Record<string, MessageTranslator>> = Object.freeze({
  PAXLST: (s, c) => {
    const r = parsePaxlst(s, c);
    return { canonical: r.manifest ? [r.manifest] : [], findings: r.findings };
  },
  PNRGOV: (s, c) => {
    const r = parsePnrgov(s, c);
    return { canonical: r.bookings, findings: r.findings };
  },
  AVLREQ: (s, c) => {
    const r = parseAvlreq(s, c);
    return { canonical: r.command ? [r.command] : [], findings: r.findings };
  },
  RESREQ: (s, c) => {
    const r = parseResreq(s, c);
    return { canonical: r.command ? [r.command] : [], findings: r.findings };
  },
  AVLRSP: (s, c) => ({ canonical: [parseResponse('AVLRSP', s, c)], findings: emptyFindings() }),
  RESRSP: (s, c) => ({ canonical: [parseResponse('RESRSP', s, c)], findings: emptyFindings() }),
});

function emptyFindings(): Findings {
  return new Findings();
}

/**
 * The reference day for two-digit years: the interchange date (UNB S004, YYMMDD or CCYYMMDD, itself
 * resolved within ±50 years of today), else today.
 */
export function referenceDay(interchangeDate: string, now: Date): IsoDate {
  const today = now.toISOString().slice(0, 10);
  return parseYmd(interchangeDate, 'window', today) ?? today;
}
