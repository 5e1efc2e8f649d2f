import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../core/paths';

const root = projectRoot();
const maqam = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin', 'maqam.js'), ...args], { encoding: 'utf8', timeout: 60_000 });

describe('maqam translate FILE', () => {
  it('translates an EDIFACT PNRGOV interchange into canonical airline bookings', () => {
    const r = maqam('translate', path.join(root, 'fixtures/edifact/messages/pnrgov-two-pnrs.edi'));
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.format, 'edifact');
    const expected = JSON.parse(fs.readFileSync(path.join(root, 'fixtures/edifact/messages/pnrgov-two-pnrs.canonical.json'), 'utf8'));
    assert.deepEqual(out.canonical, expected.canonical ?? expected);
  });

  it('translates an OTA AvailNotif into canonical inventory updates', () => {
    const r = maqam('translate', path.join(root, 'fixtures/ota/hotel-avail-notif.xml'));
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.format, 'ota');
    assert.equal(out.canonical.message, 'OTA_HotelAvailNotifRQ');
    assert.ok(out.canonical.commands.length > 0);
  });

  it('fails with a clear message on a file it cannot translate', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maqam-tr-'));
    const junk = path.join(dir, 'junk.txt');
    fs.writeFileSync(junk, 'hello, this is not a message');
    const r = maqam('translate', junk);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /neither an EDIFACT interchange .* nor XML/);
    const bad = path.join(dir, 'bad.xml');
    fs.writeFileSync(bad, '<OTA_HotelAvailNotifRQ><unclosed>');
    const r2 = maqam('translate', bad);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /not a message the gateway understands: \[GW_/);
    const missing = maqam('translate', path.join(dir, 'nope.edi'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot read/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
