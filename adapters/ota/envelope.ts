/**
 * What every OpenTravel message shares: the payload attributes (EchoToken, Version …), the POS that names
 * the partner, and the Success / Warnings / Errors forms of a response. Errors come only from the
 * registry in core/errors.ts: the OTA EWT/ERR pair is looked up there.
 */
import { ERRORS, GatewayError, isGatewayError, type ErrorCode } from '../../core/errors';
import { OTA_NS, at, el, kid, kids, path, textEl, type XNode } from './xml';

/** The payload attributes and POS of an RQ. */
export interface OtaHeader {
  echoToken?: string;
  timeStamp?: string;
  version?: string;
  target?: string;
  primaryLangId?: string;
  correlationId?: string;
  sequenceNmbr?: string;
  retransmission: boolean;
  /** `POS/Source/RequestorID` of the first Source that has one. */
  requestor?: { id: string; type?: string; password?: string };
  bookingChannel?: string;
}

export function readHeader(root: XNode): OtaHeader {
  let requestor: OtaHeader['requestor'];
  let bookingChannel: string | undefined;
  for (const src of kids(kid(root, 'POS'), 'Source')) {
    const r = kid(src, 'RequestorID');
    const id = at(r, 'ID');
    if (!requestor && id) requestor = { id, type: at(r, 'Type'), password: at(r, 'MessagePassword') };
    const ch = kid(src, 'BookingChannel');
    bookingChannel ??= at(path(ch, 'CompanyName'), 'Code') ?? at(ch, 'Type');
  }
  return {
    echoToken: at(root, 'EchoToken'),
    timeStamp: at(root, 'TimeStamp'),
    version: at(root, 'Version'),
    target: at(root, 'Target'),
    primaryLangId: at(root, 'PrimaryLangID'),
    correlationId: at(root, 'CorrelationID'),
    sequenceNmbr: at(root, 'SequenceNmbr'),
    retransmission: at(root, 'RetransmissionIndicator') === 'true',
    requestor,
    bookingChannel,
  };
}

/** A Warning (a record that was not processed) or an Error, ready to render. */
export interface OtaIssue {
  code: ErrorCode;
  message: string;
  /** Which record of a batch (the record's UniqueID, or its 1-based position). */
  recordId?: string;
  /** XPath of the offending node. */
  tag?: string;
  status?: string;
}

/** Turns anything thrown into issues: coded errors keep their code, anything else is GW_INTERNAL. */
export function issuesOf(e: unknown, where?: { recordId?: string; tag?: string; status?: string }): OtaIssue[] {
  if (isGatewayError(e)) {
    if (e.violations.length > 1) return e.violations.map((v) => ({ code: v.code, message: v.message, tag: v.path ?? where?.tag, recordId: where?.recordId, status: where?.status }));
    const v = e.violations[0];
    return [{ code: e.code, message: e.message, recordId: where?.recordId, tag: v?.path ?? where?.tag, status: where?.status }];
  }
  return [{ code: 'GW_INTERNAL', message: 'Internal error', recordId: where?.recordId, tag: where?.tag, status: where?.status }];
}

const VERSION = /^\d+(\.\d+)?$/;

/** Root attributes of an RS answering `h`: the EchoToken and Target are echoed back. */
export function rsAttrs(h: Partial<OtaHeader> | undefined, now = new Date()): Record<string, string | undefined> {
  return {
    xmlns: OTA_NS,
    EchoToken: h?.echoToken && h.echoToken.length <= 128 ? h.echoToken : undefined,
    TimeStamp: now.toISOString(),
    Target: h?.target === 'Test' || h?.target === 'Production' ? h.target : undefined,
    Version: h?.version && VERSION.test(h.version) ? h.version : '1.000',
    CorrelationID: h?.correlationId && h.correlationId.length <= 64 ? h.correlationId : undefined,
    PrimaryLangID: h?.primaryLangId && /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/.test(h.primaryLangId) ? h.primaryLangId : undefined,
  };
}

function issueEl(name: 'Error' | 'Warning', i: OtaIssue): string {
  const spec = ERRORS[i.code];
  return textEl(name, {
    Type: spec.otaType,
    Code: spec.otaCode,
    ShortText: i.code,
    Status: i.status,
    Tag: i.tag,
    RecordID: i.recordId && i.recordId.length <= 64 ? i.recordId : undefined,
  }, i.message);
}

export function warningsEl(ws: OtaIssue[]): string {
  return ws.length === 0 ? '' : el('Warnings', null, ...ws.map((w) => issueEl('Warning', w)));
}

/** `<Root><Success/><Warnings/>body</Root>`. */
export function successRs(root: string, h: Partial<OtaHeader> | undefined, body = '', warnings: OtaIssue[] = [], extra: Record<string, string | undefined> = {}): string {
  return el(root, { ...rsAttrs(h), ...extra }, '<Success/>', warningsEl(warnings), body);
}

/** `<Root><Errors/></Root>`: nothing was done. */
export function errorRs(root: string, h: Partial<OtaHeader> | undefined, issues: OtaIssue[]): string {
  if (root === 'OTA_ErrorRS') {
    // The parser-level error message has no Errors element: one coded error in attributes.
    const i = issues[0] ?? { code: 'GW_INTERNAL', message: 'Internal error' };
    const spec = ERRORS[i.code];
    return el(root, { ...rsAttrs(h), Status: 'NotProcessed', ErrorCode: i.code, Severity: `EWT ${spec.otaType} ERR ${spec.otaCode}`, ErrorMessage: i.message });
  }
  return el(root, rsAttrs(h), el('Errors', null, ...issues.map((i) => issueEl('Error', i))));
}

/** The RS element name answering an RQ. */
export function rsNameFor(rq: string): string {
  if (rq === 'OTA_ReadRQ') return 'OTA_ResRetrieveRS';
  if (rq.endsWith('RQ')) return rq.slice(0, -2) + 'RS';
  return 'OTA_HotelResRS';
}

export function gwIssue(code: ErrorCode, message: string, tag?: string): GatewayError {
  return new GatewayError(code, message, tag ? { violations: [{ code, message, path: tag }] } : {});
}
