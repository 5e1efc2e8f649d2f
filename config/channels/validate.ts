/**
 * Channel definitions: one JSON file per channel in `config/channels/` (files starting with `_` are
 * ignored). Validated once at start-up; a bad file stops the process with a message naming the file and key.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The wire format a channel accepts. */
export type ChannelFormat = 'json' | 'ota' | 'edifact';

/** One distribution channel: where ARI goes, in which format, for which products. */
export interface ChannelConfig {
  /** Lower-case name, also the queue suffix and the CLI argument. */
  name: string;
  /** What kind of partner it is (informational: OTA, GDS, agency platform, webhook). */
  kind: 'ota' | 'gds' | 'agency' | 'webhook';
  format: ChannelFormat;
  /** The URL ARI is POSTed to. `${ENV}` references are replaced from the environment. */
  endpoint: string;
  /** Extra HTTP headers (e.g. `Authorization`), `${ENV}` references allowed. */
  headers: Record<string, string>;
  /** What the channel sells; a change is routed to it when any list matches. */
  sells: { providers: string[]; products: string[]; ratePlans: string[] };
  /** Name of the code mapping in `mappings/channels/<mapping>.json`. */
  mapping: string;
  /** Requests per minute; 0 = unlimited. */
  rateLimitPerMinute: number;
  /** Most records (date ranges) in one request. */
  batchSize: number;
  /** Unacknowledged deliveries the worker may hold (RabbitMQ guidance: 100–300). */
  prefetch: number;
  /** Delivery attempts before a change is dead-lettered. */
  maxAttempts: number;
  /** Delay of each retry level in ms (exponential). */
  retryDelaysMs: number[];
  /** HTTP timeout per request. */
  timeoutMs: number;
  /** How long a worker waits for more changes before sending a partly filled batch. */
  lingerMs: number;
  enabled: boolean;
  /** EDIFACT channels: the GDS's interchange id (UNB recipient) and its qualifier. */
  edifact?: { recipient: string; qualifier?: string };
}

const DEFAULTS = {
  kind: 'webhook',
  format: 'json',
  headers: {},
  rateLimitPerMinute: 0,
  batchSize: 500,
  prefetch: 200,
  maxAttempts: 8,
  // 0.5 s doubling to 32 s: about a minute of patience before a change is parked.
  retryDelaysMs: [500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000],
  timeoutMs: 10_000,
  lingerMs: 5,
  enabled: true,
} as const;

const KEYS = new Set(['name', 'kind', 'format', 'endpoint', 'headers', 'sells', 'mapping', 'rateLimitPerMinute', 'batchSize', 'prefetch', 'maxAttempts', 'retryDelaysMs', 'timeoutMs', 'lingerMs', 'enabled', 'edifact', '$comment']);

/** A config problem, naming where it is. */
export class ChannelConfigError extends Error {
  constructor(where: string, message: string) {
    super(`channel config ${where}: ${message}`);
    this.name = 'ChannelConfigError';
  }
}

function expandEnv(s: string, env: NodeJS.ProcessEnv, where: string): string {
  return s.replace(/\$\{([A-Z0-9_]+)\}/g, (_, k: string) => {
    const v = env[k];
    if (v === undefined) throw new ChannelConfigError(where, `environment variable ${k} is not set`);
    return v;
  });
}

