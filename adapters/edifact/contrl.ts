/**
 * CONTRL (syntax and service report) generation, syntax 3 (`CONTRL:D:3:UN`) and syntax 4 (`CONTRL:4:1:UN`)
 * forms, structure UNH · UCI · SG1[UCM · SG2[UCS · UCD]] · SG3[UCF · SG4[UCM · SG5[UCS · UCD]]] · UNT.
 *
 * - UCI: the subject interchange (0020, S002, S003), action 0083 (4 rejected, 7 acknowledged), and the
 *   first interchange-level error: 0085, offending service segment 0135, S011 element:component.
 * - UCF per group (when the interchange has groups), UCM per message: rejected ones always, accepted ones
 *   too in an acceptance CONTRL. UNH/UNT errors go on the UCM (0085 + 0135). A rejected interchange lists
 *   no UCF or UCM; under a rejected group (UCF 4) only messages with errors of their own get a UCM.
 * - UCS per erroneous body segment (0096 = position in the message, UNH = 1), with 0085 for segment
 *   errors; UCD per erroneous data element (0085 + S011 element position : component position).
 * Only error findings are reported; warnings never appear in a CONTRL.
 */
import { groupOf, messageRejected, type Group, type Interchange, type Message } from './interchange';
import { buildInterchange, serializeSegments } from './serializer';
import { DEFAULT_SEPARATORS, OUR_ID, type Finding, type PartyId, type SegmentData, type Separators } from './types';

export interface ContrlOptions {
  /** 3 or 4; default 4 when the subject interchange is syntax 4, else 3. */
  version?: 3 | 4;
  /** Our outgoing interchange control reference (from the partner's sequence). */
  controlRef: string;
  /** CONTRL message reference (default '1'). */
  messageRef?: string;
  /** Our identity (default MAQAM:ZZZ). */
  ourId?: PartyId;
  /** Syntax identifier of the CONTRL interchange (default the subject's, or UNOC when unknown). */
  syntaxId?: string;
  separators?: Separators;
  /** Report accepted messages too (acceptance CONTRL). Default: when the subject's UNB 0031 = 1. */
  acceptance?: boolean;
  prepared?: Date;
  lineBreaks?: boolean;
}

export interface Contrl {
  /** UCI 0083 for the interchange: 4 rejected, 7 acknowledged. */
  action: '4' | '7';
  /** The whole CONTRL interchange as segments (UNB … UNZ) and as bytes. */
  segments: SegmentData[];
  bytes: Buffer;
  /** References of the messages not accepted: those rejected, and every message of a rejected interchange. */
  rejectedMessages: string[];
  /** References of the messages accepted (none when the interchange is rejected as a whole). */
  acceptedMessages: string[];
}

const ENVELOPE_TAGS = new Set(['UNA', 'UNB', 'UNZ', 'UNG', 'UNE', 'UNH', 'UNT', 'UIB', 'UIZ', 'UIH', 'UIT']);

function errors(fs: Finding[]): Finding[] {
  return fs.filter((f) => f.severity === 'error');
}

/** An echoed value made valid for its position: control characters replaced, cut to the maximum length. */
function echo(v: string | undefined, max: number): string {
  let out = '';
  for (const ch of v ?? '') {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? '.' : ch;
  }
  return out.length > max ? out.slice(0, max) : out;
}

function partyEl(p: PartyId): string[] {
  return p.qualifier ? [echo(p.id, 35), echo(p.qualifier, 4)] : [echo(p.id, 35)];
}

function s011(f: Finding, version: 3 | 4): string[] | null {
  if (!f.element) return null;
  const out = [String(f.element)];
  if (f.component || (version === 4 && f.repetition)) out.push(f.component ? String(f.component) : '');
  if (version === 4 && f.repetition) out.push(String(f.repetition));
  return out;
}

