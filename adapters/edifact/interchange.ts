/**
 * Interchange model and the syntax-level envelope checks that need no partner data: UNB/UNZ, UNG/UNE,
 * UNH/UNT, UIB/UIZ, UIH/UIT nesting, control counts (29) and references (28), missing trailers (13),
 * segments outside any message (33), groups and messages mixed (30), syntax identifier/version (2).
 *
 * `EnvelopeBuilder` is a tokenizer sink that assembles interchanges as segments stream in and raises
 * events; it keeps each message's segments only when asked (`keepSegments`), so a 1 GB interchange can be
 * streamed in bounded memory.
 */
import { charsetFor } from './charset';
import { checkServiceSegment } from './structure';
import { value } from './reader';
import { SegmentTape, viewsOf, type SegmentView } from './tape';
import type { TokenizerSink } from './tokenizer';
import { DEFAULT_SEPARATORS, type Finding, type FindingLevel, type PartyId, type Segment, type Separators } from './types';

export type { MessageHeader, Message, Group, Interchange, BuilderEvents, MessageChecker, BuilderOptions } from './interchange-model';
export { groupOf, messageRejected } from './interchange-model';
import type { Message, Group, Interchange, BuilderEvents, MessageChecker, BuilderOptions } from './interchange-model';

const SERVICE_TAGS = new Set(['UNA', 'UNB', 'UNZ', 'UNG', 'UNE', 'UNH', 'UNT', 'UIB', 'UIZ', 'UIH', 'UIT']);

const el = value;

function party(seg: Segment, e: number): PartyId {
  const p: PartyId = { id: el(seg, e, 0) };
  const q = el(seg, e, 1);
  if (q) p.qualifier = q;
  const internal = el(seg, e, 2);
  if (internal) p.internal = internal;
  return p;
}

export function emptyInterchange(offset: number, una: Separators | null): Interchange {
  return {
    syntax: { id: '', version: '' },
    una,
    separators: una ?? { ...DEFAULT_SEPARATORS },
    sender: { id: '' },
    recipient: { id: '' },
    date: '',
    time: '',
    controlRef: '',
    ackRequested: false,
    test: false,
    interactive: false,
    groups: [],
    messages: [],
    findings: [],
    offset,
    rejected: false,
  };
}

export class EnvelopeBuilder implements TokenizerSink {
  private cur = new SegmentTape();
  private readonly keep: boolean;
  private ich: Interchange | null = null;
  private group: Group | null = null;
  private msg: Message | null = null;
  private checker: MessageChecker | null = null;
  private pendingUna: { seps: Separators; offset: number } | null = null;
  private pending: Finding[] = [];
  private preIch: Finding[] = [];
  private lastPosition = 0;
  private directMessages = 0;
  private ichMessages = 0;
  private readonly opts: Required<Omit<BuilderOptions, 'checker' | 'downgrade'>> & Pick<BuilderOptions, 'checker' | 'downgrade'>;
  /** Findings outside any interchange (e.g. text before the first one). */
  readonly streamFindings: Finding[] = [];

  constructor(private readonly events: BuilderEvents = {}, opts: BuilderOptions = {}) {
    this.opts = { keepSegments: opts.keepSegments ?? true, keepMessages: opts.keepMessages ?? true, checker: opts.checker, downgrade: opts.downgrade };
    this.keep = this.opts.keepSegments;
  }

  una(seps: Separators, offset: number): void {
    if (this.ich) this.closeInterchange(false);
    this.pendingUna = { seps, offset };
  }

  finding(f: Finding): void {
    if (!this.ich) {
      this.preIch.push(f);
      return;
    }
    if (f.segment !== undefined && f.segment > this.lastPosition && !(f.level === 'interchange')) {
      this.pending.push(f);
      return;
    }
    if (f.level === 'interchange' || !this.msg) this.addIch(f);
    else this.addMsg(this.msg, f);
  }

