import type { SegmentTape } from './tape';

/**
 * Shared types of the UN/EDIFACT syntax engine. Everything the message translators need is here:
 * a message is `{ header fields, segments: Segment[], findings: Finding[] }`.
 */

/**
 * One segment as read from the wire. `elements` excludes the tag: `elements[0]` is the first data element
 * after the tag, each element an array of its components (release characters removed, decoded per the
 * interchange's syntax identifier). `NAD+FL+++DOE:JOHN'` → `{ tag: 'NAD', elements: [['FL'], [''], [''], ['DOE', 'JOHN']] }`.
 */
export interface Segment {
  readonly tag: string;
  readonly elements: string[][];
  /** 1-based position in its interchange (UNB = 1; the UNA service string advice is not counted). */
  readonly position: number;
  /** Byte offset of the segment's first byte in the whole input stream. */
  readonly offset: number;
  /**
   * Only when the syntax has a repetition separator and an element was repeated: element index → all of
   * its repetitions (the first one is also in `elements`). Absent in the common case.
   */
  repetitions?: Record<number, string[][]>;
}

/** A segment to write: positions are not needed. */
export interface SegmentData {
  tag: string;
  elements: string[][];
  repetitions?: Record<number, string[][]>;
}

export type Severity = 'error' | 'warning';

/** Which envelope level a finding belongs to (decides where it is reported in a CONTRL). */
export type FindingLevel = 'interchange' | 'group' | 'message';

/**
 * A problem or quirk found while reading an interchange. `code` is a UN/EDIFACT 0085 syntax error code
 * (e.g. 13 missing, 28 references do not match, 29 control count does not match, 35 too many repetitions,
 * 39 too long). Warnings never reject anything; errors reject their level (message, group or interchange).
 */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  level?: FindingLevel;
  /** Segment position in the interchange (1-based, UNB = 1), when known. */
  segment?: number;
  /** Segment tag concerned (the offending service segment for envelope errors). */
  tag?: string;
  /** Segment position within the message body (UNH = 1), for findings inside a message. */
  messageSegment?: number;
  /** 1-based data element position within the segment (tag excluded) — S011/0098. */
  element?: number;
  /** 1-based component position within the composite — S011/0104. */
  component?: number;
  /** 1-based repetition — S011/0136 (syntax 4). */
  repetition?: number;
  /** Byte offset in the input stream. */
  offset?: number;
}

/** Service characters as byte values; `repetition` and `release` are -1 when not used. */
export interface Separators {
  component: number;
  element: number;
  decimal: number;
  release: number;
  repetition: number;
  segment: number;
}

/** `:+.? '` — the defaults when no UNA is present (no repetition separator). */
export const DEFAULT_SEPARATORS: Readonly<Separators> = Object.freeze({
  component: 0x3a,
  element: 0x2b,
  decimal: 0x2e,
  release: 0x3f,
  repetition: -1,
  segment: 0x27,
});

/** Separators written as a 6-character UNA string (a space where a character is not used). */
export function separatorsToString(s: Separators): string {
  const c = (n: number) => (n < 0 ? ' ' : String.fromCharCode(n));
  return c(s.component) + c(s.element) + c(s.decimal) + c(s.release) + c(s.repetition) + c(s.segment);
}

/** Parses a 6-character UNA-style string (`:+.? '`); a space in the release or repetition position means none. */
export function separatorsFromString(str: string): Separators {
  if (str.length !== 6) throw new Error(`separators must be 6 characters like ":+.? '", got ${JSON.stringify(str)}`);
  const code = (i: number) => str.charCodeAt(i);
  return {
    component: code(0),
    element: code(1),
    decimal: code(2),
    release: str[3] === ' ' ? -1 : code(3),
    repetition: str[4] === ' ' ? -1 : code(4),
    segment: code(5),
  };
}

/** An identification with its qualifier, as in UNB S002/S003 (`SIRAJGDS:ZZZ`). */
export interface PartyId {
  id: string;
  qualifier?: string;
  /** S002/0008 or S003/0014: internal identification / routing address. */
  internal?: string;
}

/** Our own interchange identity. */
export const OUR_ID: Readonly<PartyId> = Object.freeze({ id: 'MAQAM', qualifier: 'ZZZ' });

export interface TokenizerOptions {
  /** Separators when an interchange has no UNA (default `:+.? '`). */
  separators?: Separators;
  /** Treat the UNA repetition character (often `*` in IATA and syntax 4 traffic) as ordinary data. */
  ignoreRepetition?: boolean;
  /** Largest segment kept in memory; longer ones are skipped with a finding (default 1 MiB). */
  maxSegmentBytes?: number;
  /** Force a syntax identifier (e.g. 'UNOC') instead of reading it from UNB/UIB. */
  charset?: string;
  /** Strict partners: characters outside the repertoire are errors instead of warnings. */
  strict?: boolean;
}

export interface TokenizerSink {
  /** The tape the next segment is written to (the sink may clear it, or give a new one, between segments). */
  readonly tape: SegmentTape;
  /** Segment `index` of `tape` is complete. */
  segment(tape: SegmentTape, index: number): void;
  finding(f: Finding): void;
  /** A UNA service string advice was read; a new interchange starts with these separators. */
  una?(seps: Separators, offset: number): void;
}