/** UCI/UCF/UCM error part: 0085, 0135 (service segment tag), S011. */
function errorPart(f: Finding | undefined, version: 3 | 4, withS011: boolean): string[][] {
  if (!f) return [];
  const out: string[][] = [[f.code]];
  const tag = f.tag && ENVELOPE_TAGS.has(f.tag) ? f.tag : '';
  const pos = withS011 && tag ? s011(f, version) : null;
  if (tag || pos) out.push([tag]);
  if (pos) out.push(pos);
  return out;
}

/** Message identifier S009 as received. */
/**
 * S009 of the subject message. Its four first components are mandatory: what a broken header lacks is
 * written ZZZ (mutually defined), so that the CONTRL itself stays valid and still points at the message.
 */
function s009(m: Message): string[] {
  const id = [echo(m.type, 6) || 'ZZZ', echo(m.version, 3) || 'ZZZ', echo(m.release, 3) || 'ZZZ', echo(m.agency, 3) || 'ZZZ'];
  if (m.association) id.push(echo(m.association, 6));
  return id;
}

/** UNH/UNT (UIH/UIT) errors are reported on the UCM itself; the others as UCS/UCD. */
function isHeaderTrailer(f: Finding): boolean {
  return !!f.tag && (f.tag === 'UNH' || f.tag === 'UNT' || f.tag === 'UIH' || f.tag === 'UIT');
}

/** UCS/UCD segments for a message's body errors. */
function bodyReports(m: Message, version: 3 | 4): SegmentData[] {
  const out: SegmentData[] = [];
  const byPos = new Map<number, Finding[]>();
  for (const f of errors(m.findings)) {
    if (isHeaderTrailer(f) || f.messageSegment === undefined) continue;
    const list = byPos.get(f.messageSegment) ?? [];
    list.push(f);
    byPos.set(f.messageSegment, list);
  }
  for (const pos of [...byPos.keys()].sort((a, b) => a - b)) {
    const list = byPos.get(pos)!;
    const segLevel = list.find((f) => !f.element);
    out.push({ tag: 'UCS', elements: segLevel ? [[String(pos)], [segLevel.code]] : [[String(pos)]] });
    let n = 0;
    for (const f of list) {
      if (!f.element || n >= 99) continue;
      out.push({ tag: 'UCD', elements: [[f.code], s011(f, version)!] });
      n++;
    }
  }
  return out;
}

function ucm(m: Message, version: 3 | 4): SegmentData[] {
  const errs = errors(m.findings);
  // the UCM carries a header/trailer error, else one about the message as a whole (a value core refused)
  const ht = errs.find(isHeaderTrailer) ?? errs.find((f) => f.messageSegment === undefined && f.level === 'message' && !f.tag);
  const action = m.rejected ? '4' : '7';
  const seg: SegmentData = { tag: 'UCM', elements: [[echo(m.ref, 14) || 'UNKNOWN'], s009(m), [action], ...(m.rejected ? errorPart(ht, version, !(ht && (ht.code === '28' || ht.code === '29'))) : [])] };
  return [seg, ...(m.rejected ? bodyReports(m, version) : [])];
}

function ucf(g: Group, version: 3 | 4): SegmentData {
  const e = errors(g.findings)[0];
  return {
    tag: 'UCF',
    elements: [[echo(g.ref, 14)], g.sender?.id ? partyEl(g.sender) : [''], g.recipient?.id ? partyEl(g.recipient) : [''], [g.rejected ? '4' : '7'], ...(g.rejected ? errorPart(e, version, true) : [])],
  };
}

