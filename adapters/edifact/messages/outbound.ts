/**
 * Envelopes and bytes for what the hub sends: PAXLST manifests to authorities, and the AVLRSP/RESRSP
 * answers to a partner's request, written with the engine's serializer. An answer goes back in the form
 * the request came in: a UIB/UIH interactive interchange for UIB, a UNB/UNH batch one for UNB, with the
 * request's syntax identifier and separators.
 */
import type { Manifest } from '../../../core/model';
import { buildInterchange, charsetFor, DEFAULT_SEPARATORS, serializeSegments, OUR_ID, type Interchange, type PartyId, type SegmentData, type Separators } from '..';
import { assertNoViolations } from '../../../core/errors';
import { fitText } from './fit';
import { carriesArabic, paxlstProblems } from './paxlst-limits';
import { PAXLST_ID, renderPaxlst } from './paxlst';

/** Options for an outgoing PAXLST interchange. */
export interface PaxlstOptions {
  sender?: PartyId;
  recipient: PartyId;
  /** UNB 0020, unique per recipient (the caller takes it from the partner's outgoing sequence). */
  controlRef: string;
  messageRef?: string;
  prepared?: Date;
  /** Default UNOA (upper-case Latin): authorities ask for it. Use UNOW or UNOI to send Arabic names. */
  syntaxId?: string;
  separators?: Separators;
  /** IATA PAXLST goes inside a UNG functional group (default true). */
  group?: boolean;
}

/**
 * A canonical manifest as a PAXLST interchange (D:05B, IATA association, BGM 745/250, CNT 42/41). Throws
 * GW_BAD_INPUT, every problem with its path in the manifest, when a value cannot be written as given
 * (`paxlstProblems`): nothing is ever sent blanked.
 */
export function manifestToPaxlst(m: Manifest, o: PaxlstOptions): Buffer {
  const sender = o.sender ?? OUR_ID;
  const syntaxId = o.syntaxId ?? 'UNOA';
  assertNoViolations(paxlstProblems(m, { syntaxId, to: o.recipient.id, prepared: o.prepared }), 'The manifest cannot be written as a PAXLST');
  // Arabic-script names go out only in a repertoire that can carry them (UNOI, UNOW, UNOY).
  const arabicNames = carriesArabic(syntaxId);
  const message = { ...PAXLST_ID, ref: o.messageRef ?? '1', segments: fitSegments(renderPaxlst(m, { arabicNames }), syntaxId) };
  const segs = buildInterchange({
    syntax: { id: syntaxId, version: 4 },
    sender,
    recipient: o.recipient,
    controlRef: o.controlRef,
    prepared: o.prepared,
    ...(o.group === false
      ? { messages: [message] }
      : { groups: [{ ref: o.controlRef.slice(0, 14), functionalId: 'PAXLST', sender, recipient: o.recipient, messages: [message], agency: 'UN', messageVersion: ['D', '05B'] as [string, string] }] }),
  });
  return serializeSegments(segs, { syntaxId, separators: o.separators, una: true, fit: true });
}

function fitSegments(segs: SegmentData[], syntaxId: string): SegmentData[] {
  return segs.map((s) => ({ ...s, elements: s.elements.map((el) => el.map((v) => fitText(v, syntaxId))) }));
}

/** The request message's reference echoed on its answer, within 0062's 14 characters (1 when it had none). */
function answerRef(ref: string): string {
  return ref.slice(0, 14) || '1';
}

/** One response message: its type and body segments. */
export interface ResponseMessage {
  type: 'AVLRSP' | 'RESRSP' | string;
  /** Answers the request message with this reference (echoed as the response's reference). */
  ref: string;
  segments: SegmentData[];
}

/**
 * The answer interchange to `request`: sender and recipient swapped, same syntax and separators.
 * Interactive: `UIB` echoes the initiator's dialogue reference S302 (0300 initiator control reference,
 * 0303 initiator reference identification, 0051 controlling agency) and adds `responderRef` as its fourth
 * component, 0304 responder control reference (ISO 9735-5); batch: `UNB` carries `responderRef` as 0020.
 */
export function responseInterchange(request: Interchange, messages: ResponseMessage[], responderRef: string, prepared = new Date()): Buffer {
  const syntaxId = request.syntax.id || 'UNOA';
  const version = request.syntax.version || '4';
  // the request's separators, unless one cannot be written in the answer's repertoire (a damaged UNA)
  const enc = charsetFor(syntaxId).encoding;
  const writable = (c: number) => c < 0 || c < 0x80 || enc === 'latin1';
  const r = request.separators;
  const own = [r.component, r.element, r.decimal, r.release, r.repetition, r.segment].every(writable);
  // amounts are written with a full stop: the UNA says so, even when the request declared a comma
  const dotFree = ![r.component, r.element, r.release, r.repetition, r.segment].includes(0x2e);
  const seps = own ? { ...r, decimal: dotFree ? 0x2e : r.decimal } : DEFAULT_SEPARATORS;
  const una = request.una !== null || !own;
  if (!request.interactive) {
    const segs = buildInterchange({
      syntax: { id: syntaxId, version },
      sender: request.recipient.id ? request.recipient : OUR_ID,
      recipient: request.sender,
      controlRef: responderRef.slice(0, 14),
      prepared,
      messages: messages.map((m) => ({ type: m.type, version: 'D', release: '21A', agency: 'UN', ref: answerRef(m.ref), segments: fitSegments(m.segments, syntaxId) })),
    });
    return serializeSegments(segs, { syntaxId, separators: seps, una, fit: true });
  }
  const iso = prepared.toISOString();
  const stamp = [iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10), iso.slice(11, 13) + iso.slice(14, 16)];
  const party = (p: PartyId) => (p.qualifier ? [p.id, p.qualifier] : [p.id]);
  const header = request.header;
  const s302 = [request.controlRef, header?.elements[1]?.[1] ?? '', header?.elements[1]?.[2] ?? '', responderRef];
  const out: SegmentData[] = [{
    tag: 'UIB',
    elements: [
      [syntaxId, version],
      s302,
      header?.elements[2] ?? [''],
      header?.elements[3] ?? [''],
      header?.elements[4] ?? [''],
      party(request.recipient.id ? request.recipient : OUR_ID),
      party(request.sender),
      stamp,
    ],
  }];
  for (const m of messages) {
    const body: SegmentData[] = [{ tag: 'UIH', elements: [[m.type, 'D', '21A', 'UN'], [answerRef(m.ref)]] }, ...fitSegments(m.segments, syntaxId)];
    body.push({ tag: 'UIT', elements: [[answerRef(m.ref)], [String(body.length + 1)]] });
    out.push(...body);
  }
  out.push({ tag: 'UIZ', elements: [s302, [String(messages.length)]] });
  return serializeSegments(out, { syntaxId, separators: seps, una, fit: true });
}
