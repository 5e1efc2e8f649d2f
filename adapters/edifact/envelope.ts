/**
 * Envelope checks that need partner profiles and the database, and the inbound pipeline used by
 * `POST /edifact` and `maqam edifact ack`:
 *
 *   unknown sender → 23 · sender not the authenticated partner → 23 · recipient not us → 7
 *   UNB password (S005) wrong or missing → 12 on UNB element 6 · syntax version/identifier other than
 *   the profile's → 2 (error when strict, warning when lenient) · same sender + 0020 already received → 26
 *   (the interchange is not processed again; remembered in PostgreSQL through the Db port).
 */
import type { Sql } from '../postgres/db';
import { buildContrl, type Contrl, type ContrlOptions } from './contrl';
import type { Interchange } from './interchange';
import { parseInterchanges, type ParseOptions } from './parser';
import { charsetsOf, ourIds, parseOptionsFor, passwordMatches, separatorsOf, type PartnerDirectory, type PartnerProfile } from './partners';
import { archiveInterchange, claimInterchange, correlateArchive, nextControlRef, setInterchangeStatus } from './sql';
import { SegmentTape } from './tape';
import { Tokenizer } from './tokenizer';
import type { Finding, PartyId } from './types';

export interface EnvelopeContext {
  partners: PartnerDirectory;
  /** Database for duplicate detection (omit to skip the 26 check). */
  db?: Sql | null;
  /** The partner authenticated by the transport (HTTP credentials), if any: must match the UNB sender. */
  authenticatedPartnerId?: string | null;
  /** Our identities (default MAQAM:ZZZ). */
  ourIds?: PartyId[];
}

export interface EnvelopeResult {
  partner: PartnerProfile | null;
  /** True when the interchange was already received (26): do not process it. */
  duplicate: boolean;
  /** The findings this check added (also appended to `ich.findings`). */
  findings: Finding[];
}

function add(ich: Interchange, out: Finding[], f: Finding): void {
  f.level = 'interchange';
  if (ich.header) {
    f.segment ??= ich.header.position;
    f.tag ??= ich.header.tag;
    f.offset ??= ich.header.offset;
  }
  ich.findings.push(f);
  out.push(f);
  if (f.severity === 'error') ich.rejected = true;
}

/** Partner, recipient, password, syntax and duplicate checks on one parsed interchange. */
export async function checkEnvelope(ich: Interchange, ctx: EnvelopeContext): Promise<EnvelopeResult> {
  const out: Finding[] = [];
  if (!ich.header) return { partner: null, duplicate: false, findings: out }; // already rejected: UNB missing (13)
  const partner = ich.sender.id ? ctx.partners.bySender(ich.sender) ?? null : null;
  const senderText = ich.sender.id + (ich.sender.qualifier ? ':' + ich.sender.qualifier : '');
  if (!partner) add(ich, out, { code: '23', severity: 'error', message: `unknown interchange sender ${JSON.stringify(senderText)}`, element: 2, component: 1 });
  else if (ctx.authenticatedPartnerId && ctx.authenticatedPartnerId !== partner.id) {
    add(ich, out, { code: '23', severity: 'error', message: `interchange sender ${senderText} belongs to ${partner.id}, not to the authenticated partner ${ctx.authenticatedPartnerId}`, element: 2, component: 1 });
  }
  const us = ctx.ourIds ?? ourIds();
  const r = ich.recipient;
  if (r.id && !us.some((u) => u.id === r.id && (!r.qualifier || !u.qualifier || u.qualifier === r.qualifier))) {
    add(ich, out, { code: '7', severity: 'error', message: `interchange recipient ${r.id}${r.qualifier ? ':' + r.qualifier : ''} is not us (${us.map((u) => u.id + (u.qualifier ? ':' + u.qualifier : '')).join(', ')})`, element: 3, component: 1 });
  }
  if (partner) {
    if (!ich.interactive && !passwordMatches(partner, ich.password?.value)) {
      add(ich, out, { code: '12', severity: 'error', message: ich.password ? 'UNB password (S005) does not match the partner agreement' : 'UNB password (S005) missing', element: 6, component: 1 });
    }
    const strict = partner.edifact.mode === 'strict';
    const iata = /^IAT[AB]$/.test(ich.syntax.id); // IATA syntax identifiers number their own versions
    if (!iata && ich.syntax.version && ich.syntax.version !== String(partner.edifact.syntaxVersion)) {
      add(ich, out, { code: '2', severity: strict ? 'error' : 'warning', message: `syntax version ${ich.syntax.version}, the agreement says ${partner.edifact.syntaxVersion}`, element: 1, component: 2 });
    }
    const allowed = charsetsOf(partner);
    if (ich.syntax.id && !allowed.includes(ich.syntax.id)) {
      add(ich, out, { code: '2', severity: 'warning', message: `syntax identifier ${ich.syntax.id}, the agreement says ${allowed.join(' or ')}`, element: 1, component: 1 });
    }
  }
  let duplicate = false;
  if (ctx.db && !ich.rejected && ich.controlRef && ich.sender.id) {
    const c = await claimInterchange(ctx.db, { sender: ich.sender, controlRef: ich.controlRef }, partner?.id ?? null);
    if (!c.fresh) {
      duplicate = true;
      add(ich, out, { code: '26', severity: 'error', message: `duplicate interchange: ${senderText} already sent control reference ${ich.controlRef} (${c.receivedAt})`, element: 5 });
    }
  }
  return { partner, duplicate, findings: out };
}

