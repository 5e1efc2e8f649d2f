/**
 * EDIFACT partner profiles: `config/partners/*.json`, validated at load with errors naming the file and
 * the key. A profile says who the partner is on the wire (UNB ids and qualifiers), what it sends
 * (syntax identifier and version, separators, whether `*` in the UNA repetition position is ignored),
 * its UNB password (stored as a SHA-256 hash, or the name of an environment variable), when it gets a
 * CONTRL, and whether its interchanges are handled strictly or leniently.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../core/paths';
import { PARTNER_KINDS, type PartnerKind } from '../../core/model';
import { charsetFor } from './charset';
import { OUR_ID, separatorsFromString, type PartyId, type Separators } from './types';
import type { ParseOptions } from './parser';

/**
 * When a CONTRL is sent back:
 * - `always`: for every interchange (acceptance or rejection);
 * - `errors` (default): when something was rejected, or when UNB 0031 = 1 asks for it;
 * - `on-request`: only when UNB 0031 = 1;
 * - `never`.
 * Over HTTP (`POST /edifact`) an interchange rejected as a whole is answered with its CONTRL whatever the
 * policy: the error answer goes back anyway and must say why.
 */
export type AckPolicy = 'always' | 'errors' | 'on-request' | 'never';

export interface EdifactProfile {
  /** UNB S002 identifications the partner sends with (qualifier optional: any qualifier matches). */
  ids: PartyId[];
  /**
   * Syntax identifier(s) the partner may send (UNOA, UNOB, UNOC, UNOI, UNOW, UNOY, IATA, IATB …); the
   * first is the one we write to it. Anything else is accepted with a warning.
   */
  charset: string | string[];
  syntaxVersion: 1 | 2 | 3 | 4;
  /** Separators when the partner sends no UNA, and for what we send (6 characters like ":+.? '"). */
  separators: string;
  /** Treat `*` (or any character) in the UNA repetition position as ordinary data. */
  ignoreRepetition: boolean;
  ackPolicy: AckPolicy;
  /** CONTRL form: 3 (syntax 3 UCI/UCM…) or 4; default: 4 for syntax version 4, else 3. */
  contrlVersion?: 3 | 4;
  mode: 'strict' | 'lenient';
  /** UNB S005 password check: SHA-256 (hex) of the expected value, or an environment variable holding it. */
  password?: { sha256?: string; env?: string } | null;
  /** Largest interchange accepted, bytes (default 50 MiB). */
  maxInterchangeBytes?: number;
  /** Write a line break after each segment in what we send (default false). */
  lineBreaks?: boolean;
}

/**
 * An `authority` (border control, the Hajj and Umrah ministry's APIS) only receives what the hub sends it,
 * PAXLST manifests; it is not a partner of the store and never signs in.
 */
export type ProfileKind = PartnerKind | 'authority';
export const PROFILE_KINDS: readonly ProfileKind[] = [...PARTNER_KINDS, 'authority'];

export interface PartnerProfile {
  id: string;
  name: string;
  kind: ProfileKind;
  edifact: EdifactProfile;
  /** File it was loaded from. */
  source?: string;
}

const KEYS_TOP = new Set(['id', 'name', 'kind', 'edifact', '$comment']);
const KEYS_EDI = new Set(['ids', 'charset', 'syntaxVersion', 'separators', 'ignoreRepetition', 'ackPolicy', 'contrlVersion', 'mode', 'password', 'maxInterchangeBytes', 'lineBreaks']);
const ACK: AckPolicy[] = ['always', 'errors', 'on-request', 'never'];

export class ProfileError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`${source}: ${problems.join('; ')}`);
  }
}

