import assert from 'node:assert/strict';
import * as soap from 'soap';
import { forEachBackend } from './support/db';
import { openOtaWorld, pos, OTA_NS, type OtaWorld } from './support/ota-world';
import { assertValidOta } from './support/ota-xsd';
import { processOta } from '../adapters/ota/service';

forEachBackend('OTA hostile input and credentials', (backend) => {
  let o: OtaWorld;
  let start: number;
  before(async () => { o = await openOtaWorld(backend, { days: 5 }); });
  after(async () => { await o.close(); });
  const available = async () => (await o.w.gateway.getInventory({ actor: o.w.actor('QCA-SAFWA') }, 'QCA-SAFWA-DBL', o.w.from, o.w.from))[0].available;
  const notif = (posXml: string, extra = '') => `<OTA_HotelAvailNotifRQ xmlns="${OTA_NS}" Version="1.0">${posXml}<AvailStatusMessages HotelCode="SAFWA01">`
    + `<AvailStatusMessage BookingLimit="1" BookingLimitMessageType="SetLimit"><StatusApplicationControl Start="${o.w.from}" End="${o.w.from}" InvTypeCode="DBLH"/>${extra}</AvailStatusMessage></AvailStatusMessages></OTA_HotelAvailNotifRQ>`;
  beforeEach(async () => { start = await available(); });
  afterEach(async () => { assert.equal(await available(), start, 'nothing may be applied'); });

  const expectError = (text: string, shortText: string) => {
    assertValidOta(text.replace(/^<\?xml[^>]*\?>\s*/, ''));
    assert.match(text, new RegExp(`<Errors><Error [^>]*ShortText="${shortText}"|<OTA_ErrorRS [^>]*ErrorCode="${shortText}"`));
    assert.doesNotMatch(text, /<Success\/>/);
  };

  it('refuses billion laughs (internal entities)', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>`
      + notif(pos('SAFWA-PMS', o.w.secret('QCA-SAFWA'))).replace('BookingLimit="1"', 'BookingLimit="&lol3;"');
    const r = await o.post('/ota/OTA_HotelAvailNotifRQ', bomb);
    assert.equal(r.status, 400);
    expectError(r.text, 'GW_SYNTAX');
    const s = await o.post('/ota/soap', `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${bomb.replace(/^<\?xml[^>]*\?>/, '')}</soap:Body></soap:Envelope>`, { soapaction: 'OTA_HotelAvailNotifRQ', 'content-type': 'text/xml' });
    assert.equal(s.status, 400);
    assert.match(s.text, /ErrorCode="GW_SYNTAX"/);
  });

  it('refuses external entities', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + notif(pos('SAFWA-PMS', o.w.secret('QCA-SAFWA'))).replace('HotelCode="SAFWA01"', 'HotelCode="&x;"');
    const r = await o.post('/ota', xxe);
    expectError(r.text, 'GW_SYNTAX');
    assert.doesNotMatch(r.text, /root:/);
  });

  it('refuses a 50 MB body over HTTP and SOAP', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 'a');
    const s = await o.post('/ota/soap', big, { soapaction: 'OTA_HotelAvailNotifRQ', 'content-type': 'text/xml' });
    assert.equal(s.status, 413);
    assert.match(s.text, /ErrorCode="GW_PAYLOAD_TOO_LARGE"/);
    const r = await processOta({ body: big, transport: 'http', expected: 'OTA_HotelAvailNotifRQ' }, { ...o.deps, archive: false });
    assert.equal(r.status, 413);
    expectError(r.xml, 'GW_PAYLOAD_TOO_LARGE');
  });

  it('refuses deep nesting and malformed XML', async () => {
    const deep = notif(pos('SAFWA-PMS', o.w.secret('QCA-SAFWA')), '<TPA_Extensions>' + '<x>'.repeat(5000) + '</x>'.repeat(5000) + '</TPA_Extensions>');
    expectError((await o.post('/ota/OTA_HotelAvailNotifRQ', deep)).text, 'GW_SYNTAX');
    expectError((await o.post('/ota/OTA_HotelAvailNotifRQ', '<OTA_HotelAvailNotifRQ><POS>')).text, 'GW_SYNTAX');
    expectError((await o.post('/ota', 'not xml at all')).text, 'GW_SYNTAX');
    const empty = await o.post('/ota/OTA_HotelAvailNotifRQ', '');
    expectError(empty.text, 'GW_SYNTAX');
    assert.match(empty.text, />The message is empty: an OpenTravel XML document is expected</);
    const twice = notif(pos('SAFWA-PMS', o.w.secret('QCA-SAFWA')));
    assert.match((await o.post('/ota/OTA_HotelAvailNotifRQ', twice + twice)).text, /GW_SYNTAX">Malformed XML at line 1, column \d+: Multiple possible root nodes/);
    // two empty document elements pass fast-xml-parser's validator: caught after parsing
    const empties = '<OTA_HotelAvailNotifRQ xmlns="http://www.opentravel.org/OTA/2003/05"/>'.repeat(2);
    assert.match((await o.post('/ota/OTA_HotelAvailNotifRQ', empties)).text, /GW_SYNTAX">Expected one document element, found 2</);
  });

  describe('SOAP requests node-soap cannot dispatch get a SOAP 1.1 Fault (HTTP 500, as SOAP 1.1 §6.2 requires), not an internal error', () => {
    const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
    const env = (body: string) => `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body>${body}</soap:Body></soap:Envelope>`;
    const basic = () => ({ 'content-type': 'text/xml', authorization: 'Basic ' + Buffer.from(`AG-NOOR:${o.w.secret('AG-NOOR')}`).toString('base64') });
    const cases: [string, string, 'Client' | 'VersionMismatch', RegExp][] = [
      ['an unknown OTA operation', env(`<OTA_FooRQ xmlns="${OTA_NS}"/>`), 'Client', /^OTA_FooRQ is not an operation of this service; it answers OTA_HotelAvailNotifRQ, /],
      ['an empty Body', `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body/></soap:Envelope>`, 'Client', /^The SOAP Body is empty: it must hold one OTA request/],
      ['no Body', `<soap:Envelope xmlns:soap="${SOAP11}"/>`, 'Client', /^The SOAP Body is missing/],
      ['two requests in one Body', env(`<OTA_ReadRQ xmlns="${OTA_NS}"/><OTA_ReadRQ xmlns="${OTA_NS}"/>`), 'Client', /^The SOAP Body holds 2 elements/],
      ['XML that is not SOAP', '<foo/>', 'Client', /^The message is not a SOAP envelope \(its document element is foo\)/],
      ['a SOAP 1.2 envelope', `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><OTA_ReadRQ xmlns="${OTA_NS}"/></s:Body></s:Envelope>`, 'VersionMismatch', /this endpoint speaks SOAP 1\.1/],
    ];
    for (const [name, body, code, message] of cases) {
      it(name, async () => {
        const r = await o.post('/ota/soap', body, basic());
        assert.equal(r.status, 500);
        const fault = /^<\?xml[^>]*\?><soap:Envelope xmlns:soap="http:\/\/schemas.xmlsoap.org\/soap\/envelope\/"><soap:Body><soap:Fault><faultcode>soap:(\w+)<\/faultcode><faultstring>([^<]+)<\/faultstring><detail><Error xmlns="urn:maqam:ota:soap" Code="GW_BAD_INPUT"\/><\/detail><\/soap:Fault><\/soap:Body><\/soap:Envelope>$/.exec(r.text);
        assert.ok(fault, r.text);
        assert.equal(fault[1], code);
        assert.match(fault[2], message);
        assert.doesNotMatch(r.text, /TypeError|Cannot read|soap:Code|soap:Reason/);
      });
    }

    it('a SOAPAction naming another operation, or an unknown one, does not stop the Body from being answered', async () => {
      for (const soapaction of ['"urn:x/OTA_Nope"', 'OTA_CancelRQ']) {
        const r = await o.post('/ota/soap', env(`<OTA_HotelAvailRQ xmlns="${OTA_NS}" Version="1.0"/>`), { ...basic(), soapaction });
        assert.equal(r.status, 200);
        assert.match(r.text, /<OTA_HotelAvailRS [^>]*><Errors><Error [^>]*ShortText="GW_BAD_INPUT"[^>]*>AvailRequestSegment is missing</);
      }
    });

    it('node-soap, the client our partners use, reads the Fault', async () => {
      const client = await soap.createClientAsync(`${o.base}/ota/soap?wsdl`);
      client.setSecurity(new soap.BasicAuthSecurity('AG-NOOR', o.w.secret('AG-NOOR')));
      const sent = (postProcess: (xml: string) => string) => client.OTA_ReadRQAsync({ attributes: { Version: '1.0' } }, { postProcess }).then(() => null, (e: any) => e);
      for (const [rewrite, text] of [[(x: string) => x.replace(/<soap:Body>.*<\/soap:Body>/s, '<soap:Body/>'), /^The SOAP Body is empty/], [(x: string) => x.replace(/OTA_ReadRQ/g, 'OTA_FooRQ'), /^OTA_FooRQ is not an operation/]] as const) {
        const e = await sent(rewrite);
        assert.ok(e, 'the call fails');
        assert.equal(e.response.status, 500);
        assert.equal(e.root.Envelope.Body.Fault.faultcode, 'soap:Client');
        assert.match(e.root.Envelope.Body.Fault.faultstring, text);
      }
    });
  });

  it('refuses a wrong password, a missing one, and another partner\'s RequestorID', async () => {
    const wrong = await o.post('/ota/OTA_HotelAvailNotifRQ', notif(pos('SAFWA-PMS', 'guess')));
    assert.equal(wrong.status, 401);
    expectError(wrong.text, 'GW_UNAUTHORIZED');
    expectError((await o.post('/ota/OTA_HotelAvailNotifRQ', notif(pos('SAFWA-PMS')))).text, 'GW_UNAUTHORIZED');
    // Ajyad's own valid password, but the message claims to come from Safwa's PMS.
    const basic = 'Basic ' + Buffer.from(`QCA-AJYAD:${o.w.secret('QCA-AJYAD')}`).toString('base64');
    const other = await o.post('/ota/OTA_HotelAvailNotifRQ', notif(pos('SAFWA-PMS')), { authorization: basic });
    assert.equal(other.status, 403);
    expectError(other.text, 'GW_FORBIDDEN');
    // A provider writing to a hotel it does not own, with its own RequestorID: core's tenant rule refuses it.
    const foreign = await o.post('/ota/OTA_HotelAvailNotifRQ', notif(pos('QCA-AJYAD', o.w.secret('QCA-AJYAD'))).replace('HotelCode="SAFWA01"', 'HotelCode="QCA-SAFWA"').replace('InvTypeCode="DBLH"', 'InvTypeCode="DBL"'));
    expectError(foreign.text, 'GW_(FORBIDDEN|UNKNOWN_PRODUCT|UNMAPPED_CODE|NOT_FOUND)');
  });

  it('refuses a replayed WS-Security nonce and a stale Created', async () => {
    const env = (created: string, nonce: string) => `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">`
      + `<wsse:UsernameToken><wsse:Username>SAFWA-PMS</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${o.w.secret('QCA-SAFWA')}</wsse:Password><wsse:Nonce>${nonce}</wsse:Nonce><wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security></soap:Header>`
      + `<soap:Body>${notif('').replace('BookingLimit="1"', `BookingLimit="${start}"`)}</soap:Body></soap:Envelope>`;
    const now = new Date().toISOString();
    const first = await o.post('/ota/soap', env(now, 'bm9uY2UtMQ=='), { soapaction: 'OTA_HotelAvailNotifRQ', 'content-type': 'text/xml' });
    assert.match(first.text, /<Success\/>/);
    const replay = await o.post('/ota/soap', env(now, 'bm9uY2UtMQ=='), { soapaction: 'OTA_HotelAvailNotifRQ', 'content-type': 'text/xml' });
    assert.match(replay.text, /ShortText="GW_UNAUTHORIZED"[^>]*>WS-Security Nonce was already used/);
    const stale = await o.post('/ota/soap', env(new Date(Date.now() - 3600_000).toISOString(), 'bm9uY2UtMg=='), { soapaction: 'OTA_HotelAvailNotifRQ', 'content-type': 'text/xml' });
    assert.match(stale.text, /ShortText="GW_UNAUTHORIZED"[^>]*>WS-Security Created/);
  });
});
