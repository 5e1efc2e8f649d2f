/**
 * Streaming UN/EDIFACT tokenizer over bytes.
 *
 * `push(chunk)` accepts chunks of any size (one byte at a time works, including a release character as
 * the last byte of a chunk), `end()` flushes. Segments are emitted synchronously to the sink as soon as
 * their terminator is read. The scan works on byte values through a 256-entry class table (no regular
 * expression, no per-character string building): component/element boundaries are recorded as offsets
 * while scanning, and each segment's strings are cut from one ISO 8859-1 view of its bytes; bytes ≥ 0x80
 * are decoded per the interchange's syntax identifier (UNOC latin1, UNOI ISO 8859-6, UNOW/UNOY UTF-8 …).
 *
 * Quirks are reported as findings, never thrown: whitespace and line breaks between segments, a space
 * after the tag, a final segment without terminator, text before/after an interchange, several
 * interchanges in one stream, characters outside the repertoire, trailing separators, a dangling release
 * character, segments over `maxSegmentBytes` (skipped to their terminator in bounded memory).
 */
import { charsetFor, decodeBytes, INITIAL_CHARSET, type Charset } from './charset';
import { DEFAULT_SEPARATORS, separatorsToString, type Finding, type Segment, type Separators } from './types';

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
  segment(seg: Segment): void;
  finding(f: Finding): void;
  /** A UNA service string advice was read; a new interchange starts with these separators. */
  una?(seps: Separators, offset: number): void;
}

// byte classes
const C_DATA = 0;
const C_COMP = 1;
const C_ELEM = 2;
const C_REP = 3;
const C_SEG = 4;
const C_REL = 5;
const C_HIGH = 6;
const C_BAD = 7;

const M_COMP = 1;
const M_ELEM = 2;
const M_REP = 3;

const MODE_BETWEEN = 0; // expecting UNA/UNB/UIB (start, or after UNZ/UIZ)
const MODE_SEGMENTS = 1;
const MODE_SKIP = 2; // inside an oversized segment, looking for its terminator

const EMPTY: string[] = [];
const PIECE = 16 * 1024 * 1024;
const EMPTY_ONE = Object.freeze(['']) as string[];
const NOT_SEEN = Object.freeze([]) as unknown as string[][]; // segment cache slot without a shared value
const SEG_CACHE_MAX = 40;
const SEG_CACHE_SIZE = 4096;
const U = 0x55, N = 0x4e, A = 0x41, B = 0x42, I = 0x49;