  /** The tape the tokenizer writes the next segment to. */
  get tape(): SegmentTape {
    return this.cur;
  }

  segment(t: SegmentTape, i: number): void {
    const tag = t.tag(i);
    const m = this.msg;
    // a message's body (no service segment: those all start with U) on the fast path
    if (m !== null && tag.charCodeAt(0) !== 0x55) {
      this.lastPosition = t.positions[i];
      this.body(t, i, m);
      if (!this.keep) t.clear();
      return;
    }
    this.take(t, i, tag);
    // a tape no open message holds is cleared segment by segment (what is kept of it was detached)
    if (t === this.cur && !(this.msg && this.keep)) t.clear();
  }

  private take(t: SegmentTape, i: number, tag: string): void {
    const position = t.positions[i];
    const ev = this.events.segment;
    if (tag === 'UNB' || tag === 'UIB') {
      if (this.ich && this.ich.header) this.closeInterchange(false);
      this.lastPosition = position;
      const seg = t.detach(i);
      this.openInterchange(seg);
      this.flushPending(null);
      ev?.(seg, this.ich!, null);
      return;
    }
    if (!this.ich) {
      this.startHeaderless(t.view(i));
    }
    this.lastPosition = position;
    const ich = this.ich!;
    switch (tag) {
      case 'UNZ':
      case 'UIZ': {
        this.flushPending(null);
        if (this.msg) this.closeMessage(null);
        if (this.group) this.closeGroup(null);
        const seg = t.detach(i);
        ich.trailer = seg;
        this.serviceCheck(seg, 'interchange');
        ev?.(seg, ich, null);
        this.closeInterchange(true);
        return;
      }
      case 'UNG': {
        this.flushPending(null);
        if (this.msg) this.closeMessage(null);
        if (this.group) this.closeGroup(null);
        const seg = t.detach(i);
        this.openGroup(seg);
        this.serviceCheck(seg, 'group', this.group ?? undefined);
        ev?.(seg, ich, null);
        return;
      }
      case 'UNE': {
        this.flushPending(null);
        if (this.msg) this.closeMessage(null);
        const seg = t.detach(i);
        if (!this.group) this.addIch(this.f('15', 'error', 'UNE without a UNG', seg, 'group'));
        else {
          const g = this.group;
          this.closeGroup(seg);
          this.serviceCheck(seg, 'group', g);
        }
        ev?.(seg, ich, null);
        return;
      }
      case 'UNH':
      case 'UIH':
        if (this.msg) this.closeMessage(null);
        this.openMessage(t, i);
        this.flushPending(this.msg);
        if (ev) ev(t.view(i), ich, this.msg);
        this.checkSegment(t, i, 1);
        return;
      case 'UNT':
      case 'UIT': {
        const m = this.msg;
        if (!m) {
          this.flushPending(null);
          this.addIch(this.f('15', 'error', `${tag} without a message header`, t.view(i), 'interchange'));
          if (ev) ev(t.view(i), ich, null);
          return;
        }
        m.segmentCount++;
        this.flushPending(m);
        if (ev) ev(t.view(i), ich, m);
        this.closeMessage(t.view(i));
        return;
      }
      default: {
        const m = this.msg;
        if (!m) {
          this.flushPending(null);
          this.addIch(this.f('33', 'error', `segment ${tag} outside any message ignored`, t.view(i), 'interchange'));
          if (ev) ev(t.view(i), ich, null);
          return;
        }
        this.body(t, i, m);
      }
    }
  }

  /** Segment i of t in the body of the open message m. */
  private body(t: SegmentTape, i: number, m: Message): void {
    const n = ++m.segmentCount;
    if (this.pending.length) this.flushPending(m);
    const ev = this.events.segment;
    if (ev) ev(t.view(i), this.ich!, m);
    if (this.checker) this.checker.segment(t, i, n);
  }

