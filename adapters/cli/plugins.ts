/**
 * The protocol adapters plugged into the running gateway: their HTTP routes, anything they attach to the
 * server (SOAP), and background workers (ARI distribution, outbound deliveries, retention) with their health.
 */
import type http from 'node:http';
import type { Config } from '../../config';
import type { AppDeps, Route } from '../http/types';
import { otaRoutes } from '../ota/routes';
import { attachSoap } from '../ota/soap';
import { loadRegistry, type OtaRegistry } from '../ota/partners';
import { errorRs, issuesOf, rsNameFor } from '../ota/envelope';
import { edifactRoute, manifestRoute } from '../edifact/messages/http';
import { sharedPartnerProfiles } from '../edifact';
import { ConfigError } from '../../config';
import { startDeliveries } from '../ota/deliveries';
import { flushArchive } from '../ota/archive';
import { startDistribution } from '../channels/distribution';
import { routes as channelRoutes } from '../channels/routes';
import { startRetention } from './retention';

/** The internal identity background workers read bookings as (never a credential). */
const SYSTEM_ACTOR_ID = 'MAQAM-SYSTEM';

export interface Background {
  name: string;
  health(): Promise<{ ok: boolean; [k: string]: unknown }>;
  stop(): Promise<void>;
}

let otaRegistry: OtaRegistry | undefined;
const registry = () => (otaRegistry ??= loadRegistry());

/** OTA partners get transport-level refusals (credentials, body size) as OTA Errors too. */
function otaError(e: Parameters<NonNullable<Route['renderError']>>[0], req: { params: Record<string, string> }) {
  const rq = req.params.message && /^OTA_\w+RQ$/.test(req.params.message) ? req.params.message : 'OTA_ErrorRQ';
  return {
    status: e.spec.http,
    headers: { 'content-type': 'application/xml; charset=utf-8' },
    body: '<?xml version="1.0" encoding="UTF-8"?>\n' + errorRs(rsNameFor(rq), undefined, issuesOf(e)),
  };
}

/**
 * Loads the partner profiles (OTA, EDIFACT) once, at start-up: a bad file stops the gateway with exit 78
 * and a message naming the file and the key, instead of failing each request later.
 */
function loadProfiles(): void {
  try {
    registry();
    sharedPartnerProfiles();
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

export function protocolRoutes(): Route[] {
  loadProfiles();
  const ota = otaRoutes(registry).map((r) => (r.method === 'POST' ? { ...r, renderError: otaError } : r));
  return [...ota, edifactRoute(), manifestRoute(), ...channelRoutes];
}

export async function attachProtocols(server: http.Server, deps: AppDeps): Promise<void> {
  await attachSoap(server, { gateway: deps.gateway, db: deps.db, log: deps.log, registry: registry() });
}

export async function startBackground(deps: AppDeps, config: Config): Promise<Background[]> {
  const d = await startDistribution({ db: deps.db, log: deps.log, amqpUrl: config.amqpUrl ?? undefined });
  const stopDeliveries = startDeliveries({ gateway: deps.gateway, db: deps.db, registry: registry(), log: deps.log, operatorId: SYSTEM_ACTOR_ID });
  return [
    {
      name: 'bus',
      async health() {
        const h = d.bus.health();
        return { ...h, ok: h.connected };
      },
      stop: () => d.stop(),
    },
    {
      name: 'otaDeliveries',
      async health() { return { ok: true }; },
      async stop() {
        await stopDeliveries();
        await flushArchive(deps.db);
      },
    },
    startRetention({ db: deps.db, log: deps.log, settings: config.retention, channels: d.channels }),
  ];
}
