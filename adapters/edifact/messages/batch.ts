/**
 * Batch messages received on `POST /edifact` (PAXLST, PNRGOV): translated and stored before the CONTRL is
 * built, so that the CONTRL says what was taken. A message is taken whole or not at all (a PNRGOV with one
 * unreadable PNR among several stores none of them): one the syntax engine rejected (on its own or with its
 * functional group), one its translator could not read completely (any error finding: UCM 4, and UCS at the
 * segment when the finding has one, with the translator's 0085), and one core refuses (a flight or
 * traveller it cannot store: UCM 4 with the error registry's 0085) store nothing; a message of a type the
 * hub does not receive is rejected with 0085 17 (no agreement). Each such message is kept
 * on the archived interchange with every problem: status `refused` when no message went through,
 * `partly refused` when some did.
 */
import type { GatewayApi } from '../../../core/api';
import { GatewayError, type ErrorCode, type Violation } from '../../../core/errors';
import type { Actor, AirBooking, Manifest } from '../../../core/model';
import type { Sql } from '../../postgres/db';
import { correlateArchive, groupOf, messageRejected, type Finding as EngineFinding, type Interchange, type Message } from '..';
import type { Finding } from './segments';
import { translateBody } from './translate';

/** Why a message was not stored, as kept on the archived interchange (`correlation.refused`). */
export interface Refusal {
  message: string;
  type: string;
  code: ErrorCode;
  detail: string;
  violations: Violation[];
}

export const BATCH_TYPES: ReadonlySet<string> = new Set(['PAXLST', 'PNRGOV']);
/** Received and answered elsewhere: shopping and booking (AVLRSP/RESRSP), and partners' CONTRLs (never acknowledged). */
const ANSWERED_TYPES: ReadonlySet<string> = new Set(['AVLREQ', 'RESREQ', 'CONTRL']);

/**
 * A message of a type the hub does not receive (an INVOIC, say) is rejected with 0085 17 (no agreement):
 * acknowledged as accepted, it would be dropped without the sender knowing.
 */
function rejectUnsupported(m: Message): Refusal {
  const message = `the hub does not receive ${m.type} messages (it receives ${[...BATCH_TYPES, ...ANSWERED_TYPES].join(', ')}); nothing of message ${m.ref} was taken`;
  m.findings.push({ code: '17', severity: 'error', level: 'message', message });
  m.rejected = true;
  return { message: m.ref, type: m.type, code: 'GW_BAD_INPUT', detail: message, violations: [{ code: 'GW_BAD_INPUT', message, path: `message ${m.ref}` }] };
}

/** Where an engine finding is: the segment in the message (UNH = 1, as the CONTRL counts) or in the interchange. */
function findingPath(f: EngineFinding, m: Message): string {
  const el = f.element ? ` element ${f.element}${f.component ? ':' + f.component : ''}` : '';
  if (f.messageSegment !== undefined) return `message ${m.ref} segment ${f.messageSegment}${el}`;
  return f.segment !== undefined ? `interchange segment ${f.segment}${f.tag ? ` (${f.tag})` : ''}${el}` : `message ${m.ref}`;
}

/** A message rejected for syntax: its own errors, or its functional group's. */
function syntaxRefusal(ich: Interchange, m: Message): Refusal {
  const own = m.findings.filter((f) => f.severity === 'error');
  const errs = own.length ? own : (groupOf(ich, m)?.findings ?? []).filter((f) => f.severity === 'error');
  const detail = `${m.type} ${m.ref} rejected${own.length ? '' : ' with its functional group'}: ${errs[0]?.message ?? 'syntax error'}`;
  const violations: Violation[] = errs.map((f) => ({ code: 'GW_SYNTAX', message: `0085 ${f.code}: ${f.message}`, path: findingPath(f, m) }));
  return { message: m.ref, type: m.type, code: 'GW_SYNTAX', detail, violations };
}

/**
 * A translator's error as the CONTRL reports it: on a body segment (UCS, position in the message) when it
 * points at one, else on the message itself (UCM 0085).
 */
