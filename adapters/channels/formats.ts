/**
 * Delivery formats: how a chunk of changes (one per key, all mapped) becomes the HTTP requests a channel
 * understands, and how its answers say which changes it accepted.
 * - `json` (partner webhooks): one POST of coalesced date-range records carrying their per-day seqs; a 2xx
 *   answer accepts all but the records listed in `{"errors": [{"index", "message"}]}`.
 * - `ota`: the OTA adapter's `renderAriNotifs` (OTA_HotelAvailNotifRQ, OTA_HotelInvCountNotifRQ,
 *   OTA_HotelRateAmountNotifRQ), one POST per message to `<endpoint>/<message name>`; the chunk counts
 *   as delivered only when every message of it answered `<Success/>`.
 * - `edifact` (GDS partners): one interchange holding an unsolicited AVLRSP with a product group per
 *   coalesced record (adapters/edifact/messages/ari.ts); the GDS's CONTRL (action 7 or 8) accepts it.
 */
import type { AriChange } from '../../core/model';
import { renderAriNotifs } from '../ota';
import type { ChannelConfig } from '../../config/channels/validate';
import { readContrlAnswer, renderAriInterchange, type AriPushRecord } from '../edifact/messages/ari';
import { coalesce, daysOf } from './coalesce';
import type { ChannelMapping } from './mapping';
import { keyOf, keyString } from './routing';

/** One HTTP request and the changes (indexes into the chunk) it carries. */
export interface WireRequest {
  /** Appended to the channel endpoint, e.g. `/OTA_HotelAvailNotifRQ`; '' for none. */
  path: string;
  contentType: string;
  body: string;
  changes: number[];
  /** JSON format: the changes of each record, so a refused record fails only its own changes. */
  records?: number[][];
}

/** What a channel's answer says: `ok` false fails the whole request; `refused` fails some of its changes. */
export interface WireOutcome {
  ok: boolean;
  refused: Map<number, string>;
  error?: string;
}

export interface FormatImpl {
  /** Renders changes that all passed `unmappedReason`. */
  render(channel: string, changes: AriChange[], mapping: ChannelMapping): WireRequest[];
  outcome(req: WireRequest, status: number, body: string): WireOutcome;
}

function httpFailure(status: number, text: string): WireOutcome | null {
  if (status >= 200 && status < 300) return null;
  return { ok: false, refused: new Map(), error: `HTTP ${status}${text ? `: ${text.slice(0, 200).replace(/\s+/g, ' ')}` : ''}` };
}

export const jsonFormat: FormatImpl = {
  render(channel, changes, mapping) {
    const index = new Map(changes.map((c, i) => [keyString(keyOf(c)), i]));
    const records = coalesce(changes).map((r, i) => {
      const codes = r.kind === 'availability' ? mapping.byProduct.get(r.productId)! : mapping.byRatePlan.get(r.ratePlanId)!;
      const item = r.kind === 'availability' ? r.productId : r.ratePlanId;
      const covered = daysOf(r).map((day) => index.get(keyString({ kind: r.kind, itemId: item, day }))!);
      return {
        covered,
        wire: {
          index: i, type: r.kind, hotel: codes.hotelCode, room: codes.invTypeCode,
          ...('ratePlanCode' in codes ? { rate: codes.ratePlanCode } : {}),
          start: r.from, end: r.to, seqs: r.seqs, ...r.state,
        },
      };
    });
    return [{
      path: '', contentType: 'application/json', body: JSON.stringify({ channel, records: records.map((r) => r.wire) }),
      changes: changes.map((_, i) => i), records: records.map((r) => r.covered),
    }];
  },
  outcome(req, status, text) {
    const failed = httpFailure(status, text);
    if (failed) return failed;
    const refused = new Map<number, string>();
    if (text.trim()) {
      let parsed: { errors?: { index?: unknown; message?: unknown }[] };
      try {
        parsed = JSON.parse(text);
      } catch {
        return { ok: false, refused, error: 'the channel answered something that is not JSON' };
      }
      for (const e of parsed.errors ?? []) {
        const covered = typeof e.index === 'number' ? req.records?.[e.index] : undefined;
        for (const c of covered ?? []) refused.set(c, String(e.message ?? 'refused by the channel'));
      }
    }
    return { ok: true, refused };
  },
};

export const otaFormat: FormatImpl = {
  render(_channel, changes, mapping) {
    const all = changes.map((_, i) => i);
    return renderAriNotifs(changes, mapping.source).map((m) => ({ path: `/${m.message}`, contentType: 'text/xml; charset=utf-8', body: m.xml, changes: all }));
  },
  outcome(_req, status, text) {
    const failed = httpFailure(status, text);
    if (failed) return failed;
    if (/<(\w+:)?Success\b/.test(text) && !/<(\w+:)?Errors\b/.test(text)) return { ok: true, refused: new Map() };
    const msg = /<(?:\w+:)?Error\b[^>]*?(?:ShortText="([^"]*)")?[^>]*>([^<]*)/.exec(text);
    return { ok: false, refused: new Map(), error: `the channel answered Errors${msg ? `: ${(msg[1] || msg[2] || '').trim()}` : ''}` };
  },
};

/** The EDIFACT format for a GDS whose interchange id is `recipient`. */
export function edifactFormat(recipient: NonNullable<ChannelConfig['edifact']>): FormatImpl {
  return {
    render(_channel, changes, mapping) {
      const records: AriPushRecord[] = coalesce(changes).map((r) => {
        if (r.kind === 'availability') {
          const c = mapping.byProduct.get(r.productId)!;
          return { kind: 'availability', hotelCode: c.hotelCode, roomCode: c.invTypeCode, from: r.from, to: r.to, state: r.state };
        }
        const c = mapping.byRatePlan.get(r.ratePlanId)!;
        return { kind: 'rate', hotelCode: c.hotelCode, roomCode: c.invTypeCode, ratePlanCode: c.ratePlanCode, from: r.from, to: r.to, state: r.state };
      });
      const body = renderAriInterchange(records, { recipient: { id: recipient.recipient, ...(recipient.qualifier ? { qualifier: recipient.qualifier } : {}) } });
      return [{ path: '', contentType: 'application/edifact', body: body.toString('latin1'), changes: changes.map((_, i) => i) }];
    },
    outcome(_req, status, text) {
      const failed = httpFailure(status, text);
      if (failed) return failed;
      const a = readContrlAnswer(Buffer.from(text, 'latin1'));
      return a.ok ? { ok: true, refused: new Map() } : { ok: false, refused: new Map(), error: a.error };
    },
  };
}

/** The format implementation of a channel. */
export function formatFor(cfg: Pick<ChannelConfig, 'format' | 'edifact' | 'name'>): FormatImpl {
  if (cfg.format === 'json') return jsonFormat;
  if (cfg.format === 'ota') return otaFormat;
  if (!cfg.edifact) throw new Error(`channel ${cfg.name}: an edifact channel needs "edifact": { "recipient": … }`);
  return edifactFormat(cfg.edifact);
}
