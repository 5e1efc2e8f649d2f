/**
 * Parsed segments stored flat: the tokenizer writes each segment's tag, position and offset, its element
 * boundaries and every component into a few arrays (a "tape") instead of one object per segment and one
 * array per segment and per element. Every component is a cut, decoded string; the nesting is recorded as
 * indexes, and each component as the index of its string in the tape's string table (a value that repeats
 * on the tape, `FL` or `JED`, is one string there).
 *
 * Why: a 10 MB PAXLST is ~580 000 segments and ~1.9 million components. As objects and nested arrays they
 * were ~110 MB of young objects that the garbage collector copied twice before they reached old space,
 * and keeping them cost more than parsing them (see the README's performance section). Here the numbers
 * are typed arrays outside the JavaScript heap and the heap holds the distinct strings only.
 *
 * Segment i has elements firstElement[i] … firstElement[i + 1] - 1 (element indexes on the tape); element j
 * has components firstValue[j] … firstValue[j + 1] - 1; component k is strings[ids[k]]. Readers go through
 * `value(i, e, c)` or a `SegmentView`, which has the `Segment` shape (its `elements` built on first use).
 */
import type { Segment } from './types';

/** Strings a cleared tape keeps for the values still to come (the cutter's cache refers to them). */
const KEEP_STRINGS = 4096;

let generations = 0;

export class SegmentTape {
  /** Segments on the tape. */
  length = 0;
  /** Elements on the tape (all segments). */
  elementCount = 0;
  /** Components on the tape (all elements). */
  valueCount = 0;
  /** Strings in `strings` (index 0 is always ''). */
  stringCount = 1;
  /**
   * Changes whenever string indexes of this tape stop being valid (a new tape, or a clear that dropped its
   * strings): caches keyed by it never hand out an index of another tape's table.
   */
  generation = ++generations;
  /** Per segment: its tag's index in `strings`. */
  tagIds: Int32Array;
  positions: Int32Array;
  offsets: Float64Array;
  firstElement: Int32Array;
  firstValue: Int32Array;
  ids: Int32Array;
  readonly strings: string[] = [''];
  /** Segment index → element index → every repetition of that element (syntax 4); absent in the common case. */
  repetitions: Map<number, Record<number, string[][]>> | undefined;

  /**
   * `like`: a tape whose sizes this one starts with (the parser gives each message a tape sized like the
   * one before it, so that a run of similar messages never grows its arrays).
   */
  constructor(like?: SegmentTape) {
    const segs = like ? Math.max(16, like.length + 2) : 16;
    const els = like ? Math.max(64, like.elementCount + 2) : 64;
    const vals = like ? Math.max(64, like.valueCount + 1) : 64;
    this.tagIds = new Int32Array(segs);
    this.positions = new Int32Array(segs);
    this.offsets = new Float64Array(segs);
    this.firstElement = new Int32Array(segs + 1);
    this.firstValue = new Int32Array(els + 1);
    this.ids = new Int32Array(vals);
  }

  /** Forgets every segment; the arrays (and, up to a limit, the strings) are kept for the next ones. */
  clear(): void {
    this.length = 0;
    this.elementCount = 0;
    this.valueCount = 0;
    this.repetitions = undefined;
    if (this.stringCount > KEEP_STRINGS) {
      this.stringCount = 1;
      this.generation = ++generations;
    }
  }

  // ---- writing (the tokenizer and value cutter) ------------------------------------------------------

  /** Starts segment `length` (its tag given as a string index); its elements follow, then `endSegment`. */
  begin(tagId: number, position: number, offset: number): void {
    const i = this.length;
    if (i + 1 >= this.positions.length) this.growSegments();
    this.tagIds[i] = tagId;
    this.positions[i] = position;
    this.offsets[i] = offset;
  }

  /** Adds a string to the table; its index. */
  intern(v: string): number {
    const n = this.stringCount++;
    this.strings[n] = v;
    return n;
  }

  /** Appends one component (a string index) to the element being written. */
  pushId(id: number): void {
    if (this.valueCount === this.ids.length) this.growValues();
    this.ids[this.valueCount++] = id;
  }

  /** Appends one component to the element being written. */
  push(v: string): void {
    this.pushId(v === '' ? 0 : this.intern(v));
  }

  /** Ends the element being written (its components are those pushed since the last end). */
  endElement(): void {
    const j = ++this.elementCount;
    if (j === this.firstValue.length) this.growElements();
    this.firstValue[j] = this.valueCount;
  }

  /** Ends segment `length` (begun with `begin`); its index. */
  endSegment(): number {
    const i = this.length++;
    this.firstElement[this.length] = this.elementCount;
    return i;
  }

  /** Records the repetitions of element `e` of the segment being written. */
  setRepetitions(e: number, reps: string[][]): void {
    const map = (this.repetitions ??= new Map());
    const i = this.length;
    let r = map.get(i);
    if (!r) map.set(i, (r = {}));
    r[e] = reps;
  }

  private growSegments(): void {
    const n = this.positions.length * 2;
    const g = new Int32Array(n);
    g.set(this.tagIds);
    this.tagIds = g;
    const p = new Int32Array(n);
    p.set(this.positions);
    this.positions = p;
    const o = new Float64Array(n);
    o.set(this.offsets);
    this.offsets = o;
    const f = new Int32Array(n + 1);
    f.set(this.firstElement);
    this.firstElement = f;
  }

  private growElements(): void {
    const f = new Int32Array(this.firstValue.length * 2);
    f.set(this.firstValue);
    this.firstValue = f;
  }

  private growValues(): void {
    const f = new Int32Array(this.ids.length * 2);
    f.set(this.ids);
    this.ids = f;
  }

