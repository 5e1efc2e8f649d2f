/**
 * A small cursor over a message's segments for translators. Indexes are 0-based like
 * `seg.elements[e][c]`: `value(seg, 3, 1)` on `NAD+FL+++DOE:JOHN'` is `JOHN`.
 */
import { SegmentView } from './tape';
import type { Segment } from './types';

/** Component c of element e (0-based; element 0 is the first after the tag), '' when absent. */
export function value(seg: Pick<Segment, 'elements'> | undefined, e: number, c = 0): string {
  if (seg instanceof SegmentView) return seg.value(e, c);
  return seg?.elements[e]?.[c] ?? '';
}

export class SegmentReader {
  private i = 0;
  constructor(readonly segments: readonly Segment[]) {}

  /** The current segment without consuming it. */
  peek(): Segment | undefined {
    return this.segments[this.i];
  }

  /** Consumes and returns the current segment. */
  next(): Segment | undefined {
    return this.segments[this.i++];
  }

  /** Consumes the current segment if its tag is `tag` (and, optionally, its first element's first component is `qualifier`). */
  nextIf(tag: string, qualifier?: string): Segment | undefined {
    const s = this.segments[this.i];
    if (s && s.tag === tag && (qualifier === undefined || value(s, 0) === qualifier)) {
      this.i++;
      return s;
    }
    return undefined;
  }

  /** Consumes segments while their tag is in `tags`. */
  takeWhile(...tags: string[]): Segment[] {
    const out: Segment[] = [];
    while (this.i < this.segments.length && tags.includes(this.segments[this.i].tag)) out.push(this.segments[this.i++]);
    return out;
  }

  /** Skips to the next segment with one of `tags` (not consuming it); false at the end. */
  seek(...tags: string[]): boolean {
    while (this.i < this.segments.length && !tags.includes(this.segments[this.i].tag)) this.i++;
    return this.i < this.segments.length;
  }

  get done(): boolean {
    return this.i >= this.segments.length;
  }

  get index(): number {
    return this.i;
  }
}
