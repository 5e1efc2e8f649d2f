/**
 * Configuration: config/defaults.json, overridden by environment variables, validated once at start-up and
 * frozen. A bad value stops the process with a message naming the key and the variable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../core/paths';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Where the embedded PostgreSQL (PGlite) keeps its files when no databaseUrl is set. */
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly amqpUrl: string | null;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  readonly maxBodyBytes: number;
  readonly holdSeconds: number;
  readonly maxHoldSeconds: number;
  readonly sweepSeconds: number;
  readonly seedDemo: boolean;
  readonly seedDays: number;
  readonly retention: RetentionConfig;
}

/** How long the append-only tables keep their rows (`maqam prune`, and periodically inside `maqam start`). */
export interface RetentionConfig {
  /** Seconds between runs inside `maqam start`; 0 = only `maqam prune` prunes. */
  readonly everySeconds: number;
  /** `ari_outbox` and `booking_changes` rows every consumer has passed, superseded ARI dead letters, done resyncs. */
  readonly outboxDays: number;
  /** The message archives `edifact_archive` and `ota_messages`. */
  readonly archiveDays: number;
  /** `idempotency_keys`: the replay window; 0, or at least 24. */
  readonly idempotencyHours: number;
  /** `edifact_interchanges`: how long a resent interchange is still recognised as a duplicate (0085 code 26). */
  readonly interchangeDays: number;
  /**
   * `air_bookings` and `manifests` (passport numbers, birth dates, itineraries): days after the travel they
   * describe (a PNR's last segment, a manifest's flight).
   */
  readonly travelDataDays: number;
}

type Kind = 'port' | 'int' | 'string' | 'url' | 'bool' | 'level';
/** Every setting by its path in config/defaults.json (`retention.archiveDays` is `retention: { archiveDays }`). */
type Key = Exclude<keyof Config, 'retention'> | `retention.${keyof RetentionConfig}`;
/** `zeroOr`: the value is 0 or at least this. */
const SCHEMA: Record<Key, { env: string; kind: Kind; min?: number; max?: number; zeroOr?: number; protocols?: string[] }> = {
  port: { env: 'PORT', kind: 'port' },
  host: { env: 'HOST', kind: 'string' },
  dataDir: { env: 'MAQAM_DATA_DIR', kind: 'string' },
  databaseUrl: { env: 'DATABASE_URL', kind: 'url', protocols: ['postgres:', 'postgresql:'] },
  amqpUrl: { env: 'AMQP_URL', kind: 'url', protocols: ['amqp:', 'amqps:'] },
  logLevel: { env: 'LOG_LEVEL', kind: 'level' },
  maxBodyBytes: { env: 'MAQAM_MAX_BODY_BYTES', kind: 'int', min: 1024, max: 256 * 1024 * 1024 },
  holdSeconds: { env: 'MAQAM_HOLD_SECONDS', kind: 'int', min: 30, max: 7 * 86400 },
  maxHoldSeconds: { env: 'MAQAM_MAX_HOLD_SECONDS', kind: 'int', min: 30, max: 7 * 86400 },
  sweepSeconds: { env: 'MAQAM_SWEEP_SECONDS', kind: 'int', min: 1, max: 3600 },
  seedDemo: { env: 'MAQAM_SEED_DEMO', kind: 'bool' },
  seedDays: { env: 'MAQAM_SEED_DAYS', kind: 'int', min: 1, max: 750 },
  // For every retention age, 0 keeps the rows for ever.
  'retention.everySeconds': { env: 'MAQAM_RETENTION_EVERY_SECONDS', kind: 'int', min: 0, max: 7 * 86400 },
  'retention.outboxDays': { env: 'MAQAM_RETENTION_OUTBOX_DAYS', kind: 'int', min: 0, max: 3650 },
  'retention.archiveDays': { env: 'MAQAM_RETENTION_ARCHIVE_DAYS', kind: 'int', min: 0, max: 3650 },
  // Never under the 24 h replay window README.md promises.
  'retention.idempotencyHours': { env: 'MAQAM_RETENTION_IDEMPOTENCY_HOURS', kind: 'int', min: 0, zeroOr: 24, max: 87600 },
  'retention.interchangeDays': { env: 'MAQAM_RETENTION_INTERCHANGE_DAYS', kind: 'int', min: 0, max: 3650 },
  'retention.travelDataDays': { env: 'MAQAM_RETENTION_TRAVEL_DATA_DAYS', kind: 'int', min: 0, max: 3650 },
};