/** Validates one parsed profile; throws ProfileError listing every problem with its key. */
export function validateProfile(raw: unknown, source = 'profile'): PartnerProfile {
  const p: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProfileError(source, ['the profile must be a JSON object']);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS_TOP.has(k)) p.push(`${k}: unknown key`);
  if (typeof o.id !== 'string' || !/^[A-Z0-9][A-Z0-9-]{1,39}$/.test(o.id)) p.push('id: must be upper case letters, digits and -, 2–40 characters');
  if (typeof o.name !== 'string' || !o.name.trim()) p.push('name: must be a non-empty string');
  if (typeof o.kind !== 'string' || !(PROFILE_KINDS as readonly string[]).includes(o.kind)) p.push(`kind: must be one of ${PROFILE_KINDS.join(', ')}`);
  const e = o.edifact as Record<string, unknown> | undefined;
  if (typeof e !== 'object' || e === null || Array.isArray(e)) {
    p.push('edifact: must be an object');
    throw new ProfileError(source, p);
  }
  for (const k of Object.keys(e)) if (!KEYS_EDI.has(k)) p.push(`edifact.${k}: unknown key`);
  if (!Array.isArray(e.ids) || e.ids.length === 0) p.push('edifact.ids: must be a non-empty array of { id, qualifier? }');
  else
    e.ids.forEach((x: unknown, i: number) => {
      const r = x as Record<string, unknown>;
      if (typeof r !== 'object' || r === null) return p.push(`edifact.ids[${i}]: must be an object`);
      for (const k of Object.keys(r)) if (k !== 'id' && k !== 'qualifier') p.push(`edifact.ids[${i}].${k}: unknown key`);
      if (typeof r.id !== 'string' || !r.id || r.id.length > 35) p.push(`edifact.ids[${i}].id: must be a string of 1–35 characters`);
      if (r.qualifier !== undefined && (typeof r.qualifier !== 'string' || r.qualifier.length > 4)) p.push(`edifact.ids[${i}].qualifier: must be a string of at most 4 characters`);
    });
  const cs = Array.isArray(e.charset) ? e.charset : [e.charset];
  if (cs.length === 0 || !cs.every((c) => typeof c === 'string' && charsetFor(c).known)) p.push('edifact.charset: must be a supported syntax identifier (UNOA, UNOB, UNOC, UNOD…UNOL, UNOW, UNOY, IATA, IATB) or a non-empty list of them');
  if (![1, 2, 3, 4].includes(e.syntaxVersion as number)) p.push('edifact.syntaxVersion: must be 1, 2, 3 or 4');
  if (typeof e.separators !== 'string' || e.separators.length !== 6) p.push('edifact.separators: must be 6 characters like ":+.? \'" (component, element, decimal, release, repetition, terminator)');
  else {
    const s = e.separators;
    const used = [s[0], s[1], s[3], s[4], s[5]].filter((c) => c !== ' ');
    if (new Set(used).size !== used.length) p.push('edifact.separators: service characters must be distinct');
    if (s[0] === ' ' || s[1] === ' ' || s[5] === ' ') p.push('edifact.separators: component, element and terminator cannot be a space');
  }
  if (typeof e.ignoreRepetition !== 'boolean') p.push('edifact.ignoreRepetition: must be true or false');
  if (!ACK.includes(e.ackPolicy as AckPolicy)) p.push(`edifact.ackPolicy: must be one of ${ACK.join(', ')}`);
  if (e.contrlVersion !== undefined && e.contrlVersion !== 3 && e.contrlVersion !== 4) p.push('edifact.contrlVersion: must be 3 or 4');
  if (e.mode !== 'strict' && e.mode !== 'lenient') p.push('edifact.mode: must be "strict" or "lenient"');
  if (e.password !== undefined && e.password !== null) {
    const pw = e.password as Record<string, unknown>;
    if (typeof pw !== 'object') p.push('edifact.password: must be an object { sha256 } or { env }');
    else {
      for (const k of Object.keys(pw)) if (k !== 'sha256' && k !== 'env') p.push(`edifact.password.${k}: unknown key`);
      if (pw.sha256 === undefined && pw.env === undefined) p.push('edifact.password: needs sha256 or env');
      if (pw.sha256 !== undefined && (typeof pw.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(pw.sha256))) p.push('edifact.password.sha256: must be 64 lower-case hex digits');
      if (pw.env !== undefined && (typeof pw.env !== 'string' || !/^[A-Z_][A-Z0-9_]*$/.test(pw.env))) p.push('edifact.password.env: must be an environment variable name');
    }
  }
  if (e.maxInterchangeBytes !== undefined && (!Number.isInteger(e.maxInterchangeBytes) || (e.maxInterchangeBytes as number) < 1024)) p.push('edifact.maxInterchangeBytes: must be an integer ≥ 1024');
  if (e.lineBreaks !== undefined && typeof e.lineBreaks !== 'boolean') p.push('edifact.lineBreaks: must be true or false');
  if (p.length) throw new ProfileError(source, p);
  return { ...(o as unknown as PartnerProfile), source };
}

export class PartnerDirectory {
  private readonly byId = new Map<string, PartnerProfile>();

