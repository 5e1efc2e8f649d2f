/**
 * OTA over SOAP 1.1 through the `soap` package. A guard in front of node-soap bounds the body and refuses
 * hostile XML with our own parser before node-soap's parser ever sees it, serves the WSDL with the address
 * the client used, and turns HTTP Basic credentials into an actor. The operation itself runs the same
 * `processOta` as plain HTTP, on the raw envelope, and answers with the RS as literal XML.
 */
import http from 'node:http';
import crypto from 'node:crypto';
import * as soap from 'soap';
import type { Actor } from '../../core/model';
import { GatewayError, isGatewayError } from '../../core/errors';
import { errorRs, issuesOf } from './envelope';
import { MESSAGES, processOta, type OtaDeps } from './service';
import { DEFAULT_LIMITS, el, kid, parseXml, textEl, type ParsedDoc } from './xml';
import { buildWsdl, SOAP_TNS } from './wsdl';

export const SOAP_PATH = '/ota/soap';

type Req = http.IncomingMessage & { body?: Buffer; otaActor?: Actor | null; otaCorrelation?: string };

function envelope(inner: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${inner}</soap:Body></soap:Envelope>`;
}

const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/**
 * A SOAP 1.1 Fault (§4.4: faultcode, faultstring, and a detail when the Body could not be processed, here
 * the GW_ code). Sent with HTTP 500, as SOAP 1.1 §6.2 and WS-I Basic Profile R1126 require of any Fault.
 */
function fault(res: http.ServerResponse, faultcode: 'Client' | 'VersionMismatch', e: GatewayError): void {
  if (res.headersSent) return;
  res.writeHead(500, { 'content-type': 'text/xml; charset=utf-8' });
  res.end(`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP11_NS}"><soap:Body><soap:Fault>`
    + `<faultcode>soap:${faultcode}</faultcode>${textEl('faultstring', null, e.message)}`
    + `<detail>${el('Error', { xmlns: SOAP_TNS, Code: e.code })}</detail></soap:Fault></soap:Body></soap:Envelope>`);
}

/**
 * Why an envelope cannot go to node-soap, or null when it can: node-soap answers anything but one known
 * operation in a SOAP 1.1 Body with a TypeError and a SOAP 1.2 Fault in the 1.1 namespace.
 */
function envelopeProblem(doc: ParsedDoc): { faultcode: 'Client' | 'VersionMismatch'; error: GatewayError } | null {
  const client = (message: string) => ({ faultcode: 'Client' as const, error: new GatewayError('GW_BAD_INPUT', message) });
  if (doc.root !== 'Envelope') return client(`The message is not a SOAP envelope (its document element is ${doc.root}); send a SOAP 1.1 Envelope here, or the bare OTA message to /ota`);
  if (doc.ns !== SOAP11_NS) return { faultcode: 'VersionMismatch', error: new GatewayError('GW_BAD_INPUT', `The Envelope is in namespace '${doc.ns}'; this endpoint speaks SOAP 1.1 (${SOAP11_NS})`) };
  const body = kid(doc.node, 'Body');
  const names = Object.keys(body ?? {}).filter((k) => !k.startsWith('@') && !k.startsWith('#'));
  const count = names.reduce((n, k) => n + (Array.isArray(body![k]) ? (body![k] as unknown[]).length : 1), 0);
  if (count === 0) return client(`The SOAP Body is ${body ? 'empty' : 'missing'}: it must hold one OTA request (${MESSAGES.join(', ')})`);
  if (count > 1) return client(`The SOAP Body holds ${count} elements; send one OTA request per envelope`);
  if (!MESSAGES.includes(names[0])) return client(`${names[0]} is not an operation of this service; it answers ${MESSAGES.join(', ')}`);
  return null;
}

function refuse(res: http.ServerResponse, e: unknown, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', connection: 'close' });
  res.end(envelope(errorRs('OTA_ErrorRS', undefined, issuesOf(e))));
}

/** Reads a body up to `max` bytes; beyond that, stops reading and reports it. */
function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > max) return resolve('too-large');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.pause();
        resolve('too-large');
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function basicActor(req: http.IncomingMessage, deps: OtaDeps): Promise<Actor | null> {
  const h = req.headers.authorization;
  if (!h || !/^Basic /i.test(h)) return null;
  const [user, ...rest] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':');
  return deps.gateway.authenticate(deps.registry.partnerForRequestor(user), rest.join(':'));
}

/**
 * Serves OTA SOAP at `/ota/soap` (WSDL at `/ota/soap?wsdl`) on an existing server. Other paths go to the
 * server's existing request listeners untouched.
 */
export async function attachSoap(server: http.Server, deps: OtaDeps): Promise<soap.Server> {
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const ops: Record<string, soap.ISoapServiceMethod> = {};
  for (const m of MESSAGES) {
    ops[m] = (_args: unknown, _cb: unknown, _headers: unknown, req?: Req) =>
      processOta({ body: req?.body ?? Buffer.alloc(0), transport: 'soap', actor: req?.otaActor ?? null, correlationId: req?.otaCorrelation }, deps).then((r) => ({ _xml: r.xml }));
  }
  const services = { OTAService: { OTAPort: ops } };
  const wsdl = buildWsdl(MESSAGES, `http://localhost${SOAP_PATH}`);
  const soapServer = await new Promise<soap.Server>((resolve) => {
    const s = soap.listen(server, { path: SOAP_PATH, services, xml: wsdl, suppressStack: true, callback: () => resolve(s) });
  });
  const delegates = server.listeners('request').slice() as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  server.removeAllListeners('request');
  const pass = (req: http.IncomingMessage, res: http.ServerResponse) => {
    for (const l of delegates) l.call(server, req, res);
  };
  server.on('request', (req: Req, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== SOAP_PATH && url.pathname !== SOAP_PATH + '/') return pass(req, res);
    if (req.method === 'GET' && url.search.toLowerCase().startsWith('?wsdl')) {
      const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(buildWsdl(MESSAGES, `${proto}://${req.headers.host ?? 'localhost'}${SOAP_PATH}`));
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'GET, POST' }).end();
      return;
    }
    void (async () => {
      try {
        const body = await readBody(req, limits.maxBytes);
        if (body === 'too-large') return refuse(res, new GatewayError('GW_PAYLOAD_TOO_LARGE', `The message is larger than ${limits.maxBytes} bytes`), 413);
        // Our parser first: DOCTYPE, entities, depth and malformed XML never reach node-soap's parser.
        const problem = envelopeProblem(parseXml(body, limits));
        if (problem) return fault(res, problem.faultcode, problem.error);
        // The Body's element names the operation (processOta dispatches on it): a SOAPAction naming another,
        // or one in a form node-soap does not match, must not make node-soap look for a missing method.
        delete req.headers.soapaction;
        req.body = body;
        req.otaCorrelation = (req.headers['x-correlation-id'] as string | undefined) ?? crypto.randomUUID();
        req.otaActor = await basicActor(req, deps);
        pass(req, res);
      } catch (e) {
        refuse(res, e, isGatewayError(e) ? (e.code === 'GW_SYNTAX' ? 400 : e.spec.http) : 500);
      }
    })();
  });
  return soapServer;
}
