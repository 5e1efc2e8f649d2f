/**
 * The HTTP server: owns sockets, body limits, authentication, correlation ids, logging and error rendering.
 * Protocol adapters contribute `Route`s; JSON errors are RFC 9457 problem documents carrying the GW_ code.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { Logger } from 'winston';
import { GatewayError, gwError, isGatewayError } from '../../core/errors';
import type { Actor } from '../../core/model';
import type { AppDeps, HttpRequest, HttpResponse, Route } from './types';

export interface ServerOptions {
  deps: AppDeps;
  routes: Route[];
  maxBodyBytes: number;
}

interface CompiledRoute extends Route {
  re: RegExp;
  names: string[];
}

function compile(r: Route): CompiledRoute {
  const names: string[] = [];
  const src = r.pattern.split('/').map((seg) => {
    if (seg === '*') { names.push('rest'); return '(.*)'; }
    if (seg.startsWith(':')) { names.push(seg.slice(1)); return '([^/]+)'; }
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('/');
  return { ...r, re: new RegExp(`^${src}/?$`), names };
}

/** Renders a coded error as problem+json. */
export function problem(e: GatewayError, correlationId: string): HttpResponse {
  const body = {
    type: `urn:maqam:error:${e.code}`,
    title: e.spec.title,
    status: e.spec.http,
    code: e.code,
    detail: e.message,
    ...(e.violations.length ? { violations: e.violations } : {}),
    ...(e.detail ? { data: e.detail } : {}),
    correlationId,
  };
  return { status: e.spec.http, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify(body) };
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

/** Reads the body, refusing more than `limit` bytes as soon as they are exceeded. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) return reject(gwError('GW_PAYLOAD_TOO_LARGE', `the body is ${declared} bytes; at most ${limit} are accepted`));
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        reject(gwError('GW_PAYLOAD_TOO_LARGE', `the body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!done) { done = true; resolve(Buffer.concat(chunks)); } });
    req.on('error', (e) => { if (!done) { done = true; reject(e); } });
  });
}

/** Partner credentials from HTTP Basic (`partner:secret`), `X-Api-Key: partner.secret` or `Bearer partner.secret`. */
export function credentialsOf(headers: http.IncomingHttpHeaders): { partnerId: string; secret: string } | null | 'malformed' {
  const auth = headers.authorization;
  const key = headers['x-api-key'];
  if (typeof key === 'string') {
    const i = key.indexOf('.');
    return i > 0 ? { partnerId: key.slice(0, i), secret: key.slice(i + 1) } : 'malformed';
  }
  if (typeof auth !== 'string') return null;
  const [scheme, value] = auth.split(/\s+/, 2);
  if (/^basic$/i.test(scheme) && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return i > 0 ? { partnerId: decoded.slice(0, i), secret: decoded.slice(i + 1) } : 'malformed';
  }
  if (/^bearer$/i.test(scheme) && value) {
    const i = value.indexOf('.');
    return i > 0 ? { partnerId: value.slice(0, i), secret: value.slice(i + 1) } : 'malformed';
  }
  return 'malformed';
}

/** Path parameters percent-decoded; a malformed escape (`%ZZ`, a cut UTF-8 sequence) is the caller's error. */
function decodeParams(raw: Record<string, string>, pathname: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    try {
      params[k] = decodeURIComponent(v);
    } catch {
      throw gwError('GW_BAD_INPUT', `the path ${pathname} is not valid percent-encoding: '${v}' does not decode to UTF-8 text`);
    }
  }
  return params;
}

