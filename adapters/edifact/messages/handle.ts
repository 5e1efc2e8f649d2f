/**
 * `POST /edifact`: interchange in, answer out. The syntax engine's inbound pipeline (`processInbound`)
 * checks the envelope against the partner profile (sender = the authenticated partner, recipient,
 * password, duplicate 0020 → 26), archives the raw interchange and builds the CONTRL the partner's policy
 * asks for. Then AVLREQ and RESREQ are run against the gateway and answered with AVLRSP/RESRSP (ERI on
 * refusal) in an interchange of the request's form, archived as the reply (a batch request also gets
 * the CONTRL its partner asks for, before it); PAXLST and PNRGOV are translated and stored whole or not
 * at all (batch.ts), their canonical values returned to the caller, and the CONTRL rejects those not
 * taken. A CONTRL is numbered and archived only when sent.
 *
 * Idempotency: every mutating call carries the key `edifact:<UNB 0020 or UIB S302>:<message ref>` under
 * the authenticated partner. A GDS that resends an interactive interchange (a timeout retry: same 0020)
 * gets the answer of the first one, replayed by core, and no stock moves twice; a resent batch
 * interchange gets the CONTRL with 26.
 */
import type { GatewayApi } from '../../../core/api';
import type { Actor, Booking } from '../../../core/model';
import type { Sql } from '../../postgres/db';
import {
  archiveInterchange, correlateArchive, groupOf, messageRejected, sharedPartnerProfiles, nextControlRef, OUR_ID, processInbound, serializeSegments,
  type Finding as EngineFinding, type InboundInterchange, type Interchange, type Message, type PartnerDirectory, type SegmentData,
} from '..';
import { runAvailability, runReservation } from './exec';
import { errorSegments, parseAvlreq, parseResreq } from './interactive';
import { responseInterchange, type ResponseMessage } from './outbound';
import { recordBatchMessages } from './batch';
import { referenceDay } from './translate';

/** What the handler needs. */
export interface EdifactDeps {
  gateway: GatewayApi;
  /** Duplicate registry, archive and control sequences (omit only in tools without a database). */
  db?: Sql | null;
  /** EDIFACT partner profiles (default: config/partners, loaded once). */
  partners?: PartnerDirectory;
  now?: () => Date;
}

/** The HTTP answer: the response interchange(s) or a CONTRL. */
export interface EdifactReply {
  status: number;
  contentType: string;
  body: Buffer;
  /** Canonical values translated from batch messages (PAXLST manifests, PNRGOV bookings), for the caller to store. */
  canonical: unknown[];
}

export const EDIFACT_CONTENT_TYPE = 'application/EDIFACT';

function firstError(fs: EngineFinding[]): EngineFinding | undefined {
  return fs.find((f) => f.severity === 'error');
}

/** A CONTRL for input in which no interchange could even be found (no UNB/UIB to answer about). */
function noInterchangeContrl(code: string, ref: string, now: Date): Buffer {
  const iso = now.toISOString();
  const segs: SegmentData[] = [
    { tag: 'UNB', elements: [['UNOA', '4'], [OUR_ID.id, OUR_ID.qualifier ?? ''], ['UNKNOWN'], [iso.slice(0, 10).replace(/-/g, ''), iso.slice(11, 16).replace(':', '')], [ref]] },
    { tag: 'UNH', elements: [['1'], ['CONTRL', '4', '1', 'UN']] },
    { tag: 'UCI', elements: [['UNKNOWN'], ['UNKNOWN'], [OUR_ID.id, OUR_ID.qualifier ?? ''], ['4'], [code]] },
    { tag: 'UNT', elements: [['3'], ['1']] },
    { tag: 'UNZ', elements: [['1'], [ref]] },
  ];
  return serializeSegments(segs, { syntaxId: 'UNOA', una: true });
}

function rejectionStatus(ich: Interchange): number {
  const code = firstError(ich.findings)?.code;
  return code === '23' ? 403 : code === '26' ? 409 : 400;
}

interface Answered {
  responses: ResponseMessage[];
  bookings: Booking[];
}

