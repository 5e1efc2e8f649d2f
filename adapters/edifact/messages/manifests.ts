/**
 * Filing a pilgrim manifest with an authority: an Umrah company, an agency or an airline posts the canonical
 * manifest (JSON) to `POST /edifact/manifests?to=<authority>`; the hub checks it (core), stores it under
 * its flight, writes the PAXLST the authority's profile asks for (syntax identifier, separators, its UNB
 * id), numbers the interchange from the persisted per-authority sequence, archives it with what it carries,
 * and answers with the interchange. Nothing is stored, numbered or archived when the manifest is refused.
 */
import type { Actor, Manifest } from '../../../core/model';
import type { GatewayApi } from '../../../core/api';
import { assertNoViolations, gwError, isGatewayError, violationsError, type Violation } from '../../../core/errors';
import type { Db } from '../../postgres/db';
import { archiveInterchange, charsetsOf, sharedPartnerProfiles, nextControlRef, OUR_ID, separatorsOf, type PartnerDirectory } from '..';
import { storeTx } from '../../postgres/store';
import { manifestToPaxlst } from './outbound';
import { paxlstProblems } from './paxlst-limits';

export interface FiledManifest {
  authority: string;
  controlRef: string;
  archiveId: number;
  bytes: Buffer;
}

/**
 * Core's refusal of a manifest, with the problems only its PAXLST has added: every one with its path (where
 * core found a problem already, such as a birth after the flight, its reason is the one given).
 */
function withProblems(e: unknown, more: Violation[]): unknown {
  if (!isGatewayError(e) || e.violations.length === 0 || e.spec.http !== 400) return e;
  const seen = new Set(e.violations.map((v) => v.path));
  const added = more.filter((v) => !seen.has(v.path));
  return added.length === 0 ? e : violationsError([...e.violations, ...added], 'The manifest is invalid');
}

/** The authorities manifests can be filed with (profiles of kind `authority`). */
function authorities(partners: PartnerDirectory): string[] {
  return partners.profiles.filter((p) => p.kind === 'authority').map((p) => p.id);
}

/**
 * Checks and stores the manifest, and writes, numbers and archives its PAXLST for the authority `to`, all in
 * one transaction.
 * Throws GW_BAD_INPUT (manifest or `to` invalid, every problem with its path), GW_NOT_FOUND (no such
 * authority) or GW_FORBIDDEN (a partner kind that does not report manifests).
 */
export async function fileManifest(
  deps: { gateway: GatewayApi; db: Db; partners?: PartnerDirectory; now?: () => Date },
  req: { actor: Actor; to: string | null; manifest: unknown },
): Promise<FiledManifest> {
  const partners = deps.partners ?? sharedPartnerProfiles();
  const known = authorities(partners);
  const knownText = `known: ${known.join(', ') || 'none configured in config/partners'}`;
  if (!req.to) throw gwError('GW_BAD_INPUT', `say which authority receives the manifest: ?to=${known[0] ?? 'AUTHORITY-ID'} (${knownText})`);
  const profile = partners.get(req.to);
  if (!profile || profile.kind !== 'authority') throw gwError('GW_NOT_FOUND', `no authority ${JSON.stringify(req.to)} (${knownText})`);
  const syntaxId = charsetsOf(profile)[0];
  const prepared = deps.now?.() ?? new Date();
  // What the authority's PAXLST could not carry (a name outside its repertoire, a date two-digit years
  // cannot bring back) is found before core's checks, so that the answer lists every problem at once.
  const unwritable = paxlstProblems(req.manifest, { syntaxId, to: profile.id, prepared });
  // One transaction: core checks and stores the manifest under its flight and filer, then its PAXLST is
  // numbered, written and archived. Any failure (a refusal, a write or archive error) rolls all of it back:
  // nothing stored, no reference taken from the authority's sequence, nothing archived.
  return deps.db.transaction(async (tx) => {
    const manifest = await deps.gateway.recordManifest({ actor: req.actor }, req.manifest as Manifest, { forFiling: true, tx: storeTx(tx) })
      .catch((e: unknown) => { throw withProblems(e, unwritable); });
    assertNoViolations(unwritable, `The manifest cannot be sent to ${profile.id}`);
    const controlRef = await nextControlRef(tx, profile.id);
    const recipient = profile.edifact.ids[0];
    const bytes = manifestToPaxlst(manifest, {
      sender: OUR_ID,
      recipient,
      controlRef,
      syntaxId,
      separators: separatorsOf(profile),
      prepared,
    });
    const f = manifest.flight;
    const archiveId = await archiveInterchange(tx, {
      direction: 'out', partnerId: profile.id, sender: OUR_ID.id, recipient: recipient.id, controlRef, messageTypes: ['PAXLST'], bytes,
      status: 'issued',
      correlation: {
        manifest: { carrier: f.carrier, flightNumber: f.flightNumber, departureDate: f.departureDate, origin: f.origin, kind: manifest.kind },
        filedBy: req.actor.partnerId, travellers: manifest.travellers.length,
      },
    });
    return { authority: profile.id, controlRef, archiveId, bytes };
  });
}
