/**
 * Streaming UN/EDIFACT tokenizer over bytes: `push(chunk)` takes chunks of any size (one byte at a time
 * works, a release character as a chunk's last byte too), `end()` flushes; segments go to the sink as soon
 * as their terminator is read. The scan classifies bytes through a 256-entry table and records separator
 * positions; values.ts cuts the strings onto the sink's tape (fast path straight from the bytes as
 * ISO 8859-1, careful path decoding per the syntax identifier). Quirks are findings, never exceptions: whitespace between segments, a space after the
 * tag, a last segment without terminator, text around interchanges, several interchanges, characters outside
 * the repertoire, trailing separators, a dangling release character, segments over `maxSegmentBytes`
 * (skipped to their terminator in bounded memory).
 */
import { buildTables, describeByte, findBadByte, findTerminator, isTag, isTagByte, latin1Slice, looksLikeStart, nextStart, unaSeparators, A, C_BAD, C_COMP, C_DATA, C_HIGH, C_REL, C_REP, C_SEG, N, U } from './bytes';
import { charsetFor, INITIAL_CHARSET, type Charset } from './charset';
import { DEFAULT_SEPARATORS, separatorsToString, type Finding, type Segment, type Separators, type TokenizerOptions, type TokenizerSink } from './types';
import { SegmentTape } from './tape';
import { decodeValue, sharedCutter } from './values';
import { ByteWindow } from './window';

export type { TokenizerOptions, TokenizerSink } from './types';

const MODE_BETWEEN = 0; // expecting UNA/UNB/UIB (start, or after UNZ/UIZ)
const MODE_SEGMENTS = 1;
const MODE_SKIP = 2; // inside an oversized segment, looking for its terminator

/** Pushed bytes are taken 32 KB at a time, so the byte window stays small whatever the chunk size. */
const PIECE = 32 * 1024;

/** Whether values of this charset are read as ISO 8859-1, bytes ≥ 0x80 included (no decoding). */
function latin1View(cs: Charset): boolean {
  return cs.encoding === 'latin1' || cs.encoding === 'ascii';
}

export class Tokenizer extends ByteWindow {
  private readonly opts: Required<Omit<TokenizerOptions, 'charset'>> & { charset?: string };
  private readonly sink: TokenizerSink;

  private ended = false;