function engineFinding(f: Finding, m: Message): EngineFinding {
  const out: EngineFinding = { code: f.code0085, severity: 'error', level: 'message', message: f.message };
  const inMessage = f.position !== undefined ? f.position - m.position + 1 : 0;
  if (inMessage > 1 && inMessage < m.segmentCount) {
    out.segment = f.position;
    out.messageSegment = inMessage;
  }
  return out;
}

/** Rejects `m` for what its translator could not read; the refusal kept on the archive. */
function rejectUntranslated(m: Message, errors: Finding[]): Refusal {
  const found = errors.map((f) => engineFinding(f, m));
  m.findings.push(...found);
  m.rejected = true;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return {
    message: m.ref, type: m.type, code: 'GW_BAD_INPUT',
    detail: `${m.type} ${m.ref} not translated: ${errors[0].message}${more}`,
    violations: found.map((f) => ({ code: 'GW_BAD_INPUT', message: `0085 ${f.code}: ${f.message}`, path: findingPath(f, m) })),
  };
}

/** Translates a batch message, or rejects it (and says why) when its translator reports an error. */
function translateWhole(ich: Interchange, m: Message, now: Date): { canonical: unknown[] } | { refusal: Refusal } {
  const t = translateBody(m, ich, now);
  const errors = t.findings.filter((f) => f.severity === 'error');
  return errors.length ? { refusal: rejectUntranslated(m, errors) } : { canonical: t.canonical };
}

/**
 * The checks of `recordBatchMessages` that need no database: marks rejected the batch messages of `ich`
 * their translators cannot read (for `maqam edifact ack`, which shows the CONTRL without storing).
 */
export function rejectUntranslatable(ich: Interchange, now: Date): void {
  if (ich.rejected) return;
  for (const m of ich.messages) {
    if (messageRejected(ich, m)) continue;
    if (BATCH_TYPES.has(m.type)) translateWhole(ich, m, now);
    else if (!ANSWERED_TYPES.has(m.type)) rejectUnsupported(m);
  }
}

/**
 * Translates and stores the batch messages of one processable interchange, marking those not taken
 * rejected (with a finding the CONTRL reports); returns what was stored.
 */
export async function recordBatchMessages(deps: { gateway: GatewayApi; db?: Sql | null }, actor: Actor, ich: Interchange, archiveId: number | null, now: Date): Promise<unknown[]> {
  const canonical: unknown[] = [];
  const refused: Refusal[] = [];
  for (const m of ich.messages) {
    if (!BATCH_TYPES.has(m.type)) {
      if (!ANSWERED_TYPES.has(m.type) && !messageRejected(ich, m)) refused.push(rejectUnsupported(m));
      continue;
    }
    if (messageRejected(ich, m)) {
      refused.push(syntaxRefusal(ich, m));
      continue;
    }
    const t = translateWhole(ich, m, now);
    if ('refusal' in t) {
      refused.push(t.refusal);
      continue;
    }
    try {
      // Flights reach the hub this way: PNRs and manifests are stored, to be linked with packages.
      if (m.type === 'PNRGOV') await deps.gateway.recordAirBookings({ actor }, t.canonical as AirBooking[]);
      else for (const manifest of t.canonical as Manifest[]) await deps.gateway.recordManifest({ actor }, manifest);
      canonical.push(...t.canonical);
    } catch (e) {
      if (!(e instanceof GatewayError) || e.spec.http >= 500) throw e;
      m.rejected = true;
      m.findings.push({ code: e.spec.edifact0085, severity: 'error', level: 'message', message: `${m.type} ${m.ref} refused: ${e.message}` });
      refused.push({ message: m.ref, type: m.type, code: e.code, detail: e.message, violations: e.violations ?? [] });
    }
  }
  if (refused.length && deps.db && archiveId !== null) {
    const status = ich.messages.every((m) => messageRejected(ich, m)) ? 'refused' : 'partly refused';
    await correlateArchive(deps.db, archiveId, { refused }, status);
  }
  return canonical;
}
