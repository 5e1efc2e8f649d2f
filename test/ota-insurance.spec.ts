import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { forEachBackend } from './support/db';
import { translateOta } from '../adapters/ota';
import { loadMappingFile } from '../adapters/ota/mapping';
import { projectRoot } from '../core/paths';
import { openOtaWorld, pos, OTA_NS, type OtaWorld } from './support/ota-world';
import { assertValidOta } from './support/ota-xsd';
import { addDays } from '../adapters/ota/dates';
import { at, kid, kids, parseXml } from '../adapters/ota/xml';

function covered(names: [string, string][]): string {
  return `<CoveredTravelers>${names.map(([g, s]) => `<CoveredTraveler><CoveredPerson Relation="Traveler" BirthDate="1985-04-01"><GivenName>${g}</GivenName><Surname>${s}</Surname></CoveredPerson><Document DocID="P${g.length}${s.length}00" DocType="2"/></CoveredTraveler>`).join('')}</CoveredTravelers>`;
}

const pilgrims: [string, string][] = [['Aisha', 'Rahman'], ['Omar', 'Rahman'], ['Fatima', 'Rahman']];

function quoteRq(secret: string, plan: string, start: string, who = pilgrims): string {
  return `<OTA_InsuranceQuoteRQ xmlns="${OTA_NS}" Version="1.0" EchoToken="i-quote">${pos('SKYCHANNEL', secret)}<PlanForQuoteRQ PlanID="${plan}">${covered(who)}<InsCoverageDetail EffectiveDate="${start}" Type="SingleTrip"/></PlanForQuoteRQ></OTA_InsuranceQuoteRQ>`;
}

function bookRq(secret: string, ref: string, plan: string, start: string, who = pilgrims): string {
  return `<OTA_InsuranceBookRQ xmlns="${OTA_NS}" Version="1.0" EchoToken="i-book">${pos('SKYCHANNEL', secret)}<PlanForBookRQ PlanID="${plan}">${covered(who)}<InsCoverageDetail EffectiveDate="${start}" Type="SingleTrip"/>`
    + `<InsuranceCustomer><PersonName><GivenName>Aisha</GivenName><Surname>Rahman</Surname></PersonName></InsuranceCustomer><UniqueID Type="14" ID="${ref}"/></PlanForBookRQ></OTA_InsuranceBookRQ>`;
}

