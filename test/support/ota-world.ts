/**
 * An OTA test world: the demo world, a channel partner CH-SKY, the partner profiles and code tables of
 * config/ota-partners + mappings/ota, and the real HTTP server (adapters/http/server.ts) with the OTA
 * routes and SOAP attached, on a free port.
 */
import http from 'node:http';
import { createHttpServer, listen } from '../../adapters/http/server';
import { silentLogger } from '../../adapters/log/logger';
import { attachSoap } from '../../adapters/ota/soap';
import { flushArchive } from '../../adapters/ota/archive';
import { otaRoutes } from '../../adapters/ota/routes';
import { loadRegistry, type OtaRegistry } from '../../adapters/ota/partners';
import type { OtaDeps } from '../../adapters/ota/service';
import type { Backend } from './db';
import { openWorld, type TestWorld } from './world';

export interface OtaWorld {
  w: TestWorld;
  registry: OtaRegistry;
  deps: OtaDeps;
  server: http.Server;
  base: string;
  /** Secret of the channel partner CH-SKY (created for the test). */
  skySecret: string;
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function openOtaWorld(backend: Backend, opts: { days?: number } = {}): Promise<OtaWorld> {
  const w = await openWorld(backend, { days: opts.days ?? 30 });
  const op = { actor: w.actor('MAQAM-OPS') };
  const { secret: skySecret } = await w.gateway.createPartner(op, { id: 'CH-SKY', name: 'Sky channel', kind: 'channel' });
  const registry = loadRegistry();
  const log = silentLogger();
  const deps: OtaDeps = { gateway: w.gateway, db: w.db, log, registry };
  const server = createHttpServer({ deps: { gateway: w.gateway, db: w.db, log }, routes: otaRoutes(() => registry), maxBodyBytes: 10 * 1024 * 1024 });
  await attachSoap(server, deps);
  const port = await listen(server, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  return {
    w, registry, deps, server, base, skySecret,
    async post(path, body, headers = {}) {
      const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/xml', ...headers }, body: body as never });
      return { status: res.status, text: await res.text() };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await flushArchive(w.db);
      await w.close();
    },
  };
}

/** `<POS>` naming a requestor, with a MessagePassword when given. */
export function pos(id: string, password?: string): string {
  return `<POS><Source><RequestorID ID="${id}" Type="22"${password ? ` MessagePassword="${password}"` : ''}/></Source></POS>`;
}

export const OTA_NS = 'http://www.opentravel.org/OTA/2003/05';
