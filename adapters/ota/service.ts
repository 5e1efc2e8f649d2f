/**
 * One OTA exchange, whatever the transport: parse the untrusted bytes, authenticate, dispatch on the
 * document element, render the RS (Success / Warnings / Errors), archive both messages. Never throws:
 * every failure is an OTA Errors response with the EWT/ERR pair of its registry code.
 */
import type { Logger } from 'winston';
import type { GatewayApi } from '../../core/api';
import type { Actor } from '../../core/model';
import { ERRORS, GatewayError, isGatewayError } from '../../core/errors';
import type { Db } from '../postgres/db';
import { archiveLater } from './archive';
import { ariHandler } from './ari-apply';
import { readAvailNotif, readInvCountNotif, readRateAmountNotif } from './ari-read';
import { authenticate, readUsernameToken, type UsernameToken } from './auth';
import { errorRs, issuesOf, readHeader, rsNameFor, successRs, type OtaHeader } from './envelope';
import type { MessageHandler } from './handler';
import { cancel, hotelAvail, hotelRes, hotelResNotif, read } from './handlers-hotel';
import { groundAvail, groundBook, insuranceBook, insuranceQuote } from './handlers-other';
import { canonicalResolver } from './mapping';
import type { OtaRegistry } from './partners';
import { DEFAULT_LIMITS, asNode, kid, parseXml, type ParseLimits, type XNode } from './xml';

/** Every RQ the adapter answers, with its handler. The WSDL is generated from this table. */
export const HANDLERS: Readonly<Record<string, MessageHandler>> = Object.freeze({
  OTA_HotelAvailNotifRQ: ariHandler(readAvailNotif),
  OTA_HotelRateAmountNotifRQ: ariHandler(readRateAmountNotif),
  OTA_HotelInvCountNotifRQ: ariHandler(readInvCountNotif),
  OTA_HotelAvailRQ: hotelAvail,
  OTA_HotelResRQ: hotelRes,
  OTA_HotelResNotifRQ: hotelResNotif,
  OTA_CancelRQ: cancel,
  OTA_ReadRQ: read,
  OTA_GroundAvailRQ: groundAvail,
  OTA_GroundBookRQ: groundBook,
  OTA_InsuranceQuoteRQ: insuranceQuote,
  OTA_InsuranceBookRQ: insuranceBook,
});

export const MESSAGES: readonly string[] = Object.keys(HANDLERS);

/** What the adapter needs from the application. */
export interface OtaDeps {
  gateway: GatewayApi;
  db: Db;
  log?: Logger;
  registry: OtaRegistry;
  limits?: ParseLimits;
  /** Archive messages (default true). */
  archive?: boolean;
}

export interface OtaCall {
  body: Buffer | string;
  /** The message named by the URL (`POST /ota/:message`), checked against the document element. */
  expected?: string;
  /** Partner authenticated by the HTTP layer (Basic / API key). */
  actor?: Actor | null;
  transport: 'http' | 'soap';
  correlationId?: string;
}

export interface OtaResult {
  rsName: string;
  /** The RS document (no XML declaration). */
  xml: string;
  /** HTTP status: 200 for any answered message; 4xx when the bytes or the credentials were refused. */
  status: number;
  ok: boolean;
  partnerId?: string;
  locator?: string;
}

function errorResult(rsName: string, h: Partial<OtaHeader> | undefined, e: unknown, status?: number): OtaResult {
  const issues = issuesOf(e);
  const code = isGatewayError(e) ? e.code : 'GW_INTERNAL';
  return { rsName, xml: errorRs(rsName, h, issues), status: status ?? (['GW_SYNTAX', 'GW_PAYLOAD_TOO_LARGE', 'GW_UNAUTHORIZED', 'GW_FORBIDDEN'].includes(code) ? ERRORS[code].http : 200), ok: false };
}