/** A plain object's leaves by dotted path: `{ retention: { archiveDays: 90 } }` → `{ 'retention.archiveDays': 90 }`. */
function flatten(obj: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[prefix + k] = v;
  }
  return out;
}

export class ConfigError extends Error {}

function parse(key: string, spec: (typeof SCHEMA)[Key], raw: unknown, source: string): unknown {
  const bad = (why: string) => new ConfigError(`configuration ${key} (${source}) ${why}`);
  if (raw === null || raw === undefined || raw === '') {
    if (spec.kind === 'url') return null;
    throw bad('is required');
  }
  const s = String(raw).trim();
  switch (spec.kind) {
    case 'port': {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw bad(`must be a TCP port 0-65535, got "${s}"`);
      return n;
    }
    case 'int': {
      const n = Number(s);
      if (!Number.isInteger(n) || n < (spec.min ?? -Infinity) || n > (spec.max ?? Infinity)) throw bad(`must be a whole number from ${spec.min} to ${spec.max}, got "${s}"`);
      if (spec.zeroOr !== undefined && n !== 0 && n < spec.zeroOr) throw bad(`must be 0 (keep for ever) or from ${spec.zeroOr} to ${spec.max}, got "${s}"`);
      return n;
    }
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(s)) return true;
      if (/^(0|false|no|off)$/i.test(s)) return false;
      throw bad(`must be true or false, got "${s}"`);
    case 'level':
      if (!['error', 'warn', 'info', 'debug'].includes(s)) throw bad(`must be error, warn, info or debug, got "${s}"`);
      return s;
    case 'url': {
      let u: URL;
      try { u = new URL(s); } catch { throw bad(`is not a URL: "${s.replace(/\/\/[^@]*@/, '//***@')}"`); }
      if (spec.protocols && !spec.protocols.includes(u.protocol)) throw bad(`must start with ${spec.protocols.join(' or ')}`);
      return s;
    }
    default:
      return s;
  }
}

/** Loads and validates the configuration; throws ConfigError naming the first bad key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Config | Key, unknown>> = {}): Config {
  const defaults = flatten(JSON.parse(fs.readFileSync(path.join(projectRoot(), 'config', 'defaults.json'), 'utf8')) as Record<string, unknown>);
  for (const k of Object.keys(defaults)) if (!(k in SCHEMA)) throw new ConfigError(`config/defaults.json has an unknown key "${k}"`);
  const given = flatten(overrides);
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SCHEMA)) {
    let raw: unknown = defaults[key];
    let source = 'config/defaults.json';
    if (env[spec.env] !== undefined && env[spec.env] !== '') { raw = env[spec.env]; source = `environment variable ${spec.env}`; }
    if (key in given) { raw = given[key]; source = 'option'; }
    const value = parse(key, spec, raw, source);
    const [group, leaf] = key.split('.');
    if (leaf === undefined) out[key] = value;
    else ((out[group] ??= {}) as Record<string, unknown>)[leaf] = value;
  }
  if ((out.holdSeconds as number) > (out.maxHoldSeconds as number)) throw new ConfigError('configuration holdSeconds must not exceed maxHoldSeconds');
  for (const v of Object.values(out)) if (v !== null && typeof v === 'object') Object.freeze(v);
  return Object.freeze(out) as unknown as Config;
}
