import assert from 'node:assert/strict';
import { forEachBackend } from './support/db';
import { openOtaWorld, pos, OTA_NS, type OtaWorld } from './support/ota-world';
import { assertValidOta } from './support/ota-xsd';
import { addDays } from '../adapters/ota/dates';
import { parseXml, kid, kids, at } from '../adapters/ota/xml';

function availNotif(o: OtaWorld, records: string[], echo = 'E1'): string {
  return `<OTA_HotelAvailNotifRQ xmlns="${OTA_NS}" Version="1.0" EchoToken="${echo}">${pos('SAFWA-PMS', o.w.secret('QCA-SAFWA'))}`
    + `<AvailStatusMessages HotelCode="SAFWA01">${records.join('')}</AvailStatusMessages></OTA_HotelAvailNotifRQ>`;
}

// PGlite hands `date` columns back as Date objects (pg as strings): normalise for the weekday check.
const dow = (day: unknown) => new Date(typeof day === 'string' ? day + 'T00:00:00Z' : (day as Date).getTime()).getUTCDay();

function warnings(xml: string) {
  const d = parseXml(xml).node;
  return kids(kid(d, 'Warnings'), 'Warning').map((w) => ({ recordId: at(w, 'RecordID'), status: at(w, 'Status'), tag: at(w, 'Tag'), code: at(w, 'ShortText'), type: at(w, 'Type'), err: at(w, 'Code') }));
}

