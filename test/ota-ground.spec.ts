import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as soap from 'soap';
import { forEachBackend } from './support/db';
import { translateOta } from '../adapters/ota';
import { loadMappingFile } from '../adapters/ota/mapping';
import { projectRoot } from '../core/paths';
import { openOtaWorld, pos, OTA_NS, type OtaWorld } from './support/ota-world';
import { assertValidOta } from './support/ota-xsd';
import { addDays } from '../adapters/ota/dates';
import { at, kid, kids, parseXml } from '../adapters/ota/xml';

/** An OTA_GroundAvailRQ from `from` to `to` on `day` for `pax` passengers. */
function availRq(secret: string, from: string, to: string, day: string, pax: number): string {
  return `<OTA_GroundAvailRQ xmlns="${OTA_NS}" Version="1.0" EchoToken="g-avail">${pos('SKYCHANNEL', secret)}`
    + `<Service><Pickup DateTime="${day}T10:00:00"><AirportInfo><Arrival LocationCode="${from}"/></AirportInfo></Pickup>`
    + `<Dropoff><Address><LocationType>City</LocationType><LocationName>${to}</LocationName></Address></Dropoff></Service>`
    + `<Passengers Quantity="${pax}"/></OTA_GroundAvailRQ>`;
}

/** An OTA_GroundBookRQ for one leg, the primary passenger plus `extra` more. */
function bookRq(secret: string, ref: string, code: string, day: string, extra: number, opts: { echo?: string; rate?: string } = {}): string {
  const adds = Array.from({ length: extra }, (_, i) => `<Additional><PersonName><GivenName>Child${i + 1}</GivenName><Surname>Rahman</Surname></PersonName></Additional>`).join('');
  return `<OTA_GroundBookRQ xmlns="${OTA_NS}" Version="1.0" EchoToken="${opts.echo ?? 'g-book'}">${pos('SKYCHANNEL', secret)}<Reference Type="14" ID="${ref}"/>`
    + `<GroundReservation><Location><Pickup DateTime="${day}"><AirportInfo><Arrival LocationCode="JED"/></AirportInfo></Pickup></Location>`
    + `<Passenger><Primary><PersonName><GivenName>Aisha</GivenName><Surname>Rahman</Surname></PersonName><Telephone PhoneNumber="+62811000000"/></Primary>${adds}</Passenger>`
    + `<Service DisabilityVehicleInd="false"/><RateQualifier RateQualifier="${opts.rate ?? 'STD'}"/><Reference Type="16" ID="${code}"/></GroundReservation></OTA_GroundBookRQ>`;
}

function confirmation(xml: string): string | undefined {
  const d = parseXml(xml).node;
  return at(kid(kids(d, 'Reservation')[0], 'Confirmation'), 'ID');
}

