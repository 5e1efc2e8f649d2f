/**
 * The RabbitMQ bus (amqplib). One connection per process, with heartbeats; a confirm channel for
 * publishing (`mandatory`, returns tracked by message id); one channel per consumer with its own prefetch.
 * Any loss of the connection or of one of its channels (a server-closed channel included) tears the whole
 * connection down and a loop reconnects with exponential backoff, re-declares the topology and restarts the
 * consumers. Publishes in flight at the loss reject: the relay's outbox rows stay unpublished and are sent
 * again, which is the "resend what was unconfirmed" rule.
 *
 * Queues are durable quorum queues with a single active consumer (so one process delivers to a channel at a
 * time, and per-key order holds across gateway processes); each has delay queues `<name>.retry.<n>` whose
 * TTL dead-letters messages back into it (at-least-once dead-lettering, RabbitMQ ≥ 3.10).
 */
import amqp from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'winston';
import type { Bus, BusHealth, Consumer, ConsumeOptions, Delivery, OutMessage, PublishResult, QueueSpec } from '../bus/types';
import { redactUrl } from '../postgres/db';

export interface AmqpBusOptions {
  url: string;
  exchange?: string;
  log?: Logger;
  /** Shown by `rabbitmqctl list_connections` (tests close their own connections by it). */
  connectionName?: string;
  /** Seconds; RabbitMQ's guide: keep heartbeats on so a dead peer is noticed in seconds, not minutes. */
  heartbeat?: number;
  /** How long `start()` waits for the first connection before failing. */
  connectTimeoutMs?: number;
}

interface ConsumerRec {
  queue: string;
  opts: ConsumeOptions;
  onDelivery: (d: Delivery) => void;
  ch: Channel | null;
  cancelled: boolean;
}

// Reconnect backoff: 100 ms doubling to 5 s, ±20% jitter so several gateways do not reconnect in step.
const BACKOFF_START_MS = 100;
const BACKOFF_MAX_MS = 5_000;

/** The RabbitMQ implementation of {@link Bus}. Call `start()` before use. */
export class AmqpBus implements Bus {
  readonly kind = 'amqp' as const;
  readonly exchange: string;
  private readonly opts: AmqpBusOptions;
  private readonly topology = new Map<string, QueueSpec>();
  private readonly consumers = new Set<ConsumerRec>();
  private conn: ChannelModel | null = null;
  private pub: ConfirmChannel | null = null;
  private returned = new Set<string>();
  private connected = false;
  private closed = false;
  private lastError = '';
  private reconnects = 0;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(opts: AmqpBusOptions) {
    this.opts = opts;
    this.exchange = opts.exchange ?? 'maqam.ari';
  }

  /** Starts the connection loop and waits for the first connection. */
  async start(): Promise<this> {
    if (!this.loop) this.loop = this.run();
    try {
      await this.whenConnected(this.opts.connectTimeoutMs ?? 15_000);
    } catch (e) {
      await this.close();
      throw new Error(`cannot connect to RabbitMQ at ${redactUrl(this.opts.url)}: ${(e as Error).message}`);
    }
    return this;
  }

  health(): BusHealth {
    const where = redactUrl(this.opts.url);
    const detail = this.connected
      ? `${where} exchange=${this.exchange} reconnects=${this.reconnects}`
      : `${where} disconnected${this.lastError ? `: ${this.lastError}` : ''}`;
    return { kind: 'amqp', connected: this.connected, detail };
  }

  async declareQueue(spec: QueueSpec): Promise<void> {
    this.topology.set(spec.name, { ...spec, bindings: [...spec.bindings] });
    if (this.connected && this.pub) await this.declare(this.pub, spec);
  }