/** Reads the sender of the first UNB (UNA aware) without parsing the whole input. */
export function peekSender(bytes: Uint8Array): PartyId | null {
  let found: PartyId | null = null;
  const t = new Tokenizer({
    tape: new SegmentTape(),
    segment: (tape, i) => {
      const tag = tape.tag(i);
      if (!found && (tag === 'UNB' || tag === 'UIB')) {
        const e = tag === 'UNB' ? 1 : 5;
        const id = tape.value(i, e, 0);
        const qualifier = tape.value(i, e, 1);
        if (id) found = { id, ...(qualifier ? { qualifier } : {}) };
      }
      tape.clear();
    },
    finding: () => undefined,
  });
  t.push(bytes.subarray(0, Math.min(bytes.length, 4096)));
  t.end();
  return found;
}

/**
 * How the CONTRL answering `ich` is written for partner `p` (null: unknown sender): the profile's CONTRL
 * form (`contrlVersion`, else 4 for an agreement on syntax 4 and 3 otherwise; an IATA:1 interchange from a
 * syntax 4 partner gets `CONTRL:4:1:UN`), its first syntax identifier and its separators; accepted messages
 * listed when UNB 0031 asks or the policy is `always`. The one rule for `POST /edifact` and `maqam edifact ack`.
 */
export function contrlOptionsFor(ich: Interchange, p: PartnerProfile | null): Pick<ContrlOptions, 'version' | 'syntaxId' | 'separators' | 'acceptance' | 'lineBreaks'> {
  return {
    version: p?.edifact.contrlVersion ?? (p ? (p.edifact.syntaxVersion === 4 ? 4 : 3) : undefined),
    syntaxId: p ? charsetsOf(p)[0] : undefined,
    separators: p ? separatorsOf(p) : undefined,
    acceptance: ich.ackRequested || p?.edifact.ackPolicy === 'always',
    lineBreaks: p?.edifact.lineBreaks,
  };
}

/** Whether a CONTRL goes back for this interchange, per the partner's policy (unknown partners: on errors). */
export function wantsContrl(ich: Interchange, partner: PartnerProfile | null): boolean {
  const policy = partner?.edifact.ackPolicy ?? 'errors';
  const anyRejected = ich.rejected || ich.messages.some((m) => m.rejected) || ich.groups.some((g) => g.rejected);
  switch (policy) {
    case 'never':
      return false;
    case 'always':
      return true;
    case 'on-request':
      return ich.ackRequested;
    default:
      return anyRejected || ich.ackRequested;
  }
}

export interface InboundOptions extends EnvelopeContext {
  /** Archive raw interchanges in and out (default: when a db is given). */
  archive?: boolean;
  /** Override parse options (default: from the partner profile). */
  parse?: ParseOptions;
  /** Fixed preparation time for the CONTRL (tests). */
  now?: Date;
  /** Use this control reference instead of the persisted sequence (tests without a database). */
  controlRef?: string;
  /**
   * Runs on each processable interchange (not rejected, not a duplicate) after it is archived and before its
   * CONTRL is built: what it marks rejected there (a message the core refused) the CONTRL reports.
   */
  beforeContrl?: (ii: { interchange: Interchange; partner: PartnerProfile | null; archiveId: number | null }) => Promise<void>;
  /**
   * A synchronous transport (HTTP) answers every interchange rejected as a whole (syntax, envelope, unknown
   * sender, duplicate) with its CONTRL, whatever the partner's acknowledgement policy: the error answer is
   * going back anyway, and it must say why. The policy still decides acceptances and message-level reports.
   */
  answerRejections?: boolean;
  /**
   * Leave the CONTRL to the caller: `contrl` stays null and `issueContrl` numbers, builds and archives it
   * when called. A caller that answers with response messages decides then whether a CONTRL goes with them,
   * so that no CONTRL is numbered or archived as sent unless it is sent.
   */
  deferContrl?: boolean;
}

/** A CONTRL numbered from the partner's sequence and archived as sent (archive id null without a database). */
export type IssuedContrl = Contrl & { archiveId: number | null; controlRef: string };