  constructor(readonly profiles: PartnerProfile[]) {
    const seen = new Map<string, string>();
    for (const pr of profiles) {
      if (this.byId.has(pr.id)) throw new ProfileError(pr.source ?? pr.id, [`id: ${pr.id} is also used by ${this.byId.get(pr.id)!.source}`]);
      this.byId.set(pr.id, pr);
      for (const x of pr.edifact.ids) {
        const key = `${x.id}\u0000${x.qualifier ?? ''}`;
        if (seen.has(key)) throw new ProfileError(pr.source ?? pr.id, [`edifact.ids: ${x.id}${x.qualifier ? ':' + x.qualifier : ''} is also claimed by ${seen.get(key)}`]);
        seen.set(key, pr.id);
      }
    }
  }

  get(id: string): PartnerProfile | undefined {
    return this.byId.get(id);
  }

  /** The profile whose UNB ids include this sender (exact qualifier first, then a profile id without qualifier). */
  bySender(s: PartyId): PartnerProfile | undefined {
    let loose: PartnerProfile | undefined;
    for (const pr of this.profiles) {
      for (const x of pr.edifact.ids) {
        if (x.id !== s.id) continue;
        if ((x.qualifier ?? '') === (s.qualifier ?? '')) return pr;
        if (!x.qualifier) loose = pr;
      }
    }
    return loose;
  }
}

export function partnersDir(): string {
  return process.env.MAQAM_PARTNERS_DIR ?? path.join(projectRoot(), 'config', 'partners');
}

let shared: PartnerDirectory | undefined;

/** The profiles of `partnersDir()`, loaded once per process and shared by the EDIFACT routes. */
export function sharedPartnerProfiles(): PartnerDirectory {
  return (shared ??= loadPartnerProfiles());
}

/** Loads and validates every `*.json` profile with an `edifact` section in the folder. */
export function loadPartnerProfiles(dir = partnersDir()): PartnerDirectory {
  const out: PartnerProfile[] = [];
  const problems: string[] = [];
  if (fs.existsSync(dir)) {
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
      const file = path.join(dir, f);
      const rel = path.relative(projectRoot(), file);
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (err) {
        problems.push(`${rel}: not valid JSON (${(err as Error).message})`);
        continue;
      }
      if (typeof raw === 'object' && raw !== null && !('edifact' in raw)) continue; // another protocol's profile
      try {
        out.push(validateProfile(raw, rel));
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
  }
  if (problems.length) throw new Error(`invalid partner profile(s):\n  ${problems.join('\n  ')}`);
  return new PartnerDirectory(out);
}

/** Parser options for a partner's interchanges. */
export function parseOptionsFor(p: PartnerProfile | undefined | null): ParseOptions {
  if (!p) return {};
  return {
    separators: separatorsFromString(p.edifact.separators),
    ignoreRepetition: p.edifact.ignoreRepetition,
    strict: p.edifact.mode === 'strict',
    lenient: p.edifact.mode === 'lenient',
  };
}

/** The syntax identifiers a partner may send; the first is the one we write. */
export function charsetsOf(p: PartnerProfile): string[] {
  return Array.isArray(p.edifact.charset) ? p.edifact.charset : [p.edifact.charset];
}

export function separatorsOf(p: PartnerProfile): Separators {
  const s = separatorsFromString(p.edifact.separators);
  if (p.edifact.ignoreRepetition) s.repetition = -1;
  return s;
}

/** True when the UNB password matches the profile (or the profile sets none). */
export function passwordMatches(p: PartnerProfile, given: string | undefined): boolean {
  const pw = p.edifact.password;
  if (!pw) return true;
  if (given === undefined || given === '') return false;
  const h = crypto.createHash('sha256').update(given, 'utf8').digest();
  let expected: Buffer;
  if (pw.sha256) expected = Buffer.from(pw.sha256, 'hex');
  else {
    const v = pw.env ? process.env[pw.env] : undefined;
    if (!v) return false;
    expected = crypto.createHash('sha256').update(v, 'utf8').digest();
  }
  return expected.length === h.length && crypto.timingSafeEqual(expected, h);
}

/** Our own interchange ids (MAQAM:ZZZ, overridable by MAQAM_EDIFACT_ID="ID:QUAL"). */
export function ourIds(): PartyId[] {
  const env = process.env.MAQAM_EDIFACT_ID;
  if (env) {
    const [id, qualifier] = env.split(':');
    return [{ id, ...(qualifier ? { qualifier } : {}) }];
  }
  return [{ ...OUR_ID }];
}
