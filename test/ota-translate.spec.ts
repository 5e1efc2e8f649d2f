import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { translateOta } from '../adapters/ota';
import { loadMappingFile } from '../adapters/ota/mapping';
import { projectRoot } from '../core/paths';

const fixture = (f: string) => fs.readFileSync(path.join(projectRoot(), 'fixtures', 'ota', f), 'utf8');

describe('maqam translate for OTA XML', () => {
  it('turns an AvailNotif into the canonical ARI commands of its golden file', async () => {
    const { canonical, findings } = await translateOta(fixture('hotel-avail-notif.xml'), loadMappingFile('qca-safwa-pms.json'));
    assert.deepEqual(canonical, JSON.parse(fixture('hotel-avail-notif.canonical.json')));
    assert.deepEqual(findings.filter((f) => f.level === 'error'), []);
  });

  it('reports a bad record as a finding with its XPath, and refuses what is not OTA', async () => {
    const xml = fixture('hotel-avail-notif.xml').replace('InvTypeCode="QUAD"', 'InvTypeCode="SUITE"');
    const { findings } = await translateOta(xml, loadMappingFile('qca-safwa-pms.json'));
    assert.deepEqual(findings.filter((f) => f.level === 'error').map((f) => f.where), ['/OTA_HotelAvailNotifRQ/AvailStatusMessages/AvailStatusMessage[2]/StatusApplicationControl/@InvTypeCode']);
    await assert.rejects(translateOta('<!DOCTYPE x><x/>'), (e: { code?: string }) => e.code === 'GW_SYNTAX');
    await assert.rejects(translateOta('<Foo/>'), (e: { code?: string; message: string }) => e.code === 'GW_BAD_INPUT' && /Foo/.test(e.message));
  });
});