  // ---- reading --------------------------------------------------------------------------------------

  /** Segment i's tag. */
  tag(i: number): string {
    return this.strings[this.tagIds[i]];
  }

  /** Number of data elements of segment i (the tag excluded). */
  elementsOf(i: number): number {
    return this.firstElement[i + 1] - this.firstElement[i];
  }

  /** Number of components of element e (0-based) of segment i; 0 when absent. */
  componentsOf(i: number, e: number): number {
    if (e >= this.firstElement[i + 1] - this.firstElement[i]) return 0;
    const j = this.firstElement[i] + e;
    return this.firstValue[j + 1] - this.firstValue[j];
  }

  /** Component c of element e (0-based) of segment i; '' when absent. */
  value(i: number, e: number, c = 0): string {
    const j0 = this.firstElement[i];
    if (e >= this.firstElement[i + 1] - j0) return '';
    const j = j0 + e;
    const v0 = this.firstValue[j];
    return c < this.firstValue[j + 1] - v0 ? this.strings[this.ids[v0 + c]] : '';
  }

  /** The components of element e of segment i, as a new array. */
  componentList(i: number, e: number): string[] {
    const n = this.componentsOf(i, e);
    const out = new Array<string>(n);
    if (n === 0) return out;
    const v0 = this.firstValue[this.firstElement[i] + e];
    for (let c = 0; c < n; c++) out[c] = this.strings[this.ids[v0 + c]];
    return out;
  }

  /** Segment i's elements as nested arrays (new arrays). */
  elements(i: number): string[][] {
    const n = this.elementsOf(i);
    const out = new Array<string[]>(n);
    for (let e = 0; e < n; e++) out[e] = this.componentList(i, e);
    return out;
  }

  /** Segment i's repeated elements (syntax 4), or undefined. */
  repetitionsOf(i: number): Record<number, string[][]> | undefined {
    return this.repetitions?.get(i);
  }

  /** A view of segment i (valid while the tape keeps it: streaming parsers clear theirs segment by segment). */
  view(i: number): SegmentView {
    return new SegmentView(this, i);
  }

  /** Segment i as a plain object with nested arrays of its own. */
  plain(i: number): Segment {
    const s: Segment = { tag: this.tag(i), elements: this.elements(i), position: this.positions[i], offset: this.offsets[i] };
    const r = this.repetitionsOf(i);
    if (r) s.repetitions = r;
    return s;
  }

  /** A view of a copy of segment i on a tape of its own (kept after this tape is cleared or reused). */
  detach(i: number): SegmentView {
    const t = new SegmentTape();
    t.copy(this, i);
    return t.view(0);
  }

  /** Appends segment i of `from`. */
  copy(from: SegmentTape, i: number): void {
    this.begin(this.intern(from.tag(i)), from.positions[i], from.offsets[i]);
    const n = from.elementsOf(i);
    for (let e = 0; e < n; e++) {
      const k = from.componentsOf(i, e);
      for (let c = 0; c < k; c++) this.push(from.value(i, e, c));
      this.endElement();
    }
    const r = from.repetitionsOf(i);
    if (r) for (const [e, reps] of Object.entries(r)) this.setRepetitions(Number(e), reps);
    this.endSegment();
  }

  /** Appends a segment given as nested arrays (tests, and checks of segments built in code). */
  add(s: Pick<Segment, 'tag' | 'elements' | 'repetitions'> & Partial<Pick<Segment, 'position' | 'offset'>>): number {
    this.begin(this.intern(s.tag), s.position ?? this.length + 1, s.offset ?? 0);
    for (const comps of s.elements) {
      for (const c of comps) this.push(c);
      this.endElement();
    }
    if (s.repetitions) for (const [e, reps] of Object.entries(s.repetitions)) this.setRepetitions(Number(e), reps);
    return this.endSegment();
  }

  /** A tape holding `segments` (in order). */
  static of(segments: readonly Pick<Segment, 'tag' | 'elements' | 'repetitions'>[]): SegmentTape {
    const t = new SegmentTape();
    for (const s of segments) t.add(s);
    return t;
  }
}

/**
 * One segment of a tape with the `Segment` shape: `tag`, `position`, `offset`, and `elements` as nested
 * arrays built on first use. `value(e, c)` reads a component without building them.
 */
export class SegmentView implements Segment {
  private els: string[][] | undefined;
  constructor(
    readonly tape: SegmentTape,
    readonly index: number,
  ) {}

  get tag(): string {
    return this.tape.tag(this.index);
  }
  get position(): number {
    return this.tape.positions[this.index];
  }
  get offset(): number {
    return this.tape.offsets[this.index];
  }
  get elements(): string[][] {
    return (this.els ??= this.tape.elements(this.index));
  }
  get repetitions(): Record<number, string[][]> | undefined {
    return this.tape.repetitionsOf(this.index);
  }
  /** Number of data elements (the tag excluded). */
  get elementCount(): number {
    return this.tape.elementsOf(this.index);
  }
  /** Component c of element e (0-based); '' when absent. */
  value(e: number, c = 0): string {
    return this.tape.value(this.index, e, c);
  }
  /** Number of components of element e; 0 when absent. */
  componentsOf(e: number): number {
    return this.tape.componentsOf(this.index, e);
  }
  toJSON(): Segment {
    return this.tape.plain(this.index);
  }
}

/** Views of segments [from, from + count) of a tape. */
export function viewsOf(tape: SegmentTape, from: number, count: number): SegmentView[] {
  const out = new Array<SegmentView>(count);
  for (let k = 0; k < count; k++) out[k] = new SegmentView(tape, from + k);
  return out;
}
