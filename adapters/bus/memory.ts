/**
 * The in-process bus: the embedded default when no `AMQP_URL` is configured. Same contract and semantics as
 * the RabbitMQ bus (topic routing, prefetch, ack, retry through delay levels, redelivery of what a lost
 * consumer held), so the relay and the channel workers cannot tell them apart. Messages live in memory: the
 * distribution recovers what a crash loses from the outbox (see `recoverFromOutbox`).
 */
import type { Bus, BusHealth, Consumer, ConsumeOptions, Delivery, OutMessage, PublishResult, QueueSpec } from './types';
import { retryDelay, topicMatches } from './types';

interface Stored {
  msg: OutMessage;
  attempts: number;
  redelivered: boolean;
}

interface MemConsumer {
  prefetch: number;
  onDelivery: (d: Delivery) => void;
  inFlight: Map<number, Stored>;
  /** Bumped by `interrupt()`: deliveries of an older generation can no longer be acknowledged. */
  generation: number;
  cancelled: boolean;
}

interface MemQueue {
  spec: QueueSpec;
  ready: Stored[];
  consumers: MemConsumer[];
  timers: Set<NodeJS.Timeout>;
}

export interface MemoryBusOptions {
  exchange?: string;
}

/** The in-process bus. `interrupt()` simulates a lost connection for tests. */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  readonly exchange: string;
  private readonly queues = new Map<string, MemQueue>();
  private closed = false;
  private tag = 0;
  private pumping = new Set<string>();

  constructor(opts: MemoryBusOptions = {}) {
    this.exchange = opts.exchange ?? 'maqam.ari';
  }

  health(): BusHealth {
    return { kind: 'memory', connected: !this.closed, detail: `in-process, ${this.queues.size} queues` };
  }

  async declareQueue(spec: QueueSpec): Promise<void> {
    const q = this.queues.get(spec.name);
    if (q) q.spec = { ...spec, bindings: [...spec.bindings] };
    else this.queues.set(spec.name, { spec: { ...spec, bindings: [...spec.bindings] }, ready: [], consumers: [], timers: new Set() });
  }

  async deleteQueue(name: string): Promise<void> {
    const q = this.queues.get(name);
    if (!q) return;
    for (const t of q.timers) clearTimeout(t);
    q.consumers.forEach((c) => (c.cancelled = true));
    this.queues.delete(name);
  }

  async publish(msgs: OutMessage[]): Promise<PublishResult> {
    this.assertOpen();
    const unroutable: string[] = [];
    for (const m of msgs) {
      let routed = false;
      for (const q of this.queues.values()) {
        if (q.spec.bindings.some((b) => topicMatches(b, m.routingKey))) {
          this.enqueue(q, { msg: m, attempts: 0, redelivered: false });
          routed = true;
        }
      }
      if (!routed) unroutable.push(m.id);
    }
    return { unroutable };
  }

  async send(queue: string, msgs: OutMessage[]): Promise<void> {
    this.assertOpen();
    const q = this.queues.get(queue);
    if (!q) throw new Error(`no queue ${queue}`);
    for (const m of msgs) this.enqueue(q, { msg: m, attempts: Number(m.headers?.['x-attempts'] ?? 0), redelivered: false });
  }

  async consume(queue: string, opts: ConsumeOptions, onDelivery: (d: Delivery) => void): Promise<Consumer> {
    this.assertOpen();
    const q = this.queues.get(queue);
    if (!q) throw new Error(`no queue ${queue}`);
    const c: MemConsumer = { prefetch: opts.prefetch, onDelivery, inFlight: new Map(), generation: 0, cancelled: false };
    q.consumers.push(c);
    this.schedulePump(queue);
    return {
      cancel: async () => {
        if (c.cancelled) return;
        c.cancelled = true;
        q.consumers = q.consumers.filter((x) => x !== c);
        this.requeueInFlight(q, c);
      },
    };
  }

  async depth(queue: string): Promise<number | null> {
    return this.queues.get(queue)?.ready.length ?? null;
  }

  /** Test hook: every consumer loses what it holds, as when a broker connection drops; it is delivered again. */
  interrupt(): void {
    for (const [name, q] of this.queues) {
      for (const c of q.consumers) {
        c.generation++;
        this.requeueInFlight(q, c);
      }
      this.schedulePump(name);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queues.values()) {
      for (const t of q.timers) clearTimeout(t);
      q.timers.clear();
      q.consumers.forEach((c) => (c.cancelled = true));
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the in-process bus is closed');
  }

  private requeueInFlight(q: MemQueue, c: MemConsumer): void {
    const held = [...c.inFlight.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => ({ ...s, redelivered: true }));
    c.inFlight.clear();
    q.ready.unshift(...held);
  }

  private enqueue(q: MemQueue, s: Stored): void {
    q.ready.push(s);
    this.schedulePump(q.spec.name);
  }

  private schedulePump(name: string): void {
    if (this.pumping.has(name)) return;
    this.pumping.add(name);
    // Deliver on a later turn, as a network would: handlers never run inside publish().
    setImmediate(() => {
      this.pumping.delete(name);
      this.pump(name);
    });
  }

  private pump(name: string): void {
    const q = this.queues.get(name);
    if (!q || this.closed) return;
    // Single active consumer, as the RabbitMQ queues are declared: the first live consumer gets everything.
    const c = q.consumers.find((x) => !x.cancelled);
    if (!c) return;
    while (q.ready.length > 0 && c.inFlight.size < c.prefetch) {
      const s = q.ready.shift()!;
      const tag = ++this.tag;
      c.inFlight.set(tag, s);
      c.onDelivery(this.delivery(q, c, tag, s));
    }
  }

  private delivery(q: MemQueue, c: MemConsumer, tag: number, s: Stored): Delivery {
    const gen = c.generation;
    const settle = (): boolean => {
      if (c.generation !== gen || c.cancelled || !c.inFlight.has(tag)) return false;
      c.inFlight.delete(tag);
      this.schedulePump(q.spec.name);
      return true;
    };
    return {
      id: s.msg.id,
      routingKey: s.msg.routingKey,
      body: s.msg.body,
      headers: { ...(s.msg.headers ?? {}) },
      attempts: s.attempts,
      redelivered: s.redelivered,
      ack: () => void settle(),
      retry: async () => {
        if (!settle() || this.closed) return;
        const attempts = s.attempts + 1;
        const t = setTimeout(() => {
          q.timers.delete(t);
          if (this.queues.get(q.spec.name) === q) this.enqueue(q, { msg: s.msg, attempts, redelivered: false });
        }, retryDelay(q.spec, attempts));
        q.timers.add(t);
      },
    };
  }
}
