/**
 * Materialises a scanned segment's values: the tag, and `elements: string[][]` from the separator marks the
 * tokenizer recorded (positions in its buffer, with their types C_COMP/C_ELEM/C_REP).
 *
 * Fast path (no release character, single-byte repertoire or no byte ≥ 0x80, no repetition separator
 * used): strings are cut from one ISO 8859-1 view of the buffer, arrays are allocated at their exact size,
 * values of up to 3 bytes (`FL`, `2`, `JED`, `SAU` …) come from a small direct-mapped cache, and
 * segments of up to 40 bytes seen twice (`ATT+2++M`, `LOC+178+JED` …) share frozen element arrays from
 * then on. Careful path: release characters removed and bytes decoded per charset (UTF-8 checked).
 */
import { isUtf8, latin1Slice, C_ELEM, C_REP } from './bytes';
import { decodeBytes, type Charset } from './charset';
import type { Separators } from './types';

const EMPTY: string[] = [];
const EMPTY_ONE = Object.freeze(['']) as string[];
const NOT_SEEN = Object.freeze([]) as unknown as string[][]; // segment cache slot without a shared value
/** Longest segment (tag included) whose elements are shared between equal segments. */
export const SEG_CACHE_MAX = 40;
const SEG_CACHE_SIZE = 4096;
const VAL_CACHE_SIZE = 4096;

/** Returns the internalized copy of a string (equality with literals is then a pointer comparison). */
function internalize(s: string): string {
  return Object.keys({ [s]: 0 })[0];
}

export class ValueCutter {
  /** Set by `slow` when an element was repeated (repetition separator); undefined otherwise. */
  repetitions: Record<number, string[][]> | undefined;

  private lastH = 0;
  private readonly ckeys = new Int32Array(VAL_CACHE_SIZE);
  private readonly cvals: string[] = new Array<string>(VAL_CACHE_SIZE).fill('');
  private readonly carr: (string[] | undefined)[] = new Array<string[] | undefined>(VAL_CACHE_SIZE).fill(undefined);
  private readonly tkeys = new Int32Array(1024);
  private readonly tvals: string[] = new Array<string>(1024).fill('');
  private readonly segSlab = new Uint8Array(SEG_CACHE_SIZE * SEG_CACHE_MAX);
  private readonly segLen = new Int32Array(SEG_CACHE_SIZE);
  private readonly segVals: string[][][] = new Array<string[][]>(SEG_CACHE_SIZE).fill(NOT_SEEN);
  private readonly tmp: string[][] = [];

  private sepKey = -1;
  private sepRep = -2;

  /** Forgets the shared segments when the separators change (the same bytes split differently). */
  useSeparators(s: Separators): void {
    const key = s.component | (s.element << 8) | (s.segment << 16) | ((s.release & 0xff) << 24);
    if (key === this.sepKey && s.repetition === this.sepRep) return;
    this.sepKey = key;
    this.sepRep = s.repetition;
    this.segLen.fill(0);
    this.segVals.fill(NOT_SEEN);
  }

  /**
   * The tag: buf[a, z) as an internalized string when it is 3 bytes (cached), so that comparisons with
   * tag literals are pointer comparisons downstream.
   */
  tag(b: Buffer, str: string, s: number, a: number, z: number): string {
    if (z - a !== 3) return this.cut(b, str, s, a, z);
    const key = b[a] | (b[a + 1] << 8) | (b[a + 2] << 16) | 0x3000000;
    const h = (Math.imul(key, 0x9e3779b1) >>> 22) & 1023;
    if (this.tkeys[h] === key) return this.tvals[h];
    const v = internalize(String.fromCharCode(b[a], b[a + 1], b[a + 2]));
    this.tkeys[h] = key;
    this.tvals[h] = v;
    return v;
  }

  /**
   * The string of bytes [a, z) (no release characters) cut from `str`, the ISO 8859-1 view of the buffer
   * from buffer index `s`. Values of up to 3 bytes come from a direct-mapped cache (codes like FL, 2, JED,
   * SAU repeat on every traveller).
   */
  cut(b: Buffer, str: string, s: number, a: number, z: number): string {
    const len = z - a;
    if (len <= 3) {
      if (len === 0) return '';
      const key = len === 1 ? b[a] | 0x1000000 : len === 2 ? b[a] | (b[a + 1] << 8) | 0x2000000 : b[a] | (b[a + 1] << 8) | (b[a + 2] << 16) | 0x3000000;
      const h = (Math.imul(key, 0x9e3779b1) >>> 20) & (VAL_CACHE_SIZE - 1);
      this.lastH = h;
      if (this.ckeys[h] === key) return this.cvals[h];
      const v = len === 1 ? String.fromCharCode(b[a]) : len === 2 ? String.fromCharCode(b[a], b[a + 1]) : String.fromCharCode(b[a], b[a + 1], b[a + 2]);
      this.ckeys[h] = key;
      this.cvals[h] = v;
      return v;
    }
    return str.substring(a - s, z - s);
  }

