/**
 * What the HTTP server hands to a protocol handler and expects back. Adapters that answer over HTTP
 * (JSON API, /edifact, /ota, SOAP) export handlers of this shape; the server owns sockets, body limits,
 * authentication and logging.
 */
import type { Logger } from 'winston';
import type { Actor } from '../../core/model';
import type { GatewayError } from '../../core/errors';
import type { GatewayApi } from '../../core/api';
import type { Db } from '../postgres/db';

export interface HttpRequest {
  method: string;
  /** Path without the query string, e.g. `/ota/OTA_HotelAvailNotifRQ`. */
  path: string;
  /** Path parameters captured by the route pattern (`:name`). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** The whole body (already bounded by the server's limit). */
  body: Buffer;
  /** The partner authenticated from HTTP credentials (Basic or X-Api-Key), if any were sent and valid. */
  actor: Actor | null;
  correlationId: string;
  log: Logger;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Everything a handler may use. */
export interface AppDeps {
  gateway: GatewayApi;
  db: Db;
  log: Logger;
}

export type Handler = (req: HttpRequest, deps: AppDeps) => Promise<HttpResponse>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Pattern with `:param` segments, e.g. `/v1/bookings/:locator`; a trailing `*` matches the rest. */
  pattern: string;
  /** When false the route is served without credentials (it authenticates inside, e.g. OTA RequestorID). */
  auth: boolean;
  handler: Handler;
  /**
   * Renders an error raised before or by the handler (bad credentials, body too large …) in the route's own
   * protocol (OTA Errors, CONTRL …). Without it the server answers problem+json.
   */
  renderError?: (e: GatewayError, req: { path: string; params: Record<string, string>; correlationId: string }) => HttpResponse;
}
