/**
 * How ARI changes travel on the bus: routing keys `ari.availability.<provider>.<product>` and
 * `ari.rate.<provider>.<product>.<ratePlan>`, the bindings a channel's queue gets from what it sells, and
 * the message body (the canonical `AriChange` as JSON).
 */
import type { AriChange } from '../../core/model';
import type { ChannelConfig } from '../../config/channels/validate';
import type { OutMessage } from '../bus/types';

/** Ids may hold any character; a topic word may not contain `.` and `*`/`#` are wildcards. */
function word(id: string): string {
  return encodeURIComponent(id).replace(/\./g, '%2E').replace(/\*/g, '%2A').replace(/#/g, '%23');
}

export function routingKey(c: AriChange): string {
  return c.kind === 'availability'
    ? `ari.availability.${word(c.providerId)}.${word(c.productId)}`
    : `ari.rate.${word(c.providerId)}.${word(c.productId)}.${word(c.ratePlanId)}`;
}

/** Topic patterns selecting everything a channel sells. */
export function bindingsFor(cfg: Pick<ChannelConfig, 'sells'>): string[] {
  const out = new Set<string>();
  for (const p of cfg.sells.providers) out.add(`ari.*.${word(p)}.#`);
  for (const p of cfg.sells.products) out.add(`ari.*.*.${word(p)}.#`);
  for (const r of cfg.sells.ratePlans) out.add(`ari.rate.*.*.${word(r)}`);
  return [...out];
}

/** The queue of a channel under a namespace (tests use a random namespace). */
export function queueName(namespace: string, channel: string): string {
  return `${namespace}.channel.${channel}`;
}

/** One key a channel keeps a sequence for: availability per product-day, rate per rate-plan-day. */
export interface AriKey {
  kind: AriChange['kind'];
  itemId: string;
  day: string;
}

export function keyOf(c: AriChange): AriKey {
  return { kind: c.kind, itemId: c.kind === 'availability' ? c.productId : c.ratePlanId, day: c.day };
}

export function keyString(k: AriKey): string {
  return `${k.kind}|${k.itemId}|${k.day}`;
}

/** An outbox change or a resync snapshot as it travels; `force` lets an equal seq through (full refresh). */
export function toMessage(c: AriChange, opts: { id?: string; force?: boolean } = {}): OutMessage {
  return {
    id: opts.id ?? c.id,
    routingKey: routingKey(c),
    body: Buffer.from(JSON.stringify(c)),
    headers: opts.force ? { force: true } : {},
  };
}

/** Parses and checks a message body; throws on anything that is not a well-formed change. */
export function parseChange(body: Buffer | string): AriChange {
  const c = JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as AriChange;
  const problem = checkChange(c);
  if (problem) throw new Error(`malformed ARI change: ${problem}`);
  return c;
}

/** Why a change is malformed, or null. */
export function checkChange(c: AriChange): string | null {
  if (!c || typeof c !== 'object') return 'not an object';
  if (c.kind !== 'availability' && c.kind !== 'rate') return `unknown kind ${String((c as { kind?: unknown }).kind)}`;
  if (!Number.isSafeInteger(c.seq) || c.seq < 0) return 'seq must be a non-negative integer';
  if (typeof c.providerId !== 'string' || !c.providerId) return 'providerId missing';
  if (typeof c.productId !== 'string' || !c.productId) return 'productId missing';
  if (typeof c.day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(c.day)) return 'day must be YYYY-MM-DD';
  if (!c.state || typeof c.state !== 'object') return 'state missing';
  if (c.kind === 'rate') {
    if (typeof c.ratePlanId !== 'string' || !c.ratePlanId) return 'ratePlanId missing on a rate change';
    if (!c.state.amounts || typeof c.state.amounts !== 'object') return 'rate state has no amounts';
  } else if (!Number.isInteger(c.state.available)) return 'availability state has no available count';
  return null;
}