/** The segments of the CONTRL message body (UNH … UNT) answering one interchange. */
export function contrlMessage(ich: Interchange, opts: Pick<ContrlOptions, 'version' | 'messageRef' | 'acceptance'> = {}): { segments: SegmentData[]; action: '4' | '7'; rejected: string[]; accepted: string[] } {
  const version = opts.version ?? (ich.syntax.version === '4' ? 4 : 3);
  const ichErrors = errors(ich.findings);
  const action: '4' | '7' = ich.rejected ? '4' : '7';
  const acceptance = opts.acceptance ?? ich.ackRequested;
  const body: SegmentData[] = [];
  const first = ichErrors[0];
  body.push({
    tag: 'UCI',
    // UCI 0020, S002 and S003 are mandatory: what a broken interchange lacks is said as UNKNOWN (it reached us)
    elements: [
      [echo(ich.controlRef, 14) || 'UNKNOWN'],
      ich.sender.id ? partyEl(ich.sender) : ['UNKNOWN'],
      ich.recipient.id ? partyEl(ich.recipient) : partyEl(OUR_ID),
      [action],
      ...(first ? errorPart(first, version, true) : []),
    ],
  });
  const rejected: string[] = [];
  const accepted: string[] = [];
  // A rejected interchange lists no message; a rejected group (UCF action 4) lists only the messages with
  // errors of their own: the others are rejected with it, not accepted, and have nothing to report.
  const report = (m: Message) => {
    (ich.rejected || messageRejected(ich, m) ? rejected : accepted).push(m.ref);
    return !ich.rejected && (m.rejected || (acceptance && !messageRejected(ich, m)));
  };
  if (ich.groups.length === 0) {
    for (const m of ich.messages) if (report(m)) body.push(...ucm(m, version));
  } else {
    // each message's group found once (groupOf scans the groups), not once per group
    const byGroup = new Map<Group, Message[]>(ich.groups.map((g) => [g, []]));
    const outside: Message[] = [];
    for (const m of ich.messages) {
      const g = groupOf(ich, m);
      if (g) byGroup.get(g)!.push(m);
      else outside.push(m);
    }
    for (const g of ich.groups) {
      const wanted = byGroup.get(g)!.filter((m) => report(m));
      if (ich.rejected) continue;
      if (g.rejected || wanted.length || acceptance) {
        body.push(ucf(g, version));
        for (const m of wanted) body.push(...ucm(m, version));
      }
    }
    // messages outside any group in a grouped interchange are reported through the UCI (code 30)
    for (const m of outside) report(m);
  }
  const ref = opts.messageRef ?? '1';
  const id = version === 4 ? ['CONTRL', '4', '1', 'UN'] : ['CONTRL', 'D', '3', 'UN'];
  const segments: SegmentData[] = [{ tag: 'UNH', elements: [[ref], id] }, ...body];
  segments.push({ tag: 'UNT', elements: [[String(segments.length + 1)], [ref]] });
  return { segments, action, rejected, accepted };
}

/** Builds the CONTRL interchange answering `ich`, addressed back to its sender. */
export function buildContrl(ich: Interchange, opts: ContrlOptions): Contrl {
  const version = opts.version ?? (ich.syntax.version === '4' ? 4 : 3);
  const msg = contrlMessage(ich, { ...opts, version });
  const body = msg.segments.slice(1, -1);
  const ref = opts.messageRef ?? '1';
  const syntaxId = opts.syntaxId ?? (ich.syntax.id && /^(UNO[A-Y]|IAT[AB])$/.test(ich.syntax.id) ? ich.syntax.id : 'UNOC');
  const recipient: PartyId = ich.sender.id ? ich.sender : { id: 'UNKNOWN' };
  const segments = buildInterchange({
    syntax: { id: syntaxId, version: String(version) },
    sender: opts.ourId ?? OUR_ID,
    recipient: { id: echo(recipient.id, 35) || 'UNKNOWN', ...(recipient.qualifier ? { qualifier: echo(recipient.qualifier, 4) } : {}) },
    prepared: opts.prepared,
    controlRef: opts.controlRef,
    messages: [{ ref, type: 'CONTRL', version: version === 4 ? '4' : 'D', release: version === 4 ? '1' : '3', agency: 'UN', segments: body }],
  });
  // values echoed from the subject interchange may hold characters the reply's repertoire lacks: fitted
  const bytes = serializeSegments(segments, { separators: opts.separators ?? DEFAULT_SEPARATORS, syntaxId, lineBreaks: opts.lineBreaks, fit: true });
  return { action: msg.action, segments, bytes, rejectedMessages: msg.rejected, acceptedMessages: msg.accepted };
}
