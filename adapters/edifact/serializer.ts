/**
 * Writes segments with any separator set, escaping service characters with the release character, and
 * builds complete envelopes (UNA?, UNB, [UNG], UNH … UNT, [UNE], UNZ) with correct counts and references.
 * Strings are encoded per the syntax identifier (UNOC → ISO 8859-1, UNOI → ISO 8859-6, UNOW/UNOY → UTF-8).
 */
import { encodeString, encodingFor, fitRepertoire } from './charset';
import { DEFAULT_SEPARATORS, separatorsToString, type PartyId, type SegmentData, type Separators } from './types';

export interface SerializeOptions {
  separators?: Separators;
  /** Write a UNA service string advice first: true, false, or 'auto' (only when separators differ from the defaults). */
  una?: boolean | 'auto';
  /** Syntax identifier deciding the byte encoding (default UNOC; taken from the UNB when present). */
  syntaxId?: string;
  /** Add a line break after each segment terminator (readable output; tolerated by most receivers). */
  lineBreaks?: boolean;
  /** Drop trailing empty components/elements (ISO 9735 forbids trailing separators). Default true. */
  trimTrailing?: boolean;
  /**
   * Make values writable instead of throwing (replies that echo what they answer): each is fitted to the
   * repertoire (`fitRepertoire`), and with separators that have no release character a service character
   * inside a value becomes a space.
   */
  fit?: boolean;
}

function sameSeps(a: Separators, b: Separators): boolean {
  return a.component === b.component && a.element === b.element && a.decimal === b.decimal && a.release === b.release && a.repetition === b.repetition && a.segment === b.segment;
}

/** Escapes one value: service characters are prefixed with the release character. */
export function escapeValue(v: string, s: Separators): string {
  let need = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === s.component || c === s.element || c === s.segment || c === s.release || c === s.repetition) {
      need = true;
      break;
    }
  }
  if (!need) return v;
  if (s.release < 0) throw new Error(`value ${JSON.stringify(v)} contains a service character and the separator set has no release character`);
  const r = String.fromCharCode(s.release);
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === s.component || c === s.element || c === s.segment || c === s.release || c === s.repetition) out += r;
    out += v[i];
  }
  return out;
}

function trimComps(comps: string[]): string[] {
  let n = comps.length;
  while (n > 1 && comps[n - 1] === '') n--;
  return n === comps.length ? comps : comps.slice(0, n);
}

/** One segment as text (without encoding), terminator included. */
export function segmentToString(seg: SegmentData, s: Separators, trimTrailing = true): string {
  const comp = String.fromCharCode(s.component);
  const elem = String.fromCharCode(s.element);
  let elements = seg.elements;
  if (trimTrailing) {
    let n = elements.length;
    while (n > 0 && (elements[n - 1].length === 0 || (elements[n - 1].length === 1 && elements[n - 1][0] === '')) && !seg.repetitions?.[n - 1]) n--;
    if (n !== elements.length) elements = elements.slice(0, n);
  }
  let out = seg.tag;
  for (let e = 0; e < elements.length; e++) {
    out += elem;
    const reps = seg.repetitions?.[e];
    const list = reps && reps.length > 0 ? reps : [elements[e]];
    for (let r = 0; r < list.length; r++) {
      if (r > 0) {
        if (s.repetition < 0) throw new Error(`segment ${seg.tag} repeats element ${e + 1} but the separator set has no repetition separator`);
        out += String.fromCharCode(s.repetition);
      }
      const comps = trimTrailing ? trimComps(list[r]) : list[r];
      for (let c = 0; c < comps.length; c++) {
        if (c > 0) out += comp;
        out += escapeValue(comps[c], s);
      }
    }
  }
  return out + String.fromCharCode(s.segment);
}

/** Every value of `segments` made writable with syntax identifier `syntaxId` and separators `s` (option `fit`). */
function fitValues(segments: SegmentData[], syntaxId: string, s: Separators): SegmentData[] {
  const unescapable = s.release < 0 ? [s.component, s.element, s.repetition, s.segment].filter((c) => c >= 0).map((c) => String.fromCharCode(c)) : [];
  const fit = (v: string) => {
    let t = fitRepertoire(v, syntaxId);
    for (const ch of unescapable) if (t.includes(ch)) t = t.split(ch).join(' ').replace(/ {2,}/g, ' ').trim();
    return t;
  };
  const fitEls = (els: string[][]) => els.map((el) => el.map(fit));
  return segments.map((seg) => {
    const out: SegmentData = { ...seg, elements: fitEls(seg.elements) };
    if (seg.repetitions) out.repetitions = Object.fromEntries(Object.entries(seg.repetitions).map(([k, reps]) => [k, fitEls(reps)]));
    return out;
  });
}

