/** Why the store refused an ARI inventory update, as the coded error every protocol reports. */
import { gwError, type GatewayError } from './errors';
import type { IsoDate } from './model';
import type { LosConflict } from './ports';

const SHOWN = 5;

function more(n: number): string {
  return n > SHOWN ? ` and ${n - SHOWN} more days` : '';
}

/** The error for an update the store left undone (days below what is sold and held, or min above max LOS), or null. */
export function inventoryRefusal(productId: string, r: { belowCommitted: IsoDate[]; losConflicts: LosConflict[] }): GatewayError | null {
  if (r.belowCommitted.length) {
    return gwError('GW_BELOW_COMMITTED', `${productId}: the allotment would fall below what is sold and held on ${r.belowCommitted.slice(0, SHOWN).join(', ')}${more(r.belowCommitted.length)}`, { detail: { days: r.belowCommitted } });
  }
  if (r.losConflicts.length) {
    // The same rule as minLos > maxLos within one update (core/validate.ts), checked here against what is stored.
    const days = r.losConflicts.slice(0, SHOWN).map((d) => `${d.day} (minLos ${d.minLos} > maxLos ${d.maxLos})`).join(', ');
    return gwError('GW_BAD_INPUT', `${productId}: the minimum stay would be above the maximum on ${days}${more(r.losConflicts.length)}; set both together or clear one`, { detail: { days: r.losConflicts } });
  }
  return null;
}
