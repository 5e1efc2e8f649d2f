/**
 * Coalescing: what a channel receives for a batch of changes. Superseded values are dropped (only the
 * highest seq per key survives) and adjacent days of the same product or rate plan with equal values merge
 * into one date range, so a 30-night allotment change becomes one record instead of thirty.
 */
import type { AriChange, AvailabilityState, RateState } from '../../core/model';
import { keyOf, keyString } from './routing';

/** One date range of equal values, with the seq of each day (oldest day first). */
export type AriRecord =
  | { kind: 'availability'; providerId: string; productId: string; from: string; to: string; seqs: number[]; state: AvailabilityState }
  | { kind: 'rate'; providerId: string; productId: string; ratePlanId: string; from: string; to: string; seqs: number[]; state: RateState };

/** Keeps the change with the highest seq per key (ties keep the first seen). */
export function latestPerKey<T extends { change: AriChange }>(items: T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const it of items) {
    const k = keyString(keyOf(it.change));
    const prev = out.get(k);
    if (!prev || it.change.seq > prev.change.seq) out.set(k, it);
  }
  return out;
}

/** JSON with sorted object keys, so equal values compare equal whatever order their keys came in. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}

export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Merges changes (one per key: pass them through `latestPerKey` first) into date-range records. */
export function coalesce(changes: AriChange[]): AriRecord[] {
  const sorted = [...changes].sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return ka.kind.localeCompare(kb.kind) || ka.itemId.localeCompare(kb.itemId) || ka.day.localeCompare(kb.day);
  });
  const out: AriRecord[] = [];
  let last: { rec: AriRecord; item: string; state: string } | null = null;
  for (const c of sorted) {
    const item = keyOf(c).itemId;
    const state = stableJson(c.state);
    if (last && last.rec.kind === c.kind && last.item === item && last.state === state && nextDay(last.rec.to) === c.day) {
      last.rec.to = c.day;
      last.rec.seqs.push(c.seq);
      continue;
    }
    const rec: AriRecord = c.kind === 'availability'
      ? { kind: 'availability', providerId: c.providerId, productId: c.productId, from: c.day, to: c.day, seqs: [c.seq], state: c.state }
      : { kind: 'rate', providerId: c.providerId, productId: c.productId, ratePlanId: c.ratePlanId, from: c.day, to: c.day, seqs: [c.seq], state: c.state };
    out.push(rec);
    last = { rec, item, state };
  }
  return out;
}

/** The days a record covers, in order (aligned with `seqs`). */
export function daysOf(r: { from: string; to: string }): string[] {
  const out: string[] = [];
  for (let d = r.from; d <= r.to; d = nextDay(d)) out.push(d);
  return out;
}
