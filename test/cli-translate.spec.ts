import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../core/paths';
import { translateEdifact } from '../adapters/edifact/messages';
import { translateCli } from '../adapters/cli/commands';
import { paxlstInterchange } from '../bench/edifact';

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

  it('translates a large PAXLST file as it reads it: the JSON of the whole-buffer translation, in a 64 MB heap', function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maqam-tr-'));
    const f = path.join(dir, 'big.edi');
    fs.writeFileSync(f, paxlstInterchange(12 * 1024 * 1024));
    // holding every traveller of 12 MB (and their JSON) at once needs several times this heap: that crashed here
    const fd = fs.openSync(path.join(dir, 'out.json'), 'w');
    const r = spawnSync(process.execPath, ['--max-old-space-size=64', path.join(root, 'bin', 'maqam.js'), 'translate', f], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', timeout: 120_000 });
    fs.closeSync(fd);
    assert.equal(r.status, 0, r.stderr);
    const t = translateEdifact(fs.readFileSync(f));
    assert.ok(t.canonical.length > 50, `${t.canonical.length} manifests`);
    assert.equal(fs.readFileSync(path.join(dir, 'out.json'), 'utf8'), JSON.stringify({ format: 'edifact', canonical: t.canonical, findings: t.findings }, null, 2) + '\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports its progress on a long run, and an EDIFACT file with nothing to translate exits 1 with its errors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maqam-tr-'));
    const f = path.join(dir, 'pax.edi');
    fs.writeFileSync(f, paxlstInterchange(1024 * 1024));
    let out = '';
    let err = '';
    const io = { stdout: { write: (s: string | Uint8Array) => (out += Buffer.from(s as string).toString('utf8')) }, stderr: { write: (s: string) => (err += s) } };
    assert.equal(await translateCli([f], io, { progressEveryMs: 0 }), 0, err);
    assert.match(err, /^maqam translate: 0\.3 of 1\.0 MB read \(\d+%\)/);
    assert.match(err, /maqam translate: 1\.0 of 1\.0 MB read \(100%\), [\d.]+ MB\/s, \d+ s\n$/);
    assert.ok(JSON.parse(out).canonical.length > 0);
    const broken = path.join(dir, 'broken.edi');
    fs.writeFileSync(broken, "UNB+UNOC:4+A+B+20260102:1200+R1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNT+9+1'UNZ+1+R1'");
    out = '';
    err = '';
    assert.equal(await translateCli([broken], io), 1);
    assert.deepEqual(JSON.parse(out).canonical, []);
    assert.match(err, /^maqam translate: nothing could be translated from .*broken\.edi: \[0085 /);
    fs.rmSync(dir, { recursive: true, force: true });
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