/** The OTA element inside a SOAP envelope's Body (and the SOAP Header), or the document itself. */
export function unwrap(doc: { root: string; node: XNode }): { name: string; node: XNode; soapHeader?: XNode } {
  if (doc.root !== 'Envelope') return { name: doc.root, node: doc.node };
  const body = kid(doc.node, 'Body');
  const name = Object.keys(body ?? {}).find((k) => !k.startsWith('@') && !k.startsWith('#'));
  if (!name) throw new GatewayError('GW_SYNTAX', 'The SOAP Body is empty');
  return { name, node: asNode(body![name]), soapHeader: kid(doc.node, 'Header') };
}

/** Runs one exchange. */
export async function processOta(call: OtaCall, deps: OtaDeps): Promise<OtaResult> {
  const raw = typeof call.body === 'string' ? call.body : call.body;
  const fallback = call.expected && HANDLERS[call.expected] ? rsNameFor(call.expected) : 'OTA_ErrorRS';
  let rsName = fallback;
  let h: OtaHeader | undefined;
  let partnerId: string | undefined;
  let result: OtaResult;
  let inName = call.expected ?? 'unknown';
  try {
    const doc = unwrap(parseXml(raw, deps.limits ?? DEFAULT_LIMITS));
    inName = doc.name;
    const handler = Object.prototype.hasOwnProperty.call(HANDLERS, doc.name) ? HANDLERS[doc.name] : undefined;
    if (!handler) throw new GatewayError('GW_BAD_INPUT', `${doc.name} is not a message this hub answers (${MESSAGES.join(', ')})`);
    if (call.expected && call.expected !== doc.name) throw new GatewayError('GW_BAD_INPUT', `The URL names ${call.expected} but the document is ${doc.name}`);
    rsName = rsNameFor(doc.name);
    h = readHeader(doc.node);
    const token: UsernameToken | undefined = readUsernameToken(doc.soapHeader);
    const actor = await authenticate(h, { actor: call.actor, token }, { gateway: deps.gateway, db: deps.db, registry: deps.registry });
    partnerId = actor.partnerId;
    const ctx = { actor, correlationId: call.correlationId };
    const resolver = deps.registry.resolver(actor.partnerId) ?? canonicalResolver(deps.gateway, ctx);
    try {
      const out = await handler({ root: doc.node, rq: doc.name, h, ctx, partnerId: actor.partnerId, resolver, gateway: deps.gateway });
      result = out.failed
        ? { rsName, xml: errorRs(rsName, h, out.failed), status: 200, ok: false, partnerId, locator: out.locator }
        : { rsName, xml: successRs(rsName, h, out.body, out.warnings ?? [], out.attrs), status: 200, ok: true, partnerId, locator: out.locator };
    } catch (e) {
      if (!isGatewayError(e)) deps.log?.error('ota handler failed', { message: doc.name, error: (e as Error)?.stack ?? String(e), correlationId: call.correlationId });
      result = { ...errorResult(rsName, h, e, 200), partnerId };
    }
  } catch (e) {
    if (!isGatewayError(e)) deps.log?.error('ota exchange failed', { error: (e as Error)?.stack ?? String(e), correlationId: call.correlationId });
    result = { ...errorResult(rsName, h, e), partnerId };
  }
  if (deps.archive !== false) {
    const text = typeof raw === 'string' ? raw : raw.length > 1_000_000 ? raw.subarray(0, 1_000_000).toString('utf8') + '…(truncated)' : raw.toString('utf8');
    const common = { transport: call.transport, partnerId: partnerId ?? null, echoToken: h?.echoToken ?? null, correlationId: call.correlationId ?? null, locator: result.locator ?? null };
    archiveLater(deps.db, deps.log, { ...common, direction: 'in', message: inName.slice(0, 64), ok: result.ok, body: text.length > 1_000_000 ? text.slice(0, 1_000_000) + '…(truncated)' : text });
    archiveLater(deps.db, deps.log, { ...common, direction: 'out', message: result.rsName, ok: result.ok, body: result.xml });
  }
  return result;
}
