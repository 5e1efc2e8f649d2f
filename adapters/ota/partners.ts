/**
 * OTA partner profiles (config/ota-partners/<name>.json): which RequestorID a partner sends, which code
 * table it uses, and where its reservations are delivered. Read and validated once at start-up, frozen;
 * a bad profile stops the process with a message naming the file and key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../core/paths';
import { loadMappingFile, tableResolver, type CodeResolver, type OtaMapping } from './mapping';

/** Outbound delivery of OTA_HotelResNotifRQ to a provider's property system. */
export interface DeliveryEndpoint {
  url: string;
  /** HTTP Basic user for the endpoint (the password is read from the environment, never from this file). */
  username?: string;
  /** Name of the environment variable holding the endpoint password. */
  passwordEnv?: string;
  /** Wrap the message in a SOAP 1.1 envelope (SiteMinder style) instead of a plain POST. */
  soap?: boolean;
  /** Give up (park the delivery as failed) after this many attempts; default 50. */
  maxAttempts?: number;
}

/** The JSON form of a profile. */
export interface OtaPartnerProfile {
  partnerId: string;
  /** `POS/Source/RequestorID@ID` values this partner sends; defaults to its partner id. */
  requestorIds?: string[];
  /** Code table file under mappings/ota/; omitted = the hub's own codes. */
  mapping?: string;
  delivery?: DeliveryEndpoint;
}

export interface OtaRegistry {
  profiles: readonly OtaPartnerProfile[];
  profile(partnerId: string): OtaPartnerProfile | undefined;
  /** The partner that a RequestorID@ID names (a declared requestor id, or the partner id itself). */
  partnerForRequestor(requestorId: string): string;
  /** The code table of a partner, if it has one. */
  mapping(partnerId: string): OtaMapping | undefined;
  resolver(partnerId: string): CodeResolver | undefined;
}

function check(profile: unknown, file: string): OtaPartnerProfile {
  const fail = (key: string, why: string) => new Error(`OTA partner profile ${file}: ${key} ${why}`);
  const p = profile as OtaPartnerProfile;
  if (!p || typeof p !== 'object') throw fail('(root)', 'must be an object');
  if (typeof p.partnerId !== 'string' || !/^[A-Z0-9][A-Z0-9-]{1,39}$/.test(p.partnerId)) throw fail('partnerId', 'must be a partner id (A-Z, 0-9, -)');
  if (p.requestorIds !== undefined && (!Array.isArray(p.requestorIds) || p.requestorIds.some((r) => typeof r !== 'string' || r === ''))) throw fail('requestorIds', 'must be a list of strings');
  if (p.mapping !== undefined && typeof p.mapping !== 'string') throw fail('mapping', 'must be a file name');
  if (p.delivery !== undefined) {
    const d = p.delivery;
    try {
      const u = new URL(d.url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      throw fail('delivery.url', 'must be an http(s) URL');
    }
    if (d.maxAttempts !== undefined && !(Number.isInteger(d.maxAttempts) && d.maxAttempts > 0)) throw fail('delivery.maxAttempts', 'must be a positive integer');
  }
  return p;
}

/** Builds a registry from profiles (and their tables, given or read from mappings/ota/). */
export function createRegistry(profiles: OtaPartnerProfile[], tables: Record<string, OtaMapping> = {}): OtaRegistry {
  const byPartner = new Map<string, OtaPartnerProfile>();
  const byRequestor = new Map<string, string>();
  const maps = new Map<string, OtaMapping>();
  const resolvers = new Map<string, CodeResolver>();
  for (const p of profiles) {
    const prof = Object.freeze(check(p, p.partnerId ?? '?'));
    byPartner.set(prof.partnerId, prof);
    for (const r of prof.requestorIds ?? []) {
      const other = byRequestor.get(r);
      if (other && other !== prof.partnerId) throw new Error(`OTA partner profiles: RequestorID ${r} is claimed by ${other} and ${prof.partnerId}`);
      byRequestor.set(r, prof.partnerId);
    }
    const table = tables[prof.partnerId] ?? (prof.mapping ? loadMappingFile(prof.mapping) : undefined);
    if (table) {
      maps.set(prof.partnerId, table);
      resolvers.set(prof.partnerId, tableResolver(table));
    }
  }
  return Object.freeze({
    profiles: Object.freeze([...byPartner.values()]),
    profile: (id: string) => byPartner.get(id),
    partnerForRequestor: (id: string) => byRequestor.get(id) ?? id,
    mapping: (id: string) => maps.get(id),
    resolver: (id: string) => resolvers.get(id),
  });
}

/** Reads every `*.json` profile in a folder (default config/ota-partners/). */
export function loadRegistry(dir = path.join(projectRoot(), 'config', 'ota-partners')): OtaRegistry {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
  const profiles = files.map((f) => {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    } catch (e) {
      throw new Error(`OTA partner profile ${f}: not valid JSON (${(e as Error).message})`);
    }
    return check(raw, f);
  });
  return createRegistry(profiles);
}
