/**
 * The `POST /edifact` route over `handleEdifact`, in the HTTP server's handler contract. The server
 * authenticates the partner (Basic or X-Api-Key) before the handler runs; the handler matches that
 * partner to the UNB/UIB sender through the EDIFACT partner profiles.
 */
import type { Handler, Route } from '../../http/types';
import type { PartnerDirectory } from '..';
import { jsonBody } from '../../http/server';
import { handleEdifact, EDIFACT_CONTENT_TYPE } from './handle';
import { fileManifest } from './manifests';

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

/**
 * `POST /edifact/manifests?to=<authority>`: files a canonical manifest (JSON body) with an authority as
 * PAXLST. Answers 201 with the interchange (`application/edifact`), or with JSON `{ authority, controlRef,
 * archiveId, interchange }` when the client accepts only JSON. Refusals are problem+json with every path.
 */
export function manifestRoute(opts: { partners?: PartnerDirectory } = {}): Route {
  return {
    method: 'POST', pattern: '/edifact/manifests', auth: true,
    handler: async (req, deps) => {
      const filed = await fileManifest({ gateway: deps.gateway, db: deps.db, partners: opts.partners }, { actor: req.actor!, to: req.query.get('to'), manifest: jsonBody(req) });
      req.log.info('manifest filed', { partner: req.actor!.partnerId, authority: filed.authority, controlRef: filed.controlRef, archiveId: filed.archiveId, correlationId: req.correlationId });
      const headers = { 'x-maqam-control-ref': filed.controlRef, 'x-maqam-archive-id': String(filed.archiveId) };
      const accept = req.headers.accept ?? '';
      if (/application\/json/i.test(accept) && !/application\/edifact|\*\/\*/i.test(accept)) {
        return { status: 201, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ authority: filed.authority, controlRef: filed.controlRef, archiveId: filed.archiveId, interchange: filed.bytes.toString('latin1') }) };
      }
      return { status: 201, headers: { ...headers, 'content-type': EDIFACT_CONTENT_TYPE }, body: filed.bytes };
    },
  };
}