  /** A shared, frozen one-component element for values of up to 3 bytes. */
  private one(b: Buffer, str: string, s: number, a: number, z: number): string[] {
    if (a === z) return EMPTY_ONE;
    const v = this.cut(b, str, s, a, z);
    const h = this.lastH;
    let arr = this.carr[h];
    if (arr === undefined || arr[0] !== v) {
      arr = Object.freeze([v]) as string[];
      this.carr[h] = arr;
    }
    return arr;
  }

  /**
   * Fast path for the segment buf[s, e) whose marks k … mcount-1 start at its first element separator.
   * Segments of up to SEG_CACHE_MAX bytes are looked up by their bytes: the first sighting is only
   * remembered, the second builds frozen arrays (from a fresh string of the segment, so that shared values
   * never keep a buffer view alive) that the third and later sightings share.
   */
  fast(b: Buffer, str: string, s: number, e: number, mp: Int32Array, mt: Uint8Array, k: number, mcount: number): string[][] {
    const len = e - s;
    if (len > SEG_CACHE_MAX || len < 4) return this.build(b, str, 0, e, mp, mt, k, mcount);
    // a cheap hash of the tag, the length, the bytes after the tag and the last bytes; equality is checked below
    const h0 = b[s] | (b[s + 1] << 8) | (b[s + 2] << 16) | (len << 24);
    const h1 = len > 7 ? b[s + 4] | (b[s + 5] << 8) | (b[s + 6] << 16) | (b[s + 7] << 24) : 0;
    const h2 = len > 7 ? b[e - 1] | (b[e - 2] << 8) | (b[e - 3] << 16) | (b[e - 4] << 24) : b[e - 1];
    const h3 = len > 11 ? b[e - 5] | (b[e - 6] << 8) | (b[e - 7] << 16) | (b[e - 8] << 24) : 0;
    const h = (Math.imul(Math.imul(h0 ^ Math.imul(h1, 0x85ebca6b), 0x9e3779b1) ^ Math.imul(h2 ^ (h3 >>> 3), 0xc2b2ae35) ^ h3, 0x27d4eb2f) >>> 18) & (SEG_CACHE_SIZE - 1);
    const slab = this.segSlab;
    const base = h * SEG_CACHE_MAX;
    if (this.segLen[h] === len) {
      let x = 0;
      while (x < len && slab[base + x] === b[s + x]) x++;
      if (x === len) {
        const v = this.segVals[h];
        if (v !== NOT_SEEN) return v; // third and later sightings: shared
        // second sighting: build from a fresh string of the segment, freeze, share from now on
        const els = this.build(b, latin1Slice(b, s, e), s, e, mp, mt, k, mcount);
        for (let y = 0; y < els.length; y++) Object.freeze(els[y]);
        this.segVals[h] = Object.freeze(els) as string[][];
        return els;
      }
    }
    // first sighting of these bytes here: remember them only
    for (let x = 0; x < len; x++) slab[base + x] = b[s + x];
    this.segLen[h] = len;
    this.segVals[h] = NOT_SEEN;
    return this.build(b, str, 0, e, mp, mt, k, mcount);
  }

