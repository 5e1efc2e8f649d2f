/**
 * Structure validator: checks a message's segments against its generated structure (segment order, group
 * repetitions, mandatory segments) and each segment's elements against the directory (constituent counts,
 * mandatory elements, lengths, character types). Incremental: `segment()` per segment, `end()` at the
 * trailer, so huge messages are validated while streaming.
 *
 * Findings (0085): 13 missing, 15 not supported in this position, 16 too many constituents,
 * 35 too many repetitions, 36 too many segment group repetitions, 37 invalid type of characters,
 * 39 too long, 40 too short. Positions: `messageSegment` (UNH = 1), `element`, `component` (1-based).
 *
 * Which structure: D.21A tables for PAXLST, AVLREQ/AVLRSP, RESREQ/RESRSP/RESMSG, TIQREQ/TIQRSP whatever release the UNH declares (real PAXLST
 * traffic is D:05B with IATA association; the D.21A structure is a superset for the segments it uses,
 * so a message of another release is validated against D.21A and every finding is a warning), the
 * hand-checked PNRGOV structure (order only), CONTRL v3/v4 from the service directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../core/paths';
import type { ElementDef, MessageStructure, SegmentDef, SimpleDef, StructureNode } from '../../mappings/edifact/generate';
import type { Interchange, Message, MessageChecker } from './interchange';
import { SegmentTape, SegmentView } from './tape';
import type { Finding, Segment } from './types';

const cache = new Map<string, unknown>();
function loadJson<T>(rel: string): T | null {
  if (cache.has(rel)) return cache.get(rel) as T | null;
  const file = path.join(projectRoot(), 'mappings', 'edifact', rel);
  const v = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : null;
  cache.set(rel, v);
  return v;
}

export function serviceSegments(syntaxVersion: string): Record<string, SegmentDef> {
  const v = syntaxVersion === '4' ? 'v4' : 'v3';
  return loadJson<{ segments: Record<string, SegmentDef> }>(`generated/service/${v}/segments.json`)?.segments ?? {};
}

export function d21aSegments(): Record<string, SegmentDef> {
  return loadJson<{ segments: Record<string, SegmentDef> }>('generated/d21a/segments.json')?.segments ?? {};
}

/** The structure for a message type, or null when we have none. */
export function structureFor(type: string, syntaxVersion = '4'): MessageStructure | null {
  if (type === 'CONTRL') return loadJson<MessageStructure>(`generated/service/${syntaxVersion === '4' ? 'v4' : 'v3'}/CONTRL.json`);
  if (type === 'PNRGOV') return loadJson<MessageStructure>('structures/PNRGOV.json');
  if (!/^[A-Z]{6}$/.test(type)) return null;
  return loadJson<MessageStructure>(`generated/d21a/messages/${type}.json`);
}


/** Component c of an element whose components are v0 … v0 + count - 1 (see checkElement); '' past them. */
function comp(strings: readonly string[], ids: Int32Array | null, v0: number, count: number, c: number): string {
  return c >= count ? '' : ids ? strings[ids[v0 + c]] : strings[v0 + c];
}

/**
 * A structure node as the validator walks it: one shape for segments and groups, the trigger (first
 * segment) computed once. Placing a segment compares its tag with the triggers of the nodes ahead.
 */
interface Node {
  trigger: string;
  /** The group's name; '' for a segment. */
  group: string;
  min: number;
  max: number;
  children: Node[];
}

function triggerOf(n: StructureNode): string {
  if ('segment' in n) return n.segment;
  return triggerOf(n.children[0]);
}

const compiled = new WeakMap<StructureNode[], Node[]>();

function compile(ns: StructureNode[]): Node[] {
  let c = compiled.get(ns);
  if (!c) {
    c = ns.map((n) => ({ trigger: triggerOf(n), group: 'group' in n ? n.group : '', min: n.min, max: n.max, children: 'group' in n ? compile(n.children) : [] }));
    compiled.set(ns, c);
  }
  return c;
}

interface Frame {
  nodes: Node[];
  idx: number;
  count: number;
}

function nodeName(n: Node): string {
  return n.group ? `${n.group} (${n.trigger})` : n.trigger;
}

export interface ValidatorOptions {
  /** All findings are warnings (lenient partner, or a release other than the structure's). */
  warningsOnly?: boolean;
  /** Decimal mark of the interchange (for numeric elements). */
  decimal?: string;
  syntaxVersion?: string;
}