  async deleteQueue(name: string): Promise<void> {
    const spec = this.topology.get(name);
    this.topology.delete(name);
    const ch = await this.channel();
    try {
      await ch.deleteQueue(name);
      for (let i = 1; i <= (spec?.retryDelaysMs.length ?? 0); i++) await ch.deleteQueue(`${name}.retry.${i}`);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  /** Deletes the exchange (tests clean up after themselves). */
  async deleteExchange(): Promise<void> {
    const ch = await this.channel();
    try {
      await ch.deleteExchange(this.exchange);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  async publish(msgs: OutMessage[]): Promise<PublishResult> {
    await this.whenConnected(5_000);
    const ch = this.pub!;
    const ids = await this.confirmAll(ch, msgs, (m, cb) => ch.publish(this.exchange, m.routingKey, m.body, this.props(m, true), cb));
    const unroutable = ids.filter((id) => this.returned.delete(id));
    return { unroutable };
  }

  async send(queue: string, msgs: OutMessage[]): Promise<void> {
    await this.whenConnected(5_000);
    const ch = this.pub!;
    await this.confirmAll(ch, msgs, (m, cb) => ch.sendToQueue(queue, m.body, this.props(m, false), cb));
  }

  async consume(queue: string, opts: ConsumeOptions, onDelivery: (d: Delivery) => void): Promise<Consumer> {
    const rec: ConsumerRec = { queue, opts, onDelivery, ch: null, cancelled: false };
    this.consumers.add(rec);
    if (this.connected && this.conn) await this.startConsumer(this.conn, rec);
    return {
      cancel: async () => {
        rec.cancelled = true;
        this.consumers.delete(rec);
        const ch = rec.ch;
        rec.ch = null;
        if (ch) await ch.close().catch(() => undefined);
      },
    };
  }

  async depth(queue: string): Promise<number | null> {
    if (!this.connected) return null;
    const ch = await this.channel();
    try {
      return (await ch.checkQueue(queue)).messageCount;
    } catch {
      return null;
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    for (const w of this.waiters.splice(0)) w.reject(new Error('bus closed'));
    for (const c of this.consumers) c.cancelled = true;
    const conn = this.conn;
    this.conn = null;
    this.connected = false;
    if (conn) await conn.close().catch(() => undefined);
    await this.loop;
  }

  private props(m: OutMessage, mandatory: boolean) {
    return { persistent: true, mandatory, messageId: m.id, contentType: 'application/json', headers: m.headers ?? {} };
  }

  /** Publishes each message with a confirm callback, honouring back-pressure; resolves when all are confirmed. */
  private async confirmAll(ch: ConfirmChannel, msgs: OutMessage[], put: (m: OutMessage, cb: (err: unknown) => void) => boolean): Promise<string[]> {
    const confirms: Promise<void>[] = [];
    for (const m of msgs) {
      let ok = true;
      confirms.push(new Promise<void>((resolve, reject) => {
        try {
          ok = put(m, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
        } catch (e) {
          reject(e as Error);
        }
      }));
      if (!ok) await new Promise<void>((resolve) => {
        const done = () => { ch.off('drain', done); ch.off('close', done); resolve(); };
        ch.once('drain', done);
        ch.once('close', done);
      });
    }
    const settled = await Promise.allSettled(confirms);
    const failed = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) throw new Error(`publish not confirmed: ${(failed.reason as Error)?.message ?? failed.reason}`);
    return msgs.map((m) => m.id);
  }

  private whenConnected(timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('bus closed'));
    if (this.connected && this.pub) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w = {
        resolve: () => { clearTimeout(t); resolve(); },
        reject: (e: Error) => { clearTimeout(t); reject(e); },
      };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`not connected to RabbitMQ${this.lastError ? `: ${this.lastError}` : ''}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  private async channel(): Promise<Channel> {
    await this.whenConnected(5_000);
    return this.conn!.createChannel();
  }

  private async declare(ch: Channel, spec: QueueSpec): Promise<void> {
    await ch.assertExchange(this.exchange, 'topic', { durable: true });
    await ch.assertQueue(spec.name, { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-single-active-consumer': true } });
    for (const b of spec.bindings) await ch.bindQueue(spec.name, this.exchange, b);
    for (let i = 0; i < spec.retryDelaysMs.length; i++) {
      await ch.assertQueue(`${spec.name}.retry.${i + 1}`, {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-message-ttl': spec.retryDelaysMs[i],
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': spec.name,
          'x-dead-letter-strategy': 'at-least-once',
          'x-overflow': 'reject-publish',
        },
      });
    }
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.closed) {
      let conn: ChannelModel | null = null;
      try {
        conn = await amqp.connect(withHeartbeat(this.opts.url, this.opts.heartbeat ?? 10), {
          clientProperties: { connection_name: this.opts.connectionName ?? 'maqam-ari' },
        });
        const lost = new Promise<void>((resolve) => {
          conn!.on('error', (e: Error) => (this.lastError = e.message));
          conn!.once('close', (e?: Error) => {
            if (e) this.lastError = e.message;
            resolve();
          });
        });
        const pub = await conn.createConfirmChannel();
        this.watch(conn, pub);
        pub.on('return', (m) => {
          if (m.properties.messageId) this.returned.add(String(m.properties.messageId));
        });
        this.returned = new Set();
        await pub.assertExchange(this.exchange, 'topic', { durable: true });
        for (const spec of this.topology.values()) await this.declare(pub, spec);
        this.conn = conn;
        this.pub = pub;
        for (const c of this.consumers) await this.startConsumer(conn, c);
        this.connected = true;
        if (attempt > 0 || this.reconnects > 0) this.opts.log?.info('amqp reconnected', { exchange: this.exchange, attempt });
        attempt = 0;
        for (const w of this.waiters.splice(0)) w.resolve();
        await lost;
        if (!this.closed) this.reconnects++;
      } catch (e) {
        this.lastError = (e as Error).message;
        if (conn) await conn.close().catch(() => undefined);
      }
      this.connected = false;
      this.conn = null;
      this.pub = null;
      for (const c of this.consumers) c.ch = null;
      if (this.closed) break;
      const base = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** attempt++);
      const delay = Math.round(base * (0.8 + Math.random() * 0.4));
      this.opts.log?.warn('amqp connection lost, reconnecting', { error: this.lastError, delayMs: delay });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => { clearTimeout(t); resolve(); };
      });
      this.wake = null;
    }
  }

  /** A channel closed by the server (e.g. 404 on publish) takes the connection down so everything comes back together. */
  private watch(conn: ChannelModel, ch: Channel): void {
    ch.on('error', (e: Error) => (this.lastError = e.message));
    ch.once('close', () => {
      if (!this.closed) conn.close().catch(() => undefined);
    });
  }

  private async startConsumer(conn: ChannelModel, rec: ConsumerRec): Promise<void> {
    if (rec.cancelled) return;
    const ch = await conn.createChannel();
    rec.ch = ch;
    ch.on('error', (e: Error) => (this.lastError = e.message));
    ch.once('close', () => {
      if (rec.ch === ch && !rec.cancelled && !this.closed) conn.close().catch(() => undefined);
    });
    await ch.prefetch(rec.opts.prefetch);
    const spec = this.topology.get(rec.queue);
    await ch.consume(rec.queue, (m: ConsumeMessage | null) => {
      if (!m) {
        // Consumer cancelled by the server (queue deleted): reconnecting re-declares and resubscribes.
        if (!rec.cancelled && !this.closed) conn.close().catch(() => undefined);
        return;
      }
      rec.onDelivery(this.delivery(rec, ch, m, spec));
    }, { noAck: false });
  }

  private delivery(rec: ConsumerRec, ch: Channel, m: ConsumeMessage, spec: QueueSpec | undefined): Delivery {
    const headers = (m.properties.headers ?? {}) as Record<string, unknown>;
    const attempts = Number(headers['x-attempts'] ?? 0);
    const plain: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(headers)) if (['string', 'number', 'boolean'].includes(typeof v)) plain[k] = v as string | number | boolean;
    let settled = false;
    const ack = () => {
      // An ack on a channel that has since closed is meaningless: the broker already requeued the message.
      if (settled || rec.ch !== ch) return;
      settled = true;
      try {
        ch.ack(m);
      } catch {
        /* channel closing: the message comes back */
      }
    };
    return {
      id: String(m.properties.messageId ?? ''),
      routingKey: m.fields.routingKey,
      body: m.content,
      headers: plain,
      attempts,
      redelivered: m.fields.redelivered,
      ack,
      retry: async () => {
        if (settled || rec.ch !== ch) return;
        const levels = spec?.retryDelaysMs.length ?? 0;
        if (levels === 0) throw new Error(`queue ${rec.queue} has no retry levels`);
        const level = Math.min(attempts + 1, levels);
        const out: OutMessage = { id: String(m.properties.messageId ?? ''), routingKey: m.fields.routingKey, body: m.content, headers: { ...plain, 'x-attempts': attempts + 1 } };
        try {
          await this.send(`${rec.queue}.retry.${level}`, [out]);
        } catch {
          return; // not acknowledged: the broker redelivers it after the connection comes back
        }
        ack();
      },
    };
  }
}

/** Adds `heartbeat=<s>` to the URL unless it already says (amqplib takes it from the URL). */
function withHeartbeat(url: string, seconds: number): string {
  try {
    const u = new URL(url);
    if (!u.searchParams.has('heartbeat')) u.searchParams.set('heartbeat', String(seconds));
    return u.toString();
  } catch {
    return url;
  }
}

/** Connects a RabbitMQ bus and waits for its first connection. */
export async function openAmqpBus(opts: AmqpBusOptions): Promise<AmqpBus> {
  return new AmqpBus(opts).start();
}