  /** Closes whatever is open at the end of the input. */
  end(): void {
    if (this.ich) this.closeInterchange(false);
    for (const f of this.preIch) this.streamFinding(f);
    for (const f of this.pending) this.streamFinding(f);
    this.pending = [];
    this.preIch = [];
  }

  // ---------------------------------------------------------------------------------------------------

  private f(code: string, severity: 'error' | 'warning', message: string, seg: Segment | null, level: FindingLevel, extra: Partial<Finding> = {}): Finding {
    const f: Finding = { code, severity, message, level };
    if (seg) {
      f.segment = seg.position;
      f.tag = seg.tag;
      f.offset = seg.offset;
    }
    return Object.assign(f, extra);
  }

  /** Element checks of an envelope segment against the service directory, reported at its level. */
  private serviceCheck(seg: Segment, level: FindingLevel, group?: Group): void {
    const ich = this.ich;
    if (!ich || !ich.header) return;
    const version = ich.syntax.version === '4' ? '4' : '3';
    checkServiceSegment(seg, version, (f) => {
      delete f.messageSegment;
      f.level = level;
      f.segment = seg.position;
      f.offset = seg.offset;
      if (this.opts.downgrade?.({ ...f, level: 'message' })) f.severity = 'warning';
      if (group) this.addGroup(group, f);
      else this.addIch(f);
    });
  }

  private streamFinding(f: Finding): void {
    this.streamFindings.push(f);
    this.events.finding?.(f, null);
  }

  private addIch(f: Finding): void {
    if (!this.ich) return this.streamFinding(f);
    f.level ??= 'interchange';
    if (f.severity === 'error' && this.opts.downgrade?.(f)) f.severity = 'warning';
    this.ich.findings.push(f);
    if (f.severity === 'error') this.ich.rejected = true;
    this.events.finding?.(f, this.ich);
  }

  private addMsg(m: Message, f: Finding): void {
    f.level ??= 'message';
    if (f.segment !== undefined && f.messageSegment === undefined && f.segment >= m.position) f.messageSegment = f.segment - m.position + 1;
    if (f.severity === 'error' && this.opts.downgrade?.(f)) f.severity = 'warning';
    m.findings.push(f);
    if (f.severity === 'error') m.rejected = true;
    this.events.finding?.(f, this.ich);
  }

  private addGroup(g: Group, f: Finding): void {
    f.level = 'group';
    if (f.severity === 'error' && this.opts.downgrade?.(f)) f.severity = 'warning';
    g.findings.push(f);
    if (f.severity === 'error') g.rejected = true;
    this.events.finding?.(f, this.ich);
  }

  private flushPending(m: Message | null): void {
    if (this.pending.length === 0) return;
    const keep: Finding[] = [];
    for (const f of this.pending) {
      if (f.segment !== undefined && f.segment > this.lastPosition) keep.push(f);
      else if (m) this.addMsg(m, f);
      else this.addIch(f);
    }
    this.pending = keep;
  }

  private takePre(): void {
    const pre = this.preIch;
    this.preIch = [];
    for (const f of pre) {
      if (f.segment !== undefined && f.segment > this.lastPosition) this.pending.push(f);
      else this.addIch(f);
    }
  }

  private startHeaderless(seg: Segment): void {
    const una = this.pendingUna;
    this.pendingUna = null;
    const ich = emptyInterchange(una?.offset ?? seg.offset, una?.seps ?? null);
    this.ich = ich;
    this.directMessages = 0;
    this.ichMessages = 0;
    this.events.interchangeStart?.(ich);
    this.takePre();
    this.addIch(this.f('13', 'error', `interchange header UNB missing (first segment is ${seg.tag})`, seg, 'interchange', { tag: 'UNB' }));
  }

