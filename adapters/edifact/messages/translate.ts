/**
 * Message translators by type: one entry per message the hub reads, each a function over one message's
 * segments returning canonical values and findings.
 */
import type { IsoDate } from '../../../core/model';
import { parsePaxlst, type TranslateContext } from './paxlst';
import { parsePnrgov } from './pnrgov';
import { parseAvlreq, parseResponse, parseResreq } from './interactive';
import { parseYmd } from './dates';
import { Findings, type Finding, type Segment } from './segments';
import type { Finding as EngineFinding, Interchange, Message } from '..';

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

/** Maps an engine finding (envelope, structure, characters) to the translator's finding form. */
export function fromEngineFinding(f: EngineFinding, m?: Message): Finding {
  const position = f.segment ?? (m && f.messageSegment ? m.position + f.messageSegment - 1 : undefined);
  const out: Finding = { code0085: f.code, message: f.message, severity: f.severity };
  if (position !== undefined) out.position = position;
  return out;
}

/** Translates one message of an interchange: the syntax engine's findings about it, then the translator's. */
export function translateMessage(m: Message, ich: Interchange, now: Date): { canonical: unknown[]; findings: Finding[] } {
  const r = translateBody(m, ich, now);
  return { canonical: r.canonical, findings: [...m.findings.map((f) => fromEngineFinding(f, m)), ...r.findings] };
}

/**
 * The translator's part of `translateMessage`: what it produced and what it found (an error means that
 * the message, or part of it, could not be translated). handleEdifact rejects a message with such errors.
 */
export function translateBody(m: Message, ich: Interchange, now: Date): { canonical: unknown[]; findings: Finding[] } {
  const tr = TRANSLATORS[m.type];
  if (!tr) {
    const message = `Message type ${m.type || '(none)'} is not translated by the hub (known: ${Object.keys(TRANSLATORS).join(', ')})`;
    return { canonical: [], findings: [{ code0085: '17', position: m.position, severity: 'error', message }] };
  }
  try {
    const r = tr(m.segments, { refDate: referenceDay(ich.date, now) });
    return { canonical: r.canonical, findings: r.findings.list };
  } catch (e) {
    // A translator bug must not take the whole interchange down; report it against the message.
    return { canonical: [], findings: [{ code0085: '18', position: m.position, severity: 'error', message: `Translation of ${m.type} ${m.ref} failed: ${(e as Error).message}` }] };
  }
}

