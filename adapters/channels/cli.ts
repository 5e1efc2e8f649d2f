/**
 * `maqam channels …`: operate the ARI distribution from the command line. Works from the database alone,
 * so it runs in its own process next to `maqam start`: replays and resyncs are requests the running
 * distribution carries out within a fraction of a second.
 *
 *   maqam channels status [--json]
 *   maqam channels dead-letters [NAME] [--json]
 *   maqam channels replay ID… | --all [NAME]       dead letters back into their channel's queue
 *   maqam channels replay --outbox ID… | --all      parked outbox rows back to the relay
 *   maqam channels resync NAME [--from DAY] [--to DAY]   full refresh from inventory and rates
 */
import type { Db } from '../postgres/db';
import { loadChannels, type ChannelConfig } from '../../config/channels/validate';
import { channelsDir } from './distribution';
import { distributionStatus } from './status';
import * as sql from './store';

export interface ChannelsIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface ChannelsCliDeps {
  db: Db;
  channelsDir?: string;
  /** Definitions given directly (tests); replaces `channelsDir`. */
  channels?: ChannelConfig[];
  /** The relay's parking threshold (default 5). */
  maxAttempts?: number;
  /** Today's date for resync defaults (tests). */
  today?: string;
}

/** The channel commands with their arguments (also listed by `maqam help`). */
export const CHANNELS_USAGE = `  maqam channels status [--json]
  maqam channels dead-letters [NAME] [--json]
  maqam channels replay ID... | --all [NAME]
  maqam channels replay --outbox ID... | --all
  maqam channels resync NAME [--from YYYY-MM-DD] [--to YYYY-MM-DD]   (default: today and one year ahead)`;

const USAGE = `usage:\n${CHANNELS_USAGE}`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function ago(iso: string | null): string {
  if (!iso) return '-';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return s < 120 ? `${s}s ago` : s < 7200 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

function table(rows: string[][]): string {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd()).join('\n') + '\n';
}

/** Runs one `maqam channels` command; returns the exit code. */
export async function channelsCli(args: string[], io: ChannelsIo, deps: ChannelsCliDeps): Promise<number> {
  const [cmd, ...rest] = args;
  const json = rest.includes('--json');
  const pos = rest.filter((a) => !a.startsWith('--'));
  const flag = (name: string): string | undefined => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const channels = deps.channels ?? loadChannels(deps.channelsDir ?? channelsDir());
  const maxAttempts = deps.maxAttempts ?? 5;
  const fail = (msg: string, code = 2) => {
    io.stderr.write(`maqam channels: ${msg}\n`);
    return code;
  };
  switch (cmd) {
    case 'status': {
      const st = await distributionStatus({ db: deps.db, channels, maxAttempts });
      if (json) {
        io.stdout.write(JSON.stringify(st, null, 2) + '\n');
        return 0;
      }
      const rows = [['CHANNEL', 'FORMAT', 'STATE', 'LAG', 'UNDELIVERED', 'DELIVERED', 'FAILED', 'DEAD', 'LAST DELIVERY', 'LAST ERROR']];
      for (const c of st.channels) {
        rows.push([c.name, c.format, c.enabled ? 'enabled' : 'disabled', c.lagMs ? `${(c.lagMs / 1000).toFixed(1)}s` : '0', String(c.undelivered), String(c.delivered), String(c.failed), String(c.deadLetters), ago(c.lastDeliveredAt), c.lastError ? `${c.lastError.slice(0, 60)} (${ago(c.lastErrorAt)})` : '-']);
      }
      io.stdout.write(table(rows));
      io.stdout.write(`relay: ${st.relay.pending} pending${st.relay.oldestPending ? ` (oldest ${ago(st.relay.oldestPending)})` : ''}, ${st.relay.parked} parked\n`);
      return 0;
    }
    case 'dead-letters': {
      const name = pos[0];
      if (name && !channels.some((c) => c.name === name)) return fail(`no channel named ${name}`);
      const list = await sql.listDeadLetters(deps.db, name);
      if (json) {
        io.stdout.write(JSON.stringify(list, null, 2) + '\n');
        return 0;
      }
      if (list.length === 0) {
        io.stdout.write('no dead letters\n');
        return 0;
      }
      const rows = [['ID', 'CHANNEL', 'CHANGE', 'ATTEMPTS', 'PARKED', 'ERROR']];
      for (const d of list) {
        const b = d.body as { kind?: string; productId?: string; ratePlanId?: string; day?: string; seq?: number };
        rows.push([String(d.id), d.channel, `${b.kind ?? '?'} ${b.ratePlanId ?? b.productId ?? '?'} ${b.day ?? ''} seq ${b.seq ?? '?'}`, String(d.attempts), ago(d.createdAt), d.error.slice(0, 80) + (d.replayRequested ? ' [replay requested]' : '')]);
      }
      io.stdout.write(table(rows));
      return 0;
    }
    case 'replay': {
      const all = rest.includes('--all');
      const ids = pos.filter((a) => /^\d+$/.test(a)).map(Number);
      if (rest.includes('--outbox')) {
        if (!all && ids.length === 0) return fail(`replay --outbox needs row ids or --all\n${USAGE}`);
        const n = await sql.unparkOutbox(deps.db, all ? null : ids, maxAttempts);
        io.stdout.write(`${n} parked outbox row(s) back to the relay\n`);
        return 0;
      }
      const name = pos.find((a) => !/^\d+$/.test(a));
      if (name && !channels.some((c) => c.name === name)) return fail(`no channel named ${name}`);
      if (!all && ids.length === 0) return fail(`replay needs dead-letter ids or --all\n${USAGE}`);
      const n = await sql.requestReplay(deps.db, all ? { channel: name } : { ids });
      if (!all && n < ids.length) io.stderr.write(`maqam channels: ${ids.length - n} id(s) are not dead letters\n`);
      io.stdout.write(`${n} dead letter(s) queued for replay\n`);
      return n === 0 && !all ? 1 : 0;
    }
    case 'resync': {
      const name = pos[0];
      const cfg = channels.find((c) => c.name === name);
      if (!cfg) return fail(name ? `no channel named ${name}` : `resync needs a channel name\n${USAGE}`);
      if (!cfg.enabled) return fail(`channel ${name} is disabled`);
      const today = deps.today ?? new Date().toISOString().slice(0, 10);
      const from = flag('--from') ?? today;
      const to = flag('--to') ?? new Date(Date.parse(`${from}T00:00:00Z`) + 365 * 86_400_000).toISOString().slice(0, 10);
      if (!DAY.test(from) || !DAY.test(to) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) return fail('--from and --to take dates as YYYY-MM-DD');
      if (to < from) return fail('--to is before --from');
      const id = await sql.requestResync(deps.db, cfg.name, from, to);
      io.stdout.write(`resync #${id} of ${cfg.name} from ${from} to ${to} requested\n`);
      return 0;
    }
    default:
      return fail(cmd ? `unknown command "${cmd}"\n${USAGE}` : USAGE);
  }
}