  private openInterchange(seg: Segment): void {
    const una = this.pendingUna;
    this.pendingUna = null;
    const ich = emptyInterchange(una?.offset ?? seg.offset, una?.seps ?? null);
    this.ich = ich;
    this.group = null;
    this.msg = null;
    this.directMessages = 0;
    this.ichMessages = 0;
    ich.header = seg;
    ich.interactive = seg.tag === 'UIB';
    ich.syntax = { id: el(seg, 0, 0), version: el(seg, 0, 1) };
    const sid = ich.syntax.id;
    if (!sid) this.addIch(this.f('13', 'error', 'syntax identifier (S001/0001) missing', seg, 'interchange', { element: 1, component: 1 }));
    else if (!charsetFor(sid).known) this.addIch(this.f('2', 'error', `syntax identifier ${sid} not supported`, seg, 'interchange', { element: 1, component: 1 }));
    const v = ich.syntax.version;
    if (!/^[1-4]$/.test(v)) this.addIch(this.f('2', 'error', `syntax version ${JSON.stringify(v)} not supported (1–4)`, seg, 'interchange', { element: 1, component: 2 }));
    if (seg.tag === 'UNB') {
      ich.sender = party(seg, 1);
      ich.recipient = party(seg, 2);
      ich.date = el(seg, 3, 0);
      ich.time = el(seg, 3, 1);
      ich.controlRef = el(seg, 4, 0);
      const pw = el(seg, 5, 0);
      if (pw) ich.password = { value: pw, ...(el(seg, 5, 1) ? { qualifier: el(seg, 5, 1) } : {}) };
      if (el(seg, 6)) ich.applicationRef = el(seg, 6);
      if (el(seg, 7)) ich.priority = el(seg, 7);
      ich.ackRequested = el(seg, 8) === '1';
      ich.test = el(seg, 10) === '1';
      // mandatory parts, lengths and types: checked against the service directory (serviceCheck below)
    } else {
      // UIB: S001, S302 dialogue reference, S303 transaction ref, S018, S305, S002 sender, S003 recipient, S300 date/time, 0325, 0035
      ich.controlRef = el(seg, 1, 0);
      ich.sender = party(seg, 5);
      ich.recipient = party(seg, 6);
      ich.date = el(seg, 7, 0);
      ich.time = el(seg, 7, 1);
      ich.test = el(seg, 9) === '1';
    }
    ich.separators = ich.una ?? { ...DEFAULT_SEPARATORS };
    this.events.interchangeStart?.(ich);
    this.takePre();
    if (/^[1-4]$/.test(v)) this.serviceCheck(seg, 'interchange');
  }

  private closeInterchange(withTrailer: boolean): void {
    const ich = this.ich;
    if (!ich) return;
    this.flushPending(null);
    if (this.msg) this.closeMessage(null);
    if (this.group) this.closeGroup(null);
    const trailerTag = ich.interactive ? 'UIZ' : 'UNZ';
    if (!withTrailer || !ich.trailer) {
      if (ich.header) this.addIch(this.f('13', 'error', `interchange trailer ${trailerTag} missing`, null, 'interchange', { tag: trailerTag }));
    } else {
      const t = ich.trailer;
      const expected = ich.groups.length > 0 ? ich.groups.length : this.ichMessages;
      const countStr = t.tag === 'UIZ' ? el(t, 1) : el(t, 0);
      if (t.tag === 'UNZ') {
        if (!/^\d+$/.test(countStr) || Number(countStr) !== expected) {
          this.addIch(this.f('29', 'error', `UNZ control count ${JSON.stringify(countStr)} but ${expected} ${ich.groups.length ? 'group(s)' : 'message(s)'} received`, t, 'interchange', { element: 1 }));
        }
        if (el(t, 1) !== ich.controlRef) this.addIch(this.f('28', 'error', `UNZ reference ${JSON.stringify(el(t, 1))} does not match UNB ${JSON.stringify(ich.controlRef)}`, t, 'interchange', { element: 2 }));
      } else {
        if (countStr && (!/^\d+$/.test(countStr) || Number(countStr) !== expected)) {
          this.addIch(this.f('29', 'error', `UIZ control count ${JSON.stringify(countStr)} but ${expected} message(s) received`, t, 'interchange', { element: 2 }));
        }
        const ref = el(t, 0, 0);
        if (ref !== ich.controlRef) this.addIch(this.f('28', 'error', `UIZ dialogue reference ${JSON.stringify(ref)} does not match UIB ${JSON.stringify(ich.controlRef)}`, t, 'interchange', { element: 1 }));
      }
    }
    if (ich.header && this.ichMessages === 0 && ich.groups.length === 0) {
      this.addIch(this.f('32', 'warning', 'interchange contains no message', ich.trailer ?? null, 'interchange'));
    }
    this.ich = null;
    this.lastPosition = 0;
    this.events.interchangeEnd?.(ich);
  }