  /** Exact-size arrays for elements from marks k … mcount-1 (no release characters, no repetitions). */
  private build(b: Buffer, str: string, s: number, e: number, mp: Int32Array, mt: Uint8Array, k: number, mcount: number): string[][] {
    const t = this.tmp;
    let ei = 0;
    while (k < mcount) {
      let st = mp[k] + 1;
      let j = k + 1;
      while (j < mcount && mt[j] !== C_ELEM) j++;
      const stop = j < mcount ? mp[j] : e;
      const n = j - k;
      if (n === 1) t[ei++] = stop - st <= 3 ? this.one(b, str, s, st, stop) : [str.substring(st - s, stop - s)];
      else if (n === 2) {
        const m1 = mp[k + 1];
        t[ei++] = [this.cut(b, str, s, st, m1), this.cut(b, str, s, m1 + 1, stop)];
      } else if (n === 3) {
        const m1 = mp[k + 1];
        const m2 = mp[k + 2];
        t[ei++] = [this.cut(b, str, s, st, m1), this.cut(b, str, s, m1 + 1, m2), this.cut(b, str, s, m2 + 1, stop)];
      } else {
        const arr = new Array<string>(n);
        for (let c = 0; c < n; c++) {
          const end = c + 1 < n ? mp[k + 1 + c] : stop;
          arr[c] = this.cut(b, str, s, st, end);
          st = end + 1;
        }
        t[ei++] = arr;
      }
      k = j;
    }
    // array literals of the exact size (allocation sites V8 can pretenure when segments are kept)
    let elements: string[][];
    switch (ei) {
      case 0: return [];
      case 1: elements = [t[0]]; break;
      case 2: elements = [t[0], t[1]]; break;
      case 3: elements = [t[0], t[1], t[2]]; break;
      case 4: elements = [t[0], t[1], t[2], t[3]]; break;
      case 5: elements = [t[0], t[1], t[2], t[3], t[4]]; break;
      case 6: elements = [t[0], t[1], t[2], t[3], t[4], t[5]]; break;
      case 7: elements = [t[0], t[1], t[2], t[3], t[4], t[5], t[6]]; break;
      case 8: elements = [t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]]; break;
      default: elements = t.slice(0, ei);
    }
    for (let x = 0; x < ei; x++) t[x] = EMPTY;
    return elements;
  }

  /**
   * Careful path: elements from marks k … mcount-1 of a segment ending at e, with repetitions, and values
   * decoded by `decode` when `slow` (release characters, multi-byte or non-Latin-1 charsets).
   */
  slow(str: string, e: number, mp: Int32Array, mt: Uint8Array, k: number, mcount: number, decode: ((a: number, z: number) => string) | null): string[][] {
    this.repetitions = undefined;
    if (k >= mcount) return [];
    const elements: string[][] = [];
    let start = mp[k] + 1;
    k++;
    let comps: string[] = [];
    let reps: string[][] | null = null;
    for (; k < mcount; k++) {
      const p = mp[k];
      comps.push(decode ? decode(start, p) : str.substring(start, p));
      start = p + 1;
      const t = mt[k];
      if (t === C_ELEM) {
        if (reps) {
          reps.push(comps);
          (this.repetitions ??= {})[elements.length] = reps;
          elements.push(reps[0]);
          reps = null;
        } else elements.push(comps);
        comps = [];
      } else if (t === C_REP) {
        (reps ??= []).push(comps);
        comps = [];
      }
    }
    comps.push(decode ? decode(start, e) : str.substring(start, e));
    if (reps) {
      reps.push(comps);
      (this.repetitions ??= {})[elements.length] = reps;
      elements.push(reps[0]);
    } else elements.push(comps);
    return elements;
  }
}

/**
 * Component bytes buf[a, z) with release characters removed, decoded per charset. `str` is the ISO 8859-1
 * view of the buffer; `badUtf8` is called for an invalid UTF-8 sequence.
 */
export function decodeValue(b: Buffer, str: string, a: number, z: number, rel: number, charset: Charset, badUtf8: (at: number) => void): string {
  let hasRel = false;
  let high = false;
  for (let i = a; i < z; i++) {
    if (b[i] === rel) {
      hasRel = true;
      i++;
    }
    if (b[i] >= 0x80) high = true;
  }
  const enc = charset.encoding;
  if (!high || enc === 'latin1' || enc === 'ascii') {
    const sub = str.substring(a, z);
    if (!hasRel) return sub;
    let out = '';
    let from = 0;
    const rc = String.fromCharCode(rel);
    for (;;) {
      const r = sub.indexOf(rc, from);
      if (r < 0 || r + 1 >= sub.length) {
        out += sub.slice(from, r < 0 ? undefined : r);
        return out;
      }
      out += sub.slice(from, r) + sub[r + 1];
      from = r + 2;
    }
  }
  let bytes: Uint8Array;
  if (hasRel) {
    const tmp = new Uint8Array(z - a);
    let n = 0;
    for (let i = a; i < z; i++) {
      if (b[i] === rel) {
        i++;
        if (i >= z) break;
      }
      tmp[n++] = b[i];
    }
    bytes = tmp.subarray(0, n);
  } else bytes = b.subarray(a, z);
  if (enc === 'utf8' && !isUtf8(bytes)) badUtf8(a);
  return decodeBytes(bytes, enc);
}
