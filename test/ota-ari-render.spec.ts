import assert from 'node:assert/strict';
import { renderAriNotifs } from '../adapters/ota';
import type { OtaMapping } from '../adapters/ota/mapping';
import type { AriChange } from '../core/model';
import { assertValidOta } from './support/ota-xsd';
import { parseXml, kids, kid, at } from '../adapters/ota/xml';

const mapping: OtaMapping = {
  partner: 'CH-BOOKING',
  hotels: { HIL1: { providerId: 'MAK-HILTON', rooms: { DBL: { productId: 'MAK-HILTON-DBL', ratePlans: { BAR: 'MAK-HILTON-DBL-BAR' } } } } },
};

function avail(day: string, seq: number, available: number, stopSell = false): AriChange {
  return { id: String(seq), kind: 'availability', seq, providerId: 'MAK-HILTON', productId: 'MAK-HILTON-DBL', day, createdAt: '2026-01-01T00:00:00Z',
    state: { available, allotment: 10, stopSell, closedToArrival: false, closedToDeparture: true, minLos: 2, maxLos: null } };
}

describe('OTA ARI renderer for channels', () => {
  it('collapses equal consecutive days into ranges and validates against the 2015B schemas', () => {
    const changes: AriChange[] = [
      avail('2026-03-01', 1, 5), avail('2026-03-02', 2, 5), avail('2026-03-03', 3, 5), avail('2026-03-04', 4, 0, true),
      avail('2026-03-01', 9, 4), // a later snapshot of the same day wins
      { id: '20', kind: 'rate', seq: 3, providerId: 'MAK-HILTON', productId: 'MAK-HILTON-DBL', ratePlanId: 'MAK-HILTON-DBL-BAR', day: '2026-03-01', createdAt: '',
        state: { currency: 'SAR', amounts: { '1': '400.00', '2': '450.00' }, extraAdult: '100.00', extraChild: null } },
    ];
    const msgs = renderAriNotifs(changes, mapping);
    assert.deepEqual(msgs.map((m) => m.message), ['OTA_HotelAvailNotifRQ', 'OTA_HotelInvCountNotifRQ', 'OTA_HotelRateAmountNotifRQ']);
    for (const m of msgs) assertValidOta(m.xml);
    const av = parseXml(msgs[0].xml).node;
    const recs = kids(kid(av, 'AvailStatusMessages'), 'AvailStatusMessage');
    assert.equal(at(kid(av, 'AvailStatusMessages'), 'HotelCode'), 'HIL1');
    // three ranges: 03-01 (4 left), 03-02..03-03 (5 left), 03-04 (stop-sell); three records each
    assert.equal(recs.length, 9);
    const ranges = recs.filter((r) => at(r, 'BookingLimit') !== undefined).map((r) => [at(kid(r, 'StatusApplicationControl'), 'Start'), at(kid(r, 'StatusApplicationControl'), 'End'), at(r, 'BookingLimit'), at(kid(r, 'RestrictionStatus'), 'Status')]);
    assert.deepEqual(ranges, [['2026-03-01', '2026-03-01', '4', 'Open'], ['2026-03-02', '2026-03-03', '5', 'Open'], ['2026-03-04', '2026-03-04', '0', 'Close']]);
  });

  it('refuses a product the channel has no code for, naming it', () => {
    const c = { ...avail('2026-03-01', 1, 5), productId: 'MAK-OTHER' } as AriChange;
    assert.throws(() => renderAriNotifs([c], mapping), (e: { code?: string; message: string }) => e.code === 'GW_UNMAPPED_CODE' && /MAK-OTHER/.test(e.message));
    assert.deepEqual(renderAriNotifs([c], mapping, { skipUnmapped: true }), []);
  });
});
