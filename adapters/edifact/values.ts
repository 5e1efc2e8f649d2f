/**
 * Cuts a scanned segment's values onto the tape: the tag, and every component from the separator marks the
 * tokenizer recorded (positions in its buffer, with their types C_COMP/C_ELEM/C_REP).
 *
 * Fast path (no release character, single-byte repertoire or no byte ≥ 0x80, no repetition separator
 * used): values are made from the bytes as ISO 8859-1 and come from caches keyed by their bytes, codes of
 * up to 3 bytes (`FL`, `2`, `JED`, `SAU` …) and values of 4 to 24 bytes (names, places, dates); each
 * entry also remembers its index in the string table of the tape it was last written to, so a value
 * repeated in a message costs one typed-array store. Careful path: release characters removed and bytes
 * decoded per charset (UTF-8 checked), repetitions recorded.
 *
 * One cutter serves every tokenizer (`sharedCutter`): its caches are 400 KB that a parser of a small
 * interchange would otherwise allocate and zero for each request. Sharing is safe: entries are keyed by
 * their bytes, and a string index is used only on the tape generation it was written for, so parsers whose
 * pushes interleave (two requests streaming at once) only evict each other's entries. The longer values
 * (names, document numbers) are forgotten when a parse ends (`forgetValues`).
 */
import { isUtf8, latin1Slice, C_ELEM, C_REP } from './bytes';
import { decodeBytes, type Charset } from './charset';
import type { SegmentTape } from './tape';

const VAL_CACHE_SIZE = 4096;
/** Longest value the second cache holds, and its slots. */
const LONG_MAX = 24;
const LONG_CACHE_SIZE = 8192;

/**
 * The ISO 8859-1 string of 4 to 12 bytes at b[a]: String.fromCharCode with its arguments written out is as
 * fast as a substring of a decoded view (~15 ns) where Buffer#latin1Slice costs ~60 ns a call, and it needs
 * no view (which every slice of it would keep alive).
 */
function short(b: Buffer, a: number, len: number): string {
  switch (len) {
    case 4: return String.fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3]);
    case 5: return String.fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4]);
    case 6: return String.fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5]);
    case 7: return String.fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6]);
    case 8: return String.fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7]);
    case 9: return String.fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8]);
    case 10: return String.fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9]);
    case 11: return String.fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10]);
    case 12: return String.fromCharCode(b[a], b[a + 1], b[a + 2], b[a + 3], b[a + 4], b[a + 5], b[a + 6], b[a + 7], b[a + 8], b[a + 9], b[a + 10], b[a + 11]);
    default: return latin1Slice(b, a, a + len);
  }
}

/** Returns the internalized copy of a string (equality with literals is then a pointer comparison). */
function internalize(s: string): string {
  return Object.keys({ [s]: 0 })[0];
}

export class ValueCutter {
  private readonly ckeys = new Int32Array(VAL_CACHE_SIZE);
  private readonly cvals: string[] = new Array<string>(VAL_CACHE_SIZE).fill('');
  /** For each cached value: the tape generation and string index it was last interned at. */
  private readonly cgen = new Float64Array(VAL_CACHE_SIZE);
  private readonly cid = new Int32Array(VAL_CACHE_SIZE);
  private readonly longSlab = new Uint8Array(LONG_CACHE_SIZE * LONG_MAX);
  private readonly longLen = new Int32Array(LONG_CACHE_SIZE);
  private readonly longK1 = new Int32Array(LONG_CACHE_SIZE);
  private readonly longK2 = new Int32Array(LONG_CACHE_SIZE);
  private readonly longK3 = new Int32Array(LONG_CACHE_SIZE);
  private readonly longVals: string[] = new Array<string>(LONG_CACHE_SIZE).fill('');
  private readonly longGen = new Float64Array(LONG_CACHE_SIZE);
  private readonly longIdx = new Int32Array(LONG_CACHE_SIZE);
  private readonly tkeys = new Int32Array(1024);
  private readonly tvals: string[] = new Array<string>(1024).fill('');
  private readonly tgen = new Float64Array(1024);
  private readonly tid = new Int32Array(1024);

