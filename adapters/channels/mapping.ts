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
import { compileMapping, type OtaMapping } from '../ota';
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

/** Checks a table's shape and indexes it (the OTA adapter's own indexing); throws naming the file and key. */
export function indexMapping(m: OtaMapping, where: string): ChannelMapping {
  if (!m || typeof m !== 'object') throw new Error(`mapping ${where}: must be a JSON object`);
  try {
    const c = compileMapping(m);
    return { source: m, byProduct: c.byProduct, byRatePlan: c.byRatePlan };
  } catch (e) {
    // compileMapping names the partner; an operator fixing a file needs the file.
    throw new Error(`mapping ${where}: ${(e as Error).message.replace(/^OTA mapping for [^:]*: /, '')}`);
  }
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