  private openGroup(seg: Segment): void {
    const ich = this.ich!;
    // UNG+0038+S006+S007+S004+0048+0051+S008+0058 in every syntax version (0038 is conditional in syntax 4
    // but keeps its position; the pydifact v4 table omits it, see mappings/edifact/README.md)
    const off = 1;
    const g: Group = {
      ref: el(seg, 3 + off),
      header: seg,
      messageCount: 0,
      findings: [],
      rejected: false,
      sender: party(seg, off),
      recipient: party(seg, 1 + off),
    };
    if (el(seg, 0)) g.functionalId = el(seg, 0);
    if (this.directMessages > 0) this.addIch(this.f('30', 'error', 'functional groups and messages mixed in one interchange', seg, 'interchange'));
    if (!g.ref) this.addGroup(g, this.f('13', 'error', 'UNG group reference (0048) missing', seg, 'group', { element: 4 + off }));
    ich.groups.push(g);
    this.group = g;
    this.events.groupStart?.(g, ich);
  }

  private closeGroup(trailer: Segment | null): void {
    const g = this.group!;
    const ich = this.ich!;
    this.group = null;
    if (!trailer) this.addGroup(g, this.f('13', 'error', 'group trailer UNE missing', null, 'group', { tag: 'UNE' }));
    else {
      g.trailer = trailer;
      const c = el(trailer, 0);
      if (!/^\d+$/.test(c) || Number(c) !== g.messageCount) this.addGroup(g, this.f('29', 'error', `UNE control count ${JSON.stringify(c)} but ${g.messageCount} message(s) in the group`, trailer, 'group', { element: 1 }));
      if (el(trailer, 1) !== g.ref) this.addGroup(g, this.f('28', 'error', `UNE reference ${JSON.stringify(el(trailer, 1))} does not match UNG ${JSON.stringify(g.ref)}`, trailer, 'group', { element: 2 }));
    }
    this.events.groupEnd?.(g, ich);
  }