forEachBackend('OTA transport legs (OTA_GroundAvailRQ / OTA_GroundBookRQ)', (backend) => {
  let o: OtaWorld;
  let day: string;
  before(async () => {
    o = await openOtaWorld(backend, { days: 10 });
    day = addDays(o.w.from, 2);
  });
  after(async () => { await o.close(); });
  const seats = async (productId: string, d = day) => (await o.w.gateway.getInventory({ actor: o.w.actor('SAPTCO') }, productId, d, d))[0];

  it('shops Jeddah airport to Makkah and answers the leg in the channel\'s service code with the price for every seat', async () => {
    const r = await o.post('/ota/OTA_GroundAvailRQ', availRq(o.skySecret, 'JED', 'QCA', day, 3));
    assert.equal(r.status, 200);
    assertValidOta(r.text);
    assert.match(r.text, /EchoToken="g-avail"/);
    const services = kids(kid(parseXml(r.text).node, 'GroundServices'), 'GroundService');
    assert.equal(services.length, 1);
    assert.equal(at(kid(services[0], 'Reference'), 'ID'), 'JED-MAK-COACH');
    assert.equal(at(kid(services[0], 'TotalCharge'), 'RateTotalAmount'), '180.00', '3 seats at 60.00');
    assert.equal(at(kid(services[0], 'RateQualifier'), 'RateQualifier'), 'STD');

    const back = await o.post('/ota/OTA_GroundAvailRQ', availRq(o.skySecret, 'QCA', 'MED', day, 1));
    assertValidOta(back.text);
    assert.match(back.text, /ID="MAK-MED-COACH"/);
    assert.doesNotMatch(back.text, /JED-MAK-COACH/, 'only legs of the asked route');
  });

  it('books a leg: confirmed with the hub locator, seats taken, a retransmission books nothing more', async () => {
    const before = await seats('SAPTCO-JED-QCA');
    const rq = bookRq(o.skySecret, 'SKY-G-1', 'JED-MAK-COACH', day, 2);
    const r = await o.post('/ota/OTA_GroundBookRQ', rq);
    assertValidOta(r.text);
    const locator = confirmation(r.text)!;
    assert.match(locator, /^[A-Z0-9]{6}$/, r.text);
    assert.match(r.text, /<Surname>Rahman<\/Surname>/);
    assert.equal((await seats('SAPTCO-JED-QCA')).sold, before.sold + 3);
    const b = await o.w.gateway.retrieve({ actor: { partnerId: 'CH-SKY', kind: 'channel' } }, locator);
    assert.equal(b.status, 'confirmed');
    assert.equal(b.externalRef, 'SKY-G-1');
    assert.deepEqual(b.items.map((i) => [i.productId, i.quantity, i.price.amount]), [['SAPTCO-JED-QCA', 3, '180.00']]);

    const again = await o.post('/ota/OTA_GroundBookRQ', rq.replace('EchoToken="g-book"', 'EchoToken="g-book-retry"'));
    assertValidOta(again.text);
    assert.equal(confirmation(again.text), locator, 'the same sender id is the same booking');
    assert.equal((await seats('SAPTCO-JED-QCA')).sold, before.sold + 3);
  });

  it('answers sold out as OTA Errors (nothing taken) and as a warning when shopping', async () => {
    const last = addDays(o.w.from, 5);
    await o.w.gateway.updateInventory({ actor: o.w.actor('SAPTCO') }, { productId: 'SAPTCO-QCA-MED', from: last, to: last, available: 2 });
    const before = await seats('SAPTCO-QCA-MED', last);
    const r = await o.post('/ota/OTA_GroundBookRQ', bookRq(o.skySecret, 'SKY-G-FULL', 'MAK-MED-COACH', last, 3).replace('LocationCode="JED"', 'LocationCode="QCA"'));
    assertValidOta(r.text);
    assert.match(r.text, /<Errors><Error Type="3" Code="322" ShortText="GW_SOLD_OUT"/);
    assert.doesNotMatch(r.text, /<Success\/>/);
    assert.deepEqual(await seats('SAPTCO-QCA-MED', last), before);

    const shop = await o.post('/ota/OTA_GroundAvailRQ', availRq(o.skySecret, 'QCA', 'MED', last, 3));
    assertValidOta(shop.text);
    assert.match(shop.text, /<Success\/><Warnings><Warning Type="3" Code="322" ShortText="GW_SOLD_OUT"/);
    assert.doesNotMatch(shop.text, /GroundService/);
  });

  it('names an unmapped service code, an unknown place, a wrong route and a bad date in OTA Errors', async () => {
    const unmapped = await o.post('/ota/OTA_GroundBookRQ', bookRq(o.skySecret, 'SKY-G-X', 'JED-MAK-LIMO', day, 0));
    assertValidOta(unmapped.text);
    assert.match(unmapped.text, /<Error Type="3" Code="392" ShortText="GW_UNMAPPED_CODE" Tag="\/OTA_GroundBookRQ\/GroundReservation\[1\]\/Reference\/@ID">Service code 'JED-MAK-LIMO' is not mapped/);
    const place = await o.post('/ota/OTA_GroundAvailRQ', availRq(o.skySecret, 'JED', 'MAK', day, 1));
    assertValidOta(place.text);
    assert.match(place.text, /ShortText="GW_UNMAPPED_CODE"[^>]*>Location code 'MAK' is not mapped/);
    const insurance = await o.post('/ota/OTA_GroundBookRQ', bookRq(o.skySecret, 'SKY-G-Y', 'UMRAH-90', day, 0));
    assertValidOta(insurance.text);
    assert.match(insurance.text, /ShortText="GW_BAD_INPUT"[^>]*>Service code 'UMRAH-90' is not a transport leg \(its product is of kind insurance\)/);
    const route = await o.post('/ota/OTA_GroundBookRQ', bookRq(o.skySecret, 'SKY-G-Z', 'JED-MAK-COACH', day, 0).replace('LocationCode="JED"', 'LocationCode="MED"'));
    assertValidOta(route.text);
    assert.match(route.text, /runs JED-QCA: its Pickup is not MED/);
    const date = await o.post('/ota/OTA_GroundAvailRQ', availRq(o.skySecret, 'JED', 'QCA', '2026-02-30', 1));
    assertValidOta(date.text);
    assert.match(date.text, /ShortText="GW_BAD_DATES"/);
    const rate = await o.post('/ota/OTA_GroundBookRQ', bookRq(o.skySecret, 'SKY-G-R', 'JED-MAK-COACH', day, 0, { rate: 'VIP' }));
    assertValidOta(rate.text);
    assert.match(rate.text, /Code="249" ShortText="GW_UNMAPPED_RATE_CODE"[^>]*>RateQualifier 'VIP' is not a rate plan/);
  });

  it('books a leg with node-soap built from our WSDL', async () => {
    const before = await seats('SAPTCO-MED-APT');
    const client = await soap.createClientAsync(`${o.base}/ota/soap?wsdl`);
    client.setSecurity(new soap.WSSecurity('SKYCHANNEL', o.skySecret, { passwordType: 'PasswordText', hasNonce: true, hasTimeStamp: false }));
    await client.OTA_GroundBookRQAsync({
      attributes: { Version: '1.0', EchoToken: 'g-soap' },
      Reference: { attributes: { Type: '14', ID: 'SKY-G-SOAP' } },
      GroundReservation: {
        Location: { Pickup: { attributes: { DateTime: day } } },
        Passenger: { Primary: { PersonName: { GivenName: 'Yusuf', Surname: 'Malik' } } },
        Service: { attributes: { DisabilityVehicleInd: 'false' } },
        Reference: { attributes: { Type: '16', ID: 'MED-APT-COACH' } },
      },
    });
    const body = /<OTA_GroundBookRS[\s\S]*<\/OTA_GroundBookRS>/.exec(client.lastResponse as string)![0];
    assertValidOta(body);
    const locator = confirmation(body)!;
    assert.match(locator, /^[A-Z0-9]{6}$/, body);
    assert.equal((await seats('SAPTCO-MED-APT')).sold, before.sold + 1);
  });
});

