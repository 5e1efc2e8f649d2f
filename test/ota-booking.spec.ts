import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as soap from 'soap';
import { forEachBackend } from './support/db';
import { openOtaWorld, pos, OTA_NS, type OtaWorld } from './support/ota-world';
import { assertValidOta } from './support/ota-xsd';
import { addDays } from '../adapters/ota/dates';
import { parseXml, kid, kids, at, path } from '../adapters/ota/xml';
import { flushArchive } from '../adapters/ota/archive';

function resId(xml: string, type: string): string | undefined {
  const d = parseXml(xml).node;
  const hr = kid(kid(d, 'HotelReservations'), 'HotelReservation') ?? kid(kid(d, 'ReservationsList'), 'HotelReservation');
  return kids(path(hr, 'ResGlobalInfo', 'HotelReservationIDs'), 'HotelReservationID').find((h) => at(h, 'ResID_Type') === type)?.['@ResID_Value'] as string | undefined;
}

function roomStay(hotel: string, room: string, rate: string, start: string, end: string, guests = 2): string {
  return `<RoomStays><RoomStay><RoomTypes><RoomType RoomTypeCode="${room}" NumberOfUnits="1"/></RoomTypes><RatePlans><RatePlan RatePlanCode="${rate}"/></RatePlans>`
    + `<GuestCounts><GuestCount AgeQualifyingCode="10" Count="${guests}"/></GuestCounts><TimeSpan Start="${start}" End="${end}"/><BasicPropertyInfo HotelCode="${hotel}"/></RoomStay></RoomStays>`;
}

const guests = `<ResGuests><ResGuest><Profiles><ProfileInfo><Profile><Customer><PersonName><GivenName>Aisha</GivenName><Surname>Rahman</Surname></PersonName><Telephone PhoneNumber="+62811000000"/></Customer></Profile></ProfileInfo></Profiles></ResGuest></ResGuests>`;
const card = `<ResGlobalInfo><Guarantee><GuaranteesAccepted><GuaranteeAccepted><PaymentCard CardCode="VI" CardNumber="4111111111111111" ExpireDate="1230"/></GuaranteeAccepted></GuaranteesAccepted></Guarantee></ResGlobalInfo>`;

