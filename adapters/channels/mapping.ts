/**
 * Per-channel code tables (`mappings/channels/<name>.json`), in the OpenTravel adapter's table shape
 * (`OtaMapping`: channel HotelCode → provider and its rooms, InvTypeCode → product, RatePlanCode → rate
 * plan), whatever the channel's format. A change whose product or rate plan has no code is a per-change
 * failure (GW_UNMAPPED_CODE): it retries, parks as a dead letter, and replays once the table is fixed.
 * Files are re-read when they change on disk, so a fix applies without a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AriChange } from '../../core/model';
import type { OtaMapping } from '../ota';
import { projectRoot } from '../../core/paths';

/** A table with the reverse indexes the channel side needs. */
export interface ChannelMapping {
  source: OtaMapping;
  byProduct: Map<string, { hotelCode: string; invTypeCode: string }>;
  byRatePlan: Map<string, { hotelCode: string; invTypeCode: string; ratePlanCode: string }>;
}

export function mappingsDir(): string {
  return path.join(projectRoot(), 'mappings', 'channels');
}

/** Checks a table's shape and indexes it; throws naming the bad key. */
export function indexMapping(m: OtaMapping, where: string): ChannelMapping {
  const fail = (key: string, why: string) => new Error(`mapping ${where}: ${key} ${why}`);
  if (!m || typeof m !== 'object' || typeof m.partner !== 'string') throw fail('partner', 'must be a string');
  if (!m.hotels || typeof m.hotels !== 'object') throw fail('hotels', 'must be an object');
  const byProduct = new Map<string, { hotelCode: string; invTypeCode: string }>();
  const byRatePlan = new Map<string, { hotelCode: string; invTypeCode: string; ratePlanCode: string }>();
  for (const [hotelCode, h] of Object.entries(m.hotels)) {
    if (typeof h?.providerId !== 'string') throw fail(`hotels.${hotelCode}.providerId`, 'must be a string');
    for (const [invTypeCode, r] of Object.entries(h.rooms ?? {})) {
      if (typeof r?.productId !== 'string') throw fail(`hotels.${hotelCode}.rooms.${invTypeCode}.productId`, 'must be a string');
      byProduct.set(r.productId, { hotelCode, invTypeCode });
      for (const [ratePlanCode, id] of Object.entries(r.ratePlans ?? {})) {
        if (typeof id !== 'string') throw fail(`hotels.${hotelCode}.rooms.${invTypeCode}.ratePlans.${ratePlanCode}`, 'must be a string');
        byRatePlan.set(id, { hotelCode, invTypeCode, ratePlanCode });
      }
    }
  }
  return { source: m, byProduct, byRatePlan };
}

/** A mapping file that re-reads itself when its modification time changes. */
export class MappingSource {
  private cached: ChannelMapping | null = null;
  private mtime = -1;
  constructor(readonly file: string) {}

  get(): ChannelMapping {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.file);
    } catch {
      throw new Error(`mapping ${this.file} does not exist`);
    }
    if (!this.cached || st.mtimeMs !== this.mtime) {
      this.cached = indexMapping(JSON.parse(fs.readFileSync(this.file, 'utf8')) as OtaMapping, this.file);
      this.mtime = st.mtimeMs;
    }
    return this.cached;
  }
}

export function mappingSource(name: string, dir = mappingsDir()): MappingSource {
  return new MappingSource(path.join(dir, `${name}.json`));
}

/** Why a change cannot be sent in the channel's codes, or null when it can. */
export function unmappedReason(c: AriChange, m: ChannelMapping): string | null {
  if (c.kind === 'availability') return m.byProduct.has(c.productId) ? null : `GW_UNMAPPED_CODE: product ${c.productId} has no code in mapping ${m.source.partner}`;
  return m.byRatePlan.has(c.ratePlanId) ? null : `GW_UNMAPPED_CODE: rate plan ${c.ratePlanId} has no code in mapping ${m.source.partner}`;
}
