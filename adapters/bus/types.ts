/**
 * The message bus the ARI distribution runs on. Two implementations share this contract and its
 * semantics, so the same relay and channel workers run on both: RabbitMQ (`adapters/amqp`) when
 * `AMQP_URL` is set, and an in-process bus (`adapters/bus/memory`) otherwise.
 *
 * Semantics: a topic exchange routes published messages to the queues bound to matching patterns;
 * `publish` resolves once every message is safely held (broker confirm) and says which were unroutable;
 * a consumer sees at most `prefetch` unacknowledged deliveries; `retry` moves a delivery to the queue's
 * delay level and brings it back after that delay with `attempts + 1`; a delivery neither acknowledged
 * nor retried when its consumer goes away is delivered again.
 */

/** What /health shows about the bus. */
export interface BusHealth {
  kind: 'amqp' | 'memory';
  connected: boolean;
  detail: string;
}

/** A queue with its topic bindings and its retry delay levels. */
export interface QueueSpec {
  name: string;
  /** Topic patterns (`*` one word, `#` zero or more words) bound to the exchange. */
  bindings: string[];
  /** Delay of each retry level in ms; a retry at attempt n waits `retryDelaysMs[min(n, len) - 1]`. */
  retryDelaysMs: number[];
}

/** A message to publish on the topic exchange (or send straight to one queue). */
export interface OutMessage {
  /** Unique per logical message (the outbox id); carried as the AMQP message-id. */
  id: string;
  routingKey: string;
  body: Buffer;
  /** Small string/number headers (e.g. a resync's `force`). */
  headers?: Record<string, string | number | boolean>;
}

export interface PublishResult {
  /** Ids the exchange could not route to any queue (returned under `mandatory`). */
  unroutable: string[];
}

/** One message handed to a consumer. */
export interface Delivery {
  id: string;
  routingKey: string;
  body: Buffer;
  headers: Record<string, string | number | boolean>;
  /** How many times it was retried before (0 on first delivery). */
  attempts: number;
  /** True when the bus knows this may be a repeat (redelivered after a consumer or connection loss). */
  redelivered: boolean;
  /** Done with it. A no-op when the consumer that received it is gone (the bus delivers it again). */
  ack(): void;
  /** Sends it through the delay level for `attempts + 1`, then acknowledges this copy. */
  retry(): Promise<void>;
}

export interface ConsumeOptions {
  /** Most unacknowledged deliveries at once (RabbitMQ guidance: 100–300). */
  prefetch: number;
}

export interface Consumer {
  cancel(): Promise<void>;
}

/** The bus port used by the relay, the channel workers and the control loop. */
export interface Bus {
  readonly kind: 'amqp' | 'memory';
  /** The topic exchange's name. */
  readonly exchange: string;
  health(): BusHealth;
  /** Declares the exchange (idempotent); kept and re-declared after every reconnect. */
  declareQueue(spec: QueueSpec): Promise<void>;
  deleteQueue(name: string): Promise<void>;
  /** Publishes on the topic exchange and resolves when all are confirmed; rejects if any could not be. */
  publish(msgs: OutMessage[]): Promise<PublishResult>;
  /** Sends straight to one queue (replays, resyncs), confirmed. */
  send(queue: string, msgs: OutMessage[]): Promise<void>;
  consume(queue: string, opts: ConsumeOptions, onDelivery: (d: Delivery) => void): Promise<Consumer>;
  /** Messages waiting in a queue (ready, not in flight), when the bus can tell. */
  depth(queue: string): Promise<number | null>;
  close(): Promise<void>;
}

/** Whether a routing key matches an AMQP topic pattern. */
export function topicMatches(pattern: string, key: string): boolean {
  const p = pattern.split('.');
  const k = key.split('.');
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const m = `${i},${j}`;
    const hit = memo.get(m);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === p.length) r = j === k.length;
    else if (p[i] === '#') r = go(i + 1, j) || (j < k.length && go(i, j + 1));
    else r = j < k.length && (p[i] === '*' || p[i] === k[j]) && go(i + 1, j + 1);
    memo.set(m, r);
    return r;
  };
  return go(0, 0);
}

/** The delay before the retry that makes `attempts` (1-based), from a queue's levels. */
export function retryDelay(spec: QueueSpec, attempts: number): number {
  const levels = spec.retryDelaysMs;
  return levels[Math.min(Math.max(attempts, 1), levels.length) - 1];
}