/** Validates one raw channel definition and fills in defaults. The result is frozen. */
export function validateChannel(raw: unknown, where = '(inline)', env: NodeJS.ProcessEnv = process.env): ChannelConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ChannelConfigError(where, 'must be a JSON object');
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!KEYS.has(k)) throw new ChannelConfigError(where, `unknown key "${k}"`);
  const str = (k: string, re?: RegExp): string => {
    const v = r[k];
    if (typeof v !== 'string' || v === '') throw new ChannelConfigError(where, `"${k}" must be a non-empty string`);
    if (re && !re.test(v)) throw new ChannelConfigError(where, `"${k}" must match ${re}`);
    return v;
  };
  const int = (k: keyof typeof DEFAULTS, min: number, max: number): number => {
    const v = r[k] ?? DEFAULTS[k];
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw new ChannelConfigError(where, `"${k}" must be an integer in ${min}..${max}`);
    return v as number;
  };
  const oneOf = <T extends string>(k: keyof typeof DEFAULTS, allowed: readonly T[]): T => {
    const v = r[k] ?? DEFAULTS[k];
    if (!allowed.includes(v as T)) throw new ChannelConfigError(where, `"${k}" must be one of ${allowed.join(', ')}`);
    return v as T;
  };
  const name = str('name', /^[a-z0-9][a-z0-9-]{0,39}$/);
  const endpointRaw = str('endpoint');
  const enabled = r.enabled ?? DEFAULTS.enabled;
  if (typeof enabled !== 'boolean') throw new ChannelConfigError(where, '"enabled" must be true or false');
  // A disabled channel may name variables that are not set on this machine.
  const endpoint = enabled ? expandEnv(endpointRaw, env, `${where} "endpoint"`) : endpointRaw;
  if (enabled && !/^https?:\/\//.test(endpoint)) throw new ChannelConfigError(where, '"endpoint" must be an http(s) URL');
  const headersRaw = r.headers ?? {};
  if (typeof headersRaw !== 'object' || Array.isArray(headersRaw) || headersRaw === null) throw new ChannelConfigError(where, '"headers" must be an object of strings');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(headersRaw)) {
    if (typeof v !== 'string') throw new ChannelConfigError(where, `"headers.${k}" must be a string`);
    headers[k.toLowerCase()] = enabled ? expandEnv(v, env, `${where} "headers.${k}"`) : v;
  }
  const sellsRaw = r.sells;
  if (!sellsRaw || typeof sellsRaw !== 'object' || Array.isArray(sellsRaw)) throw new ChannelConfigError(where, '"sells" must be an object with providers, products and/or ratePlans');
  const s = sellsRaw as Record<string, unknown>;
  const list = (k: string): string[] => {
    const v = s[k] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw new ChannelConfigError(where, `"sells.${k}" must be an array of ids`);
    return [...(v as string[])];
  };
  for (const k of Object.keys(s)) if (!['providers', 'products', 'ratePlans'].includes(k)) throw new ChannelConfigError(where, `unknown key "sells.${k}"`);
  const sells = { providers: list('providers'), products: list('products'), ratePlans: list('ratePlans') };
  if (sells.providers.length + sells.products.length + sells.ratePlans.length === 0) throw new ChannelConfigError(where, '"sells" lists nothing');
  const delays = r.retryDelaysMs ?? DEFAULTS.retryDelaysMs;
  if (!Array.isArray(delays) || delays.length === 0 || delays.some((d) => !Number.isInteger(d) || d < 1 || d > 3_600_000)) {
    throw new ChannelConfigError(where, '"retryDelaysMs" must be a non-empty array of integers in 1..3600000');
  }
  const format = oneOf('format', ['json', 'ota', 'edifact'] as const);
  let edifact: ChannelConfig['edifact'];
  if (r.edifact !== undefined || format === 'edifact') {
    const e = r.edifact as Record<string, unknown> | undefined;
    if (!e || typeof e !== 'object' || Array.isArray(e)) throw new ChannelConfigError(where, '"edifact" must be an object { "recipient": "<UNB id>", "qualifier": "<code>" } for an edifact channel');
    for (const k of Object.keys(e)) if (k !== 'recipient' && k !== 'qualifier') throw new ChannelConfigError(where, `unknown key "edifact.${k}"`);
    if (typeof e.recipient !== 'string' || !/^[A-Z0-9]{1,35}$/.test(e.recipient)) throw new ChannelConfigError(where, '"edifact.recipient" must be the GDS\'s interchange id (1-35 upper-case letters and digits)');
    if (e.qualifier !== undefined && (typeof e.qualifier !== 'string' || !/^[A-Z0-9]{1,4}$/.test(e.qualifier))) throw new ChannelConfigError(where, '"edifact.qualifier" must be an identification code qualifier (0007), e.g. ZZZ');
    edifact = { recipient: e.recipient, ...(e.qualifier ? { qualifier: e.qualifier as string } : {}) };
  }
  const cfg: ChannelConfig = {
    name,
    kind: oneOf('kind', ['ota', 'gds', 'agency', 'webhook'] as const),
    format,
    ...(edifact ? { edifact } : {}),
    endpoint,
    headers,
    sells,
    mapping: r.mapping === undefined ? name : str('mapping', /^[a-z0-9][a-z0-9-]{0,39}$/),
    rateLimitPerMinute: int('rateLimitPerMinute', 0, 1_000_000),
    batchSize: int('batchSize', 1, 10_000),
    prefetch: int('prefetch', 1, 1_000),
    maxAttempts: int('maxAttempts', 1, 100),
    retryDelaysMs: [...(delays as number[])],
    timeoutMs: int('timeoutMs', 100, 120_000),
    lingerMs: int('lingerMs', 0, 10_000),
    enabled,
  };
  return Object.freeze(cfg);
}

/** Reads and validates every `*.json` in a folder; names must be unique. */
export function loadChannels(dir: string, env: NodeJS.ProcessEnv = process.env): ChannelConfig[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('_')).sort();
  const out: ChannelConfig[] = [];
  for (const f of files) {
    const where = path.join(dir, f);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(where, 'utf8'));
    } catch (e) {
      throw new ChannelConfigError(where, `is not valid JSON: ${(e as Error).message}`);
    }
    const cfg = validateChannel(raw, where, env);
    if (out.some((c) => c.name === cfg.name)) throw new ChannelConfigError(where, `name "${cfg.name}" is used twice`);
    out.push(cfg);
  }
  return out;
}
