/**
 * The ARI distribution as one unit `maqam start` runs: the bus (RabbitMQ with `amqpUrl`, else in-process),
 * the channels' queues, the outbox relay, one worker per enabled channel, and a control loop that carries
 * out replay and resync requests left in the database by the CLI.
 */
import path from 'node:path';
import type { Logger } from 'winston';
import type { Db } from '../postgres/db';
import type { Bus } from '../bus/types';
import { MemoryBus } from '../bus/memory';
import { AmqpBus } from '../amqp/bus';
import { loadChannels, type ChannelConfig } from '../../config/channels/validate';
import { projectRoot } from '../../core/paths';
import { formatFor } from './formats';
import { mappingSource, mappingsDir as defaultMappingsDir } from './mapping';
import { Relay, type RelayOptions } from './relay';
import { ChannelWorker } from './worker';
import { bindingsFor, queueName, toMessage } from './routing';
import { distributionStatus, type DistributionStatus } from './status';
import * as sql from './store';

export function channelsDir(): string {
  return path.join(projectRoot(), 'config', 'channels');
}

export interface DistributionOptions {
  db: Db;
  log: Logger;
  /** RabbitMQ URL; without it the in-process bus. */
  amqpUrl?: string;
  /** Where channel definitions are (default `config/channels`). */
  channelsDir?: string;
  /** Channel definitions given directly (tests); replaces `channelsDir`. */
  channels?: ChannelConfig[];
  mappingsDir?: string;
  /** Prefix of the exchange and queue names (default `maqam`); tests use a random one. */
  namespace?: string;
  /** A bus to use instead of opening one (the caller closes it). */
  bus?: Bus;
  relay?: Omit<RelayOptions, 'db' | 'bus' | 'log'>;
  /** How often replay/resync requests are looked for. */
  controlPollMs?: number;
  /** `rabbitmqctl list_connections` shows it. */
  connectionName?: string;
}

export interface Distribution {
  bus: Bus;
  relay: Relay;
  workers: ChannelWorker[];
  channels: ChannelConfig[];
  namespace: string;
  status(): Promise<DistributionStatus>;
  stop(): Promise<void>;
}

let active: Distribution | null = null;

/** The distribution this process runs, if any (for `GET /channels`). */
export function activeDistribution(): Distribution | null {
  return active;
}

/** Starts relay, workers and control loop. Throws at start-up on a bad channel, mapping or broker. */
export async function startDistribution(o: DistributionOptions): Promise<Distribution> {
  const namespace = o.namespace ?? 'maqam';
  const all = o.channels ?? loadChannels(o.channelsDir ?? channelsDir());
  const channels = all.filter((c) => c.enabled);
  const mdir = o.mappingsDir ?? defaultMappingsDir();
  const prepared = channels.map((cfg) => {
    const mapping = mappingSource(cfg.mapping, mdir);
    mapping.get(); // fail now on a missing or broken table
    return { cfg, mapping, format: formatFor(cfg) };
  });
  const ownBus = !o.bus;
  const bus: Bus = o.bus ?? (o.amqpUrl
    ? await new AmqpBus({ url: o.amqpUrl, exchange: `${namespace}.ari`, log: o.log, connectionName: o.connectionName }).start()
    : new MemoryBus({ exchange: `${namespace}.ari` }));
  for (const { cfg } of prepared) {
    await bus.declareQueue({ name: queueName(namespace, cfg.name), bindings: bindingsFor(cfg), retryDelaysMs: cfg.retryDelaysMs });
  }
  await sql.ensureChannels(o.db, all.map((c) => c.name));
  if (bus.kind === 'memory') await recoverFromOutbox(o.db, bus, namespace, channels, o.log);

  const workers = prepared.map((p) => new ChannelWorker({ db: o.db, bus, log: o.log, cfg: p.cfg, queue: queueName(namespace, p.cfg.name), format: p.format, mapping: p.mapping }));
  for (const w of workers) await w.start();
  const relay = new Relay({ db: o.db, bus, log: o.log, ...o.relay });
  relay.start();

  let stopped = false;
  let wake: (() => void) | null = null;
  const names = channels.map((c) => c.name);
  const control = (async () => {
    while (!stopped) {
      try {
        await replayDeadLetters(o.db, bus, namespace, names);
        await runResync(o.db, bus, namespace, channels, o.log);
      } catch (e) {
        o.log.warn('ari control loop round failed', { error: (e as Error).message });
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, o.controlPollMs ?? 250);
        wake = () => { clearTimeout(t); resolve(); };
      });
    }
  })();

  o.log.info('ari distribution started', { bus: bus.health(), channels: names, namespace });
  const dist: Distribution = {
    bus, relay, workers, channels: all, namespace,
    status: () => distributionStatus({ db: o.db, channels: all, namespace, bus, relay, workers }),
    async stop() {
      stopped = true;
      wake?.();
      await control;
      await relay.stop();
      for (const w of workers) await w.stop();
      if (ownBus) await bus.close();
      if (active === dist) active = null;
    },
  };
  active = dist;
  return dist;
}