  private openMessage(t: SegmentTape, i: number): void {
    const ich = this.ich!;
    const seg = t.view(i);
    const interactive = seg.tag === 'UIH';
    const idEl = interactive ? 0 : 1;
    const keep = this.keep;
    let list: Segment[] | undefined;
    const m: Message = {
      ref: interactive ? el(seg, 1) : el(seg, 0),
      type: el(seg, idEl, 0),
      version: el(seg, idEl, 1),
      release: el(seg, idEl, 2),
      // S009: 0065:0052:0054:0051:0057 — S306 (UIH): 0065:0052:0054:0113:0051:0057, but much interactive
      // traffic writes the agency fourth (AVLRSP:D:21A:UN): take the fifth component, else the fourth
      agency: interactive ? el(seg, idEl, 4) || el(seg, idEl, 3) : el(seg, idEl, 3),
      interactive,
      get segments(): Segment[] {
        if (list) return list;
        const views = m.tape ? viewsOf(m.tape, m.tapeStart ?? 0, m.segmentCount) : [];
        if (m.closed) list = views;
        return views;
      },
      set segments(v: Segment[]) {
        list = v;
        m.tape = undefined;
      },
      segmentCount: 0,
      findings: [],
      position: seg.position,
      rejected: false,
    };
    // where the segments are, kept out of JSON and comparisons (a tape is arrays of numbers)
    Object.defineProperties(m, {
      tape: { value: undefined, writable: true, enumerable: false },
      tapeStart: { value: 0, writable: true, enumerable: false },
      closed: { value: false, writable: true, enumerable: false },
    });
    const assoc = interactive ? el(seg, idEl, 5) : el(seg, idEl, 4);
    if (assoc) m.association = assoc;
    if (!interactive && el(seg, 2)) m.commonAccessRef = el(seg, 2);
    if (this.group) {
      m.groupRef = this.group.ref;
      this.group.messageCount++;
    } else {
      if (ich.groups.length > 0) this.addIch(this.f('30', 'error', 'message outside a functional group in an interchange that uses groups', seg, 'interchange'));
      this.directMessages++;
    }
    this.ichMessages++;
    this.msg = m;
    if (keep) {
      // a message whose trailer was missing kept the tape this header is on: the new message starts a new one
      if (t !== this.cur) {
        this.cur.copy(t, i);
        t = this.cur;
        i = t.length - 1;
      }
      m.tape = t;
      m.tapeStart = i;
    }
    m.segmentCount = 1;
    if (!interactive && !m.ref) this.addMsg(m, this.f('13', 'error', 'UNH message reference (0062) missing', seg, 'message', { element: 1 }));
    if (!m.type || !m.version || !m.release || (!interactive && !m.agency)) this.addMsg(m, this.f('13', 'error', `${seg.tag} message identifier incomplete (type:version:release:agency)`, seg, 'message', { element: idEl + 1 }));
    if (ich.interactive !== interactive && ich.header) this.addMsg(m, this.f('15', 'error', `${seg.tag} inside a ${ich.header.tag} interchange`, seg, 'message'));
    if (this.opts.keepMessages) ich.messages.push(m);
    this.events.messageStart?.(m, ich);
    this.checker = this.opts.checker?.(m, ich, (f) => this.addMsg(m, f)) ?? null;
  }

  private checkSegment(t: SegmentTape, i: number, pos: number): void {
    if (this.checker && this.msg) this.checker.segment(t, i, pos);
  }

  private closeMessage(trailer: SegmentView | null): void {
    const m = this.msg!;
    const ich = this.ich!;
    this.msg = null;
    // the message keeps the tape its segments are on; the next segments go to a new one
    if (m.tape) this.cur = new SegmentTape(m.tape);
    const trailerTag = m.interactive ? 'UIT' : 'UNT';
    if (!trailer) {
      this.addMsg(m, this.f('13', 'error', `message trailer ${trailerTag} missing`, null, 'message', { tag: trailerTag, messageSegment: m.segmentCount + 1 }));
    } else {
      const count = m.interactive ? el(trailer, 1) : el(trailer, 0);
      const ref = m.interactive ? el(trailer, 0) : el(trailer, 1);
      const countPos = m.interactive ? 2 : 1;
      const refPos = m.interactive ? 1 : 2;
      if (!(m.interactive && !count) && (!/^\d+$/.test(count) || Number(count) !== m.segmentCount)) {
        this.addMsg(m, this.f('29', 'error', `${trailerTag} segment count ${JSON.stringify(count)} but the message has ${m.segmentCount} segments`, trailer, 'message', { element: countPos }));
      }
      if (!(m.interactive && !ref && !m.ref) && ref !== m.ref) {
        this.addMsg(m, this.f('28', 'error', `${trailerTag} reference ${JSON.stringify(ref)} does not match ${m.interactive ? 'UIH' : 'UNH'} ${JSON.stringify(m.ref)}`, trailer, 'message', { element: refPos }));
      }
      if (this.checker) this.checker.segment(trailer.tape, trailer.index, m.segmentCount);
    }
    if (this.checker) this.checker.end();
    this.checker = null;
    m.closed = true;
    this.events.messageEnd?.(m, ich);
  }
}

export { SERVICE_TAGS };