forEachBackend('OTA shopping and booking for channels', (backend) => {
  let o: OtaWorld;
  let start: string;
  let end: string;
  before(async () => {
    o = await openOtaWorld(backend);
    start = addDays(o.w.from, 3);
    end = addDays(o.w.from, 6);
  });
  after(async () => { await o.close(); });
  const sky = () => pos('SKYCHANNEL', o.skySecret);
  const rooms = async () => (await o.w.gateway.getInventory({ actor: o.w.actor('QCA-SAFWA') }, 'QCA-SAFWA-DBL', start, start))[0];

  it('shops with OTA_HotelAvailRQ in the channel codes', async () => {
    const rq = `<OTA_HotelAvailRQ xmlns="${OTA_NS}" Version="1.0" EchoToken="shop-1">${sky()}<AvailRequestSegments><AvailRequestSegment><StayDateRange Start="${start}" End="${end}"/>`
      + `<RoomStayCandidates><RoomStayCandidate Quantity="1"><GuestCounts><GuestCount AgeQualifyingCode="10" Count="2"/></GuestCounts></RoomStayCandidate></RoomStayCandidates>`
      + `<HotelSearchCriteria><Criterion><HotelRef HotelCode="SKY-MAK-101"/></Criterion></HotelSearchCriteria></AvailRequestSegment></AvailRequestSegments></OTA_HotelAvailRQ>`;
    const r = await o.post('/ota/OTA_HotelAvailRQ', rq);
    assertValidOta(r.text);
    assert.match(r.text, /EchoToken="shop-1"/);
    assert.match(r.text, /RoomTypeCode="DOUBLE"/);
    assert.match(r.text, /RatePlanCode="STD"/);
    const unmapped = await o.post('/ota/OTA_HotelAvailRQ', rq.replace('SKY-MAK-101', 'SKY-NOWHERE'));
    assertValidOta(unmapped.text);
    assert.match(unmapped.text, /<Error Type="3" Code="392" ShortText="GW_UNMAPPED_CODE"[^>]*>HotelCode 'SKY-NOWHERE' is not mapped/);
  });

  it('holds with Initiate, confirms with Commit, reads and cancels over plain HTTP, masking the card in the archive', async () => {
    const before = await rooms();
    const init = `<OTA_HotelResRQ xmlns="${OTA_NS}" Version="1.0" ResStatus="Initiate" EchoToken="r-1">${sky()}<HotelReservations><HotelReservation><UniqueID Type="14" ID="SKY-1001"/>`
      + roomStay('SKY-MAK-101', 'DOUBLE', 'STD', start, end) + guests + card + `</HotelReservation></HotelReservations></OTA_HotelResRQ>`;
    const held = await o.post('/ota/OTA_HotelResRQ', init);
    assertValidOta(held.text);
    assert.match(held.text, /ResResponseType="Pending"/);
    const locator = resId(held.text, '10')!;
    assert.match(locator, /^[A-Z0-9]{6}$/);
    assert.equal((await rooms()).held, before.held + 1);
    const again = await o.post('/ota/OTA_HotelResRQ', init);
    assert.equal(resId(again.text, '10'), locator, 'a retransmitted Initiate holds nothing more');
    assert.equal((await rooms()).held, before.held + 1);

    const commit = `<OTA_HotelResRQ xmlns="${OTA_NS}" Version="1.0" ResStatus="Commit">${sky()}<HotelReservations><HotelReservation><UniqueID Type="10" ID="${locator}"/></HotelReservation></HotelReservations></OTA_HotelResRQ>`;
    const ok = await o.post('/ota/OTA_HotelResRQ', commit);
    assertValidOta(ok.text);
    assert.match(ok.text, /ResResponseType="Committed"/);
    assert.equal((await rooms()).sold, before.sold + 1);

    const read = await o.post('/ota/OTA_ReadRQ', `<OTA_ReadRQ xmlns="${OTA_NS}" Version="1.0">${sky()}<ReadRequests><ReadRequest><UniqueID Type="14" ID="SKY-1001"/></ReadRequest></ReadRequests></OTA_ReadRQ>`);
    assertValidOta(read.text);
    assert.equal(resId(read.text, '10'), locator);
    assert.match(read.text, /<Surname>Rahman<\/Surname>/);

    const cancel = await o.post('/ota/OTA_CancelRQ', `<OTA_CancelRQ xmlns="${OTA_NS}" Version="1.0" CancelType="Commit">${sky()}<UniqueID Type="14" ID="SKY-1001"/></OTA_CancelRQ>`);
    assertValidOta(cancel.text);
    assert.match(cancel.text, /Status="Cancelled"/);
    assert.equal((await rooms()).sold, before.sold);

    await flushArchive(o.w.db);
    const archived = await o.w.db.query<{ body: string }>(`SELECT body FROM ota_messages WHERE locator = $1 OR echo_token = 'r-1'`, [locator]);
    assert.ok(archived.rows.length >= 4);
    const all = archived.rows.map((r) => r.body).join('\n');
    assert.doesNotMatch(all, /4111111111111111/);
    assert.match(all, /CardNumber="\*{12}1111"/);
    assert.doesNotMatch(all, new RegExp(o.skySecret));
  });

  it("answers a hotel's OTA_ReadRQ with its own rooms and their total, not the package's other lines", async () => {
    const b = await o.w.gateway.book({ actor: o.w.actor('AG-NOOR') }, { hold: false, travellers: [{ surname: 'Rahman', givenName: 'Aisha' }], items: [
      { productId: 'QCA-SAFWA-DBL', start, end: addDays(start, 1), quantity: 1, guests: 2 },
      { productId: 'MED-ANSAR-DBL', start: addDays(start, 1), end: addDays(start, 2), quantity: 1, guests: 2 },
    ] });
    const read = await o.post('/ota/OTA_ReadRQ', `<OTA_ReadRQ xmlns="${OTA_NS}" Version="1.0">${pos('SAFWA-PMS', o.w.secret('QCA-SAFWA'))}<ReadRequests><ReadRequest><UniqueID Type="10" ID="${b.locator}"/></ReadRequest></ReadRequests></OTA_ReadRQ>`);
    assertValidOta(read.text);
    assert.equal(kids(path(parseXml(read.text).node, 'ReservationsList', 'HotelReservation', 'RoomStays'), 'RoomStay').length, 1);
    const totals = [...read.text.matchAll(/<Total AmountAfterTax="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(totals)], [b.items[0].price.amount]);
    assert.match(read.text, /<Surname>Rahman<\/Surname>/);
  });

  it('refuses a stay or a search starting before today with Errors EWT 3 / ERR 15 (GW_BAD_DATES), holding nothing', async () => {
    const yesterday = addDays(o.w.from, -1);
    const before = await rooms();
    const res = await o.post('/ota/OTA_HotelResRQ', `<OTA_HotelResRQ xmlns="${OTA_NS}" Version="1.0" ResStatus="Initiate">${sky()}<HotelReservations><HotelReservation><UniqueID Type="14" ID="SKY-PAST-1"/>`
      + roomStay('SKY-MAK-101', 'DOUBLE', 'STD', yesterday, o.w.from) + guests + `</HotelReservation></HotelReservations></OTA_HotelResRQ>`);
    assertValidOta(res.text);
    assert.match(res.text, new RegExp(`<Errors><Error Type="3" Code="15" ShortText="GW_BAD_DATES"[^>]*>start ${yesterday} is in the past: today is ${o.w.from} in Makkah`));
    const avail = await o.post('/ota/OTA_HotelAvailRQ', `<OTA_HotelAvailRQ xmlns="${OTA_NS}" Version="1.0">${sky()}<AvailRequestSegments><AvailRequestSegment><StayDateRange Start="${yesterday}" End="${o.w.from}"/>`
      + `<RoomStayCandidates><RoomStayCandidate Quantity="1"><GuestCounts><GuestCount AgeQualifyingCode="10" Count="2"/></GuestCounts></RoomStayCandidate></RoomStayCandidates>`
      + `<HotelSearchCriteria><Criterion><HotelRef HotelCode="SKY-MAK-101"/></Criterion></HotelSearchCriteria></AvailRequestSegment></AvailRequestSegments></OTA_HotelAvailRQ>`);
    assertValidOta(avail.text);
    assert.match(avail.text, /<Errors><Error Type="3" Code="15" ShortText="GW_BAD_DATES"[^>]*>[^<]*is in the past/);
    assert.deepEqual(await rooms(), before);
  });

  it('takes OTA_HotelResNotifRQ pushes idempotently on the channel reservation id (Commit, repeat, Modify, Cancel)', async () => {
    const before = await rooms();
    const notif = (status: string, s = start, e = end, echo = status) => `<OTA_HotelResNotifRQ xmlns="${OTA_NS}" Version="1.0" ResStatus="${status}" EchoToken="${echo}">${sky()}<HotelReservations><HotelReservation>`
      + `<UniqueID Type="14" ID="SKY-2002"/>${roomStay('SKY-MAK-101', 'DOUBLE', 'STD', s, e)}${guests}</HotelReservation></HotelReservations></OTA_HotelResNotifRQ>`;
    const first = await o.post('/ota/OTA_HotelResNotifRQ', notif('Commit'));
    assertValidOta(first.text);
    const locator = resId(first.text, '10')!;
    const repeat = await o.post('/ota/OTA_HotelResNotifRQ', notif('Commit', start, end, 'other-echo'));
    assert.equal(resId(repeat.text, '10'), locator, 'the same reservation pushed twice is one booking');
    assert.equal((await rooms()).sold, before.sold + 1);
    const mod = await o.post('/ota/OTA_HotelResNotifRQ', notif('Modify', addDays(start, 1), end));
    assertValidOta(mod.text);
    assert.equal((await rooms()).sold, before.sold, 'the first night is released by the modification');
    const cx = await o.post('/ota/OTA_HotelResNotifRQ', notif('Cancel'));
    assertValidOta(cx.text);
    const cx2 = await o.post('/ota/OTA_HotelResNotifRQ', notif('Cancel', start, end, 'again'));
    assertValidOta(cx2.text);
    assert.match(cx2.text, /<Success\/>/);
    const b = await o.w.gateway.retrieve({ actor: { partnerId: 'CH-SKY', kind: 'channel' } }, locator);
    assert.equal(b.status, 'cancelled');
  });

  it('books and cancels a room with node-soap built from our WSDL, authenticated by WS-Security', async () => {
    const before = await rooms();
    const client = await soap.createClientAsync(`${o.base}/ota/soap?wsdl`);
    client.setSecurity(new soap.WSSecurity('SKYCHANNEL', o.skySecret, { passwordType: 'PasswordText', hasNonce: true, hasTimeStamp: false }));
    const [res] = await client.OTA_HotelResRQAsync({
      attributes: { Version: '1.0', ResStatus: 'Commit', EchoToken: 'soap-1' },
      HotelReservations: { HotelReservation: {
        UniqueID: { attributes: { Type: '14', ID: 'SKY-SOAP-1' } },
        RoomStays: { RoomStay: {
          RoomTypes: { RoomType: { attributes: { RoomTypeCode: 'DOUBLE', NumberOfUnits: '1' } } },
          RatePlans: { RatePlan: { attributes: { RatePlanCode: 'STD' } } },
          GuestCounts: { GuestCount: { attributes: { AgeQualifyingCode: '10', Count: '2' } } },
          TimeSpan: { attributes: { Start: start, End: end } },
          BasicPropertyInfo: { attributes: { HotelCode: 'SKY-MAK-101' } },
        } },
      } },
    });
    const xml = client.lastResponse as string;
    assert.ok(res.Success !== undefined, xml);
    const body = /<OTA_HotelResRS[\s\S]*<\/OTA_HotelResRS>/.exec(xml)![0];
    assertValidOta(body);
    const locator = resId(body, '10')!;
    assert.equal((await rooms()).sold, before.sold + 1);
    const [cx] = await client.OTA_CancelRQAsync({ attributes: { Version: '1.0', CancelType: 'Commit' }, UniqueID: { attributes: { Type: '10', ID: locator } } });
    assert.equal(cx.attributes.Status, 'Cancelled');
    assertValidOta(/<OTA_CancelRS[\s\S]*<\/OTA_CancelRS>/.exec(client.lastResponse as string)![0]);
    assert.equal((await rooms()).sold, before.sold);
  });

  it('books and cancels with python3-zeep when it is installed', async function () {
    const py = '/usr/bin/python3';
    if (spawnSync(py, ['-c', 'import zeep']).status !== 0) this.skip();
    const script = `
import sys
from lxml import etree
from zeep import Client
from zeep.wsse.username import UsernameToken
NS = "${OTA_NS}"
c = Client(sys.argv[1], wsse=UsernameToken("SKYCHANNEL", sys.argv[2]))
E = lambda s: etree.fromstring(s)
hr = E('<HotelReservations xmlns="%s"><HotelReservation><UniqueID Type="14" ID="SKY-ZEEP-1"/>${roomStay('SKY-MAK-101', 'DOUBLE', 'STD', '%START%', '%END%').replace(/"/g, '\\"')}</HotelReservation></HotelReservations>' % NS)
r = c.service.OTA_HotelResRQ(_value_1=[hr], _attr_1={"Version": "1.0", "ResStatus": "Commit"})
loc = [e for e in r._value_1 if etree.QName(e).localname == "HotelReservations"][0].find(".//{%s}HotelReservationID[@ResID_Type='10']" % NS).get("ResID_Value")
u = E('<UniqueID xmlns="%s" Type="10" ID="%s"/>' % (NS, loc))
r2 = c.service.OTA_CancelRQ(_value_1=[u], _attr_1={"Version": "1.0", "CancelType": "Commit"})
print(loc, r2._attr_1.get("Status"))
`.replace('%START%', start).replace('%END%', end);
    // Asynchronous: the server answering zeep runs in this very process.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(py, ['-c', script, `${o.base}/ota/soap?wsdl`, o.skySecret]);
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    assert.equal(run.status, 0, run.stderr);
    const [locator, status] = run.stdout.trim().split(' ');
    assert.equal(status, 'Cancelled');
    const b = await o.w.gateway.retrieve({ actor: { partnerId: 'CH-SKY', kind: 'channel' } }, locator);
    assert.equal(b.status, 'cancelled');
  });
  it('takes ISO 3166 alpha-2 country codes, keeps them as alpha-3, answers alpha-2, and refuses other codes where they stand', async () => {
    const before = await rooms();
    const guest = (doc: string, surname = 'Hasan') => `<ResGuests><ResGuest><Profiles><ProfileInfo><Profile><Customer><PersonName><GivenName>Ahmad</GivenName><Surname>${surname}</Surname></PersonName>${doc}</Customer></Profile></ProfileInfo></Profiles></ResGuest></ResGuests>`;
    const rq = (ref: string, doc: string, surname?: string) => `<OTA_HotelResRQ xmlns="${OTA_NS}" Version="1.0" ResStatus="Commit">${sky()}<HotelReservations><HotelReservation><UniqueID Type="14" ID="${ref}"/>`
      + roomStay('SKY-MAK-101', 'DOUBLE', 'STD', start, end) + guest(doc, surname) + `</HotelReservation></HotelReservations></OTA_HotelResRQ>`;
    const channel = { actor: { partnerId: 'CH-SKY', kind: 'channel' as const } };

    const ok = await o.post('/ota/OTA_HotelResRQ', rq('SKY-CC-1', '<Document DocID="B1234567" DocType="2" DocIssueCountry="ID" DocHolderNationality="id" ExpireDate="2031-05-01"/>'));
    assertValidOta(ok.text);
    assert.match(ok.text, /<Document [^>]*DocIssueCountry="ID"/);
    assert.match(ok.text, /<Document [^>]*DocHolderNationality="ID"/);
    const b = (await o.w.gateway.findByExternalRef(channel, 'SKY-CC-1'))!;
    assert.equal(b.travellers[0].nationality, 'IDN');
    assert.deepEqual(b.travellers[0].documents, [{ type: 'P', number: 'B1234567', issuingCountry: 'IDN', expiry: '2031-05-01' }]);
    assert.equal((await rooms()).sold, before.sold + 1);

    const tag = '/OTA_HotelResRQ/HotelReservations/HotelReservation/ResGuests/ResGuest[1]/Profiles/ProfileInfo[1]/Profile/Customer';
    const alpha3 = await o.post('/ota/OTA_HotelResRQ', rq('SKY-CC-2', '<Document DocID="U1234567" DocIssueCountry="TUR" DocHolderNationality="PK"/>'));
    assertValidOta(alpha3.text);
    assert.match(alpha3.text, new RegExp(`<Error Type="10" Code="321" ShortText="GW_BAD_INPUT" Tag="${tag.replace(/[[\]]/g, '\\$&')}/Document/@DocIssueCountry">DocIssueCountry 'TUR' is an ISO 3166 alpha-3 code; OpenTravel takes alpha-2 \\('TR'\\)</Error>`));
    const unknown = await o.post('/ota/OTA_HotelResRQ', rq('SKY-CC-3', '<Document DocHolderNationality="XX" DocIssueCountry="QQ" DocID="1"/>'));
    assertValidOta(unknown.text);
    assert.match(unknown.text, /Tag="[^"]*\/Document\/@DocHolderNationality">DocHolderNationality 'XX' is not an ISO 3166 alpha-2 country code/);
    assert.match(unknown.text, /Tag="[^"]*\/Document\/@DocIssueCountry">DocIssueCountry 'QQ' is not an ISO 3166 alpha-2 country code/);
    // A field core refuses is reported where the message holds it, not at the canonical request's JSON path.
    const long = await o.post('/ota/OTA_HotelResRQ', rq('SKY-CC-4', '', 'X'.repeat(71)));
    assertValidOta(long.text);
    assert.match(long.text, new RegExp(`Tag="${tag.replace(/[[\]]/g, '\\$&')}/PersonName/Surname">`));
    for (const ref of ['SKY-CC-2', 'SKY-CC-3', 'SKY-CC-4']) assert.equal(await o.w.gateway.findByExternalRef(channel, ref), null);
    assert.equal((await rooms()).sold, before.sold + 1, 'refused bookings take no room');
  });
  it('confirms a hold with a Commit that repeats the reservation with both ids, and refuses one that repeats it differently', async () => {
    const before = await rooms();
    const ids = (ext: string, locator?: string) => `<ResGlobalInfo><HotelReservationIDs><HotelReservationID ResID_Type="14" ResID_Value="${ext}"/>`
      + `${locator ? `<HotelReservationID ResID_Type="10" ResID_Value="${locator}"/>` : ''}</HotelReservationIDs></ResGlobalInfo>`;
    const rq = (status: string, ext: string, locator?: string, s = start, e = end, who = guests) => `<OTA_HotelResRQ xmlns="${OTA_NS}" Version="1.0" ResStatus="${status}">${sky()}<HotelReservations><HotelReservation>`
      + roomStay('SKY-MAK-101', 'DOUBLE', 'STD', s, e) + who + ids(ext, locator) + `</HotelReservation></HotelReservations></OTA_HotelResRQ>`;
    const channel = { actor: { partnerId: 'CH-SKY', kind: 'channel' as const } };

    const held = await o.post('/ota/OTA_HotelResRQ', rq('Initiate', 'SKY-2PC'));
    assert.match(held.text, /ResResponseType="Pending"/);
    const locator = resId(held.text, '10')!;
    assert.equal((await rooms()).held, before.held + 1);
    const commit = await o.post('/ota/OTA_HotelResRQ', rq('Commit', 'SKY-2PC', locator));
    assertValidOta(commit.text);
    assert.match(commit.text, /<Success\/>/);
    assert.match(commit.text, /ResResponseType="Committed"/);
    assert.equal(resId(commit.text, '10'), locator);
    const after = await rooms();
    assert.deepEqual([after.held, after.sold, after.available], [before.held, before.sold + 1, before.available - 1], 'the hold became the sale: no second booking');
    assert.equal((await o.w.gateway.retrieve(channel, locator)).status, 'confirmed');
    const again = await o.post('/ota/OTA_HotelResRQ', rq('Commit', 'SKY-2PC'));
    assert.match(again.text, /ResResponseType="Committed"/, 'a repeated Commit by the channel reference alone answers the same booking');
    assert.equal(resId(again.text, '10'), locator);
    assert.equal((await rooms()).sold, before.sold + 1);

    // A Commit whose guests differ confirms, and says the guests of the hold are kept.
    await o.post('/ota/OTA_HotelResRQ', rq('Initiate', 'SKY-2PC-G'));
    const renamed = await o.post('/ota/OTA_HotelResRQ', rq('Commit', 'SKY-2PC-G', undefined, start, end, guests.replace('Rahman', 'Rahim')));
    assertValidOta(renamed.text);
    assert.match(renamed.text, /ResResponseType="Committed"/);
    assert.match(renamed.text, /<Warning [^>]*Tag="\/OTA_HotelResRQ\/HotelReservations\/HotelReservation\/ResGuests">The ResGuests differ/);
    assert.equal((await rooms()).sold, before.sold + 2);

    const other = await o.post('/ota/OTA_HotelResRQ', rq('Initiate', 'SKY-2PC-B'));
    const otherLocator = resId(other.text, '10')!;
    const moved = await o.post('/ota/OTA_HotelResRQ', rq('Commit', 'SKY-2PC-B', otherLocator, addDays(start, 1), end));
    assertValidOta(moved.text);
    assert.match(moved.text, new RegExp(`<Error Type="10" Code="321" ShortText="GW_BAD_INPUT" Tag="/OTA_HotelResRQ/HotelReservations/HotelReservation/RoomStays">The RoomStays differ from what reservation ${otherLocator} holds`));
    const wrongRef = await o.post('/ota/OTA_HotelResRQ', rq('Commit', 'SKY-2PC-B', locator));
    assert.match(wrongRef.text, new RegExp(`Reservation ${locator} is not the channel's reservation SKY-2PC-B \\(it is SKY-2PC\\)`));
    assert.equal((await o.w.gateway.retrieve(channel, otherLocator)).status, 'held', 'a refused Commit leaves the hold as it was');
    const now = await rooms();
    assert.equal(now.sold, before.sold + 2);
    assert.equal(now.held, before.held + 1);
    await o.w.gateway.cancel(channel, otherLocator);
  });
  it('applies each new OTA_HotelResNotifRQ Modify, back to an earlier state too, and replays a resent one', async () => {
    const safwa = { actor: o.w.actor('QCA-SAFWA') };
    const channel = { actor: { partnerId: 'CH-SKY', kind: 'channel' as const } };
    const sold = async () => (await o.w.gateway.getInventory(safwa, 'QCA-SAFWA-DBL', start, addDays(start, 2))).map((d) => d.sold);
    const stay = (units: number, e: string) => `<RoomStays><RoomStay><RoomTypes><RoomType RoomTypeCode="DOUBLE" NumberOfUnits="${units}"/></RoomTypes><RatePlans><RatePlan RatePlanCode="STD"/></RatePlans>`
      + `<GuestCounts><GuestCount AgeQualifyingCode="10" Count="${2 * units}"/></GuestCounts><TimeSpan Start="${start}" End="${e}"/><BasicPropertyInfo HotelCode="SKY-MAK-101"/></RoomStay></RoomStays>`;
    const notif = (status: string, units: number, e: string, attrs = '') => `<OTA_HotelResNotifRQ xmlns="${OTA_NS}" Version="1.0"${attrs}>${sky()}<HotelReservations><HotelReservation ResStatus="${status}">`
      + `<UniqueID Type="14" ID="SKY-MOD-1"/>${stay(units, e)}${guests}</HotelReservation></HotelReservations></OTA_HotelResNotifRQ>`;
    const shown = (xml: string) => { const u = /<RoomType RoomTypeCode="DOUBLE" NumberOfUnits="(\d+)"\/>[\s\S]*?<TimeSpan Start="[^"]+" End="([^"]+)"/.exec(xml)!; return [Number(u[1]), u[2]]; };
    const stored = async () => (await o.w.gateway.findByExternalRef(channel, 'SKY-MOD-1'))!.items.map((i) => [i.quantity, i.end]);
    const d2 = addDays(start, 2);
    const d3 = addDays(start, 3);
    const base = await sold();

    await o.post('/ota/OTA_HotelResNotifRQ', notif('Commit', 1, d2));
    // No EchoToken, no TimeStamp: 1 room to d2 (as booked), 3 rooms to d3, then 1 room to d2 again.
    for (const [units, e] of [[1, d2], [3, d3], [1, d2]] as const) {
      const r = await o.post('/ota/OTA_HotelResNotifRQ', notif('Modify', units, e));
      assertValidOta(r.text);
      assert.match(r.text, /ResResponseType="Modified"/);
      assert.deepEqual(shown(r.text), [units, e]);
      assert.deepEqual(await stored(), [[units, e]], `the booking is what the answer says (${units} to ${e})`);
    }
    assert.deepEqual(await sold(), [base[0] + 1, base[1] + 1, base[2]], 'the rooms of the last modification, no more');

    // An EchoToken reused for another change applies the change.
    await o.post('/ota/OTA_HotelResNotifRQ', notif('Modify', 2, d2, ' EchoToken="same"'));
    const reused = await o.post('/ota/OTA_HotelResNotifRQ', notif('Modify', 1, d3, ' EchoToken="same"'));
    assert.match(reused.text, /<Success\/>/);
    assert.deepEqual(await stored(), [[1, d3]]);

    // A dated message resent after a newer one replays its first answer and does not undo the newer one.
    const first = notif('Modify', 2, d3, ' TimeStamp="2026-01-01T10:00:00Z" EchoToken="t1"');
    assert.deepEqual(shown((await o.post('/ota/OTA_HotelResNotifRQ', first)).text), [2, d3]);
    await o.post('/ota/OTA_HotelResNotifRQ', notif('Modify', 1, d2, ' TimeStamp="2026-01-01T10:05:00Z" EchoToken="t2"'));
    const resent = await o.post('/ota/OTA_HotelResNotifRQ', first);
    assert.match(resent.text, /ResResponseType="Modified"/);
    assert.deepEqual(shown(resent.text), [2, d3], 'the first answer, replayed');
    assert.deepEqual(await stored(), [[1, d2]], 'the resend changed nothing');
    // The same content with a new TimeStamp is a new modification.
    await o.post('/ota/OTA_HotelResNotifRQ', notif('Modify', 2, d3, ' TimeStamp="2026-01-01T10:10:00Z" EchoToken="t1"'));
    assert.deepEqual(await stored(), [[2, d3]]);
    assert.deepEqual(await sold(), [base[0] + 2, base[1] + 2, base[2] + 2]);
    await o.post('/ota/OTA_HotelResNotifRQ', notif('Cancel', 2, d3));
    assert.deepEqual(await sold(), base);
  });
  it('reports an unknown room type (ERR 402), rate code (249) and hotel (392), and a stay past the calendar at the attribute sent', async () => {
    const before = await rooms();
    const rq = (room: string, rate: string, hotel = 'SKY-MAK-101') => `<OTA_HotelResRQ xmlns="${OTA_NS}" Version="1.0" ResStatus="Commit">${sky()}<HotelReservations><HotelReservation><UniqueID Type="14" ID="SKY-ERR-1"/>`
      + roomStay(hotel, room, rate, start, end) + guests + `</HotelReservation></HotelReservations></OTA_HotelResRQ>`;
    const stay = '/OTA_HotelResRQ/HotelReservations/HotelReservation/RoomStays/RoomStay[1]';
    const room = await o.post('/ota/OTA_HotelResRQ', rq('SUITE', 'STD'));
    assertValidOta(room.text);
    assert.match(room.text, new RegExp(`<Error Type="3" Code="402" ShortText="GW_UNMAPPED_ROOM_TYPE" Tag="${stay.replace(/[[\]]/g, '\\$&')}/RoomTypes/RoomType/@RoomTypeCode">InvTypeCode 'SUITE' is not mapped`));
    const rate = await o.post('/ota/OTA_HotelResRQ', rq('DOUBLE', 'VIP'));
    assert.match(rate.text, /<Error Type="3" Code="249" ShortText="GW_UNMAPPED_RATE_CODE" Tag="[^"]*\/RatePlans\/RatePlan\/@RatePlanCode">RatePlanCode 'VIP' is not mapped/);
    const hotel = await o.post('/ota/OTA_HotelResRQ', rq('DOUBLE', 'STD', 'SKY-NOWHERE'));
    assert.match(hotel.text, /<Error Type="3" Code="392" ShortText="GW_UNMAPPED_CODE"/);
    assert.deepEqual(await rooms(), before);

    const avail = (range: string) => `<OTA_HotelAvailRQ xmlns="${OTA_NS}" Version="1.0">${sky()}<AvailRequestSegments><AvailRequestSegment><StayDateRange ${range}/>`
      + `<HotelSearchCriteria><Criterion><HotelRef HotelCode="SKY-MAK-101"/></Criterion></HotelSearchCriteria></AvailRequestSegment></AvailRequestSegments></OTA_HotelAvailRQ>`;
    const last = await o.post('/ota/OTA_HotelAvailRQ', avail('Start="9999-12-31"'));
    assertValidOta(last.text);
    assert.match(last.text, /<Error Type="3" Code="15" ShortText="GW_BAD_DATES" Tag="\/OTA_HotelAvailRQ\/AvailRequestSegments\/AvailRequestSegment\/StayDateRange\/@Start">StayDateRange Start 9999-12-31 \+ 1 night ends after the last date of the calendar</);
    const long = await o.post('/ota/OTA_HotelAvailRQ', avail('Start="9999-12-30" Duration="P5N"'));
    assert.match(long.text, /Tag="[^"]*\/StayDateRange\/@Duration">StayDateRange Start 9999-12-30 \+ Duration P5N ends after/);
  });
});