export interface InboundInterchange {
  interchange: Interchange;
  partner: PartnerProfile | null;
  duplicate: boolean;
  /** Archive id of the raw interchange received (null without a database). */
  archiveId: number | null;
  /** Bytes of this interchange within the input. */
  bytes: Uint8Array;
  contrl: IssuedContrl | null;
  /** Whether the partner's policy (or, with `answerRejections`, a rejection or duplicate) calls for a CONTRL. */
  contrlWanted: boolean;
  /** Numbers, builds and archives the CONTRL for this interchange (once; later calls return the same one). */
  issueContrl: () => Promise<IssuedContrl>;
  /** True when its messages may be translated (not rejected as a whole, not a duplicate). */
  processable: boolean;
}

export interface InboundResult {
  interchanges: InboundInterchange[];
  /** Findings outside any interchange. */
  findings: Finding[];
  partner: PartnerProfile | null;
}

/**
 * The inbound pipeline: parse with the partner's options, check envelopes (partner, password, duplicate),
 * archive the raw interchange, build the CONTRL the policy asks for (control reference from the
 * partner's persisted sequence) and archive it as the reply. Translators then take the processable
 * interchanges' non-rejected messages and record what they created with `correlateArchive`.
 */
export async function processInbound(bytes: Uint8Array, opts: InboundOptions): Promise<InboundResult> {
  let partner: PartnerProfile | null = null;
  if (opts.authenticatedPartnerId) partner = opts.partners.get(opts.authenticatedPartnerId) ?? null;
  if (!partner) {
    const s = peekSender(bytes);
    if (s) partner = opts.partners.bySender(s) ?? null;
  }
  const parsed = parseInterchanges(bytes, { ...parseOptionsFor(partner), ...opts.parse });
  const result: InboundResult = { interchanges: [], findings: parsed.findings, partner };
  const archive = opts.archive ?? !!opts.db;
  const list = parsed.interchanges;
  for (let i = 0; i < list.length; i++) {
    const ich = list[i];
    const end = i + 1 < list.length ? list[i + 1].offset : bytes.length;
    const raw = bytes.subarray(ich.offset, end);
    const env = await checkEnvelope(ich, opts);
    const p = env.partner;
    let archiveId: number | null = null;
    if (archive && opts.db) {
      archiveId = await archiveInterchange(opts.db, {
        direction: 'in',
        partnerId: p?.id ?? null,
        sender: ich.sender.id,
        recipient: ich.recipient.id,
        controlRef: ich.controlRef,
        messageTypes: [...new Set(ich.messages.map((m) => m.type))],
        bytes: raw,
        status: env.duplicate ? 'duplicate' : ich.rejected ? 'rejected' : 'received',
      });
      if (!env.duplicate && !ich.rejected) await setInterchangeStatus(opts.db, { sender: ich.sender, controlRef: ich.controlRef }, 'received', archiveId);
    }
    if (opts.beforeContrl && !ich.rejected && !env.duplicate) await opts.beforeContrl({ interchange: ich, partner: p, archiveId });
    let issued: Promise<IssuedContrl> | null = null;
    const issueContrl = (): Promise<IssuedContrl> => (issued ??= issueContrlFor(ich, p, archiveId, archive, opts));
    const contrlWanted = wantsContrl(ich, p) || (!!opts.answerRejections && (ich.rejected || env.duplicate));
    const contrl = contrlWanted && !opts.deferContrl ? await issueContrl() : null;
    result.interchanges.push({ interchange: ich, partner: p, duplicate: env.duplicate, archiveId, bytes: raw, contrl, contrlWanted, issueContrl, processable: !ich.rejected && !env.duplicate });
  }
  return result;
}

/** Numbers the CONTRL for `ich` from the partner's persisted sequence, builds it and archives it as sent. */
async function issueContrlFor(ich: Interchange, p: PartnerProfile | null, archiveId: number | null, archive: boolean, opts: InboundOptions): Promise<IssuedContrl> {
  const seqKey = p?.id ?? `SENDER:${ich.sender.id || 'UNKNOWN'}`;
  const controlRef = opts.controlRef ?? (opts.db ? await nextControlRef(opts.db, seqKey) : '1');
  const c = buildContrl(ich, { ...contrlOptionsFor(ich, p), controlRef, prepared: opts.now });
  let outId: number | null = null;
  if (archive && opts.db) {
    outId = await archiveInterchange(opts.db, {
      direction: 'out',
      partnerId: p?.id ?? null,
      sender: (opts.ourIds ?? ourIds())[0].id,
      recipient: ich.sender.id,
      controlRef,
      messageTypes: ['CONTRL'],
      bytes: c.bytes,
      inReplyTo: archiveId,
      correlation: { subject: { sender: ich.sender.id, controlRef: ich.controlRef }, action: c.action },
    });
    if (archiveId !== null) await correlateArchive(opts.db, archiveId, { contrl: outId });
  }
  return { ...c, archiveId: outId, controlRef };
}