  private mode = MODE_BETWEEN;
  private atStart = true; // at a segment start (skipping whitespace)
  private segStart = 0;
  private mpos = new Int32Array(256);
  private mtype = new Uint8Array(256);
  private mcount = 0;
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
    super();
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

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('push after end');
    // taken in pieces (see PIECE); a segment longer than a piece is completed across them
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
    // names and document numbers of one partner's travellers are not kept in memory for the next request
    this.values.forgetValues();
  }

  private buildTables(): void {
    buildTables(this.seps, this.charset, this.cls, this.ws);
  }

  protected override keepFrom(): number {
    return this.mode === MODE_SEGMENTS && !this.atStart ? this.segStart : this.pos;
  }

  protected override shifted(keep: number): void {
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
    const { seps, bad } = unaSeparators(b, i, this.opts.ignoreRepetition);
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
    if (looksLikeStart(b, i, avail, this.opts.separators)) {
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
    let j = nextStart(b, i + 1, len, this.opts.separators);
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

  private scanSkip(): boolean {
    const b = this.buf;
    const len = this.len;
    let i = this.pos;
    if (this.skipRel && i < len) {
      this.skipRel = false;
      i++;
    }
    i = findTerminator(b, this.cls, i, len);
    if (i > len) {
      this.skipRel = true; // a release character ends the bytes: the next byte is data
      i = len;
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
    const t = this.sink.tape;
    t.begin(t.intern(this.skipTag), position, this.skipOffset);
    this.sink.segment(t, t.endSegment());
  }

  /** The hot loop: scans segments; returns true when the mode changed and the caller must continue. */
  private scanSegments(): boolean {
    const b = this.buf;
    const len = this.len;
    let cls = this.cls;
    let i = this.pos;
    // marks kept in locals in the loop, written back whenever another method may look at them
    let mc = this.mcount;
    let mp = this.mpos;
    let mt = this.mtype;
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
        mc = 0;
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
        this.mcount = mc;
        return false;
      }
      if (c <= C_REP) {
        // C_COMP, C_ELEM, C_REP: the class is the mark type
        if (mc === mp.length) {
          this.mcount = mc;
          this.growMarks();
          mp = this.mpos;
          mt = this.mtype;
        }
        mp[mc] = i;
        mt[mc++] = c;
        if (c === C_REP) this.nRep++;
        i++;
      } else if (c === C_SEG) {
        this.pos = i + 1;
        this.mcount = mc;
        const wasIn = this.inInterchange;
        this.completeSegment(this.segStart, i);
        mc = 0;
        this.atStart = true;
        i = i + 1;
        if (this.mode !== MODE_SEGMENTS || wasIn !== this.inInterchange) return true;
        cls = this.cls;
      } else if (c === C_REL) {
        if (i + 1 >= len) {
          this.pos = i;
          this.mcount = mc;
          if (this.ended) {
            this.finding('21', 'warning', 'release character at the very end of the input ignored', { offset: this.base + i, segment: this.position + 1 });
            this.len = i; // drop it
          }
          return false;
        }
        this.hasRelease = true;
        const nc = cls[b[i + 1]];
        if (nc === C_HIGH) this.hasHigh = true;
        else if (nc === C_BAD) this.hasBad = true;
        i += 2;
      } else if (c === C_HIGH) {
        this.hasHigh = true;
        i++;
      } else {
        // C_BAD
        this.hasBad = true;
        i++;
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
      this.completeSegment(this.segStart, this.len);
      this.atStart = true;
    } else if (this.mode === MODE_SKIP) {
      this.endSkip(this.len, false);
    }
    if (this.junkStart >= 0) this.flushJunk();
  }

  /** Writes the segment buf[s, e) onto the sink's tape from the recorded marks and emits it. */
  private completeSegment(s: number, e: number): void {
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
    const mcount = this.mcount;
    const mp = this.mpos;
    const mt = this.mtype;
    const v = this.values;
    let slow = this.hasRelease || (this.hasHigh && !latin1View(this.charset));
    // tag element; its components beyond the first (syntax 4 nesting indicators) are skipped
    let k = 0;
    const tagEnd = mcount > 0 ? mp[0] : e;
    // a 3-byte tag on the fast path comes from the tag cache (slot ts), anything else is cut
    let ts = !slow && tagEnd - s === 3 ? v.tagSlot(b, s) : -1;
    let tag = ts >= 0 ? v.tagAt(ts) : slow ? this.decode(s, tagEnd) : v.cut(b, s, tagEnd);
    while (k < mcount && mt[k] === C_COMP) k++;
    // tag checks
    if (!isTag(tag)) {
      const trimmed = tag.trim();
      if (isTag(trimmed)) {
        this.finding('21', 'warning', `space around segment tag ${JSON.stringify(tag)}`, { segment: this.position + 1, tag: trimmed, offset });
        tag = trimmed;
        ts = -1;
      } else {
        this.finding('12', 'error', `invalid segment tag ${JSON.stringify(tag.slice(0, 20))}`, { segment: this.position + 1, tag: tag.slice(0, 20), offset });
      }
    }
    // interchange boundaries: a header in the middle of an interchange (no UNZ before it) starts a new one
    const service = tag.charCodeAt(0) === 0x55;
    const isHeader = service && (tag === 'UNB' || tag === 'UIB');
    if (isHeader && this.position > 0) {
      const keepSeps = this.seps;
      this.newInterchange();
      this.seps = keepSeps;
      this.buildTables();
    }
    if (isHeader && !this.opts.charset) {
      // the syntax identifier (first component of the first element) decides how the header's own values
      // and the rest of the interchange are decoded (UNOW ids)
      let sid = '';
      if (k < mcount) {
        const a = mp[k] + 1;
        const z = k + 1 < mcount ? mp[k + 1] : e;
        sid = slow ? this.decode(a, z) : v.cut(b, a, z);
      }
      this.charset = charsetFor(sid || 'UNOA');
      this.buildTables();
      slow = this.hasRelease || (this.hasHigh && !latin1View(this.charset));
    }
    const position = ++this.position;
    this.cutting = true;
    const t = this.sink.tape;
    t.begin(ts >= 0 ? v.tagId(ts, t) : t.intern(tag), position, offset);
    if (!slow && this.nRep === 0) v.fast(b, e, mp, mt, k, mcount, t);
    else v.slow(e, mp, mt, k, mcount, this.decodeFn, t);
    if (mcount > 0 && mp[mcount - 1] === e - 1) {
      this.finding('45', 'warning', `trailing separator at the end of ${tag}`, { segment: position, tag, offset });
    }
    this.cutting = false;
    if (this.hasBad) this.reportBad(s, e, tag, position);
    const i = t.endSegment();
    this.mcount = 0;
    this.sink.segment(t, i);
    if (service && (tag === 'UNZ' || tag === 'UIZ')) {
      this.inInterchange = false;
      this.mode = MODE_BETWEEN;
      this.seps = { ...this.opts.separators };
      if (this.opts.ignoreRepetition) this.seps.repetition = -1;
      this.charset = this.opts.charset ? charsetFor(this.opts.charset) : INITIAL_CHARSET;
      this.buildTables();
    }
  }

  private readonly values = sharedCutter;
  /** True while a segment's values are cut (its position is then this.position, not the next one). */
  private cutting = false;
  /** `decode` bound once: a closure created in completeSegment would make V8 allocate a context on every call. */
  private readonly decodeFn = (a: number, z: number): string => this.decode(a, z);

  /** Careful path: component bytes [a, z) with release characters removed, decoded per charset. */
  private decode(a: number, z: number): string {
    // the segment needs care, not necessarily this value: one without a release character (or a byte that
    // needs decoding) is cut as on the fast path, cached and never a slice of the view
    const b = this.buf;
    const rel = this.seps.release;
    const plain = latin1View(this.charset);
    let i = a;
    while (i < z && b[i] !== rel && (plain || b[i] < 0x80)) i++;
    if (i === z) return this.values.cut(b, a, z);
    return decodeValue(this.buf, a, z, this.seps.release, this.charset, this.badUtf8);
  }

  private readonly badUtf8 = (at: number): void => {
    this.finding('21', this.opts.strict ? 'error' : 'warning', `invalid ${this.charset.id} (UTF-8) byte sequence`, { segment: this.cutting ? this.position : this.position + 1, offset: this.base + at });
  };

  private reportBad(s: number, e: number, tag: string, position: number): void {
    const bad = findBadByte(this.buf, this.cls, this.seps.release, s, e);
    if (!bad) return;
    const rep = this.charset.restriction ? ` outside ${this.charset.id} ${this.charset.restriction}` : '';
    this.finding('21', this.opts.strict ? 'error' : 'warning', `${describeByte(this.buf[bad.at])}${rep} in ${tag}`, {
      segment: position,
      tag,
      element: bad.element || undefined,
      component: bad.element ? bad.component : undefined,
      offset: this.base + bad.at,
    });
  }
}

/** A sink that keeps every segment as a plain object, and every finding (tests and small inputs). */
export function collectingSink(): TokenizerSink & { segments: Segment[]; findings: Finding[] } {
  const segments: Segment[] = [];
  const findings: Finding[] = [];
  return {
    tape: new SegmentTape(),
    segments,
    findings,
    segment(tape, i) {
      segments.push(tape.plain(i));
      tape.clear();
    },
    finding: (f) => findings.push(f),
  };
}

/** Tokenizes a whole buffer (convenience for tests and small inputs): plain segments and findings. */
export function tokenize(bytes: Uint8Array, opts: TokenizerOptions = {}): { segments: Segment[]; findings: Finding[] } {
  const sink = collectingSink();
  const t = new Tokenizer(sink, opts);
  t.push(bytes);
  t.end();
  return { segments: sink.segments, findings: sink.findings };
}
