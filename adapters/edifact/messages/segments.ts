/**
 * Reading helpers over parsed segments, and the findings a translation reports. Translators are small
 * functions over these; they never see separators, release characters or character sets (the syntax
 * engine decoded those).
 */
import { value, type Segment as EngineSegment } from '..';

/**
 * The part of the engine's segment the translators read: `elements[i][j]` is component j of data element
 * i after the tag; `position` is the segment's position in its interchange (UNB = 1), which findings report.
 */
export type Segment = Pick<EngineSegment, 'tag' | 'elements' | 'position'>;

export type Severity = 'error' | 'warning';

/** A problem found while translating, reported with the UN/EDIFACT 0085 code a CONTRL would carry. */
export interface Finding {
  code0085: string;
  position?: number;
  message: string;
  severity: Severity;
}

/** Component `c` of element `e`, trimmed; '' when absent. */
export function val(s: Segment, e: number, c = 0): string {
  return value(s, e, c).trim();
}

/** A segment to write: elements as component lists; trailing empty values are trimmed by `seg`. */
export function seg(tag: string, ...elements: (string | null | undefined | (string | null | undefined)[])[]): Segment {
  const els = elements.map((e) => {
    const list = (Array.isArray(e) ? e : [e]).map((v) => v ?? '');
    while (list.length > 1 && list[list.length - 1] === '') list.pop();
    return list;
  });
  while (els.length > 0 && els[els.length - 1].length === 1 && els[els.length - 1][0] === '') els.pop();
  return { tag, elements: els, position: 0 };
}

/** Collects findings for one message; errors make the message untranslatable. */
export class Findings {
  readonly list: Finding[] = [];
  warn(message: string, s?: Segment, code0085 = '12'): void {
    this.list.push({ code0085, position: s?.position, message, severity: 'warning' });
  }
  error(message: string, s?: Segment, code0085 = '12'): void {
    this.list.push({ code0085, position: s?.position, message, severity: 'error' });
  }
  get hasErrors(): boolean {
    return this.list.some((f) => f.severity === 'error');
  }
}

const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;

/** True when the text contains Arabic script (names from UNOI/UNOW/UNOY interchanges). */
export function hasArabic(s: string | null | undefined): boolean {
  return !!s && ARABIC.test(s);
}