/** Sends requested dead letters back into their channel's queue; deleted once the bus confirmed them. */
async function replayDeadLetters(db: Db, bus: Bus, namespace: string, channels: string[]): Promise<void> {
  if (channels.length === 0) return;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const rows = await sql.claimReplays(tx, channels, 500);
      const byChannel = new Map<string, typeof rows>();
      for (const r of rows) byChannel.set(r.channel, [...(byChannel.get(r.channel) ?? []), r]);
      for (const [ch, list] of byChannel) {
        await bus.send(queueName(namespace, ch), list.map((r) => ({ id: r.messageId, routingKey: r.routingKey, body: Buffer.from(JSON.stringify(r.body)), headers: {} })));
      }
      return rows.length;
    });
    if (n < 500) return;
  }
}

/** Carries out one pending resync: the channel's current state over the range, sent with `force`. */
async function runResync(db: Db, bus: Bus, namespace: string, channels: ChannelConfig[], log: Logger): Promise<void> {
  const names = channels.map((c) => c.name);
  if (names.length === 0) return;
  await db.transaction(async (tx) => {
    const req = await sql.claimResync(tx, names);
    if (!req) return;
    const cfg = channels.find((c) => c.name === req.channel)!;
    const changes = await sql.readState(tx, cfg.sells, req.from, req.to);
    const msgs = changes.map((c) => toMessage(c, { id: `resync-${req.id}-${c.kind}-${c.kind === 'rate' ? c.ratePlanId : c.productId}-${c.day}`, force: true }));
    for (let i = 0; i < msgs.length; i += 1000) await bus.send(queueName(namespace, cfg.name), msgs.slice(i, i + 1000));
    await sql.finishResync(tx, req.id, msgs.length);
    log.info('ari resync queued', { channel: cfg.name, from: req.from, to: req.to, changes: msgs.length });
  });
}

/**
 * The in-process bus loses what it held when the process dies. At start, every published change a channel
 * has not acknowledged goes back into its queue (the outbox keeps them; unpublished ones the relay sends).
 */
async function recoverFromOutbox(db: Db, bus: Bus, namespace: string, channels: ChannelConfig[], log: Logger): Promise<void> {
  for (const c of channels) {
    const wm = await db.query<{ watermark: number }>('SELECT watermark FROM ari_channel_stats WHERE channel = $1', [c.name]);
    let after = Number(wm.rows[0]?.watermark ?? 0);
    let total = 0;
    for (;;) {
      const rows = await sql.undeliveredRows(db, c.name, c.sells, after, 2000);
      if (rows.length === 0) break;
      await bus.send(queueName(namespace, c.name), rows.map((r) => toMessage(sql.rowToChange(r))));
      total += rows.length;
      after = Number(rows[rows.length - 1].id);
    }
    if (total > 0) log.info('ari changes recovered from the outbox', { channel: c.name, changes: total });
  }
}
