/**
 * Applies ARI notification records through core, each record on its own: the good ones apply, the bad
 * ones come back as one Warning each (RecordID, Status NotProcessed, Tag). All bad = Errors.
 */
import { isGatewayError } from '../../core/errors';
import type { OtaIssue } from './envelope';
import type { AriCatalog, AriCommand, AriRecord } from './ari-read';
import type { CodeResolver } from './mapping';
import type { MessageHandler } from './handler';
import type { XNode } from './xml';

/** A refusal of the reader (its paths are XPaths already), or of core for `c` (its paths are command fields). */
function issueOf(e: unknown, r: AriRecord, status: string, c?: AriCommand): OtaIssue {
  if (!isGatewayError(e)) return { code: 'GW_INTERNAL', message: 'Internal error', recordId: r.recordId, tag: c?.source?.tag ?? r.tag, status };
  const path = e.violations[0]?.path;
  const tag = !c ? path ?? r.tag : (path !== undefined ? c.source?.fields[path] : undefined) ?? c.source?.tag ?? r.tag;
  return { code: e.code, message: e.message, recordId: r.recordId, tag, status };
}

/**
 * Records of different products are independent; records of one product must apply in message order.
 * So records run as one ordered lane per product, 8 lanes at a time (a fraction of the pool of 20).
 */
const LANES = 8;

function productOf(r: AriRecord): string {
  const c = r.commands[0];
  return c ? (c.kind === 'inventory' ? c.update.productId : c.update.ratePlanId) : '';
}

export type AriReader = (root: XNode, resolver: CodeResolver, rootName: string, catalog: AriCatalog) => Promise<AriRecord[]>;

export function ariHandler(read: AriReader): MessageHandler {
  return async (inp) => {
    const catalog: AriCatalog = { capacity: async (productId) => (await inp.gateway.getProduct(inp.ctx, productId)).maxGuests };
    const records = await read(inp.root, inp.resolver, inp.rq, catalog);
    if (records.length === 0) return { body: '', failed: [{ code: 'GW_BAD_INPUT', message: 'The message holds no record', tag: `/${inp.rq}` }] };
    const issues = new Map<AriRecord, OtaIssue>();
    let applied = 0;
    const lanes = new Map<string, AriRecord[]>();
    for (const r of records) {
      if (r.error) {
        issues.set(r, issueOf(r.error, r, 'NotProcessed'));
        continue;
      }
      const k = productOf(r);
      const lane = lanes.get(k) ?? [];
      lane.push(r);
      lanes.set(k, lane);
    }
    const applyOne = async (r: AriRecord) => {
      let done = 0;
      let current: AriCommand | undefined;
      try {
        for (const c of r.commands) {
          current = c;
          if (c.kind === 'inventory') {
            // Adjustments are not idempotent by nature: a retransmitted message must not add twice.
            const key = c.update.adjust !== undefined && inp.h.echoToken ? `ota:ari:${inp.h.echoToken}:${r.recordId}:${done}`.slice(0, 200) : null;
            await inp.gateway.updateInventory({ ...inp.ctx, idempotencyKey: key }, c.update);
          } else await inp.gateway.updateRates({ ...inp.ctx, idempotencyKey: null }, c.update);
          done++;
        }
        applied++;
      } catch (e) {
        issues.set(r, issueOf(e, r, done > 0 ? 'PartiallyProcessed' : 'NotProcessed', current));
      }
    };
    const queue = [...lanes.values()];
    await Promise.all(Array.from({ length: Math.min(LANES, queue.length) }, async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) for (const r of lane) await applyOne(r);
    }));
    // Warnings in record order, whatever order the lanes finished in.
    const warnings = records.filter((r) => issues.has(r)).map((r) => issues.get(r)!);
    if (applied === 0) return { body: '', failed: warnings };
    return { body: '', warnings };
  };
}
