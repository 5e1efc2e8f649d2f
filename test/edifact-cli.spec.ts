import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { edifactCli, loadPartnerProfiles, parseInterchanges, processInbound } from '../adapters/edifact';
import { paxlstInterchange } from '../bench/edifact';
import { projectRoot } from '../core/paths';

const FIX = path.join(projectRoot(), 'fixtures', 'edifact', 'syntax');

async function cli(args: string[], o: { progressEveryMs?: number } = {}): Promise<{ code: number; out: Buffer; err: string }> {
  const out: Buffer[] = [];
  let err = '';
  const code = await edifactCli(args, {
    stdout: { write: (s: string | Uint8Array) => out.push(Buffer.from(s as string)) },
    stderr: { write: (s: string) => (err += s) },
  }, o);
  return { code, out: Buffer.concat(out), err };
}

describe('maqam edifact CLI', () => {
  it('parse prints the segment tree as JSON with findings', async () => {
    const r = await cli(['parse', path.join(FIX, 'two-interchanges-una.edi')]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out.toString('utf8'));
    assert.equal(j.interchanges.length, 2);
    assert.equal(j.interchanges[1].una, ':*.\\ $');
    const m = j.interchanges[1].messages[0];
    assert.equal(m.type, 'PAXLST');
    assert.deepEqual(m.segments.find((s: { tag: string }) => s.tag === 'NAD').elements[3], ['O$HARA*X', 'ANN']);
    assert.ok(j.interchanges[1].findings.some((f: { code: string }) => f.code === '18'));
  });

  it('parse streams a large file in bounded memory and keeps the JSON valid', async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-cli-'));
    const f = path.join(dir, 'big.edi');
    fs.writeFileSync(f, paxlstInterchange(6 * 1024 * 1024));
    const r = await cli(['parse', f, '--no-validate']);
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out.toString('utf8'));
    const whole = parseInterchanges(fs.readFileSync(f), { validate: false });
    assert.equal(j.interchanges[0].messages.length, whole.interchanges[0].messages.length);
    assert.equal(j.interchanges[0].messages.reduce((n: number, m: { segments: unknown[] }) => n + m.segments.length, 0), whole.interchanges[0].messages.reduce((n, m) => n + m.segments.length, 0));
    fs.rmSync(dir, { recursive: true });
  });

  it('parse waits for a slow stdout to drain: the JSON queued in the stream stays bounded, and arrives whole', async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-cli-'));
    const f = path.join(dir, 'big.edi');
    fs.writeFileSync(f, paxlstInterchange(4 * 1024 * 1024));
    const got: Buffer[] = [];
    let maxQueued = 0;
    // a real stream that takes each chunk a tick later and says it is full beyond 16 KB
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, done) {
        got.push(chunk);
        setImmediate(done);
      },
    });
    const stdout = {
      write: (s: string | Uint8Array) => {
        const ok = slow.write(s);
        maxQueued = Math.max(maxQueued, slow.writableLength);
        return ok;
      },
      once: (ev: 'drain', cb: () => void) => slow.once(ev, cb),
    };
    let err = '';
    const code = await edifactCli(['parse', f, '--no-validate'], { stdout, stderr: { write: (t: string) => (err += t) } });
    await new Promise<void>((res) => slow.end(res));
    assert.equal(code, 0, err);
    const out = Buffer.concat(got);
    // about 20 MB of JSON went through; without waiting for 'drain' all of it would have queued up
    assert.ok(out.length > 15 * 1024 * 1024, `${out.length} bytes of JSON`);
    assert.ok(maxQueued < 4 * 1024 * 1024, `at most ${maxQueued} bytes queued in the stream`);
    const j = JSON.parse(out.toString('utf8'));
    assert.equal(j.interchanges[0].messages.length, parseInterchanges(fs.readFileSync(f), { validate: false }).interchanges[0].messages.length);
    fs.rmSync(dir, { recursive: true });
  });

  it('parse reports its progress on stderr during a long run, and says nothing about it in a short one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-cli-'));
    const f = path.join(dir, 'big.edi');
    fs.writeFileSync(f, paxlstInterchange(2 * 1024 * 1024));
    // every chunk counts as "a while" here: one line per 256 KB read, then the closing 100% line
    const r = await cli(['parse', f, '--no-validate'], { progressEveryMs: 0 });
    assert.equal(r.code, 0, r.err);
    const lines = r.err.trim().split('\n');
    assert.ok(lines.length >= 8, r.err);
    const size = fs.statSync(f).size;
    const total = (size / 1024 / 1024).toFixed(1);
    for (const l of lines) assert.match(l, new RegExp(`^maqam edifact: \\d+\\.\\d of ${total} MB read \\(\\d+%\\), \\d+\\.\\d MB/s, \\d+ s$`));
    assert.ok(lines[0].startsWith(`maqam edifact: 0.3 of ${total} MB read (${Math.floor((256 * 1024 * 100) / size)}%)`), lines[0]);
    assert.ok(lines[lines.length - 1].startsWith(`maqam edifact: ${total} of ${total} MB read (100%)`), lines[lines.length - 1]);
    assert.equal(JSON.parse(r.out.toString('utf8')).interchanges.length, 1);
    const quick = await cli(['parse', path.join(FIX, 'two-interchanges-una.edi')]);
    assert.equal(quick.code, 0);
    assert.doesNotMatch(quick.err, /MB read/);
    fs.rmSync(dir, { recursive: true });
  });

  it('ack prints the CONTRL we would send', async () => {
    const r = await cli(['ack', path.join(FIX, 'bad-counts.edi'), '--control-ref', '5']);
    assert.equal(r.code, 0);
    const text = r.out.toString('latin1');
    assert.match(text, /^UNB\+UNOC:4\+MAQAM:ZZZ\+SIRAJGDS:ZZZ\+\d{8}:\d{4}\+5'\nUNH\+1\+CONTRL:4:1:UN'\nUCI\+G0007\+SIRAJGDS:ZZZ\+MAQAM:ZZZ\+4\+29\+UNZ\+1'\n/);
    // rejected as a whole: its messages are not processed, so none of them counts as accepted
    assert.match(r.err, /interchange G0007 from SIRAJGDS: rejected, 2 message\(s\) rejected, 0 accepted, \d+ error\(s\)/);
    const acc = await cli(['ack', path.join(FIX, 'paxlst-d05b-airline.edi'), '--version', '3']);
    // accepted messages are listed only when the server would list them (0031 = 1 or policy always)
    assert.match(acc.out.toString('latin1'), /UNH\+1\+CONTRL:D:3:UN'\nUCI\+NJ0001\+NAJMAIR:ZZZ\+MAQAM:ZZZ\+7'\nUNT\+3\+1'/);
    assert.match(acc.err, /ack policy \(on-request\) would send no CONTRL/);
    assert.match(acc.err, /acknowledged, 0 message\(s\) rejected, 1 accepted, 0 error\(s\)/);
  });

  it('ack counts the messages of a rejected functional group as rejected, and lists none of them as accepted', async () => {
    const r = await cli(['ack', path.join(FIX, 'group-counts.edi'), '--control-ref', '1']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out.toString('latin1'), /\nUCF\+GR1\+SIRAJ:ZZZ\+MAQAM:ZZZ\+4\+29\+UNE\+1'\nUNT\+4\+1'/);
    assert.match(r.err, /interchange G0009 from SIRAJGDS: acknowledged, 2 message\(s\) rejected, 0 accepted, 2 error\(s\)/);
  });

  it('ack prints the CONTRL POST /edifact sends: an IATA:1 interchange from a syntax 4 airline gets UNOA:4 and CONTRL:4:1:UN', async () => {
    // AL-NAJM (syntax 4, no contrlVersion) asks for a CONTRL with UNB 0031 = 1
    const bytes = fs.readFileSync(path.join(FIX, 'iata-pnrgov.edi'), 'latin1').replace("+NJ0003'", "+NJ0003++++1'");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-cli-'));
    const f = path.join(dir, 'iata.edi');
    fs.writeFileSync(f, bytes, 'latin1');
    const r = await cli(['ack', f, '--control-ref', '1']);
    fs.rmSync(dir, { recursive: true });
    assert.equal(r.code, 0, r.err);
    const server = (await processInbound(Buffer.from(bytes, 'latin1'), { partners: loadPartnerProfiles(), controlRef: '1' })).interchanges[0].contrl;
    assert.ok(server, 'the server sends a CONTRL when 0031 asks');
    const undated = (b: Buffer) => b.toString('latin1').replace(/\n/g, '').replace(/\+\d{6,8}:\d{4}\+1'/, "+DATE:TIME+1'");
    assert.match(undated(r.out), /^UNB\+UNOA:4\+MAQAM:ZZZ\+NJ\+DATE:TIME\+1'UNH\+1\+CONTRL:4:1:UN'UCI\+NJ0003\+NJ\+MAQAM\+7'UCM\+1\+PNRGOV:11:1:IA\+7'/);
    assert.equal(undated(r.out), undated(server.bytes));
  });

  it('maqam edifact ack rejects the PAXLST/PNRGOV messages their translators cannot read, as POST /edifact does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-cli-'));
    const f = path.join(dir, 'pnrgov.edi');
    // message 1: a PNR without record locator (RCI, segment 7) beside a good one; message 2: no PNR at all
    fs.writeFileSync(f, "UNA:+.?*'UNB+IATA:1+NJ+MAQAM:ZZZ+261122:1000+N0002++PNRGOV++1'UNH+1+PNRGOV:11:1:IA'MSG+:22'ORG+NJ'"
      + "TVL+011226:0835:011226:1420+CGK+JED+NJ+817'EQN+2'SRC'RCI+NJ'TIF+NOLOC:A+ALI MR'SRC'RCI+NJ:ZZZ999'TIF+HASAN:A+AHMAD MR'UNT+12+1'"
      + "UNH+2+PNRGOV:11:1:IA'MSG+:22'ORG+NJ'UNT+4+2'UNZ+2+N0002'");
    const r = spawnSync(process.execPath, [path.join(projectRoot(), 'bin', 'maqam.js'), 'edifact', 'ack', f, '--control-ref', '1'], { encoding: 'latin1', timeout: 60_000 });
    fs.rmSync(dir, { recursive: true });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\nUCI\+N0002\+NJ\+MAQAM:ZZZ\+7'\nUCM\+1\+PNRGOV:11:1:IA\+4'\nUCS\+7\+13'\nUCM\+2\+PNRGOV:11:1:IA\+4\+13'\nUNT/);
    assert.match(r.stderr, /interchange N0002 from NJ: acknowledged, 2 message\(s\) rejected, 0 accepted, 2 error\(s\)/);
  });

  it('usage errors exit 2, unreadable or non-EDIFACT files exit 1', async () => {
    assert.equal((await cli([])).code, 2);
    assert.equal((await cli(['parse'])).code, 2);
    assert.equal((await cli(['frobnicate', 'x'])).code, 2);
    assert.equal((await cli(['parse', 'x', '--version', '9'])).code, 2);
    const missing = await cli(['parse', '/nonexistent/file.edi']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /cannot read/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-cli-'));
    fs.writeFileSync(path.join(dir, 'x.txt'), 'hello world\n');
    const notEdi = await cli(['parse', path.join(dir, 'x.txt')]);
    assert.equal(notEdi.code, 1);
    assert.match(notEdi.err, /no EDIFACT interchange/);
    assert.equal((await cli(['ack', path.join(dir, 'x.txt')])).code, 1);
    fs.rmSync(dir, { recursive: true });
  });
});
