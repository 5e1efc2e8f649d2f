/**
 * ARI pushed to GDS channels as UN/EDIFACT: one interchange per delivery, holding one unsolicited AVLRSP
 * (D.21A) whose product groups carry availability, restrictions and rates per date range. The UN message
 * is generic; this is the segment usage (codes are the channel's own, from its code mapping):
 *
 * - SG3 `PRD+HTL+<room code>+<hotel code>` names the product, then `DAV+<from CCYYMMDD>:<to CCYYMMDD>` the
 *   inclusive date range the group speaks of.
 * - Availability: `RPI+<rooms available>+AV` (or `+CL` when stop-sold), and a `RUL` per restriction:
 *   `RUL+CTA` closed to arrival, `RUL+CTD` closed to departure, `RUL+MIN:<nights>`, `RUL+MAX:<nights>`.
 * - Rates: SG6 `RTC+<rate plan code>`, then SG8 `TFF+<guests>:<amount>:<currency>` per occupancy,
 *   `TFF+XA:<amount>:<currency>` extra adult and `TFF+XC:…` extra child.
 *
 * The GDS answers with a CONTRL: UCI action 7 or 8 accepts the interchange, 4 rejects it.
 */
import type { AvailabilityState, RateState } from '../../../core/model';
import { parseInterchanges } from '../parser';
import { serializeInterchange } from '../serializer';
import { ourIds } from '../partners';
import type { PartyId } from '../types';
import { seg, type Segment } from './segments';

/** One date range of one product (or rate plan), in the channel's codes. */
export type AriPushRecord =
  | { kind: 'availability'; hotelCode: string; roomCode: string; from: string; to: string; state: AvailabilityState }
  | { kind: 'rate'; hotelCode: string; roomCode: string; ratePlanCode: string; from: string; to: string; state: RateState };

const compact = (d: string) => d.replaceAll('-', '');

function recordSegments(r: AriPushRecord): Segment[] {
  const out = [seg('PRD', 'HTL', r.roomCode, r.hotelCode), seg('DAV', [compact(r.from), compact(r.to)])];
  if (r.kind === 'availability') {
    const s = r.state;
    out.push(seg('RPI', String(Math.max(0, s.available)), s.stopSell ? 'CL' : 'AV'));
    if (s.closedToArrival) out.push(seg('RUL', 'CTA'));
    if (s.closedToDeparture) out.push(seg('RUL', 'CTD'));
    if (s.minLos != null) out.push(seg('RUL', ['MIN', String(s.minLos)]));
    if (s.maxLos != null) out.push(seg('RUL', ['MAX', String(s.maxLos)]));
  } else {
    const s = r.state;
    out.push(seg('RTC', r.ratePlanCode));
    for (const [guests, amount] of Object.entries(s.amounts).sort(([a], [b]) => Number(a) - Number(b))) out.push(seg('TFF', [guests, amount, s.currency]));
    if (s.extraAdult != null) out.push(seg('TFF', ['XA', s.extraAdult, s.currency]));
    if (s.extraChild != null) out.push(seg('TFF', ['XC', s.extraChild, s.currency]));
  }
  return out;
}

let lastRef = 0;

/**
 * A control reference unique within this process and growing with time: only one worker delivers to a
 * channel at a time (single active consumer), and a GDS detects duplicates by sender + reference.
 */
export function ariControlRef(now = Date.now()): string {
  lastRef = Math.max(lastRef + 1, now);
  return lastRef.toString(36).toUpperCase();
}

/** Renders records as one interchange (UNOC, default separators) from us to `recipient`. */
export function renderAriInterchange(records: AriPushRecord[], opts: { recipient: PartyId; controlRef?: string; prepared?: Date }): Buffer {
  const segments: Segment[] = [seg('NUN', String(records.length))];
  for (const r of records) segments.push(...recordSegments(r));
  return serializeInterchange({
    syntax: { id: 'UNOC', version: '3' },
    sender: ourIds()[0],
    recipient: opts.recipient,
    controlRef: opts.controlRef ?? ariControlRef(),
    prepared: opts.prepared,
    ackRequest: true,
    messages: [{ type: 'AVLRSP', version: 'D', release: '21A', agency: 'UN', segments }],
  });
}

/** What a GDS's CONTRL answer says of our interchange. */
export function readContrlAnswer(body: string | Uint8Array): { ok: boolean; error?: string } {
  const { interchanges } = parseInterchanges(body);
  const msg = interchanges.flatMap((i) => i.messages).find((m) => m.type === 'CONTRL');
  if (!msg) return { ok: false, error: 'the channel did not answer with a CONTRL' };
  const uci = msg.segments.find((s) => s.tag === 'UCI');
  const action = uci?.elements[3]?.[0];
  if (action === '7' || action === '8') return { ok: true };
  const code = uci?.elements[4]?.[0];
  return { ok: false, error: `the channel rejected the interchange (CONTRL action ${action ?? '?'}${code ? `, 0085 ${code}` : ''})` };
}
