/**
 * Plain-HTTP OTA: `POST /ota/:message` and `POST /ota` (dispatch on the document element), plus the
 * delivery log at `GET /ota/deliveries`. The routes authenticate inside (RequestorID / Basic), so they are
 * declared `auth: false`; the server still passes any HTTP credentials it verified as `req.actor`.
 */
import type { HttpRequest, HttpResponse, Route } from '../http/types';
import { GatewayError } from '../../core/errors';
import { loadRegistry, type OtaRegistry } from './partners';
import { processOta } from './service';
import { listDeliveries } from './sql';

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

let defaultRegistry: OtaRegistry | undefined;

/** `?limit=` of the delivery listing: 100 by default; above 1000 (what one listing returns at most) is 1000. */
function limitOf(raw: string | null): number {
  if (raw === null) return 100;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    const message = `limit '${raw}' must be a whole number of at least 1`;
    throw new GatewayError('GW_BAD_INPUT', `The delivery listing is invalid: ${message}`, { violations: [{ code: 'GW_BAD_INPUT', message, path: '/limit' }] });
  }
  return Math.min(Number(raw), 1000);
}

/** Routes bound to a registry (default: config/ota-partners/, read once). */
export function otaRoutes(registry?: () => OtaRegistry): Route[] {
  const reg = registry ?? (() => (defaultRegistry ??= loadRegistry()));
  const post = async (req: HttpRequest, deps: Parameters<Route['handler']>[1]): Promise<HttpResponse> => {
    const r = await processOta({ body: req.body, expected: req.params.message, actor: req.actor, transport: 'http', correlationId: req.correlationId }, { ...deps, registry: reg() });
    return { status: r.status, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: XML_DECL + r.xml };
  };
  return [
    { method: 'POST', pattern: '/ota', auth: false, handler: post },
    { method: 'POST', pattern: '/ota/:message', auth: false, handler: post },
    {
      method: 'GET', pattern: '/ota/deliveries', auth: true,
      async handler(req, deps) {
        const a = req.actor;
        if (!a) throw new GatewayError('GW_UNAUTHORIZED', 'Sign in to see deliveries');
        // Operators see every delivery; a provider sees those to its own property system.
        if (a.kind !== 'operator' && !['hotel', 'transport', 'catering', 'experience', 'insurance'].includes(a.kind)) throw new GatewayError('GW_FORBIDDEN', 'Only operators and providers see OTA deliveries');
        const rows = await listDeliveries(deps.db, {
          status: req.query.get('status') ?? undefined,
          locator: req.query.get('locator') ?? undefined,
          providerId: a.kind === 'operator' ? req.query.get('provider') ?? undefined : a.partnerId,
          limit: limitOf(req.query.get('limit')),
        });
        return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deliveries: rows }) };
      },
    },
  ];
}

/** The routes the server mounts. */
export const routes: Route[] = otaRoutes();
