/**
 * The `POST /edifact` route over `handleEdifact`, in the HTTP server's handler contract. The server
 * authenticates the partner (Basic or X-Api-Key) before the handler runs; the handler matches that
 * partner to the UNB/UIB sender through the EDIFACT partner profiles.
 */
import type { Handler, Route } from '../../http/types';
import type { PartnerDirectory } from '..';
import { handleEdifact } from './handle';

/** Builds the handler; `partners` defaults to config/partners. */
export function edifactHandler(opts: { partners?: PartnerDirectory } = {}): Handler {
  return async (req, deps) => {
    if (!req.actor) {
      // The route is declared with auth, so this only happens when it is mounted without it.
      return { status: 401, headers: { 'content-type': 'text/plain' }, body: 'EDIFACT partners authenticate with HTTP credentials\n' };
    }
    const reply = await handleEdifact({ gateway: deps.gateway, db: deps.db, partners: opts.partners }, { actor: req.actor, bytes: req.body });
    req.log.info('edifact exchange', { partner: req.actor.partnerId, status: reply.status, bytesIn: req.body.length, bytesOut: reply.body.length, correlationId: req.correlationId });
    return { status: reply.status, headers: { 'content-type': reply.contentType }, body: reply.body };
  };
}

/** The route to mount: `POST /edifact`, authenticated. */
export function edifactRoute(opts: { partners?: PartnerDirectory } = {}): Route {
  return { method: 'POST', pattern: '/edifact', auth: true, handler: edifactHandler(opts) };
}