export class StructureValidator implements MessageChecker {
  private stack: Frame[];
  private readonly segDefs: Record<string, SegmentDef>;
  private readonly service: Record<string, SegmentDef>;
  private readonly elementChecks: boolean;
  private readonly known: Set<string>;
  private lastPos = 0;
  private sawTrailer = false;
  private readonly interactive: boolean;
  /** Findings emitted so far. */
  private emitted = 0;

  constructor(
    readonly structure: MessageStructure,
    private readonly report: (f: Finding) => void,
    private readonly opts: ValidatorOptions = {},
  ) {
    this.stack = [{ nodes: compile(structure.structure), idx: 0, count: 0 }];
    this.service = serviceSegments(opts.syntaxVersion ?? '4');
    this.segDefs = structure.type === 'CONTRL' ? this.service : d21aSegments();
    this.elementChecks = structure.elementChecks !== false;
    this.known = new Set();
    const first = structure.structure[0];
    this.interactive = first !== undefined && 'segment' in first && first.segment === 'UIH';
    const walk = (ns: StructureNode[]) => ns.forEach((n) => ('segment' in n ? this.known.add(n.segment) : walk(n.children)));
    walk(structure.structure);
  }

  private emit(code: string, message: string, pos: number, tag: string, extra: Partial<Finding> = {}): void {
    this.emitted++;
    const ver = this.structure.release === '21A' ? ' (D.21A structure)' : '';
    this.report({ code, severity: this.opts.warningsOnly ? 'warning' : 'error', message: message + ver, level: 'message', messageSegment: pos, tag, ...extra });
  }

  segment(t: SegmentTape, i: number, pos: number): void {
    const tag = t.tag(i);
    this.lastPos = pos;
    if (tag === 'UNT' || tag === 'UIT') this.sawTrailer = true;
    // An interactive message (AVLREQ, RESRSP …) sent in a batch interchange has UNH/UNT where its structure
    // has UIH/UIT: the hub takes and answers that form, so the batch header and trailer stand in for them.
    this.place(this.interactive && tag === 'UNH' ? 'UIH' : this.interactive && tag === 'UNT' ? 'UIT' : tag, pos);
    if (this.elementChecks || tag.charCodeAt(0) === 0x55) {
      const def = tag === 'UNH' || tag === 'UNT' || tag === 'UIH' || tag === 'UIT' ? this.service[tag] : this.segDefs[tag];
      if (def) this.checkElements(t, i, def, pos);
    }
  }

  end(): void {
    if (!this.sawTrailer) return; // the envelope builder already reports the missing trailer
  }

  /** Finds where `tag` fits from the current state; reports skipped mandatory nodes and repetition overflows. */
  private place(tag: string, pos: number): void {
    // first pass: only candidates that can take one more occurrence; second pass: accept an overflow (35/36)
    if (!this.tryPlace(tag, pos, false) && !this.tryPlace(tag, pos, true)) {
      this.emit('15', this.known.has(tag) ? `segment ${tag} not expected in this position` : `segment ${tag} is not part of ${this.structure.type}`, pos, tag);
    }
  }

  private tryPlace(tag: string, pos: number, allowOverflow: boolean): boolean {
    const st = this.stack;
    for (let level = st.length - 1; level >= 0; level--) {
      const f = st[level];
      for (let j = f.idx; j < f.nodes.length; j++) {
        const n = f.nodes[j];
        if (n.trigger !== tag) continue;
        if (!allowOverflow && j === f.idx && f.count >= n.max) continue;
        // a group's trigger seen again is a new occurrence of the group (36 if too many), not a repeated segment
        if (allowOverflow && level > 0 && j === 0) continue;
        // commit: close inner frames, report skipped mandatory nodes
        if (st.length > level + 1) {
          for (let l = st.length - 1; l > level; l--) this.closeFrame(st[l], st[l].idx, pos, tag);
          st.length = level + 1;
        }
        this.skipped(f, j, pos, tag);
        if (j === f.idx && f.count > 0) f.count++;
        else {
          f.idx = j;
          f.count = 1;
        }
        if (f.count > n.max) {
          if (!n.group) this.emit('35', `segment ${tag} repeated more than ${n.max} time(s)`, pos, tag);
          else this.emit('36', `group ${n.group} repeated more than ${n.max} time(s)`, pos, tag);
        }
        if (n.group) st.push({ nodes: n.children, idx: 0, count: 1 });
        return true;
      }
    }
    return false;
  }

