import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../core/paths';
import { hubToday } from '../core/dates';

const BIN = path.join(projectRoot(), 'bin', 'maqam.js');

/** Env for a child gateway: the embedded defaults, as on a newcomer's machine. */
function freshEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.AMQP_URL;
  return { ...env, ...extra };
}

function waitForLine(child: ChildProcess, re: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = re.exec(out);
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${re}: ${out}`)));
  });
}

describe('maqam start on the embedded defaults (a newcomer\'s machine)', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maqam-start-')); });
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves /health, seeds the demo world once, answers a search, and keeps its data across a restart', async function () {
    this.timeout(120_000);
    const env = freshEnv({ PORT: '0', MAQAM_DATA_DIR: dir, MAQAM_SEED_DAYS: '60', LOG_LEVEL: 'warn' });
    child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const [, base] = await waitForLine(child, /listening on (http:\/\/localhost:\d+)/);
    const health = await (await fetch(`${base}/health`)).json() as { status: string; store: { kind: string } };
    assert.equal(health.status, 'ok');
    assert.equal(health.store.kind, 'pglite');
    const today = hubToday(new Date());
    const auth = 'Basic ' + Buffer.from('AG-NOOR:demo-noor-secret').toString('base64');
    const r = await fetch(`${base}/v1/availability?kind=transport&origin=JED&start=${today}&guests=1&quantity=4`, { headers: { authorization: auth } });
    const offers = (await r.json() as { offers: { product: { id: string } }[] }).offers;
    assert.deepEqual(offers.map((o) => o.product.id), ['SAPTCO-JED-QCA']);
    const booked = await fetch(`${base}/v1/bookings`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ hold: false, items: [{ productId: 'SAPTCO-JED-QCA', start: today, quantity: 4, guests: 1 }] }) });
    assert.equal(booked.status, 201);
    const { locator } = await booked.json() as { locator: string };

    // the README's first EDIFACT message, run as written (bash, date, printf, curl) against this gateway
    const readme = fs.readFileSync(path.join(projectRoot(), 'README.md'), 'utf8');
    const snippet = /```sh\n(# a first EDIFACT message\n[\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(snippet, 'the README shows a first EDIFACT message');
    const sent = spawnSync('bash', ['-c', snippet.replaceAll('localhost:8080', base.replace('http://', ''))], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(sent.status, 0, sent.stderr);
    const lines = sent.stdout.split('\n');
    assert.match(lines[2], /^UIH\+AVLRSP:D:21A:UN\+1$/, sent.stdout);
    assert.ok(lines.includes('PRD+HTL+QCA-SAFWA-DBL+QCA-SAFWA:DBL'), sent.stdout);
    assert.ok(!lines.some((l) => /^(ERI|UCI)/.test(l)), sent.stdout);

    // the README's OTA update from a property system, run as written from the project's directory
    const ota = /```sh\n(# an OTA availability update from a property system\n[\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(ota, 'the README shows an OTA update');
    const pushed = spawnSync('bash', ['-c', ota.replaceAll('localhost:8080', base.replace('http://', ''))], { encoding: 'utf8', timeout: 30_000, cwd: projectRoot() });
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.match(pushed.stdout, /^<\?xml[^>]*\?>\s*<OTA_HotelAvailNotifRS [^>]*EchoToken="fx-1"[^>]*><Success\/><\/OTA_HotelAvailNotifRS>$/, pushed.stdout);
    const y = new Date().getUTCFullYear() + 1;
    const safwa = 'Basic ' + Buffer.from('QCA-SAFWA:demo-safwa-secret').toString('base64');
    const quad = await (await fetch(`${base}/v1/products/QCA-SAFWA-QUAD/inventory?from=${y}-03-10&to=${y}-03-12`, { headers: { authorization: safwa } })).json() as { closedToDeparture: boolean }[];
    assert.deepEqual(quad.map((d) => d.closedToDeparture), [true, true, true], 'next March took the update');

    const gone = new Promise((res) => child!.once('exit', res));
    child.kill('SIGTERM');
    assert.equal(await gone, 0, 'stops cleanly on SIGTERM');
    child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const [, base2] = await waitForLine(child, /listening on (http:\/\/localhost:\d+)/);
    const again = await fetch(`${base2}/v1/bookings/${locator}`, { headers: { authorization: auth } });
    assert.equal(again.status, 200, 'the booking survived the restart');
    const products = await (await fetch(`${base2}/v1/products`, { headers: { authorization: auth } })).json() as unknown[];
    assert.equal(products.length, 10, 'the demo world was not seeded twice');
  });

  it('stops at start-up on a bad configuration, naming the key', () => {
    // A timeout keeps a regression (a gateway that starts instead of refusing) from hanging the suite.
    const r = spawnSync(process.execPath, [BIN, 'start'], { env: freshEnv({ PORT: 'eighty', MAQAM_DATA_DIR: dir }), encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 78);
    assert.match(r.stderr, /configuration port \(environment variable PORT\) must be a TCP port/);
    const r2 = spawnSync(process.execPath, [BIN, 'start'], { env: freshEnv({ DATABASE_URL: 'mysql://x', MAQAM_DATA_DIR: dir }), encoding: 'utf8', timeout: 30_000 });
    assert.equal(r2.status, 78);
    assert.match(r2.stderr, /databaseUrl \(environment variable DATABASE_URL\) must start with postgres:/);
  });

  it('stops at start-up on a bad EDIFACT partner profile, naming the file and the key', () => {
    const partners = fs.mkdtempSync(path.join(dir, 'partners-'));
    fs.writeFileSync(path.join(partners, 'gds-bad.json'), JSON.stringify({ id: 'GDS-BAD', name: 'Bad', kind: 'gds', edifact: { ids: [{ id: 'BAD' }], charset: 'UNOA', syntaxVersion: 5, separators: ":+.? '", ignoreRepetition: false, ackPolicy: 'errors', mode: 'strict' } }));
    const r = spawnSync(process.execPath, [BIN, 'start'], { env: freshEnv({ MAQAM_PARTNERS_DIR: partners, MAQAM_DATA_DIR: path.join(dir, 'never') }), encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 78, r.stderr);
    assert.match(r.stderr, /gds-bad\.json: edifact\.syntaxVersion: must be 1, 2, 3 or 4/);
    assert.equal(fs.existsSync(path.join(dir, 'never')), false, 'nothing is opened before the profiles are checked');
  });

  it('maqam help lists the channel commands with their arguments', () => {
    const r = spawnSync(process.execPath, [BIN, 'help'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0);
    for (const line of ['maqam channels status [--json]', 'maqam channels dead-letters [NAME] [--json]', 'maqam channels replay ID... | --all [NAME]',
      'maqam channels replay --outbox ID... | --all', 'maqam channels resync NAME [--from YYYY-MM-DD] [--to YYYY-MM-DD]   (default: today and one year ahead)']) {
      assert.ok(r.stdout.split('\n').some((l) => l.trim() === line), `maqam help shows "${line}":\n${r.stdout}`);
    }
  });

  it('prints usage for an unknown command', () => {
    const r = spawnSync(process.execPath, [BIN, 'frobnicate'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
  });
});
