/**
 * `POST /edifact`: one interchange in, the answer interchange out. AVLREQ and RESREQ messages are run
 * against the gateway and answered with AVLRSP/RESRSP (ERI segments on refusal); PAXLST and PNRGOV are
 * translated and acknowledged. An interchange the syntax engine rejects, or that comes from another
 * partner than the authenticated one, is answered with a CONTRL naming the 0085 error.
 *
 * Idempotency: every mutating call carries the key `edifact:<UNB 0020 or UIB S302>:<message ref>` under
 * the authenticated partner, so a partner resending the same interchange gets the same answer and moves
 * no stock twice.
 */
import type { GatewayApi } from '../../../core/api';
import type { Actor } from '../../../core/model';
import { OUR_ID, parseInterchanges, serializeSegments, type Finding as EngineFinding, type Interchange, type Message, type SegmentData } from '..';
import { runAvailability, runReservation } from './exec';
import { errorSegments, parseAvlreq, parseResreq } from './interactive';
import { responseInterchange, type ResponseMessage } from './outbound';
import { referenceDay, translateMessage } from './translate';

/** What the handler needs. */
export interface EdifactDeps {
  gateway: GatewayApi;
  now?: () => Date;
}

/** The HTTP answer: the response interchange or a CONTRL. */
export interface EdifactReply {
  status: number;
  contentType: string;
  body: Buffer;
  /** Canonical values translated from batch messages (PAXLST manifests, PNRGOV bookings), for the caller to store. */
  canonical: unknown[];
}

const CONTENT_TYPE = 'application/EDIFACT';

function firstError(fs: EngineFinding[]): EngineFinding | undefined {
  return fs.find((f) => f.severity === 'error');
}

/**
 * A CONTRL rejecting (0083 = 4) or acknowledging (7) the interchange, with the first error's 0085 code.
 * Minimal until the syntax engine's CONTRL generator is wired here; it points at the interchange level.
 */
function contrl(ich: Interchange | null, action: '4' | '7', code: string, responderRef: string, now: Date): Buffer {
  const iso = now.toISOString();
  const uci: SegmentData = { tag: 'UCI', elements: [[ich?.controlRef ?? ''], ich ? [ich.sender.id, ich.sender.qualifier ?? ''] : [''], ich ? [ich.recipient.id, ich.recipient.qualifier ?? ''] : [OUR_ID.id], [action]] };
  if (action === '4') uci.elements.push([code]);
  const body: SegmentData[] = [{ tag: 'UNH', elements: [['1'], ['CONTRL', '4', '1', 'UN']] }, uci];
  body.push({ tag: 'UNT', elements: [[String(body.length + 1)], ['1']] });
  const segs: SegmentData[] = [
    { tag: 'UNB', elements: [[ich?.syntax.id && !ich.interactive ? ich.syntax.id : 'UNOA', '4'], [OUR_ID.id, OUR_ID.qualifier ?? ''], ich ? [ich.sender.id, ich.sender.qualifier ?? ''] : [''], [iso.slice(0, 10).replace(/-/g, ''), iso.slice(11, 16).replace(':', '')], [responderRef.slice(0, 14)]] },
    ...body,
    { tag: 'UNZ', elements: [['1'], [responderRef.slice(0, 14)]] },
  ];
  return serializeSegments(segs, { syntaxId: 'UNOA', una: true });
}

function responderRefFor(ich: Interchange | null, now: Date): string {
  // Deterministic per request so a resent interchange gets byte-identical answers (idempotent replay).
  return ich?.controlRef ? `R${ich.controlRef}`.slice(0, 14) : `R${now.getTime().toString(36).toUpperCase()}`;
}

/** The sender may act only as itself: UNB/UIB sender must be the authenticated partner (operators excepted). */
function senderMatches(ich: Interchange, actor: Actor): boolean {
  return actor.kind === 'operator' || ich.sender.id.toUpperCase() === actor.partnerId.toUpperCase();
}

async function answer(deps: EdifactDeps, actor: Actor, ich: Interchange, m: Message, now: Date): Promise<ResponseMessage | null> {
  const ctx = { actor, idempotencyKey: `edifact:${ich.controlRef}:${m.ref}`.slice(0, 200) };
  const tctx = { refDate: referenceDay(ich.date, now) };
  if (m.type === 'AVLREQ') {
    const r = parseAvlreq(m.segments, tctx);
    const segs = r.command ? await runAvailability(deps.gateway, { actor }, r.command) : errorSegments('GW_BAD_INPUT', r.findings.list.find((f) => f.severity === 'error')?.message ?? 'invalid AVLREQ');
    return { type: 'AVLRSP', ref: m.ref, segments: segs };
  }
  if (m.type === 'RESREQ') {
    const r = parseResreq(m.segments, tctx);
    const segs = r.command
      ? await runReservation(deps.gateway, ctx, r.command, `edifact:${actor.partnerId}`)
      : errorSegments('GW_BAD_INPUT', r.findings.list.find((f) => f.severity === 'error')?.message ?? 'invalid RESREQ');
    return { type: 'RESRSP', ref: m.ref, segments: segs };
  }
  return null;
}

/**
 * Handles one POSTed interchange for an authenticated partner. Never throws on bad input: syntax
 * problems give a CONTRL (HTTP 400 when the interchange was rejected), business refusals give ERI.
 */
export async function handleEdifact(deps: EdifactDeps, req: { actor: Actor; bytes: Buffer }): Promise<EdifactReply> {
  const now = deps.now?.() ?? new Date();
  const parsed = parseInterchanges(req.bytes);
  const ich = parsed.interchanges[0] ?? null;
  const reject = (code: string, status = 400): EdifactReply => ({ status, contentType: CONTENT_TYPE, body: contrl(ich, '4', code, responderRefFor(ich, now), now), canonical: [] });
  if (!ich) return reject(firstError(parsed.findings)?.code ?? '13');
  if (parsed.interchanges.length > 1) return reject('18');
  if (ich.rejected) return reject(firstError(ich.findings)?.code ?? firstError(ich.groups.flatMap((g) => g.findings))?.code ?? '18');
  if (!senderMatches(ich, req.actor)) return reject('23', 403);

  const responses: ResponseMessage[] = [];
  const canonical: unknown[] = [];
  for (const m of ich.messages) {
    if (m.rejected) {
      const e = firstError(m.findings);
      if (m.type === 'AVLREQ' || m.type === 'RESREQ') {
        responses.push({ type: m.type === 'AVLREQ' ? 'AVLRSP' : 'RESRSP', ref: m.ref, segments: errorSegments('GW_SYNTAX', e?.message ?? 'message rejected') });
      }
      continue;
    }
    const r = await answer(deps, req.actor, ich, m, now);
    if (r) responses.push(r);
    else canonical.push(...translateMessage(m, ich, now).canonical);
  }
  if (responses.length === 0) {
    // Batch messages only (PAXLST, PNRGOV): acknowledge the interchange.
    return { status: 200, contentType: CONTENT_TYPE, body: contrl(ich, '7', '', responderRefFor(ich, now), now), canonical };
  }
  return { status: 200, contentType: CONTENT_TYPE, body: responseInterchange(ich, responses, responderRefFor(ich, now), now), canonical };
}