  /**
   * The tag cache slot of the 3-byte tag at buf[a] (filled when it held another): `tagAt(slot)` is the tag,
   * internalized so that comparisons with tag literals are pointer comparisons downstream.
   */
  tagSlot(b: Buffer, a: number): number {
    const key = b[a] | (b[a + 1] << 8) | (b[a + 2] << 16) | 0x3000000;
    const h = (Math.imul(key, 0x9e3779b1) >>> 22) & 1023;
    if (this.tkeys[h] === key) return h;
    this.tkeys[h] = key;
    this.tvals[h] = internalize(String.fromCharCode(b[a], b[a + 1], b[a + 2]));
    this.tgen[h] = 0;
    return h;
  }

  tagAt(h: number): string {
    return this.tvals[h];
  }

  /** The tape's string index of the tag in cache slot h. */
  tagId(h: number, t: SegmentTape): number {
    if (this.tgen[h] === t.generation) return this.tid[h];
    const id = t.intern(this.tvals[h]);
    this.tgen[h] = t.generation;
    this.tid[h] = id;
    return id;
  }

  /** The ISO 8859-1 string of bytes [a, z) (no release characters), from the caches when it is short. */
  cut(b: Buffer, a: number, z: number): string {
    const len = z - a;
    if (len > 3) return len <= LONG_MAX ? this.longVals[this.longSlot(b, a, z)] : latin1Slice(b, a, z);
    if (len === 0) return '';
    const h = this.slot(b, a, len);
    return h < 0 ? this.cvals[~h] : this.fill(h, b, a, len);
  }

  /** The tape's string index of bytes [a, z) (as `cut` gives them), interning them when needed. */
  cutId(b: Buffer, a: number, z: number, t: SegmentTape): number {
    const len = z - a;
    if (len > 3) return len <= LONG_MAX ? this.longId(b, a, z, t) : t.intern(latin1Slice(b, a, z));
    if (len === 0) return 0;
    let h = this.slot(b, a, len);
    if (h >= 0) this.fill(h, b, a, len);
    else h = ~h;
    if (this.cgen[h] === t.generation) return this.cid[h];
    const id = t.intern(this.cvals[h]);
    this.cgen[h] = t.generation;
    this.cid[h] = id;
    return id;
  }

  /**
   * Values of 4 to LONG_MAX bytes through a second direct-mapped cache keyed by their bytes, also with the
   * tape index they were last interned at: names, places and dates repeat across travellers (a 10 MB
   * PAXLST has ~440 000 such values and ~120 000 distinct ones). A cached value is a flat string of its
   * own, never a slice of the view, so that neither the cache nor a kept tape holds a view alive.
   */
  private longId(b: Buffer, a: number, z: number, t: SegmentTape): number {
    const h = this.longSlot(b, a, z);
    if (this.longGen[h] === t.generation) return this.longIdx[h];
    const id = t.intern(this.longVals[h]);
    this.longGen[h] = t.generation;
    this.longIdx[h] = id;
    return id;
  }

  /** The second cache's slot holding bytes [a, z) (4 to LONG_MAX of them), filled when it held others. */
  private longSlot(b: Buffer, a: number, z: number): number {
    const len = z - a;
    // bytes 0-3, 4-7 and the last 4: all of a value of up to 12 bytes, compared as three words
    const k1 = b[a] | (b[a + 1] << 8) | (b[a + 2] << 16) | (b[a + 3] << 24);
    const k2 = b[z - 1] | (b[z - 2] << 8) | (b[z - 3] << 16) | (b[z - 4] << 24);
    const k3 = len > 8 ? b[a + 4] | (b[a + 5] << 8) | (b[a + 6] << 16) | (b[a + 7] << 24) : len;
    const h = (Math.imul(Math.imul(k1 ^ len, 0x9e3779b1) ^ Math.imul(k2, 0x85ebca6b) ^ Math.imul(k3, 0xc2b2ae35), 0x27d4eb2f) >>> 19) & (LONG_CACHE_SIZE - 1);
    const base = h * LONG_MAX;
    if (this.longK1[h] === k1 && this.longK2[h] === k2 && this.longK3[h] === k3 && this.longLen[h] === len) {
      if (len <= 12) return h;
      const slab = this.longSlab;
      let x = 8;
      while (x < len - 4 && slab[base + x] === b[a + x]) x++;
      if (x === len - 4) return h;
    }
    this.longK1[h] = k1;
    this.longK2[h] = k2;
    this.longK3[h] = k3;
    this.longLen[h] = len;
    if (len > 12) for (let x = 8; x < len - 4; x++) this.longSlab[base + x] = b[a + x];
    this.longVals[h] = len <= 12 ? short(b, a, len) : latin1Slice(b, a, z);
    this.longGen[h] = 0;
    return h;
  }

