import assert from 'node:assert/strict';
import { wasmErrors } from './support/ota-xsd';

// What validates OTA messages on a machine without Debian's xmllint (test/support/ota-xsd.ts): run here on
// every machine, so that the fallback is known to work before a machine needs it.
describe('OTA schema validation without xmllint installed', () => {
  it('accepts a valid message and names the element of an invalid one (libxml2 as WebAssembly)', () => {
    const ns = 'xmlns="http://www.opentravel.org/OTA/2003/05" Version="1.0"';
    assert.deepEqual(wasmErrors(`<OTA_HotelAvailRS ${ns}><Success/></OTA_HotelAvailRS>`, 'OTA_HotelAvailRS'), []);
    const errors = wasmErrors(`<OTA_HotelAvailRS ${ns}><Bogus/></OTA_HotelAvailRS>`, 'OTA_HotelAvailRS');
    assert.equal(errors.length, 1);
    assert.match(errors[0], /Element '\{http:\/\/www\.opentravel\.org\/OTA\/2003\/05\}Bogus': This element is not expected/);
  });
});
