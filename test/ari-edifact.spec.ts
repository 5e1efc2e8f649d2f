import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forEachBackend } from './support/db';
import { openWorld, type TestWorld } from './support/world';
import { addDays, dropTopology, mappingFor, namespace, tempDir, until, writeMapping, type Catalogue } from './support/ari-world';
import { startDistribution, type Distribution } from '../adapters/channels/distribution';
import { validateChannel, type ChannelConfig } from '../config/channels/validate';
import { silentLogger } from '../adapters/log/logger';
import { parseInterchanges } from '../adapters/edifact/parser';
import { buildContrl } from '../adapters/edifact/contrl';
import { eachDay } from '../core/dates';

const HOTEL = 'QCA-SAFWA';

/**
 * A GDS that takes ARI as EDIFACT: parses each interchange with an independent reading of the segment usage,
 * keeps its view per hotel/room(/rate)/day, and answers with a CONTRL (or rejects while `reject` is set).
 */
class EdifactGds {
  readonly view = new Map<string, unknown>();
  interchanges = 0;
  reject = false;
  url = '';
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { interchanges } = parseInterchanges(Buffer.concat(chunks));
      const ich = interchanges[0];
      this.interchanges++;
      if (!this.reject) {
        for (const m of ich.messages) this.apply(m.type, m.segments.map((s) => ({ tag: s.tag, el: s.elements.map((e) => [...e]) })));
      }
      const contrl = buildContrl(ich, { controlRef: String(this.interchanges), ourId: { id: 'GDSX', qualifier: 'ZZZ' }, acceptance: true });
      const body = this.reject ? contrl.bytes.toString('latin1').replace(/UCI\+([^+]*)\+([^+]*)\+([^+]*)\+7/, 'UCI+$1+$2+$3+4+18') : contrl.bytes.toString('latin1');
      res.writeHead(200, { 'content-type': 'application/edifact' }).end(body);
    });
  });

  private apply(type: string, segs: { tag: string; el: string[][] }[]): void {
    assert.equal(type, 'AVLRSP');
    let product: { hotel: string; room: string } | null = null;
    let days: string[] = [];
    let rate: string | null = null;
    const iso = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
    for (const s of segs) {
      if (s.tag === 'PRD') { product = { room: s.el[1][0], hotel: s.el[2][0] }; rate = null; }
      else if (s.tag === 'DAV') days = eachDay(iso(s.el[0][0]), addDays(iso(s.el[0][1]), 1));
      else if (s.tag === 'RPI') for (const d of days) this.view.set(`A|${product!.hotel}|${product!.room}|${d}`, { available: Number(s.el[0][0]), open: s.el[1][0] === 'AV' });
      else if (s.tag === 'RTC') rate = s.el[0][0];
      else if (s.tag === 'TFF' && rate) {
        for (const d of days) {
          const k = `R|${product!.hotel}|${product!.room}|${rate}|${d}`;
          const prev = (this.view.get(k) as Record<string, string> | undefined) ?? {};
          this.view.set(k, { ...prev, [s.el[0][0]]: `${s.el[0][1]} ${s.el[0][2]}` });
        }
      }
    }
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/ari`;
    return this;
  }
  close(): Promise<void> { return new Promise((r) => this.server.close(() => r())); }
}

describe('EDIFACT channel definitions', () => {
  it('refuses an edifact channel without the GDS interchange id, naming the key', () => {
    assert.throws(() => validateChannel({ name: 'g', format: 'edifact', endpoint: 'http://x/', sells: { providers: ['A'] } }, 'config/channels/g.json'),
      /config\/channels\/g.json: "edifact" must be an object/);
    assert.throws(() => validateChannel({ name: 'g', format: 'edifact', edifact: { recipient: 'lower case' }, endpoint: 'http://x/', sells: { providers: ['A'] } }, 'g.json'),
      /"edifact.recipient" must be the GDS's interchange id/);
  });
});

forEachBackend(`ARI to a GDS as EDIFACT over the ${process.env.AMQP_URL ? 'rabbitmq' : 'in-process bus'}`, (backend) => {
  let w: TestWorld;
  let gds: EdifactGds;
  let dist: Distribution | null = null;
  let cfg: ChannelConfig;
  let cat: Catalogue;
  const ns = namespace();

  before(async () => {
    w = await openWorld(backend, { days: 6 });
    const products = (await w.db.query<{ id: string; provider_id: string; code: string }>('SELECT id, provider_id, code FROM products WHERE provider_id = $1 ORDER BY id', [HOTEL])).rows;
    const ratePlans = (await w.db.query<{ id: string; product_id: string; code: string }>('SELECT rp.id, rp.product_id, rp.code FROM rate_plans rp JOIN products p ON p.id = rp.product_id WHERE p.provider_id = $1', [HOTEL])).rows;
    cat = { from: w.from, days: 6, providers: [HOTEL], products: products.map((p) => ({ id: p.id, providerId: p.provider_id, code: p.code })), ratePlans: ratePlans.map((r) => ({ id: r.id, productId: r.product_id, code: r.code })) };
    gds = await new EdifactGds().start();
    cfg = validateChannel({ name: 'gds-edi', kind: 'gds', format: 'edifact', edifact: { recipient: 'GDSX', qualifier: 'ZZZ' }, endpoint: gds.url, sells: { providers: [HOTEL] }, retryDelaysMs: [50, 100, 200], maxAttempts: 20, timeoutMs: 2000 });
    const dir = tempDir('ari-edi');
    writeMapping(dir, cfg.name, mappingFor(cfg.name, cat));
    dist = await startDistribution({ db: w.db, log: silentLogger(), amqpUrl: process.env.AMQP_URL, channels: [cfg], mappingsDir: dir, namespace: ns });
  });

  after(async () => {
    await dist?.stop();
    await dropTopology(ns, [cfg]);
    await gds?.close();
    await w?.close();
  });

  it('delivers availability, restrictions and rates as an AVLRSP the GDS reads, and a booking\'s effect', async function () {
    this.timeout(60_000);
    const room = `R-${cat.products[0].code}`;
    const p = cat.products[0].id;
    const day = addDays(w.from, 2);
    const ops = { actor: w.actor(HOTEL) };
    await w.gateway.updateInventory(ops, { productId: p, from: w.from, to: addDays(w.from, 5), allotment: 9 });
    await w.gateway.updateRates(ops, { ratePlanId: `${p}-BAR`, from: day, to: day, amounts: { '1': '777.00', '2': '888.50' } });
    await until('the GDS to show 9 rooms and the new rate', () =>
      (gds.view.get(`A|H-${HOTEL}|${room}|${day}`) as { available?: number } | undefined)?.available === 9
      && (gds.view.get(`R|H-${HOTEL}|${room}|BAR-GDS-EDI|${day}`) as Record<string, string> | undefined)?.['2'] === '888.50 SAR', 30_000);
    await w.gateway.book({ actor: w.actor('AG-NOOR') }, { hold: false, items: [{ productId: p, start: day, end: addDays(day, 1), quantity: 4, guests: 2 }] });
    await until('the booking to reach the GDS', () => (gds.view.get(`A|H-${HOTEL}|${room}|${day}`) as { available?: number }).available === 5, 30_000);
    assert.equal((gds.view.get(`A|H-${HOTEL}|${room}|${addDays(day, 1)}`) as { available?: number }).available, 9);
  });

  it('retries while the GDS rejects the interchange (CONTRL action 4), then delivers', async function () {
    this.timeout(60_000);
    const room = `R-${cat.products[0].code}`;
    const day = addDays(w.from, 4);
    gds.reject = true;
    const before = gds.interchanges;
    await w.gateway.updateInventory({ actor: w.actor(HOTEL) }, { productId: cat.products[0].id, from: day, to: day, available: 2 });
    await until('a rejected attempt', () => gds.interchanges > before + 1, 30_000);
    assert.notEqual((gds.view.get(`A|H-${HOTEL}|${room}|${day}`) as { available?: number }).available, 2);
    gds.reject = false;
    await until('delivery after the GDS accepts again', () => (gds.view.get(`A|H-${HOTEL}|${room}|${day}`) as { available?: number }).available === 2, 30_000);
  });
});
