/**
 * A channel worker: consumes the channel's queue (prefetch 100–300), gathers deliveries into batches,
 * drops superseded values (the highest seq per key wins, and nothing at or below what the channel already
 * acknowledged is sent again — a resync may resend an equal seq), coalesces the rest into date ranges,
 * sends them in the channel's format at its rate limit, records the acknowledged seqs in PostgreSQL and only
 * then acknowledges the messages. A failed change is retried through the delay queues with exponential
 * backoff, and after `maxAttempts` parked as a dead letter.
 */
import type { Logger } from 'winston';
import type { AriChange } from '../../core/model';
import type { Db } from '../postgres/db';
import type { Bus, Consumer, Delivery } from '../bus/types';
import type { ChannelConfig } from '../../config/channels/validate';
import type { FormatImpl } from './formats';
import type { MappingSource } from './mapping';
import { unmappedReason } from './mapping';
import { keyOf, keyString, parseChange } from './routing';
import { latestPerKey } from './coalesce';
import * as sql from './store';

interface Item {
  d: Delivery;
  change: AriChange;
  force: boolean;
}

/** Spaces requests to a requests-per-minute limit (0 = none). */
export class RateLimiter {
  private next = 0;
  constructor(private readonly perMinute: number) {}
  async take(): Promise<void> {
    if (this.perMinute <= 0) return;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 60_000 / this.perMinute;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}

export interface WorkerOptions {
  db: Db;
  bus: Bus;
  log: Logger;
  cfg: ChannelConfig;
  queue: string;
  format: FormatImpl;
  mapping: MappingSource;
}

/** Counters since this process started (the durable ones live in `ari_channel_stats`). */
export interface WorkerCounters {
  delivered: number;
  failed: number;
  superseded: number;
  deadLettered: number;
  inFlight: number;
}

export class ChannelWorker {
  private readonly o: WorkerOptions;
  private readonly limiter: RateLimiter;
  private consumer: Consumer | null = null;
  private buf: Delivery[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  readonly counters: WorkerCounters = { delivered: 0, failed: 0, superseded: 0, deadLettered: 0, inFlight: 0 };

  constructor(o: WorkerOptions) {
    this.o = o;
    this.limiter = new RateLimiter(o.cfg.rateLimitPerMinute);
  }

  get name(): string {
    return this.o.cfg.name;
  }

  async start(): Promise<void> {
    this.consumer = await this.o.bus.consume(this.o.queue, { prefetch: this.o.cfg.prefetch }, (d) => this.onDelivery(d));
  }

  /** Stops consuming and waits for the batch being sent; what is still buffered is redelivered later. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.consumer?.cancel();
    await this.running;
    this.buf = [];
  }

  private onDelivery(d: Delivery): void {
    if (this.stopped) return;
    this.buf.push(d);
    this.counters.inFlight = this.buf.length;
    if (this.running) return;
    if (this.buf.length >= Math.min(this.o.cfg.batchSize, this.o.cfg.prefetch)) this.kick();
    else if (!this.timer) this.timer = setTimeout(() => this.kick(), this.o.cfg.lingerMs);
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running || this.stopped) return;
    this.running = (async () => {
      // One batch at a time per channel: per-key order across batches depends on it.
      while (this.buf.length > 0 && !this.stopped) {
        const batch = this.buf.splice(0, this.buf.length);
        try {
          await this.flush(batch);
        } catch (e) {
          this.o.log.error('ari channel batch failed', { channel: this.name, error: (e as Error).message });
          await this.failMany(batch.map((d) => ({ d, error: `internal: ${(e as Error).message}` }))).catch(() => undefined);
        }
      }
      this.counters.inFlight = this.buf.length;
    })().finally(() => {
      this.running = null;
      if (this.buf.length > 0 && !this.stopped) this.kick();
    });
  }

  private async flush(batch: Delivery[]): Promise<void> {
    const { cfg, db } = this.o;
    const items: Item[] = [];
    for (const d of batch) {
      try {
        items.push({ d, change: parseChange(d.body), force: d.headers.force === true || d.headers.force === 'true' });
      } catch (e) {
        await this.park(d, (e as Error).message); // a body that cannot be read will never get better
      }
    }
    const latest = latestPerKey(items);
    const winners = new Set(latest.values());
    const acked = new Set<Item>();
    for (const it of items) if (!winners.has(it)) acked.add(it);
    const last = await sql.lastSeqs(db, cfg.name, [...latest.values()].map((it) => keyOf(it.change)));
    const toSend: Item[] = [];
    for (const it of winners) {
      const done = last.get(keyString(keyOf(it.change)));
      if (done !== undefined && (it.change.seq < done || (it.change.seq === done && !it.force))) acked.add(it);
      else toSend.push(it);
    }
    this.counters.superseded += acked.size;
    for (const it of acked) it.d.ack();

    const mapping = this.o.mapping.get();
    const sendable: Item[] = [];
    const unmapped: { d: Delivery; error: string }[] = [];
    for (const it of toSend) {
      const why = unmappedReason(it.change, mapping);
      if (why) unmapped.push({ d: it.d, error: why });
      else sendable.push(it);
    }
    await this.failMany(unmapped);
    for (let i = 0; i < sendable.length; i += cfg.batchSize) {
      await this.send(sendable.slice(i, i + cfg.batchSize), mapping);
    }
  }

  private async send(chunk: Item[], mapping: ReturnType<MappingSource['get']>): Promise<void> {
    const { cfg, format, log, db } = this.o;
    const changes = chunk.map((it) => it.change);
    const failed = new Map<number, string>();
    let requests = 0;
    for (const req of format.render(cfg.name, changes, mapping)) {
      if (req.changes.every((i) => failed.has(i))) continue;
      await this.limiter.take();
      const t0 = Date.now();
      let status = 0;
      let text = '';
      try {
        const res = await fetch(cfg.endpoint + req.path, {
          method: 'POST',
          headers: { 'content-type': req.contentType, ...cfg.headers },
          body: req.body,
          signal: AbortSignal.timeout(cfg.timeoutMs),
        });
        status = res.status;
        text = await res.text();
      } catch (e) {
        text = (e as Error).name === 'TimeoutError' ? `no answer within ${cfg.timeoutMs} ms` : (e as Error).message;
      }
      requests++;
      const out = status === 0 ? { ok: false, refused: new Map<number, string>(), error: text } : format.outcome(req, status, text);
      const ms = Date.now() - t0;
      if (!out.ok) for (const i of req.changes) failed.set(i, out.error ?? 'failed');
      for (const [i, why] of out.refused) failed.set(i, why);
      const meta = { channel: cfg.name, path: req.path || '/', status, ms, changes: req.changes.length, refused: out.refused.size };
      if (out.ok) log.info('ari delivery', meta);
      else log.warn('ari delivery failed', { ...meta, error: out.error });
    }
    const ok = chunk.filter((_, i) => !failed.has(i));
    if (ok.length > 0 || requests > 0) {
      await sql.recordDelivered(db, cfg.name, ok.map((it) => ({ ...keyOf(it.change), seq: it.change.seq })), requests);
    }
    for (const it of ok) it.d.ack();
    this.counters.delivered += ok.length;
    await this.failMany(chunk.flatMap((it, i) => (failed.has(i) ? [{ d: it.d, error: failed.get(i)! }] : [])));
  }

  /** Failed changes: each retried through the delay queues, or parked after `maxAttempts`. */
  private async failMany(list: { d: Delivery; error: string }[]): Promise<void> {
    if (list.length === 0) return;
    this.counters.failed += list.length;
    await sql.recordFailed(this.o.db, this.name, list.length, list[0].error).catch(() => undefined);
    await Promise.all(list.map(({ d, error }) => (d.attempts + 1 >= this.o.cfg.maxAttempts ? this.park(d, error) : d.retry())));
  }

  private async park(d: Delivery, error: string): Promise<void> {
    await sql.parkDeadLetter(this.o.db, { channel: this.name, messageId: d.id, routingKey: d.routingKey, body: d.body.toString('utf8'), attempts: d.attempts + 1, error });
    this.counters.deadLettered++;
    this.o.log.warn('ari change dead-lettered', { channel: this.name, messageId: d.id, attempts: d.attempts + 1, error });
    d.ack();
  }
}