export function createHttpServer(opts: ServerOptions): http.Server {
  const routes = opts.routes.map(compile);
  const { deps } = opts;
  const log: Logger = deps.log;

  async function handle(req: http.IncomingMessage, correlationId: string): Promise<HttpResponse> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    let matched: { route: CompiledRoute; params: Record<string, string> } | null = null;
    const allowed: string[] = [];
    for (const r of routes) {
      const m = r.re.exec(url.pathname);
      if (!m) continue;
      if (r.method !== method) {
        allowed.push(r.method);
        continue;
      }
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => { params[n] = m[i + 1]; });
      matched = { route: r, params };
      break;
    }
    if (!matched) {
      if (allowed.length) {
        allowed.sort();
        const p = problem(gwError('GW_METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}; use ${allowed.join(' or ')}`), correlationId);
        return { ...p, headers: { ...p.headers, allow: allowed.join(', ') } };
      }
      throw gwError('GW_NOT_FOUND', `no such endpoint: ${method} ${url.pathname}`);
    }
    const route = matched.route;
    try {
      const params = decodeParams(matched.params, url.pathname);
      let actor: Actor | null = null;
      const creds = credentialsOf(req.headers);
      if (creds === 'malformed') throw gwError('GW_UNAUTHORIZED', 'credentials are malformed: use HTTP Basic partner:secret or X-Api-Key: partner.secret');
      if (creds) actor = await deps.gateway.authenticate(creds.partnerId, creds.secret);
      else if (route.auth) throw gwError('GW_UNAUTHORIZED', 'credentials are required: HTTP Basic partner:secret or X-Api-Key: partner.secret');
      const body = await readBody(req, opts.maxBodyBytes);
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const hreq: HttpRequest = {
        method, path: url.pathname, params, query: url.searchParams, headers, body, actor, correlationId,
        log: log.child({ correlationId, partner: actor?.partnerId }),
      };
      return await route.handler(hreq, deps);
    } catch (e) {
      if (!route.renderError || !isGatewayError(e)) throw e;
      return route.renderError(e, { path: url.pathname, params: matched.params, correlationId });
    }
  }

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-correlation-id'];
    const correlationId = typeof incoming === 'string' && /^[\w.:-]{1,100}$/.test(incoming) ? incoming : crypto.randomUUID();
    const finish = (r: HttpResponse) => {
      if (res.headersSent) return;
      const headers = { 'x-correlation-id': correlationId, ...(r.headers ?? {}) };
      res.writeHead(r.status, headers);
      res.end(r.body ?? '');
      const level = r.status >= 500 ? 'error' : 'debug';
      if (!log.isLevelEnabled(level)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.log(level, 'http', { correlationId, method: req.method, path: req.url?.split('?')[0], status: r.status, ms: Math.round(ms * 10) / 10 });
    };
    handle(req, correlationId).then((r) => {
      // A refused oversized body is not read to its end: close the connection rather than drain it.
      if (r.status === 413) res.setHeader('connection', 'close');
      finish(r);
    }, (e: unknown) => {
      if (isGatewayError(e)) {
        if (e.code === 'GW_PAYLOAD_TOO_LARGE') res.setHeader('connection', 'close');
        return finish(problem(e, correlationId));
      }
      log.error('unhandled error', { correlationId, error: (e as Error)?.stack ?? String(e) });
      finish(problem(gwError('GW_INTERNAL', 'internal error; quote the correlation id when reporting it'), correlationId));
    });
  });
  // A malformed request line or headers: answer 400 and close, never crash.
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/problem+json\r\nconnection: close\r\n\r\n{"code":"GW_BAD_INPUT","title":"Malformed HTTP request","status":400}');
    else socket.destroy();
    void err;
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

/** Parses a JSON body; throws GW_UNSUPPORTED_MEDIA or GW_BAD_INPUT with a clear message. */
export function jsonBody(req: HttpRequest): unknown {
  const ct = req.headers['content-type'] ?? '';
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(ct)) throw gwError('GW_UNSUPPORTED_MEDIA', `send JSON with content-type: application/json (got "${ct || 'none'}")`);
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch (e) {
    throw gwError('GW_BAD_INPUT', `the body is not valid JSON: ${(e as Error).message}`);
  }
}

export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

export { GatewayError };
