/**
 * Starts the real gateway (HTTP server, core, store, background workers) on a free port over a test world,
 * and gives a small HTTP client that sends real requests to it.
 */
import { loadConfig } from '../../config';
import { startApp, type App } from '../../adapters/cli/app';
import { silentLogger } from '../../adapters/log/logger';
import type { Backend } from './db';
import { openWorld, type TestWorld } from './world';

export interface TestServer extends TestWorld {
  app: App;
  base: string;
  /** Sends a request; `as` names a demo partner whose credentials are sent (HTTP Basic). */
  request(method: string, path: string, opts?: { as?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; json: any; text: string }>;
}

export async function openServer(backend: Backend, opts: { days?: number; env?: Record<string, string> } = {}): Promise<TestServer> {
  const w = await openWorld(backend, { days: opts.days ?? 30 });
  const config = loadConfig({ ...opts.env } as NodeJS.ProcessEnv, { port: 0, host: '127.0.0.1', seedDemo: false, databaseUrl: null, amqpUrl: process.env.AMQP_URL ?? null });
  const app = await startApp(config, silentLogger(), { db: w.db });
  const base = `http://127.0.0.1:${app.port}`;
  return {
    ...w, app, base,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.as) headers.authorization = 'Basic ' + Buffer.from(`${o.as}:${w.secret(o.as)}`).toString('base64');
      let body: string | Buffer | undefined;
      if (o.raw !== undefined) body = o.raw;
      else if (o.body !== undefined) { body = JSON.stringify(o.body); headers['content-type'] ??= 'application/json'; }
      const res = await fetch(base + path, { method, headers, body: body as string | Uint8Array | undefined as never });
      const text = await res.text();
      let json: unknown = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, headers: res.headers, json, text };
    },
    async close() {
      await app.stop();
      await w.close();
    },
  };
}