/** Serializes segments to bytes. A UNB among them decides the encoding unless `syntaxId` is given. */
export function serializeSegments(input: SegmentData[], opts: SerializeOptions = {}): Buffer {
  const s = opts.separators ?? DEFAULT_SEPARATORS;
  const una = opts.una === 'auto' || opts.una === undefined ? !sameSeps(s, DEFAULT_SEPARATORS) : opts.una;
  const syntaxId = opts.syntaxId ?? input.find((x) => x.tag === 'UNB' || x.tag === 'UIB')?.elements[0]?.[0] ?? 'UNOC';
  const segments = opts.fit ? fitValues(input, syntaxId, s) : input;
  const nl = opts.lineBreaks ? '\n' : '';
  const parts: string[] = [];
  if (una) parts.push('UNA' + separatorsToString(s) + nl);
  for (const seg of segments) parts.push(segmentToString(seg, s, opts.trimTrailing ?? true) + nl);
  return encodeString(parts.join(''), encodingFor(syntaxId));
}

export interface MessageSpec {
  /** UNH 0062 (default: 1, 2, … in order). */
  ref?: string;
  type: string;
  version: string;
  release: string;
  agency: string;
  association?: string;
  commonAccessRef?: string;
  /** Body segments, without UNH and UNT. */
  segments: SegmentData[];
}

export interface GroupSpec {
  ref: string;
  /** Syntax 1–3: UNG 0038 functional group identification (usually the message type). */
  functionalId?: string;
  sender: PartyId;
  recipient: PartyId;
  messages: MessageSpec[];
  /** UNG S008 message version (syntax 3). */
  messageVersion?: [string, string, string?];
  agency?: string;
}

export interface InterchangeSpec {
  syntax?: { id: string; version: string | number };
  sender: PartyId;
  recipient: PartyId;
  /** Preparation time (default now, UTC). */
  prepared?: Date;
  controlRef: string;
  password?: { value: string; qualifier?: string };
  applicationRef?: string;
  priority?: string;
  ackRequest?: boolean;
  test?: boolean;
  /** Either messages, or groups of messages. */
  messages?: MessageSpec[];
  groups?: GroupSpec[];
}

function partyEl(p: PartyId): string[] {
  const out = [p.id];
  if (p.qualifier || p.internal) out.push(p.qualifier ?? '');
  if (p.internal) out.push(p.internal);
  return out;
}

function stamp(d: Date, version: string): string[] {
  const iso = d.toISOString();
  const date = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
  return [version === '4' ? date : date.slice(2), iso.slice(11, 13) + iso.slice(14, 16)];
}

function messageSegments(m: MessageSpec, ref: string): SegmentData[] {
  const id = [m.type, m.version, m.release, m.agency];
  if (m.association) id.push(m.association);
  const unh: SegmentData = { tag: 'UNH', elements: [[ref], id] };
  if (m.commonAccessRef) unh.elements.push([m.commonAccessRef]);
  const out = [unh, ...m.segments];
  out.push({ tag: 'UNT', elements: [[String(out.length + 1)], [ref]] });
  return out;
}

/** The full segment list of an interchange: counts and references computed. */
export function buildInterchange(spec: InterchangeSpec): SegmentData[] {
  const version = String(spec.syntax?.version ?? 4);
  const syntaxId = spec.syntax?.id ?? 'UNOC';
  const unb: SegmentData = {
    tag: 'UNB',
    elements: [[syntaxId, version], partyEl(spec.sender), partyEl(spec.recipient), stamp(spec.prepared ?? new Date(), version), [spec.controlRef]],
  };
  const tail: [number, string | undefined][] = [
    [5, spec.password ? undefined : ''],
    [6, spec.applicationRef],
    [7, spec.priority],
    [8, spec.ackRequest ? '1' : undefined],
    [9, undefined],
    [10, spec.test ? '1' : undefined],
  ];
  if (spec.password) unb.elements[5] = spec.password.qualifier ? [spec.password.value, spec.password.qualifier] : [spec.password.value];
  for (const [i, v] of tail) if (v) unb.elements[i] = [v];
  for (let i = 0; i < unb.elements.length; i++) if (!unb.elements[i]) unb.elements[i] = [''];
  const out: SegmentData[] = [unb];
  let count = 0;
  if (spec.groups && spec.groups.length) {
    for (const g of spec.groups) {
      const ung: SegmentData = { tag: 'UNG', elements: [] };
      ung.elements.push([g.functionalId ?? g.messages[0]?.type ?? '']);
      ung.elements.push(partyEl(g.sender), partyEl(g.recipient), stamp(spec.prepared ?? new Date(), version), [g.ref]);
      if (g.agency || g.messageVersion) ung.elements.push([g.agency ?? ''], g.messageVersion ? g.messageVersion.filter((x): x is string => !!x) : ['']);
      out.push(ung);
      g.messages.forEach((m, i) => out.push(...messageSegments(m, m.ref ?? String(i + 1))));
      out.push({ tag: 'UNE', elements: [[String(g.messages.length)], [g.ref]] });
      count++;
    }
  } else {
    (spec.messages ?? []).forEach((m, i) => out.push(...messageSegments(m, m.ref ?? String(i + 1))));
    count = spec.messages?.length ?? 0;
  }
  out.push({ tag: 'UNZ', elements: [[String(count)], [spec.controlRef]] });
  return out;
}

/** Builds and serializes an interchange. */
export function serializeInterchange(spec: InterchangeSpec, opts: SerializeOptions = {}): Buffer {
  return serializeSegments(buildInterchange(spec), { syntaxId: spec.syntax?.id ?? 'UNOC', ...opts });
}