  /** Reports mandatory nodes between the frame's current node and j (exclusive) that never occurred. */
  private skipped(f: Frame, j: number, pos: number, tag: string): void {
    for (let k = f.idx; k < j; k++) {
      const n = f.nodes[k];
      const reps = k === f.idx ? f.count : 0;
      if (reps < n.min) this.missing(n, pos, tag);
    }
  }

  private closeFrame(f: Frame, from: number, pos: number, tag: string): void {
    for (let k = from; k < f.nodes.length; k++) {
      const n = f.nodes[k];
      const reps = k === f.idx ? f.count : 0;
      if (reps < n.min) this.missing(n, pos, tag);
    }
  }

  private missing(n: Node, pos: number, before: string): void {
    const name = nodeName(n);
    this.emit('13', `mandatory ${n.group ? 'group' : 'segment'} ${name} missing before ${before}`, pos, n.trigger);
  }

  /** Element checks only (no structure position), e.g. for service segments outside messages. */
  checkOnly(t: SegmentTape, i: number, def: SegmentDef, pos: number): void {
    this.checkElements(t, i, def, pos);
  }

  private checkElements(t: SegmentTape, i: number, def: SegmentDef, pos: number): void {
    const defs = def.elements;
    const tag = t.tag(i);
    const count = t.elementsOf(i);
    const repetitions = t.repetitionsOf(i);
    if (count > defs.length) this.emit('16', `${tag} has ${count} data elements, at most ${defs.length} defined`, pos, tag, { element: defs.length + 1 });
    const n = Math.min(count, defs.length);
    const j0 = t.firstElement[i];
    for (let e = 0; e < defs.length; e++) {
      const d = defs[e];
      if (e >= n) {
        if (d.required) this.emit('13', `${tag} mandatory data element ${d.id} ${d.name} missing`, pos, tag, { element: e + 1 });
        continue;
      }
      const reps = repetitions?.[e];
      if (!reps) {
        const v0 = t.firstValue[j0 + e];
        this.checkElement(tag, t.strings, t.ids, v0, t.firstValue[j0 + e + 1] - v0, d, pos, e + 1, 0);
        continue;
      }
      if (reps.length > d.repeat) this.emit('35', `${tag} data element ${d.id} repeated ${reps.length} times, at most ${d.repeat}`, pos, tag, { element: e + 1 });
      for (let r = 0; r < reps.length; r++) this.checkElement(tag, reps[r], null, 0, reps[r].length, d, pos, e + 1, reps.length > 1 ? r + 1 : 0);
    }
  }

  /** Where a finding about an element points: element, component and repetition numbers (1-based, 0 = none). */
  private at(element: number, component: number, repetition: number): Partial<Finding> {
    const x: Partial<Finding> = { element };
    if (component) x.component = component;
    if (repetition) x.repetition = repetition;
    return x;
  }

  /**
   * The element whose components are components v0 … v0 + count - 1: strings[ids[k]] on a tape, or
   * strings[k] when ids is null (one repetition of a repeated element).
   */
  private checkElement(tag: string, strings: readonly string[], ids: Int32Array | null, v0: number, count: number, d: ElementDef, pos: number, element: number, repetition: number): void {
    let empty = true;
    for (let c = 0; c < count; c++) {
      if (comp(strings, ids, v0, count, c) !== '') {
        empty = false;
        break;
      }
    }
    if (empty) {
      if (d.required) this.emit('13', `${tag} mandatory data element ${d.id} ${d.name} missing`, pos, tag, this.at(element, 0, repetition));
      return;
    }
    if (d.composite) {
      const cs = d.components;
      if (!cs) return;
      if (count > cs.length) this.emit('16', `${tag} ${d.id} has ${count} components, at most ${cs.length} defined`, pos, tag, this.at(element, cs.length + 1, repetition));
      for (let c = 0; c < cs.length; c++) {
        const v = comp(strings, ids, v0, count, c);
        if (v === '') {
          if (cs[c].required) this.emit('13', `${tag} ${d.id} mandatory component ${cs[c].id} ${cs[c].name} missing`, pos, tag, this.at(element, c + 1, repetition));
          continue;
        }
        this.checkValue(tag, v, cs[c], pos, element, c + 1, repetition);
      }
    } else {
      if (count > 1) this.emit('16', `${tag} simple data element ${d.id} has ${count} components`, pos, tag, this.at(element, 2, repetition));
      this.checkValue(tag, comp(strings, ids, v0, count, 0), d as unknown as SimpleDef, pos, element, 0, repetition);
    }
  }