  /**
   * Empties the cache of 4 to 24-byte values: they are travellers' names, birth dates and document
   * numbers, which must not stay in memory after the parse that read them (a tokenizer calls this at
   * its end; one whose parse is still running only loses its entries). Codes of up to 3 bytes stay.
   */
  forgetValues(): void {
    this.longLen.fill(0);
    this.longVals.fill('');
  }

  /** The cache slot of 1–3 bytes at b[a]: ~slot when it holds them, else the slot to fill. */
  private slot(b: Buffer, a: number, len: number): number {
    const key = len === 1 ? b[a] | 0x1000000 : len === 2 ? b[a] | (b[a + 1] << 8) | 0x2000000 : b[a] | (b[a + 1] << 8) | (b[a + 2] << 16) | 0x3000000;
    const h = (Math.imul(key, 0x9e3779b1) >>> 20) & (VAL_CACHE_SIZE - 1);
    return this.ckeys[h] === key ? ~h : h;
  }

  private fill(h: number, b: Buffer, a: number, len: number): string {
    const v = len === 1 ? String.fromCharCode(b[a]) : len === 2 ? String.fromCharCode(b[a], b[a + 1]) : String.fromCharCode(b[a], b[a + 1], b[a + 2]);
    this.ckeys[h] = len === 1 ? b[a] | 0x1000000 : len === 2 ? b[a] | (b[a + 1] << 8) | 0x2000000 : b[a] | (b[a + 1] << 8) | (b[a + 2] << 16) | 0x3000000;
    this.cvals[h] = v;
    this.cgen[h] = 0;
    return v;
  }

  /**
   * Fast path: the elements of a segment ending at e from marks k … mcount-1 (which start at its first
   * element separator; no release characters, no repetitions), onto the tape (the segment begun there).
   */
  fast(b: Buffer, e: number, mp: Int32Array, mt: Uint8Array, k: number, mcount: number, t: SegmentTape): void {
    while (k < mcount) {
      let st = mp[k] + 1;
      let j = k + 1;
      for (; j < mcount && mt[j] !== C_ELEM; j++) {
        const m = mp[j];
        t.pushId(this.cutId(b, st, m, t));
        st = m + 1;
      }
      t.pushId(this.cutId(b, st, j < mcount ? mp[j] : e, t));
      t.endElement();
      k = j;
    }
  }

  /**
   * Careful path: elements from marks k … mcount-1 of a segment ending at e, onto the tape, with
   * repetitions, each value cut by `decode` (release characters removed, multi-byte or non-Latin-1
   * charsets decoded).
   */
  slow(e: number, mp: Int32Array, mt: Uint8Array, k: number, mcount: number, decode: (a: number, z: number) => string, t: SegmentTape): void {
    let element = 0;
    while (k < mcount) {
      // element from mark k (its separator) to the next element separator or the segment's end
      let j = k + 1;
      let repeated = false;
      for (; j < mcount && mt[j] !== C_ELEM; j++) if (mt[j] === C_REP) repeated = true;
      const stop = j < mcount ? mp[j] : e;
      if (!repeated) {
        let st = mp[k] + 1;
        for (let x = k + 1; x < j; x++) {
          t.push(decode(st, mp[x]));
          st = mp[x] + 1;
        }
        t.push(decode(st, stop));
      } else {
        // every repetition on the side, the first one as the element
        const reps: string[][] = [];
        let comps: string[] = [];
        let st = mp[k] + 1;
        for (let x = k + 1; x <= j; x++) {
          const end = x < j ? mp[x] : stop;
          comps.push(decode(st, end));
          st = end + 1;
          if (x === j || mt[x] === C_REP) {
            reps.push(comps);
            comps = [];
          }
        }
        for (const c of reps[0]) t.push(c);
        t.setRepetitions(element, reps);
      }
      t.endElement();
      element++;
      k = j;
    }
  }
}

/**
 * Component bytes buf[a, z) with release characters removed, decoded per charset; `badUtf8` is called for
 * an invalid UTF-8 sequence.
 */
export function decodeValue(b: Buffer, a: number, z: number, rel: number, charset: Charset, badUtf8: (at: number) => void): string {
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
    const sub = latin1Slice(b, a, z);
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

/** The value cutter of every tokenizer (see the top of this file). */
export const sharedCutter = new ValueCutter();
