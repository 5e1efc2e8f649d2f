/**
 * The maqam CLI when its output goes away: a reader that stops early (`maqam edifact parse big.edi | head`)
 * and a full disk. Real child processes, a real pipe, and Linux's /dev/full.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { paxlstInterchange } from '../bench/edifact';
import { projectRoot } from '../core/paths';

const BIN = path.join(projectRoot(), 'bin', 'maqam.js');

describe('maqam CLI output that goes away', () => {
  let dir: string;
  let big: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maqam-out-'));
    big = path.join(dir, 'big.edi');
    // output of several MB: far more than a pipe holds, so writes go on after the reader has gone
    fs.writeFileSync(big, paxlstInterchange(2 * 1024 * 1024));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const args of [['edifact', 'parse'], ['translate']]) {
    it(`maqam ${args.join(' ')} stops quietly, with the SIGPIPE status, when the reader closes the pipe`, async function () {
      this.timeout(60_000);
      const child = spawn(process.execPath, [BIN, ...args, big], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const first = await new Promise<Buffer>((res) => child.stdout.once('data', res));
      assert.match(first.toString('utf8'), /^\{/);
      child.stdout.destroy(); // what `head` does once it has its bytes
      const [code, signal] = await new Promise<[number | null, string | null]>((res) => child.once('exit', (c, s) => res([c, s])));
      assert.deepEqual({ code, signal }, { code: 141, signal: null });
      assert.doesNotMatch(err, /EPIPE|Error|at /, 'no stack trace');
    });
  }

  it('says in one line that it cannot write its output when the disk is full, and exits 1', function () {
    if (!fs.existsSync('/dev/full')) this.skip();
    this.timeout(60_000);
    for (const args of [['edifact', 'parse', big], ['translate', big], ['help']]) {
      const fd = fs.openSync('/dev/full', 'w');
      try {
        const r = spawnSync(process.execPath, [BIN, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', timeout: 60_000 });
        assert.equal(r.status, 1, `maqam ${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /^maqam: cannot write the output: ENOSPC: no space left on device/m);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      } finally {
        fs.closeSync(fd);
      }
    }
  });
});
