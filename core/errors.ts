/**
 * The one registry of coded errors. Every rule the gateway enforces fails with one of these codes, and
 * each code knows how it is reported on every protocol: HTTP status, UN/EDIFACT syntax error 0085 (for
 * CONTRL) , OpenTravel EWT (error/warning type) + ERR (error code) pair, and the terminal line an agent
 * reads. Adapters never invent their own error vocabulary: they look the code up here.
 */

/** How one coded error is reported on each protocol. */
export interface ErrorSpec {
  /** HTTP status for the JSON API (problem+json). */
  readonly http: number;
  /** UN/EDIFACT 0085 syntax error code used in CONTRL / ERI when this error is reported to a GDS. */
  readonly edifact0085: string;
  /** OpenTravel EWT code list value (Error/@Type). */
  readonly otaType: string;
  /** OpenTravel ERR code list value (Error/@Code). */
  readonly otaCode: string;
  /** Upper-case line shown on an agent's terminal. */
  readonly terminal: string;
  /** Plain-language title (problem+json `title`). */
  readonly title: string;
}

// OTA EWT: 1 unknown, 2 no implementation, 3 biz rule, 4 authentication, 6 authorization,
// 10 required field missing, 12 processing exception, 13 application error.
// OTA ERR: 15 invalid date, 61 invalid currency, 87 booking reference invalid, 95 booking already cancelled,
// 127 reservation already exists, 197 undefined, 245 invalid confirmation number, 249 invalid rate code,
// 321 required field missing, 322 no availability, 361 invalid hotel, 375 hotel not active, 392 invalid hotel code,
// 397 invalid number of adults, 402 invalid room type, 424 no hotels found, 448 system error,
// 450 unable to process, 497 authorization error, 783 room or rate not found, 842 rate not loaded.
export const ERRORS = {
  GW_BAD_INPUT: { http: 400, edifact0085: '12', otaType: '10', otaCode: '321', terminal: 'INVALID FORMAT', title: 'The request is malformed or a field is invalid' },
  GW_BAD_DATES: { http: 400, edifact0085: '12', otaType: '3', otaCode: '15', terminal: 'CHECK DATE', title: 'The dates are invalid' },
  GW_PAYLOAD_TOO_LARGE: { http: 413, edifact0085: '18', otaType: '12', otaCode: '450', terminal: 'MESSAGE TOO LONG', title: 'The request body is larger than allowed' },
  GW_UNSUPPORTED_MEDIA: { http: 415, edifact0085: '18', otaType: '12', otaCode: '450', terminal: 'INVALID FORMAT', title: 'The content type is not supported' },
  GW_METHOD_NOT_ALLOWED: { http: 405, edifact0085: '12', otaType: '2', otaCode: '450', terminal: 'INVALID ENTRY', title: 'The method is not allowed on this resource' },
  GW_NOT_FOUND: { http: 404, edifact0085: '12', otaType: '3', otaCode: '783', terminal: 'NOT FOUND', title: 'No such resource' },
  GW_UNAUTHORIZED: { http: 401, edifact0085: '23', otaType: '4', otaCode: '497', terminal: 'NOT SIGNED IN', title: 'Authentication is required or failed' },
  GW_FORBIDDEN: { http: 403, edifact0085: '17', otaType: '6', otaCode: '497', terminal: 'NOT AUTHORIZED', title: 'The partner may not do this' },
  GW_UNKNOWN_PRODUCT: { http: 404, edifact0085: '12', otaType: '3', otaCode: '402', terminal: 'INVALID PRODUCT CODE', title: 'Unknown product' },
  GW_UNKNOWN_RATE_PLAN: { http: 404, edifact0085: '12', otaType: '3', otaCode: '249', terminal: 'INVALID RATE CODE', title: 'Unknown rate plan' },
  GW_UNKNOWN_BOOKING: { http: 404, edifact0085: '12', otaType: '3', otaCode: '87', terminal: 'NO RECORD FOUND', title: 'Unknown booking' },
  GW_UNMAPPED_CODE: { http: 422, edifact0085: '12', otaType: '3', otaCode: '392', terminal: 'INVALID CODE', title: 'A partner code has no mapping' },
  GW_UNMAPPED_ROOM_TYPE: { http: 422, edifact0085: '12', otaType: '3', otaCode: '402', terminal: 'INVALID ROOM TYPE', title: 'A partner room type code has no mapping' },
  GW_UNMAPPED_RATE_CODE: { http: 422, edifact0085: '12', otaType: '3', otaCode: '249', terminal: 'INVALID RATE CODE', title: 'A partner rate plan code has no mapping' },
  GW_SOLD_OUT: { http: 409, edifact0085: '18', otaType: '3', otaCode: '322', terminal: 'NO AVAILABILITY', title: 'Not enough inventory left' },
  GW_RESTRICTED: { http: 409, edifact0085: '18', otaType: '3', otaCode: '322', terminal: 'RESTRICTED - CHECK RULES', title: 'A sale restriction forbids this stay' },
  GW_NO_RATE: { http: 409, edifact0085: '18', otaType: '3', otaCode: '842', terminal: 'NO RATE LOADED', title: 'No rate is loaded for every date of the stay' },
  GW_BELOW_COMMITTED: { http: 409, edifact0085: '18', otaType: '3', otaCode: '450', terminal: 'ALLOTMENT BELOW SOLD', title: 'Allotment cannot go below what is already sold or held' },
  GW_INVALID_STATE: { http: 409, edifact0085: '18', otaType: '3', otaCode: '95', terminal: 'INVALID STATUS FOR ENTRY', title: 'The booking is not in a state that allows this' },
  GW_HOLD_EXPIRED: { http: 409, edifact0085: '24', otaType: '3', otaCode: '245', terminal: 'HOLD EXPIRED', title: 'The hold has expired and its inventory was released' },
  GW_IDEMPOTENCY_MISMATCH: { http: 422, edifact0085: '26', otaType: '3', otaCode: '127', terminal: 'DUPLICATE ENTRY', title: 'The idempotency key was already used with a different request' },
  GW_DUPLICATE: { http: 409, edifact0085: '26', otaType: '3', otaCode: '127', terminal: 'DUPLICATE ENTRY', title: 'This message was already processed' },
  GW_CONFLICT: { http: 409, edifact0085: '18', otaType: '12', otaCode: '450', terminal: 'SIMULTANEOUS CHANGES - RETRY', title: 'A concurrent change conflicted; retry' },
  GW_SYNTAX: { http: 400, edifact0085: '18', otaType: '10', otaCode: '450', terminal: 'INVALID FORMAT', title: 'The message does not follow its syntax' },
  GW_UNAVAILABLE: { http: 503, edifact0085: '18', otaType: '12', otaCode: '448', terminal: 'SYSTEM UNAVAILABLE - RETRY', title: 'A backing service is unavailable' },
  GW_INTERNAL: { http: 500, edifact0085: '18', otaType: '12', otaCode: '448', terminal: 'SYSTEM ERROR', title: 'Internal error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** One problem found in a request: where it is (a JSON pointer, XPath or segment position) and why. */
export interface Violation {
  code: ErrorCode;
  message: string;
  /** Location of the offending field, in the caller's terms (e.g. `/items/0/start`). */
  path?: string;
}

/** A coded error. `violations` lists every problem found, not only the first. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly spec: ErrorSpec;
  readonly violations: Violation[];
  readonly detail?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: { violations?: Violation[]; detail?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.spec = ERRORS[code];
    this.violations = opts.violations ?? [];
    this.detail = opts.detail;
  }

  /** A plain object safe to store (idempotency responses) and to send. */
  toJSON(): { code: ErrorCode; message: string; violations: Violation[]; detail?: Record<string, unknown> } {
    return { code: this.code, message: this.message, violations: this.violations, ...(this.detail ? { detail: this.detail } : {}) };
  }

  static fromJSON(j: { code: ErrorCode; message: string; violations?: Violation[]; detail?: Record<string, unknown> }): GatewayError {
    return new GatewayError(j.code, j.message, { violations: j.violations, detail: j.detail });
  }
}

export function gwError(code: ErrorCode, message: string, opts?: ConstructorParameters<typeof GatewayError>[2]): GatewayError {
  return new GatewayError(code, message, opts);
}

export function isGatewayError(e: unknown): e is GatewayError {
  return e instanceof GatewayError;
}

/** The error listing every violation: their code when they share one, else GW_BAD_INPUT. */
export function violationsError(violations: Violation[], what = 'The request is invalid'): GatewayError {
  const first = violations[0];
  const code = violations.every((v) => v.code === first.code) ? first.code : 'GW_BAD_INPUT';
  const msg = violations.length === 1 ? `${what}: ${first.message}` : `${what}: ${violations.length} problems, first: ${first.message}`;
  return new GatewayError(code, msg, { violations });
}

/** Throws GW_BAD_INPUT listing every violation, when there are any. */
export function assertNoViolations(violations: Violation[], what = 'The request is invalid'): void {
  if (violations.length > 0) throw violationsError(violations, what);
}