describe('maqam translate for OTA transport messages', () => {
  const fixture = (f: string) => fs.readFileSync(path.join(projectRoot(), 'fixtures', 'ota', f), 'utf8');
  for (const name of ['ground-avail', 'ground-book']) {
    it(`reads fixtures/ota/${name}.xml (schema-valid) into the canonical call of its golden file`, async () => {
      const xml = fixture(`${name}.xml`);
      assertValidOta(xml);
      const { canonical, findings } = await translateOta(xml, loadMappingFile('ch-sky.json'));
      assert.deepEqual(canonical, JSON.parse(fixture(`${name}.canonical.json`)));
      assert.deepEqual(findings, []);
    });
  }

  it('reports an unmapped code as an error finding with its XPath', async () => {
    const xml = fixture('ground-book.xml').replace(/(PlanID|Type="16" ID)="[^"]+"/, '$1="NOPE"');
    const { findings } = await translateOta(xml, loadMappingFile('ch-sky.json'));
    assert.equal(findings.length, 1);
    assert.equal(findings[0].level, 'error');
    assert.match(findings[0].message, /GW_UNMAPPED_CODE .*'NOPE'/);
    assert.match(findings[0].where ?? '', /\[1\]\/(@PlanID|Reference\/@ID)$/);
  });
});
