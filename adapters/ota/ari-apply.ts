/**
 * Applies ARI notification records through core, each record on its own: the good ones apply, the bad
 * ones come back as one Warning each (RecordID, Status NotProcessed, Tag). All bad = Errors.
 */
import { isGatewayError } from '../../core/errors';
import type { OtaIssue } from './envelope';
import type { AriRecord } from './ari-read';
import type { CodeResolver } from './mapping';
import type { MessageHandler } from './handler';
import type { XNode } from './xml';

function issueOf(e: unknown, r: AriRecord, status: string): OtaIssue {
  if (isGatewayError(e)) return { code: e.code, message: e.message, recordId: r.recordId, tag: e.violations[0]?.path ?? r.tag, status };
  return { code: 'GW_INTERNAL', message: 'Internal error', recordId: r.recordId, tag: r.tag, status };
}

export type AriReader = (root: XNode, resolver: CodeResolver, rootName: string) => Promise<AriRecord[]>;

export function ariHandler(read: AriReader): MessageHandler {
  return async (inp) => {
    const records = await read(inp.root, inp.resolver, inp.rq);
    if (records.length === 0) return { body: '', failed: [{ code: 'GW_BAD_INPUT', message: 'The message holds no record', tag: `/${inp.rq}` }] };
    const warnings: OtaIssue[] = [];
    let applied = 0;
    for (const r of records) {
      if (r.error) {
        warnings.push(issueOf(r.error, r, 'NotProcessed'));
        continue;
      }
      let done = 0;
      try {
        for (const c of r.commands) {
          if (c.kind === 'inventory') {
            // Adjustments are not idempotent by nature: a retransmitted message must not add twice.
            const key = c.update.adjust !== undefined && inp.h.echoToken ? `ota:ari:${inp.h.echoToken}:${r.recordId}:${done}`.slice(0, 200) : null;
            await inp.gateway.updateInventory({ ...inp.ctx, idempotencyKey: key }, c.update);
          } else await inp.gateway.updateRates({ ...inp.ctx, idempotencyKey: null }, c.update);
          done++;
        }
        applied++;
      } catch (e) {
        warnings.push(issueOf(e, r, done > 0 ? 'PartiallyProcessed' : 'NotProcessed'));
      }
    }
    if (applied === 0) return { body: '', failed: warnings };
    return { body: '', warnings };
  };
}