forEachBackend('OTA insurance plans (OTA_InsuranceQuoteRQ / OTA_InsuranceBookRQ)', (backend) => {
  let o: OtaWorld;
  let start: string;
  before(async () => {
    o = await openOtaWorld(backend, { days: 10 });
    start = addDays(o.w.from, 1);
  });
  after(async () => { await o.close(); });
  const policies = async (d = start) => (await o.w.gateway.getInventory({ actor: o.w.actor('TAKAFUL-INS') }, 'TAKAFUL-INS-UMRAH90', d, d))[0];

  it('quotes the Umrah plan per pilgrim in the channel\'s plan code, with its 90 days of cover', async () => {
    const r = await o.post('/ota/OTA_InsuranceQuoteRQ', quoteRq(o.skySecret, 'UMRAH-90', start));
    assert.equal(r.status, 200);
    assertValidOta(r.text);
    const plan = kids(parseXml(r.text).node, 'PlanForQuoteRS')[0];
    assert.equal(at(plan, 'PlanID'), 'UMRAH-90');
    assert.equal(at(kid(plan, 'PlanCost'), 'Amount'), '261.00', '3 pilgrims at 87.00');
    assert.equal(at(kid(kid(plan, 'PlanCost'), 'BasePremium'), 'Amount'), '87.00');
    assert.equal(at(kid(plan, 'QuoteDetail'), 'ExpireDate'), addDays(start, 89));
  });

  it('books a policy: the locator is the policy number, one unit per pilgrim, idempotent on the sender id', async () => {
    const before = await policies();
    const rq = bookRq(o.skySecret, 'SKY-I-1', 'UMRAH-90', start);
    const r = await o.post('/ota/OTA_InsuranceBookRQ', rq);
    assertValidOta(r.text);
    const plan = kids(parseXml(r.text).node, 'PlanForBookRS')[0];
    const locator = at(kid(kid(plan, 'PolicyDetail'), 'PolicyNumber'), 'ID')!;
    assert.match(locator, /^[A-Z0-9]{6}$/, r.text);
    assert.equal(at(kid(kid(plan, 'PolicyDetail'), 'RefNumber'), 'ID'), 'SKY-I-1');
    assert.equal(kids(kid(plan, 'CoveredTravelers'), 'CoveredTraveler').length, 3);
    assert.equal((await policies()).sold, before.sold + 3);
    const b = await o.w.gateway.retrieve({ actor: { partnerId: 'CH-SKY', kind: 'channel' } }, locator);
    assert.equal(b.status, 'confirmed');
    assert.deepEqual(b.travellers.map((t) => [t.givenName, t.documents?.[0]?.number]), [['Aisha', 'P5600'], ['Omar', 'P4600'], ['Fatima', 'P6600']]);
    assert.equal(b.total.amount, '261.00');

    const again = await o.post('/ota/OTA_InsuranceBookRQ', rq.replace('EchoToken="i-book"', 'EchoToken="i-book-2"'));
    assertValidOta(again.text);
    assert.match(again.text, new RegExp(`<PolicyNumber Type="10" ID="${locator}"`));
    assert.equal((await policies()).sold, before.sold + 3, 'a retransmission sells nothing more');
  });

  it('keeps each pilgrim\'s passport country, sent ISO 3166 alpha-2, as alpha-3, and refuses a code ISO 3166 does not assign', async () => {
    const before = await policies();
    const rq = (ref: string, country: string) => bookRq(o.skySecret, ref, 'UMRAH-90', start, [['Aisha', 'Rahman']]).replace('DocType="2"/>', `DocType="2" DocIssueCountry="${country}"/>`);
    const r = await o.post('/ota/OTA_InsuranceBookRQ', rq('SKY-I-CC1', 'ID'));
    assertValidOta(r.text);
    const locator = at(kid(kid(kids(parseXml(r.text).node, 'PlanForBookRS')[0], 'PolicyDetail'), 'PolicyNumber'), 'ID')!;
    const b = await o.w.gateway.retrieve({ actor: { partnerId: 'CH-SKY', kind: 'channel' } }, locator);
    assert.equal(b.travellers[0].documents?.[0]?.issuingCountry, 'IDN');
    const bad = await o.post('/ota/OTA_InsuranceBookRQ', rq('SKY-I-CC2', 'TUR'));
    assertValidOta(bad.text);
    assert.match(bad.text, /Tag="\/OTA_InsuranceBookRQ\/PlanForBookRQ\[1\]\/CoveredTravelers\/CoveredTraveler\[1\]\/Document\/@DocIssueCountry">DocIssueCountry 'TUR' is an ISO 3166 alpha-3 code; OpenTravel takes alpha-2 \('TR'\)/);
    assert.equal((await policies()).sold, before.sold + 1, 'the refused policy sells nothing');
  });

  it('answers sold out and unmapped or missing fields with OTA Errors, nothing sold', async () => {
    const day = addDays(o.w.from, 4);
    await o.w.gateway.updateInventory({ actor: o.w.actor('TAKAFUL-INS') }, { productId: 'TAKAFUL-INS-UMRAH90', from: day, to: day, available: 2 });
    const before = await policies(day);
    const quote = await o.post('/ota/OTA_InsuranceQuoteRQ', quoteRq(o.skySecret, 'UMRAH-90', day));
    assertValidOta(quote.text);
    assert.match(quote.text, /<Errors><Error Type="3" Code="322" ShortText="GW_SOLD_OUT"[^>]*RecordID="1"/);
    const book = await o.post('/ota/OTA_InsuranceBookRQ', bookRq(o.skySecret, 'SKY-I-FULL', 'UMRAH-90', day));
    assertValidOta(book.text);
    assert.match(book.text, /<Errors><Error Type="3" Code="322" ShortText="GW_SOLD_OUT"/);
    assert.deepEqual(await policies(day), before);

    const unmapped = await o.post('/ota/OTA_InsuranceQuoteRQ', quoteRq(o.skySecret, 'HAJJ-30', start));
    assertValidOta(unmapped.text);
    assert.match(unmapped.text, /<Error Type="3" Code="392" ShortText="GW_UNMAPPED_CODE" Tag="\/OTA_InsuranceQuoteRQ\/PlanForQuoteRQ\[1\]\/@PlanID">Service code 'HAJJ-30' is not mapped/);
    const coach = await o.post('/ota/OTA_InsuranceBookRQ', bookRq(o.skySecret, 'SKY-I-C', 'JED-MAK-COACH', start));
    assertValidOta(coach.text);
    assert.match(coach.text, /is not an insurance plan/);
    const noDate = await o.post('/ota/OTA_InsuranceBookRQ', bookRq(o.skySecret, 'SKY-I-D', 'UMRAH-90', start).replace(/ EffectiveDate="[^"]+"/, ''));
    assertValidOta(noDate.text);
    assert.match(noDate.text, /<Error Type="10" Code="321" ShortText="GW_BAD_INPUT"[^>]*>InsCoverageDetail@EffectiveDate is missing/);
    const noName = await o.post('/ota/OTA_InsuranceBookRQ', bookRq(o.skySecret, 'SKY-I-E', 'UMRAH-90', start, [['Aisha', '']]));
    assertValidOta(noName.text);
    assert.match(noName.text, /needs a Surname/);
    const garbage = await o.post('/ota/OTA_InsuranceBookRQ', '<OTA_InsuranceBookRQ xmlns="x"><PlanForBookRQ');
    assert.equal(garbage.status, 400);
    assertValidOta(garbage.text);
  });
});

describe('maqam translate for OTA insurance messages', () => {
  const fixture = (f: string) => fs.readFileSync(path.join(projectRoot(), 'fixtures', 'ota', f), 'utf8');
  for (const name of ['insurance-quote', 'insurance-book']) {
    it(`reads fixtures/ota/${name}.xml (schema-valid) into the canonical call of its golden file`, async () => {
      const xml = fixture(`${name}.xml`);
      assertValidOta(xml);
      const { canonical, findings } = await translateOta(xml, loadMappingFile('ch-sky.json'));
      assert.deepEqual(canonical, JSON.parse(fixture(`${name}.canonical.json`)));
      assert.deepEqual(findings, []);
    });
  }

  it('reports an unmapped code as an error finding with its XPath', async () => {
    const xml = fixture('insurance-book.xml').replace(/(PlanID|Type="16" ID)="[^"]+"/, '$1="NOPE"');
    const { findings } = await translateOta(xml, loadMappingFile('ch-sky.json'));
    assert.equal(findings.length, 1);
    assert.equal(findings[0].level, 'error');
    assert.match(findings[0].message, /GW_UNMAPPED_CODE .*'NOPE'/);
    assert.match(findings[0].where ?? '', /\[1\]\/(@PlanID|Reference\/@ID)$/);
  });
});