forEachBackend('OTA inbound ARI from a property system', (backend) => {
  let o: OtaWorld;
  before(async () => { o = await openOtaWorld(backend, { days: 120 }); });
  after(async () => { await o.close(); });

  it('applies 97 of a 100-record AvailNotif and reports exactly the 3 bad records', async () => {
    const from = o.w.from;
    const recs: string[] = [];
    const bad = new Set([17, 50, 88]);
    for (let i = 1; i <= 100; i++) {
      const day = addDays(from, i - 1);
      let sac = `<StatusApplicationControl Start="${day}" End="${day}" InvTypeCode="DBLH"/>`;
      if (i === 17) sac = `<StatusApplicationControl Start="${day}" End="${day}" InvTypeCode="NOPE"/>`;
      if (i === 50) sac = `<StatusApplicationControl Start="${day}" End="${addDays(day, -3)}" InvTypeCode="DBLH"/>`;
      const limit = i === 88 ? 'abc' : String(i % 7);
      recs.push(`<AvailStatusMessage BookingLimit="${limit}" BookingLimitMessageType="SetLimit">${sac}<UniqueID Type="16" ID="R${i}"/></AvailStatusMessage>`);
    }
    const r = await o.post('/ota/OTA_HotelAvailNotifRQ', availNotif(o, recs));
    assert.equal(r.status, 200);
    assertValidOta(r.text);
    const ws = warnings(r.text);
    assert.deepEqual(ws.map((w) => w.recordId), ['R17', 'R50', 'R88']);
    assert.ok(ws.every((w) => w.status === 'NotProcessed'));
    assert.deepEqual([ws[0].code, ws[0].type, ws[0].err], ['GW_UNMAPPED_ROOM_TYPE', '3', '402'], 'an unknown room type is ERR 402, not 392 (hotel code)');
    assert.match(ws[0].tag!, /AvailStatusMessage\[17\]\/StatusApplicationControl\/@InvTypeCode/);
    assert.equal(ws[1].code, 'GW_BAD_DATES');
    assert.equal(ws[2].tag, '/OTA_HotelAvailNotifRQ/AvailStatusMessages/AvailStatusMessage[88]/@BookingLimit');
    const inv = await o.w.gateway.getInventory({ actor: o.w.actor('QCA-SAFWA') }, 'QCA-SAFWA-DBL', from, addDays(from, 99));
    for (let i = 1; i <= 100; i++) {
      const d = inv[i - 1];
      if (bad.has(i)) assert.equal(d.available, 40, `record ${i} must not apply`);
      else assert.equal(d.available, i % 7, `record ${i}`);
    }
  });

  it('sets restrictions, LOS and weekday masks, adjusts limits, and loads rates and counts', async () => {
    const from = addDays(o.w.from, 100);
    const to = addDays(from, 13);
    const rq = availNotif(o, [
      `<AvailStatusMessage><StatusApplicationControl Start="${from}" End="${to}" InvTypeCode="QUAD" Fri="true" Sat="false" Sun="false" Mon="false" Tue="false" Weds="false" Thur="false"/><RestrictionStatus Restriction="Master" Status="Close"/></AvailStatusMessage>`,
      `<AvailStatusMessage><StatusApplicationControl Start="${from}" End="${to}" InvTypeCode="QUAD"/><LengthsOfStay><LengthOfStay MinMaxMessageType="SetMinLOS" Time="3"/><LengthOfStay MinMaxMessageType="SetMaxLOS" Time="10"/></LengthsOfStay></AvailStatusMessage>`,
      `<AvailStatusMessage BookingLimit="5" BookingLimitMessageType="AdjustLimit"><StatusApplicationControl Start="${from}" End="${from}" InvTypeCode="QUAD"/><RestrictionStatus Restriction="Arrival" Status="Close"/></AvailStatusMessage>`,
    ], 'E2');
    const r = await o.post('/ota/OTA_HotelAvailNotifRQ', rq);
    assertValidOta(r.text);
    assert.deepEqual(warnings(r.text), []);
    const inv = await o.w.gateway.getInventory({ actor: o.w.actor('QCA-SAFWA') }, 'QCA-SAFWA-QUAD', from, to);
    const fridays = inv.filter((d) => dow(d.day) === 5);
    assert.ok(fridays.length >= 1 && fridays.every((d) => d.stopSell));
    assert.ok(inv.filter((d) => dow(d.day) !== 5).every((d) => !d.stopSell));
    assert.ok(inv.every((d) => d.minLos === 3 && d.maxLos === 10));
    assert.equal(inv[0].available, 30);
    assert.equal(inv[0].closedToArrival, true);

    const rates = `<OTA_HotelRateAmountNotifRQ xmlns="${OTA_NS}" Version="1.0">${pos('SAFWA-PMS', o.w.secret('QCA-SAFWA'))}<RateAmountMessages HotelCode="SAFWA01">`
      + `<RateAmountMessage><StatusApplicationControl Start="${from}" End="${to}" InvTypeCode="DBLH" RatePlanCode="RACK"/><Rates><Rate CurrencyCode="SAR">`
      + `<BaseByGuestAmts><BaseByGuestAmt AmountAfterTax="700.00" NumberOfGuests="1"/><BaseByGuestAmt AmountAfterTax="800.00" NumberOfGuests="2"/></BaseByGuestAmts>`
      + `<AdditionalGuestAmounts><AdditionalGuestAmount Amount="90.00" AgeQualifyingCode="10"/></AdditionalGuestAmounts></Rate></Rates></RateAmountMessage>`
      + `<RateAmountMessage><StatusApplicationControl Start="${from}" End="${to}" InvTypeCode="DBLH" RatePlanCode="RACK"/><Rates><Rate CurrencyCode="SAR"><BaseByGuestAmts><BaseByGuestAmt AmountAfterTax="0" NumberOfGuests="1"/></BaseByGuestAmts></Rate></Rates></RateAmountMessage>`
      + `</RateAmountMessages></OTA_HotelRateAmountNotifRQ>`;
    const rr = await o.post('/ota/OTA_HotelRateAmountNotifRQ', rates);
    assertValidOta(rr.text);
    assert.deepEqual(warnings(rr.text).map((w) => [w.recordId, w.status]), [['2', 'NotProcessed']]);
    const rd = await o.w.gateway.getRates({ actor: o.w.actor('QCA-SAFWA') }, 'QCA-SAFWA-DBL-BAR', from, from);
    assert.equal(Number(rd[0].amounts['2']), 800);
    assert.equal(Number(rd[0].extraAdult), 90);

    const counts = `<OTA_HotelInvCountNotifRQ xmlns="${OTA_NS}" Version="1.0">${pos('SAFWA-PMS', o.w.secret('QCA-SAFWA'))}<Inventories HotelCode="SAFWA01">`
      + `<Inventory><StatusApplicationControl Start="${from}" End="${from}" InvTypeCode="DBLH"/><InvCounts><InvCount CountType="2" Count="7"/></InvCounts></Inventory></Inventories></OTA_HotelInvCountNotifRQ>`;
    const cr = await o.post('/ota', counts);
    assertValidOta(cr.text);
    assert.match(cr.text, /<Success\/>/);
    const inv2 = await o.w.gateway.getInventory({ actor: o.w.actor('QCA-SAFWA') }, 'QCA-SAFWA-DBL', from, from);
    assert.equal(inv2[0].available, 7);
  });

  it('counts an allotment given by RatePlanCode against its room type, and refuses a code that spans several', async () => {
    const day = addDays(o.w.from, 110);
    const inventory = (rpc: string, n: number) => `<Inventory><StatusApplicationControl Start="${day}" End="${day}" RatePlanCode="${rpc}"/><InvCounts><InvCount CountType="1" Count="${n}"/></InvCounts><UniqueID Type="16" ID="${rpc}"/></Inventory>`;
    // BKFST is sold on the double room only; RACK on both the double and the quad.
    const rq = `<OTA_HotelInvCountNotifRQ xmlns="${OTA_NS}" Version="1.0">${pos('SAFWA-PMS', o.w.secret('QCA-SAFWA'))}<Inventories HotelCode="SAFWA01">`
      + `${inventory('BKFST', 12)}${inventory('RACK', 30)}</Inventories></OTA_HotelInvCountNotifRQ>`;
    const r = await o.post('/ota', rq);
    assertValidOta(r.text);
    const ws = warnings(r.text);
    assert.deepEqual(ws.map((w) => [w.recordId, w.status, w.code]), [['RACK', 'NotProcessed', 'GW_BAD_INPUT']]);
    assert.match(ws[0].tag!, /Inventory\[2\]\/StatusApplicationControl\/@InvTypeCode/);
    const actor = { actor: o.w.actor('QCA-SAFWA') };
    assert.equal((await o.w.gateway.getInventory(actor, 'QCA-SAFWA-DBL', day, day))[0].allotment, 12);
    const quad = (await o.w.gateway.getInventory(actor, 'QCA-SAFWA-QUAD', day, day))[0];
    assert.notEqual(quad.allotment, 30, 'the refused record must not touch the quad');
  });
  it('lets a FullPatternLOS with a Y reopen the arrival an all-N pattern closed, and a booking go through again', async () => {
    const day = addDays(o.w.from, 115);
    const next = addDays(day, 1);
    const pattern = (p: string) => `<AvailStatusMessage><StatusApplicationControl Start="${day}" End="${next}" InvTypeCode="QUAD"/>`
      + `<LengthsOfStay><LengthOfStay MinMaxMessageType="FullPatternLOS"><LOS_Pattern FullPatternLOS="${p}"/></LengthOfStay></LengthsOfStay></AvailStatusMessage>`;
    const safwa = { actor: o.w.actor('QCA-SAFWA') };
    const state = async () => (await o.w.gateway.getInventory(safwa, 'QCA-SAFWA-QUAD', day, next)).map((d) => [d.closedToArrival, d.minLos, d.maxLos]);
    const book = () => o.w.gateway.book({ actor: o.w.actor('AG-NOOR') }, { hold: true, items: [{ productId: 'QCA-SAFWA-QUAD', start: day, end: addDays(day, 2), quantity: 1, guests: 4 }] });

    assert.deepEqual(warnings((await o.post('/ota/OTA_HotelAvailNotifRQ', availNotif(o, [pattern('NYYN')], 'P0'))).text), []);
    assert.deepEqual(await state(), [[false, 2, 3], [false, 2, 3]]);
    assert.deepEqual(warnings((await o.post('/ota/OTA_HotelAvailNotifRQ', availNotif(o, [pattern('NNNN')], 'P1'))).text), []);
    assert.deepEqual(await state(), [[true, 2, 3], [true, 2, 3]]);
    await assert.rejects(book(), { code: 'GW_RESTRICTED' });

    const r = await o.post('/ota/OTA_HotelAvailNotifRQ', availNotif(o, [pattern('YYYY')], 'P2'));
    assertValidOta(r.text);
    assert.deepEqual(warnings(r.text), []);
    assert.deepEqual(await state(), [[false, null, null], [false, null, null]], 'YYYY opens the arrival and lifts the lengths of stay');
    const before = (await o.w.gateway.getInventory(safwa, 'QCA-SAFWA-QUAD', day, day))[0].available;
    const b = await book();
    assert.equal(b.status, 'held');
    assert.equal((await o.w.gateway.getInventory(safwa, 'QCA-SAFWA-QUAD', day, day))[0].available, before - 1);

    const clash = await o.post('/ota/OTA_HotelAvailNotifRQ', availNotif(o, [pattern('YYYY').replace('<LengthsOfStay>', '<RestrictionStatus Restriction="Arrival" Status="Close"/><LengthsOfStay>')], 'P3'));
    assertValidOta(clash.text);
    assert.match(clash.text, /Tag="\/OTA_HotelAvailNotifRQ\/AvailStatusMessages\/AvailStatusMessage\[1\]\/LengthsOfStay\/LengthOfStay\[1\]\/LOS_Pattern\/@FullPatternLOS"/);
    assert.deepEqual(await state(), [[false, null, null], [false, null, null]], 'a record contradicting itself changes nothing');
  });
  it('prices every occupancy of the room with an amount without NumberOfGuests, takes 700.0000 as 700.00, and locates refusals in the message', async () => {
    const day = addDays(o.w.from, 117);
    const safwa = { actor: o.w.actor('QCA-SAFWA') };
    const rq = (records: string[]) => `<OTA_HotelRateAmountNotifRQ xmlns="${OTA_NS}" Version="1.0">${pos('SAFWA-PMS', o.w.secret('QCA-SAFWA'))}<RateAmountMessages HotelCode="SAFWA01">${records.join('')}</RateAmountMessages></OTA_HotelRateAmountNotifRQ>`;
    const rec = (sac: string, amounts: string, currency = 'SAR') => `<RateAmountMessage><StatusApplicationControl Start="${day}" End="${day}" ${sac}/><Rates><Rate CurrencyCode="${currency}"><BaseByGuestAmts>${amounts}</BaseByGuestAmts></Rate></Rates></RateAmountMessage>`;
    const stored = async (plan: string) => Object.fromEntries(Object.entries((await o.w.gateway.getRates(safwa, plan, day, day))[0].amounts).map(([k, v]) => [k, Number(v)]));
    assert.deepEqual(Object.keys(await stored('QCA-SAFWA-DBL-BAR')), ['1', '2'], 'seeded prices for one and two');
    assert.notEqual((await stored('QCA-SAFWA-DBL-BAR'))['2'], 700);

    // RACK without InvTypeCode is the double's and the quad's: each gets the price for all its occupancies.
    const r = await o.post('/ota/OTA_HotelRateAmountNotifRQ', rq([rec('RatePlanCode="RACK"', '<BaseByGuestAmt AmountAfterTax="700.00"/>')]));
    assertValidOta(r.text);
    assert.deepEqual(warnings(r.text), []);
    assert.deepEqual(await stored('QCA-SAFWA-DBL-BAR'), { 1: 700, 2: 700 });
    assert.deepEqual(await stored('QCA-SAFWA-QUAD-BAR'), { 1: 700, 2: 700, 3: 700, 4: 700 });
    const offers = await o.w.gateway.search({ actor: o.w.actor('AG-NOOR') }, { kind: 'hotel', providerId: 'QCA-SAFWA', start: day, end: addDays(day, 1), guests: 2, quantity: 1 });
    const dbl = offers.find((x) => x.product.id === 'QCA-SAFWA-DBL')!.ratePlans.find((p) => p.ratePlan.id === 'QCA-SAFWA-DBL-BAR')!;
    assert.equal(dbl.total.amount, '700.00', 'two guests pay the room price');
    const quad = await o.w.gateway.book({ actor: o.w.actor('AG-NOOR') }, { hold: true, items: [{ productId: 'QCA-SAFWA-QUAD', start: day, end: addDays(day, 1), quantity: 1, guests: 4 }] });
    assert.equal(quad.total.amount, '700.00');

    // An explicit NumberOfGuests beside it prices its own occupancy; 4 decimals of zeros are 2.
    const r2 = await o.post('/ota/OTA_HotelRateAmountNotifRQ', rq([rec('InvTypeCode="DBLH" RatePlanCode="RACK"', '<BaseByGuestAmt AmountAfterTax="650.0000"/><BaseByGuestAmt AmountAfterTax="720.5000" NumberOfGuests="2"/>')]));
    assert.deepEqual(warnings(r2.text), []);
    assert.deepEqual(await stored('QCA-SAFWA-DBL-BAR'), { 1: 650, 2: 720.5 });

    const bad = await o.post('/ota/OTA_HotelRateAmountNotifRQ', rq([
      rec('InvTypeCode="DBLH" RatePlanCode="RACK"', '<BaseByGuestAmt AmountAfterTax="700.0050" NumberOfGuests="2"/>'),
      rec('InvTypeCode="DBLH" RatePlanCode="RACK"', '<BaseByGuestAmt AmountAfterTax="700.00" NumberOfGuests="2"/>', 'USD'),
      rec('InvTypeCode="DBLH" RatePlanCode="RACK"', '<BaseByGuestAmt AmountAfterTax="1.00"/><BaseByGuestAmt AmountAfterTax="2.00"/>'),
      rec('InvTypeCode="QUAD" RatePlanCode="RACK"', '<BaseByGuestAmt AmountAfterTax="800.00" NumberOfGuests="4"/>'),
    ]));
    assertValidOta(bad.text);
    const base = '/OTA_HotelRateAmountNotifRQ/RateAmountMessages/RateAmountMessage';
    assert.deepEqual(warnings(bad.text).map((w) => [w.recordId, w.code, w.tag]), [
      ['1', 'GW_BAD_INPUT', `${base}[1]/Rates/Rate[1]/BaseByGuestAmts/BaseByGuestAmt[1]/@AmountAfterTax`],
      ['2', 'GW_BAD_INPUT', `${base}[2]/Rates/Rate[1]/@CurrencyCode`],
      ['3', 'GW_BAD_INPUT', `${base}[3]/Rates/Rate[1]/BaseByGuestAmts/BaseByGuestAmt[2]`],
    ]);
    assert.match(bad.text, /AmountAfterTax '700\.0050' has more than 2 decimal places/);
    assert.deepEqual(await stored('QCA-SAFWA-DBL-BAR'), { 1: 650, 2: 720.5 }, 'refused records change nothing');
    assert.deepEqual(await stored('QCA-SAFWA-QUAD-BAR'), { 1: 700, 2: 700, 3: 700, 4: 800 });
  });
});