  private checkValue(tag: string, v: string, d: SimpleDef, pos: number, element: number, component: number, repetition: number): void {
    let len = v.length;
    if (d.type === 'n') {
      const dec = this.opts.decimal ?? '.';
      let digits = 0;
      let ok = true;
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c >= 0x30 && c <= 0x39) digits++;
        else if ((v[i] === '-' && i === 0) || v[i] === dec || v[i] === '.') continue;
        else ok = false;
      }
      if (!ok || digits === 0) {
        this.emit('37', `${tag} ${d.id} ${d.name} must be numeric, got ${JSON.stringify(v.slice(0, 40))}`, pos, tag, this.at(element, component, repetition));
        return;
      }
      len = digits;
    } else if (d.type === 'a') {
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c >= 0x30 && c <= 0x39) {
          this.emit('37', `${tag} ${d.id} ${d.name} must be alphabetic, got ${JSON.stringify(v.slice(0, 40))}`, pos, tag, this.at(element, component, repetition));
          return;
        }
      }
    }
    if (d.max && len > d.max) this.emit('39', `${tag} ${d.id} ${d.name} is ${len} characters long, at most ${d.max}`, pos, tag, this.at(element, component, repetition));
    else if (d.min && len < d.min) this.emit('40', `${tag} ${d.id} ${d.name} is ${len} characters long, at least ${d.min}`, pos, tag, this.at(element, component, repetition));
  }
}

/** Validates a complete message's segments (UNH … UNT); returns the findings. */
export function validateMessage(m: Pick<Message, 'type' | 'release' | 'segments'>, opts: ValidatorOptions & { lenient?: boolean } = {}): Finding[] {
  const s = structureFor(m.type, opts.syntaxVersion);
  if (!s) return [];
  const out: Finding[] = [];
  const exact = s.release === m.release || s.type === 'PNRGOV' || s.type === 'CONTRL';
  const v = new StructureValidator(s, (f) => out.push(f), { ...opts, warningsOnly: opts.warningsOnly || opts.lenient || !exact });
  const segs = m.segments;
  const { tape, from } = onTape(segs);
  for (let i = 0; i < segs.length; i++) v.segment(tape, from + i, i + 1);
  v.end();
  return out;
}

const NO_STRUCTURE: MessageStructure = { type: 'SERVICE', version: '', release: '', agency: '', source: '', structure: [], undefinedSegments: [] };

/**
 * The tape and first index of consecutive segments: their own when they are consecutive views of one tape
 * (what the parser gives), else a tape made of them.
 */
function onTape(segs: readonly Segment[]): { tape: SegmentTape; from: number } {
  const first = segs[0];
  if (first instanceof SegmentView && segs.every((x, k) => x instanceof SegmentView && x.tape === first.tape && x.index === first.index + k)) return { tape: first.tape, from: first.index };
  return { tape: SegmentTape.of(segs), from: 0 };
}

/** Checks a service segment outside messages (UNB, UNZ, UNG, UNE, UIB, UIZ) against the service directory. */
export function checkServiceSegment(seg: Segment, syntaxVersion: string, report: (f: Finding) => void): void {
  const def = serviceSegments(syntaxVersion)[seg.tag];
  if (!def) return;
  const { tape, from } = onTape([seg]);
  new StructureValidator(NO_STRUCTURE, report, { syntaxVersion }).checkOnly(tape, from, def, seg.position);
}

/** The parser's per-message checker: the structure validator for the message's type, or null. */
export function structureChecker(m: Message, ich: Interchange, report: (f: Finding) => void, o: { lenient: boolean }): MessageChecker | null {
  const s = structureFor(m.type, ich.syntax.version);
  if (!s) return null;
  const exact = s.release === m.release || s.type === 'PNRGOV' || s.type === 'CONTRL';
  return new StructureValidator(s, report, {
    warningsOnly: o.lenient || !exact,
    decimal: String.fromCharCode(ich.separators.decimal),
    syntaxVersion: ich.syntax.version,
  });
}