async function answerMessages(deps: EdifactDeps, actor: Actor, ich: Interchange, messages: Message[], now: Date, interactiveOnly: boolean): Promise<Answered> {
  const out: Answered = { responses: [], bookings: [] };
  const tctx = { refDate: referenceDay(ich.date, now) };
  for (const m of messages) {
    const interactive = m.type === 'AVLREQ' || m.type === 'RESREQ';
    if (interactiveOnly && !interactive) continue;
    const type = m.type === 'AVLREQ' ? 'AVLRSP' : 'RESRSP';
    if (messageRejected(ich, m)) {
      const why = firstError(m.findings) ?? firstError(groupOf(ich, m)?.findings ?? []);
      if (interactive) out.responses.push({ type, ref: m.ref, segments: errorSegments('GW_SYNTAX', why?.message ?? 'message rejected') });
      continue;
    }
    if (m.type === 'AVLREQ') {
      const r = parseAvlreq(m.segments, tctx);
      const segments = r.command ? await runAvailability(deps.gateway, { actor }, r.command) : errorSegments('GW_BAD_INPUT', r.findings.list.find((f) => f.severity === 'error')?.message ?? 'invalid AVLREQ');
      out.responses.push({ type, ref: m.ref, segments });
    } else if (m.type === 'RESREQ') {
      const r = parseResreq(m.segments, tctx);
      if (!r.command) {
        out.responses.push({ type, ref: m.ref, segments: errorSegments('GW_BAD_INPUT', r.findings.list.find((f) => f.severity === 'error')?.message ?? 'invalid RESREQ') });
        continue;
      }
      const ctx = { actor, idempotencyKey: `edifact:${ich.controlRef}:${m.ref}`.slice(0, 200) };
      const res = await runReservation(deps.gateway, ctx, r.command, `edifact:${actor.partnerId}`);
      if (res.booking) out.bookings.push(res.booking);
      out.responses.push({ type, ref: m.ref, segments: res.segments });
    }
  }
  return out;
}

async function replyRef(deps: EdifactDeps, ii: InboundInterchange): Promise<string> {
  if (deps.db && ii.partner) return nextControlRef(deps.db, ii.partner.id);
  return `R${ii.interchange.controlRef}`.slice(0, 14);
}

/**
 * Handles the POSTed bytes for an authenticated partner. Never throws on bad input: syntax and envelope
 * problems give a CONTRL, business refusals give ERI inside AVLRSP/RESRSP.
 */
export async function handleEdifact(deps: EdifactDeps, req: { actor: Actor; bytes: Buffer }): Promise<EdifactReply> {
  const now = deps.now?.() ?? new Date();
  const partners = deps.partners ?? sharedPartnerProfiles();
  const recorded = new Map<Interchange, unknown[]>();
  const inbound = await processInbound(req.bytes, {
    partners, db: deps.db ?? null, authenticatedPartnerId: req.actor.partnerId, now, answerRejections: true, deferContrl: true,
    beforeContrl: async (ii) => void recorded.set(ii.interchange, await recordBatchMessages(deps, req.actor, ii.interchange, ii.archiveId, now)),
  });
  if (inbound.interchanges.length === 0) {
    const code = firstError(inbound.findings)?.code ?? '13';
    return { status: 400, contentType: EDIFACT_CONTENT_TYPE, body: noInterchangeContrl(code, `R${now.getTime().toString(36).toUpperCase()}`.slice(0, 14), now), canonical: [] };
  }
  const bodies: Buffer[] = [];
  const canonical: unknown[] = [];
  let status = 200;
  for (const ii of inbound.interchanges) {
    const ich = ii.interchange;
    // A resent interactive interchange is a retry: answer it again (core replays by idempotency key).
    const retry = ii.duplicate && !ich.findings.some((f) => f.severity === 'error' && f.code !== '26');
    if (!ii.processable && !retry) {
      if (ii.contrlWanted) bodies.push((await ii.issueContrl()).bytes);
      status = Math.max(status, rejectionStatus(ich));
      continue;
    }
    const a = await answerMessages(deps, req.actor, ich, ich.messages, now, retry);
    canonical.push(...(recorded.get(ich) ?? []));
    if (a.responses.length === 0) {
      if (ii.contrlWanted) bodies.push((await ii.issueContrl()).bytes);
      if (retry) status = Math.max(status, 409);
      continue;
    }
    // A batch interchange answered with response messages still gets the CONTRL its partner asks for (UNB
    // 0031, ack policy, or a message rejected for syntax), as an interchange of its own before the answer.
    // An interactive dialogue is acknowledged by its response alone, which carries any error as ERI.
    if (ii.contrlWanted && !ich.interactive && !retry) bodies.push((await ii.issueContrl()).bytes);
    const ref = await replyRef(deps, ii);
    const bytes = responseInterchange(ich, a.responses, ref, now);
    bodies.push(bytes);
    if (deps.db) {
      const outId = await archiveInterchange(deps.db, {
        direction: 'out', partnerId: ii.partner?.id ?? null, sender: ich.recipient.id || OUR_ID.id, recipient: ich.sender.id, controlRef: ref,
        messageTypes: [...new Set(a.responses.map((r) => r.type))], bytes, inReplyTo: ii.archiveId,
        correlation: { bookings: a.bookings.map((b) => b.locator) },
      });
      if (ii.archiveId !== null) await correlateArchive(deps.db, ii.archiveId, { reply: outId, bookings: a.bookings.map((b) => b.locator) });
    }
  }
  return { status, contentType: EDIFACT_CONTENT_TYPE, body: Buffer.concat(bodies), canonical };
}
