/**
 * A channel simulator: a small real HTTP server that accepts ARI like a channel does (the JSON webhook
 * format, and OpenTravel notif RQs posted to `/<message name>`), keeps its own view of availability and
 * rates per day, and can be told to fail (503), stall (never answer) or refuse records. Like a naive channel
 * it applies whatever arrives; it records every time a value older (by seq) than the one it holds arrived.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';

export type SimMode = 'ok' | 'fail' | 'stall' | 'refuse';

export interface SimEntry {
  seq: number | null;
  state: Record<string, unknown>;
}

export interface Violation {
  key: string;
  had: number;
  got: number;
}

function nextDay(d: string): string {
  const x = new Date(`${d}T00:00:00Z`);
  x.setUTCDate(x.getUTCDate() + 1);
  return x.toISOString().slice(0, 10);
}

const xml = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false,
  processEntities: false, isArray: (name) => ['AvailStatusMessage', 'RestrictionStatus', 'LengthOfStay', 'Inventory', 'InvCount', 'RateAmountMessage', 'Rate', 'BaseByGuestAmt', 'AdditionalGuestAmount'].includes(name),
});

type X = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class ChannelSim {
  mode: SimMode = 'ok';
  /** Decides per JSON record whether to refuse it in `refuse` mode (default: all). */
  refuse: (record: Record<string, unknown>) => string | null = () => 'refused by the simulator';
  readonly view = new Map<string, SimEntry>();
  readonly violations: Violation[] = [];
  requests = 0;
  failedRequests = 0;
  records = 0;
  /** Called for every day applied (bench: receipt times). */
  onApply: ((key: string, seq: number | null) => void) | null = null;
  private server: http.Server | null = null;
  private stalled: http.ServerResponse[] = [];
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req.url ?? '/', Buffer.concat(chunks).toString('utf8'), res));
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/ari`;
    return this;
  }

  /** Answers every stalled request with a 503 (so nothing hangs) and switches mode. */
  setMode(mode: SimMode): void {
    this.mode = mode;
    if (mode !== 'stall') for (const r of this.stalled.splice(0)) this.reply(r, 503, 'released');
  }

  async close(): Promise<void> {
    for (const r of this.stalled.splice(0)) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private reply(res: http.ServerResponse, status: number, body: string, type = 'application/json'): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  }

  private handle(url: string, body: string, res: http.ServerResponse): void {
    this.requests++;
    if (this.mode === 'fail') {
      this.failedRequests++;
      return this.reply(res, 503, '{"error":"channel down"}');
    }
    if (this.mode === 'stall') {
      this.failedRequests++;
      this.stalled.push(res);
      return;
    }
    try {
      if (url.startsWith('/ari/OTA_')) return this.reply(res, 200, this.ota(url.slice(5), body), 'text/xml');
      const msg = JSON.parse(body) as { records: Record<string, unknown>[] };
      const errors: { index: number; message: string }[] = [];
      for (const r of msg.records) {
        const why = this.mode === 'refuse' ? this.refuse(r) : null;
        if (why) errors.push({ index: r.index as number, message: why });
        else this.applyJson(r);
      }
      this.reply(res, 200, JSON.stringify(errors.length ? { errors } : { ok: true }));
    } catch (e) {
      this.reply(res, 400, JSON.stringify({ error: (e as Error).message }));
    }
  }

  private set(key: string, seq: number | null, patch: Record<string, unknown>, replace: boolean): void {
    const cur = this.view.get(key);
    if (cur && seq !== null && cur.seq !== null && seq < cur.seq) this.violations.push({ key, had: cur.seq, got: seq });
    this.view.set(key, { seq: seq ?? cur?.seq ?? null, state: replace ? patch : { ...(cur?.state ?? {}), ...patch } });
    this.records++;
    this.onApply?.(key, seq);
  }

  private applyJson(r: Record<string, unknown>): void {
    const { index: _i, type, hotel, room, rate, start, end, seqs, ...state } = r as Record<string, unknown> & { seqs: number[]; start: string; end: string };
    let i = 0;
    for (let d = start; d <= end; d = nextDay(d), i++) this.set(simKey(String(type), String(hotel), String(room), rate as string | undefined, d), seqs[i] ?? null, state, true);
  }

  private ota(message: string, body: string): string {
    const doc = xml.parse(body) as X;
    const root = doc[message] as X;
    if (message === 'OTA_HotelAvailNotifRQ') {
      const msgs = root.AvailStatusMessages as X;
      for (const m of msgs.AvailStatusMessage as X[]) {
        const sac = m.StatusApplicationControl as X;
        const patch: Record<string, unknown> = {};
        for (const rs of (m.RestrictionStatus ?? []) as X[]) {
          const closed = rs['@Status'] === 'Close';
          if (rs['@Restriction'] === 'Master') patch.stopSell = closed;
          if (rs['@Restriction'] === 'Arrival') patch.closedToArrival = closed;
          if (rs['@Restriction'] === 'Departure') patch.closedToDeparture = closed;
        }
        if (m['@BookingLimit'] !== undefined) patch.available = Number(m['@BookingLimit']);
        for (const l of ((m.LengthsOfStay as X)?.LengthOfStay ?? []) as X[]) {
          const v = Number(l['@Time']) || null;
          if (l['@MinMaxMessageType'] === 'SetMinLOS') patch.minLos = v;
          if (l['@MinMaxMessageType'] === 'SetMaxLOS') patch.maxLos = v;
        }
        for (let d = sac['@Start'] as string; d <= sac['@End']; d = nextDay(d)) this.set(simKey('availability', msgs['@HotelCode'], sac['@InvTypeCode'], undefined, d), null, patch, false);
      }
    } else if (message === 'OTA_HotelInvCountNotifRQ') {
      const inv = root.Inventories as X;
      for (const m of inv.Inventory as X[]) {
        const sac = m.StatusApplicationControl as X;
        const count = Number(((m.InvCounts as X).InvCount as X[])[0]['@Count']);
        for (let d = sac['@Start'] as string; d <= sac['@End']; d = nextDay(d)) this.set(simKey('availability', inv['@HotelCode'], sac['@InvTypeCode'], undefined, d), null, { available: count }, false);
      }
    } else if (message === 'OTA_HotelRateAmountNotifRQ') {
      const msgs = root.RateAmountMessages as X;
      for (const m of msgs.RateAmountMessage as X[]) {
        const sac = m.StatusApplicationControl as X;
        const rate = ((m.Rates as X).Rate as X[])[0];
        const amounts: Record<string, string> = {};
        for (const g of ((rate.BaseByGuestAmts as X)?.BaseByGuestAmt ?? []) as X[]) amounts[g['@NumberOfGuests']] = g['@AmountAfterTax'];
        let extraAdult: string | null = null;
        let extraChild: string | null = null;
        for (const a of ((rate.AdditionalGuestAmounts as X)?.AdditionalGuestAmount ?? []) as X[]) {
          if (a['@AgeQualifyingCode'] === '10') extraAdult = a['@Amount'];
          if (a['@AgeQualifyingCode'] === '8') extraChild = a['@Amount'];
        }
        const state = { currency: rate['@CurrencyCode'], amounts, extraAdult, extraChild };
        for (let d = sac['@Start'] as string; d <= sac['@End']; d = nextDay(d)) this.set(simKey('rate', msgs['@HotelCode'], sac['@InvTypeCode'], sac['@RatePlanCode'], d), null, state, true);
      }
    } else throw new Error(`unexpected message ${message}`);
    const rs = message.replace(/RQ$/, 'RS');
    return `<${rs} xmlns="http://www.opentravel.org/OTA/2003/05" Version="1.000"><Success/></${rs}>`;
  }
}

/** The key a simulator files a day under, in the channel's codes. */
export function simKey(type: string, hotel: string, room: string, rate: string | undefined, day: string): string {
  return `${type}|${hotel}|${room}|${rate ?? ''}|${day}`;
}

export async function startSim(): Promise<ChannelSim> {
  return new ChannelSim().start();
}