const latin1Slice: (buf: Buffer, s: number, e: number) => string =
  typeof (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice === 'function'
    ? (buf, s, e) => (buf as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(s, e)
    : (buf, s, e) => buf.toString('latin1', s, e);

function isTagByte(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39);
}

export class Tokenizer {
  private readonly opts: Required<Omit<TokenizerOptions, 'charset'>> & { charset?: string };
  private readonly sink: TokenizerSink;

  private buf: Buffer = Buffer.allocUnsafe(64 * 1024);
  private len = 0;
  private pos = 0; // next byte to examine
  private base = 0; // stream offset of buf[0]
  private ended = false;

  private mode = MODE_BETWEEN;
  private atStart = true; // at a segment start (skipping whitespace)
  private segStart = 0;
  private mpos = new Int32Array(256);
  private mtype = new Uint8Array(256);
  private mcount = 0;
  private nElem = 0;
  private nRep = 0;
  private hasRelease = false;
  private hasHigh = false;
  private hasBad = false;

  private seps: Separators;
  private cls = new Uint8Array(256);
  private ws = new Uint8Array(256);
  private charset: Charset = INITIAL_CHARSET;

  private position = 0; // segments emitted in the current interchange
  private interchanges = 0;
  private inInterchange = false;
  private wsSegments = 0; // segments preceded by whitespace in the current interchange
  private junkStart = -1; // stream offset where unrecognised text started
  private junkBytes = 0;
  private skipTag = '';
  private skipOffset = 0;
  private skipBytes = 0;
  private skipRel = false;

  constructor(sink: TokenizerSink, opts: TokenizerOptions = {}) {
    this.sink = sink;
    this.opts = {
      separators: opts.separators ?? DEFAULT_SEPARATORS,
      ignoreRepetition: opts.ignoreRepetition ?? false,
      maxSegmentBytes: opts.maxSegmentBytes ?? 1024 * 1024,
      strict: opts.strict ?? false,
      charset: opts.charset,
    };
    this.seps = { ...this.opts.separators };
    if (this.opts.ignoreRepetition) this.seps.repetition = -1;
    if (opts.charset) this.charset = charsetFor(opts.charset);
    this.buildTables();
  }

  /** The separators in force. */
  get separators(): Separators {
    return { ...this.seps };
  }

  /** Bytes received so far. */
  get bytesRead(): number {
    return this.base + this.len;
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('push after end');
    // very large buffers are taken in pieces (strings are cut from one view per piece; V8 caps string length)
    for (let o = 0; o < chunk.length; o += PIECE) {
      this.append(o === 0 && chunk.length <= PIECE ? chunk : chunk.subarray(o, Math.min(chunk.length, o + PIECE)));
      this.run();
      this.bound();
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.run();
    this.finish();
  }

  // ---------------------------------------------------------------------------------------------------

  private buildTables(): void {
    const s = this.seps;
    const cls = this.cls;
    const allowed = this.charset.allowed;
    for (let b = 0; b < 256; b++) {
      let c = C_DATA;
      if (b >= 0x80) c = allowed ? C_BAD : C_HIGH;
      else if (b < 0x20 || b === 0x7f) c = C_BAD;
      else if (allowed && !allowed[b]) c = C_BAD;
      cls[b] = c;
    }
    cls[s.component] = C_COMP;
    cls[s.element] = C_ELEM;
    if (s.repetition >= 0) cls[s.repetition] = C_REP;
    if (s.release >= 0) cls[s.release] = C_REL;
    cls[s.segment] = C_SEG;
    const ws = this.ws;
    ws.fill(0);
    for (const b of [0x20, 0x09, 0x0a, 0x0d, 0x0c, 0x0b, 0x00]) ws[b] = 1;
    for (const b of [s.component, s.element, s.release, s.repetition, s.segment]) if (b >= 0) ws[b] = 0;
  }

  private append(chunk: Uint8Array): void {
    const need = this.len + chunk.length;
    if (need > this.buf.length) {
      this.compact();
      const need2 = this.len + chunk.length;
      if (need2 > this.buf.length) {
        const nb = Buffer.allocUnsafe(Math.max(need2, this.buf.length * 2));
        this.buf.copy(nb, 0, 0, this.len);
        this.buf = nb;
      }
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  /** Drops bytes no longer needed from the front of the buffer. */
  private compact(): void {
    const keep = this.mode === MODE_SEGMENTS && !this.atStart ? this.segStart : this.pos;
    if (keep === 0) return;
    this.buf.copyWithin(0, keep, this.len);
    this.strLen = -1;
    this.len -= keep;
    this.pos -= keep;
    this.base += keep;
    if (this.mode === MODE_SEGMENTS && !this.atStart) {
      this.segStart -= keep;
      const mp = this.mpos;
      for (let k = 0; k < this.mcount; k++) mp[k] -= keep;
    } else this.segStart = this.pos;
  }

  /** Keeps memory bounded: an unterminated segment longer than the limit switches to skip mode. */
  private bound(): void {
    if (this.mode === MODE_SEGMENTS && !this.atStart && this.len - this.segStart > this.opts.maxSegmentBytes) {
      this.startSkip(this.segStart, this.len);
      this.pos = this.len;
      this.compact();
    } else if (this.len > 4 * 1024 * 1024 && this.pos > this.len / 2) {
      this.compact();
    }
  }

  private finding(code: string, severity: 'error' | 'warning', message: string, extra: Partial<Finding> = {}): void {
    this.sink.finding({ code, severity, message, ...extra });
  }

  private run(): void {
    for (;;) {
      let progressed: boolean;
      if (this.mode === MODE_SEGMENTS) progressed = this.scanSegments();
      else if (this.mode === MODE_BETWEEN) progressed = this.scanBetween();
      else progressed = this.scanSkip();
      if (!progressed) return;
    }
  }

  /** Reads a UNA at buf[i] (9 bytes available). */
  private readUna(i: number): void {
    const b = this.buf;
    const str = latin1Slice(b, i + 3, i + 9);
    const offset = this.base + i;
    const seps: Separators = {
      component: b[i + 3],
      element: b[i + 4],
      decimal: b[i + 5],
      release: b[i + 6] === 0x20 ? -1 : b[i + 6],
      repetition: b[i + 7] === 0x20 ? -1 : b[i + 7],
      segment: b[i + 8],
    };
    if (seps.repetition >= 0 && this.opts.ignoreRepetition) seps.repetition = -1;
    const used = [seps.component, seps.element, seps.release, seps.repetition, seps.segment].filter((x) => x >= 0);
    const bad = new Set(used).size !== used.length || used.some((x) => isTagByte(x) || x === 0x20 || x >= 0x80);
    this.newInterchange();
    if (bad) {
      this.finding('20', 'error', `UNA ${JSON.stringify(str)} declares unusable service characters; using ${JSON.stringify(separatorsToString(this.opts.separators))}`, { tag: 'UNA', offset, level: 'interchange' });
      this.seps = { ...this.opts.separators };
    } else {
      if (seps.decimal !== 0x2e && seps.decimal !== 0x2c) this.finding('20', 'warning', `UNA decimal mark ${JSON.stringify(String.fromCharCode(seps.decimal))} is neither . nor ,`, { tag: 'UNA', offset, level: 'interchange' });
      this.seps = seps;
    }
    this.buildTables();
    this.sink.una?.({ ...this.seps }, offset);
  }

  private newInterchange(): void {
    if (this.junkStart >= 0) this.flushJunk();
    this.interchanges++;
    if (this.interchanges === 2) this.finding('18', 'warning', 'several interchanges in one stream', { offset: this.base + this.pos, level: 'interchange' });
    this.inInterchange = true;
    this.position = 0;
    this.wsSegments = 0;
    this.seps = { ...this.opts.separators };
    if (this.opts.ignoreRepetition) this.seps.repetition = -1;
    this.charset = this.opts.charset ? charsetFor(this.opts.charset) : INITIAL_CHARSET;
    this.buildTables();
  }

  private flushJunk(): void {
    const before = this.interchanges === 0;
    this.finding('33', 'warning', `${this.junkBytes} byte(s) of text ${before ? 'before the first interchange' : 'after the interchange trailer'} ignored`, { offset: this.junkStart, level: 'interchange' });
    this.junkStart = -1;
    this.junkBytes = 0;
  }

  /** Between interchanges: skip whitespace, find UNA/UNB/UIB (or anything that looks like a segment). */
  private scanBetween(): boolean {
    const b = this.buf;
    const len = this.len;
    let i = this.pos;
    const ws = this.ws;
    while (i < len && ws[b[i]]) i++;
    this.pos = i;
    if (i >= len) return false;
    const avail = len - i;
    if (avail < 4 && !this.ended) return false;
    if (this.looksLikeStart(i, avail)) {
      if (b[i] === U && b[i + 1] === N && b[i + 2] === A) {
        if (avail < 9) {
          if (!this.ended) return false;
          this.junk(i, len);
          return false;
        }
        this.readUna(i);
        this.pos = i + 9;
      } else {
        this.newInterchange();
      }
      this.mode = MODE_SEGMENTS;
      this.atStart = true;
      return true;
    }
    // text that is not an interchange: skip to the next UNA/UNB/UIB or segment-looking line start
    let j = i + 1;
    for (; j + 3 <= len; j++) {
      if (b[j] === U && b[j + 1] === N && (b[j + 2] === A || b[j + 2] === B)) break;
      if (b[j] === U && b[j + 1] === I && b[j + 2] === B) break;
      if ((b[j - 1] === 0x0a || b[j - 1] === 0x0d) && this.looksLikeStart(j, len - j)) break;
    }
    if (j + 3 > len) {
      if (this.ended) j = len;
      else j = Math.max(i, len - 3);
    }
    if (j > i) this.junk(i, j);
    this.pos = j;
    return j < len && j > i;
  }

  private junk(from: number, to: number): void {
    if (this.junkStart < 0) this.junkStart = this.base + from;
    this.junkBytes += to - from;
    this.pos = to;
  }

  private looksLikeStart(i: number, avail: number): boolean {
    const b = this.buf;
    if (avail < 3) return false;
    if (b[i] === U && b[i + 1] === N && (b[i + 2] === A || b[i + 2] === B)) return true;
    if (b[i] === U && b[i + 1] === I && b[i + 2] === B) return true;
    if (avail < 4) return false;
    if (!isTagByte(b[i]) || !isTagByte(b[i + 1]) || !isTagByte(b[i + 2])) return false;
    const s = this.opts.separators;
    const n = b[i + 3];
    return n === s.element || n === s.segment || n === s.component;
  }

  private scanSkip(): boolean {
    const b = this.buf;
    const len = this.len;
    const cls = this.cls;
    let i = this.pos;
    if (this.skipRel && i < len) {
      this.skipRel = false;
      i++;
    }
    for (; i < len; i++) {
      const c = cls[b[i]];
      if (c === C_REL) {
        if (i + 1 >= len) {
          this.skipRel = true;
          i = len;
          break;
        }
        i++;
        continue;
      }
      if (c === C_SEG) break;
    }
    if (i >= len) {
      this.skipBytes += len - this.pos;
      this.pos = len;
      if (this.ended) this.endSkip(len, false);
      return false;
    }
    this.skipBytes += i - this.pos;
    this.endSkip(i, true);
    this.pos = i + 1;
    this.mode = MODE_SEGMENTS;
    this.atStart = true;
    return true;
  }

  private startSkip(segStart: number, upTo: number): void {
    const b = this.buf;
    let t = segStart;
    while (t < upTo && t < segStart + 3 && isTagByte(b[t])) t++;
    this.skipTag = latin1Slice(b, segStart, t);
    this.skipOffset = this.base + segStart;
    this.skipBytes = upTo - segStart;
    this.mcount = 0;
    this.mode = MODE_SKIP;
  }

  private endSkip(_at: number, terminated: boolean): void {
    const position = ++this.position;
    this.finding('39', 'error', `segment ${this.skipTag || '?'} is ${this.skipBytes} bytes long, over the ${this.opts.maxSegmentBytes}-byte limit; its content was skipped${terminated ? '' : ' (and it has no terminator)'}`, {
      segment: position,
      tag: this.skipTag,
      offset: this.skipOffset,
    });
    this.sink.segment({ tag: this.skipTag, elements: [], position, offset: this.skipOffset });
  }

  /** The hot loop: scans segments; returns true when the mode changed and the caller must continue. */
  private scanSegments(): boolean {
    const b = this.buf;
    const len = this.len;
    let cls = this.cls;
    let i = this.pos;
    for (;;) {
      if (this.atStart) {
        const ws = this.ws;
        const s0 = i;
        while (i < len && ws[b[i]]) i++;
        if (i > s0) this.noteWhitespace(s0);
        if (i >= len) {
          this.pos = i;
          return false;
        }
        if (b[i] === U) {
          if (len - i < 3 && !this.ended) {
            this.pos = i;
            return false;
          }
          if (b[i + 1] === N && b[i + 2] === A) {
            if (len - i < 9) {
              if (!this.ended) {
                this.pos = i;
                return false;
              }
            } else {
              this.readUna(i);
              cls = this.cls;
              i += 9;
              continue;
            }
          }
        }
        this.segStart = i;
        this.atStart = false;
        this.mcount = 0;
        this.nElem = 0;
        this.nRep = 0;
        this.hasRelease = this.hasHigh = this.hasBad = false;
      }
      // scan to the next special byte
      let c = 0;
      for (; i < len; i++) {
        c = cls[b[i]];
        if (c !== C_DATA) break;
      }
      if (i >= len) {
        this.pos = i;
        return false;
      }
      switch (c) {
        case C_COMP:
        case C_ELEM:
        case C_REP: {
          if (this.mcount === this.mpos.length) this.growMarks();
          this.mpos[this.mcount] = i;
          if (c === C_ELEM) {
            this.mtype[this.mcount++] = M_ELEM;
            this.nElem++;
          } else if (c === C_COMP) this.mtype[this.mcount++] = M_COMP;
          else {
            this.mtype[this.mcount++] = M_REP;
            this.nRep++;
          }
          i++;
          break;
        }
        case C_SEG: {
          this.pos = i + 1;
          const wasIn = this.inInterchange;
          this.completeSegment(this.segStart, i, true);
          this.atStart = true;
          i = i + 1;
          if (this.mode !== MODE_SEGMENTS || wasIn !== this.inInterchange) return true;
          cls = this.cls;
          break;
        }
        case C_REL: {
          if (i + 1 >= len) {
            this.pos = i;
            if (this.ended) {
              this.finding('21', 'warning', 'release character at the very end of the input ignored', { offset: this.base + i, segment: this.position + 1 });
              this.len = i; // drop it
            }
            return false;
          }
          this.hasRelease = true;
          const nb = b[i + 1];
          const nc = cls[nb];
          if (nc === C_HIGH) this.hasHigh = true;
          else if (nc === C_BAD) this.hasBad = true;
          i += 2;
          break;
        }
        case C_HIGH:
          this.hasHigh = true;
          i++;
          break;
        default: // C_BAD
          this.hasBad = true;
          i++;
          break;
      }
    }
  }

  private noteWhitespace(at: number): void {
    this.wsSegments++;
    if (this.wsSegments === 1) {
      this.finding('21', 'warning', 'whitespace or line breaks between segments ignored', { offset: this.base + at, segment: this.position + 1 });
    }
  }

  private growMarks(): void {
    const np = new Int32Array(this.mpos.length * 2);
    np.set(this.mpos);
    const nt = new Uint8Array(this.mtype.length * 2);
    nt.set(this.mtype);
    this.mpos = np;
    this.mtype = nt;
  }

  private finish(): void {
    if (this.mode === MODE_SEGMENTS && !this.atStart && this.segStart < this.len) {
      // final segment without terminator
      const position = this.position + 1;
      this.finding('13', 'warning', 'the last segment has no segment terminator', { segment: position, offset: this.base + this.segStart });
      this.completeSegment(this.segStart, this.len, false);
      this.atStart = true;
    } else if (this.mode === MODE_SKIP) {
      this.endSkip(this.len, false);
    }
    if (this.junkStart >= 0) this.flushJunk();
  }

  /** Materialises the segment buf[s, e) from the recorded marks and emits it. */
  private completeSegment(s: number, e: number, _terminated: boolean): void {
    const offset = this.base + s;
    if (e - s > this.opts.maxSegmentBytes) {
      this.startSkip(s, e);
      this.endSkip(e, true);
      this.mode = MODE_SEGMENTS;
      this.mcount = 0;
      return;
    }
    if (e === s) {
      this.finding('12', 'warning', 'empty segment (a lone segment terminator) ignored', { offset, segment: this.position + 1 });
      return;
    }
    const b = this.buf;
    const str = this.bufString();
    const mcount = this.mcount;
    const mp = this.mpos;
    const mt = this.mtype;
    const slow = this.hasRelease || (this.hasHigh && this.charset.encoding !== 'latin1' && this.charset.encoding !== 'ascii');
    // tag element
    let k = 0;
    let start = s;
    let tagEnd = mcount > 0 ? mp[0] : e;
    let tag = slow ? this.decode(str, 0, start, tagEnd) : this.cut(str, 0, s, tagEnd);
    // components of the tag element beyond the first (syntax 4 nesting indicators) are skipped
    while (k < mcount && mt[k] === M_COMP) k++;
    if (k < mcount) start = mp[k] + 1;
    else start = e;
    let elements: string[][];
    let repetitions: Record<number, string[][]> | undefined;
    let segHash = -1;
    let cachedEls: string[][] | undefined;
    if (!slow && this.nRep === 0 && e - s <= SEG_CACHE_MAX) {
      // short segments repeat (ATT+2++M, LOC+178+JED, NAT+2+SAU …): their element arrays are shared
      let h = 0x811c9dc5;
      for (let x = s; x < e; x++) h = Math.imul(h ^ b[x], 0x01000193);
      segHash = (h >>> 0) & (SEG_CACHE_SIZE - 1);
      const len = e - s;
      const slab = this.segSlab;
      const base = segHash * SEG_CACHE_MAX;
      let same = this.segLen[segHash] === len;
      for (let x = 0; same && x < len; x++) same = slab[base + x] === b[s + x];
      if (same) {
        const v = this.segVals[segHash];
        if (v !== NOT_SEEN) {
          cachedEls = v; // third and later sightings: shared
          segHash = -1;
        } // second sighting: computed below, then shared
      } else {
        // first sighting of these bytes here: remember them only
        for (let x = 0; x < len; x++) slab[base + x] = b[s + x];
        this.segLen[segHash] = len;
        this.segVals[segHash] = NOT_SEEN;
        segHash = -1;
      }
    }
    if (cachedEls) elements = cachedEls;
    else if (!slow && this.nRep === 0) {
      // fast path: exact-size arrays (no growth slack) and short values shared through a small cache:
      // far less memory and GC when every segment is kept.
      const t = this.tmp;
      let ei = 0;
      while (k < mcount) {
        let st = mp[k] + 1;
        let j = k + 1;
        while (j < mcount && mt[j] !== M_ELEM) j++;
        const stop = j < mcount ? mp[j] : e;
        const n = j - k;
        if (n === 1) t[ei++] = stop - st <= 3 ? this.one(str, st, stop) : [this.cut(str, 0, st, stop)];
        else if (n === 2) {
          const m1 = mp[k + 1];
          t[ei++] = [this.cut(str, 0, st, m1), this.cut(str, 0, m1 + 1, stop)];
        } else if (n === 3) {
          const m1 = mp[k + 1];
          const m2 = mp[k + 2];
          t[ei++] = [this.cut(str, 0, st, m1), this.cut(str, 0, m1 + 1, m2), this.cut(str, 0, m2 + 1, stop)];
        } else {
          const arr = new Array<string>(n);
          for (let c = 0; c < n; c++) {
            const end = c + 1 < n ? mp[k + 1 + c] : stop;
            arr[c] = this.cut(str, 0, st, end);
            st = end + 1;
          }
          t[ei++] = arr;
        }
        k = j;
      }
      // array literals of the exact size (allocation sites V8 can pretenure when segments are kept)
      switch (ei) {
        case 0: elements = []; break;
        case 1: elements = [t[0]]; break;
        case 2: elements = [t[0], t[1]]; break;
        case 3: elements = [t[0], t[1], t[2]]; break;
        case 4: elements = [t[0], t[1], t[2], t[3]]; break;
        case 5: elements = [t[0], t[1], t[2], t[3], t[4]]; break;
        case 6: elements = [t[0], t[1], t[2], t[3], t[4], t[5]]; break;
        default: elements = t.slice(0, ei);
      }
      for (let x = 0; x < ei; x++) t[x] = EMPTY;
      if (segHash >= 0) {
        // second sighting of these bytes: share (frozen) from now on
        for (const el of elements) Object.freeze(el);
        this.segVals[segHash] = Object.freeze(elements) as string[][];
      }
    } else if (k < mcount) {
      elements = [];
      k++;
      let comps: string[] = [];
      let reps: string[][] | null = null;
      for (; k < mcount; k++) {
        const p = mp[k];
        comps.push(slow ? this.decode(str, 0, start, p) : str.substring(start, p));
        start = p + 1;
        const t = mt[k];
        if (t === M_ELEM) {
          if (reps) {
            reps.push(comps);
            (repetitions ??= {})[elements.length] = reps;
            elements.push(reps[0]);
            reps = null;
          } else elements.push(comps);
          comps = [];
        } else if (t === M_REP) {
          (reps ??= []).push(comps);
          comps = [];
        }
      }
      comps.push(slow ? this.decode(str, 0, start, e) : str.substring(start, e));
      if (reps) {
        reps.push(comps);
        (repetitions ??= {})[elements.length] = reps;
        elements.push(reps[0]);
      } else elements.push(comps);
    } else elements = [];
    // tag checks
    if (tag.length !== 3 || !isTagByte(tag.charCodeAt(0)) || !isTagByte(tag.charCodeAt(1)) || !isTagByte(tag.charCodeAt(2))) {
      const trimmed = tag.trim();
      if (trimmed.length === 3 && isTagByte(trimmed.charCodeAt(0)) && isTagByte(trimmed.charCodeAt(1)) && isTagByte(trimmed.charCodeAt(2))) {
        this.finding('21', 'warning', `space around segment tag ${JSON.stringify(tag)}`, { segment: this.position + 1, tag: trimmed, offset });
        tag = trimmed;
      } else {
        this.finding('12', 'error', `invalid segment tag ${JSON.stringify(tag.slice(0, 20))}`, { segment: this.position + 1, tag: tag.slice(0, 20), offset });
      }
    }
    // interchange boundaries: a header in the middle of an interchange (no UNZ before it) starts a new one
    const isHeader = tag === 'UNB' || tag === 'UIB';
    if (isHeader && this.position > 0) {
      const keepSeps = this.seps;
      this.newInterchange();
      this.seps = keepSeps;
      this.buildTables();
    }
    const position = ++this.position;
    if (mcount > 0 && mp[mcount - 1] === e - 1) {
      this.finding('45', 'warning', `trailing separator at the end of ${tag}`, { segment: position, tag, offset });
    }
    if (this.hasBad) this.reportBad(s, e, str, tag, position);
    const seg: Segment = { tag, elements, position, offset };
    if (repetitions) seg.repetitions = repetitions;
    if (isHeader && !this.opts.charset) {
      const sid = elements[0]?.[0] ?? '';
      this.charset = charsetFor(sid || 'UNOA');
      this.buildTables();
    }
    this.mcount = 0;
    this.sink.segment(seg);
    if (tag === 'UNZ' || tag === 'UIZ') {
      this.inInterchange = false;
      this.mode = MODE_BETWEEN;
      this.seps = { ...this.opts.separators };
      if (this.opts.ignoreRepetition) this.seps.repetition = -1;
      this.charset = this.opts.charset ? charsetFor(this.opts.charset) : INITIAL_CHARSET;
      this.buildTables();
    }
  }

  /**
   * The string of bytes [a, z) (no release characters, ISO 8859-1 view). Values of up to 3 bytes come
   * from a direct-mapped cache (codes like FL, 2, JED, SAU repeat on every traveller); longer ones are cut
   * from the segment's string, or decoded directly for short segments.
   */
  private cut(str: string, s: number, a: number, z: number): string {
    const len = z - a;
    const b = this.buf;
    if (len <= 3) {
      if (len === 0) return '';
      const key = len === 1 ? b[a] | 0x1000000 : len === 2 ? b[a] | (b[a + 1] << 8) | 0x2000000 : b[a] | (b[a + 1] << 8) | (b[a + 2] << 16) | 0x3000000;
      const h = (Math.imul(key, 0x9e3779b1) >>> 20) & 4095;
      this.lastH = h;
      if (this.ckeys[h] === key) return this.cvals[h];
      const v = len === 1 ? String.fromCharCode(b[a]) : len === 2 ? String.fromCharCode(b[a], b[a + 1]) : String.fromCharCode(b[a], b[a + 1], b[a + 2]);
      this.ckeys[h] = key;
      this.cvals[h] = v;
      return v;
    }
    return str.substring(a - s, z - s);
  }

  /** ISO 8859-1 view of buf[0, len), decoded once per push (strings are cut from it). */
  private bufString(): string {
    if (this.strLen !== this.len || this.strBuf !== this.buf) {
      this.str = latin1Slice(this.buf, 0, this.len);
      this.strLen = this.len;
      this.strBuf = this.buf;
    }
    return this.str;
  }

  private str = '';
  private strLen = -1;
  private strBuf: Buffer | null = null;

  /** A shared, frozen one-component element for values of up to 3 bytes. */
  private one(str: string, a: number, z: number): string[] {
    if (a === z) return EMPTY_ONE;
    const v = this.cut(str, 0, a, z);
    const h = this.lastH;
    let arr = this.carr[h];
    if (arr === undefined || arr[0] !== v) {
      arr = Object.freeze([v]) as string[];
      this.carr[h] = arr;
    }
    return arr;
  }

  private lastH = 0;
  private readonly carr: (string[] | undefined)[] = new Array<string[] | undefined>(4096).fill(undefined);
  private readonly segSlab = new Uint8Array(SEG_CACHE_SIZE * SEG_CACHE_MAX);
  private readonly segLen = new Int32Array(SEG_CACHE_SIZE);
  private readonly segVals: string[][][] = new Array<string[][]>(SEG_CACHE_SIZE).fill(NOT_SEEN);
  private readonly ckeys = new Int32Array(4096);
  private tmp: string[][] = [];
  private readonly cvals: string[] = new Array<string>(4096).fill('');

  /** Slow path: component bytes [a, z) with release characters removed, decoded per charset. */
  private decode(str: string, s: number, a: number, z: number): string {
    const b = this.buf;
    const rel = this.seps.release;
    let hasRel = false;
    let high = false;
    for (let i = a; i < z; i++) {
      const x = b[i];
      if (x === rel) {
        hasRel = true;
        i++;
      }
      if (b[i] >= 0x80) high = true;
    }
    const enc = this.charset.encoding;
    if (!high || enc === 'latin1' || enc === 'ascii') {
      const sub = str.substring(a - s, z - s);
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
    if (enc === 'utf8' && !isUtf8(bytes)) {
      this.finding('21', this.opts.strict ? 'error' : 'warning', `invalid ${this.charset.id} (UTF-8) byte sequence`, { segment: this.position + 1, offset: this.base + a });
    }
    return decodeBytes(bytes, enc);
  }

  private reportBad(s: number, e: number, _str: string, tag: string, position: number): void {
    const b = this.buf;
    const cls = this.cls;
    const rel = this.seps.release;
    let element = 0;
    let component = 1;
    let bad = -1;
    for (let i = s; i < e; i++) {
      const x = b[i];
      if (x === rel) {
        i++;
        if (i < e && cls[b[i]] === C_BAD) { bad = i; break; }
        continue;
      }
      const c = cls[x];
      if (c === C_ELEM) { element++; component = 1; }
      else if (c === C_COMP) component++;
      else if (c === C_BAD) { bad = i; break; }
    }
    if (bad < 0) return;
    const byte = b[bad];
    const what = byte < 0x20 || byte === 0x7f ? `control character 0x${byte.toString(16).padStart(2, '0')}` : byte >= 0x80 ? `byte 0x${byte.toString(16)}` : `character ${JSON.stringify(String.fromCharCode(byte))}`;
    const rep = this.charset.restriction ? ` outside ${this.charset.id} ${this.charset.restriction}` : '';
    this.finding('21', this.opts.strict ? 'error' : 'warning', `${what}${rep} in ${tag}`, {
      segment: position,
      tag,
      element: element || undefined,
      component: element ? component : undefined,
      offset: this.base + bad,
    });
  }
}

let isUtf8Impl: ((b: Uint8Array) => boolean) | undefined;
function isUtf8(b: Uint8Array): boolean {
  if (!isUtf8Impl) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('node:buffer') as { isUtf8?: (b: Uint8Array) => boolean };
    const fatal = new TextDecoder('utf-8', { fatal: true });
    isUtf8Impl = mod.isUtf8 ?? ((x: Uint8Array) => { try { fatal.decode(x); return true; } catch { return false; } });
  }
  return isUtf8Impl(b);
}

/** Tokenizes a whole buffer (convenience for tests and small inputs). */
export function tokenize(bytes: Uint8Array, opts: TokenizerOptions = {}): { segments: Segment[]; findings: Finding[] } {
  const segments: Segment[] = [];
  const findings: Finding[] = [];
  const t = new Tokenizer({ segment: (s) => segments.push(s), finding: (f) => findings.push(f) }, opts);
  t.push(bytes);
  t.end();
  return { segments, findings };
}
