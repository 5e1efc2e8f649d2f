/**
 * Outbound reservation delivery to providers' property systems. A poller scans bookings changed since a
 * watermark (re-scanning a 5-minute overlap, so a booking committed late with an earlier updated_at is not
 * lost; the unique key on ota_deliveries makes the rescans harmless) and queues one delivery per booking
 * version and provider. A sender pushes OTA_HotelResNotifRQ (Commit / Modify / Cancel), records the PMS
 * confirmation number from the RS, and retries with exponential backoff until acknowledged; after
 * `maxAttempts` the delivery is parked as failed, visible and replayable.
 */
import type { Logger } from 'winston';
import type { GatewayApi } from '../../core/api';
import type { Booking } from '../../core/model';
import type { Db } from '../postgres/db';
import { archive } from './archive';
import { hotelReservationEl } from './hotel-res';
import { canonicalResolver } from './mapping';
import type { OtaRegistry } from './partners';
import { changedBookings, claimDue, getWatermark, markDelivered, markFailedAttempt, queueDelivery, setWatermark, wasCommitted, type DeliveryRow } from './sql';
import { OTA_NS, at, el, kid, kids, parseXml, path } from './xml';
import { unwrap } from './service';

export interface DeliveryDeps {
  gateway: GatewayApi;
  db: Db;
  registry: OtaRegistry;
  log?: Logger;
  /** Sends one HTTP request; default global fetch. Tests keep the default and run a real endpoint. */
  fetch?: typeof fetch;
  /** The operator actor used to read bookings. */
  operatorId: string;
}

/** Overlap re-scanned on every poll: a booking transaction committing later than this is not expected. */
const OVERLAP_MS = 5 * 60_000;
/** Seconds a claimed delivery is leased to one sender before another may take it. */
const LEASE_SECONDS = 60;
/** Backoff: 10 s doubling to at most one hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3600, 10 * 2 ** Math.max(0, attempts - 1));
}

/** Finds bookings changed since the watermark and queues deliveries for providers with an endpoint. */
export async function scanBookings(deps: DeliveryDeps, limit = 500): Promise<number> {
  const providers = deps.registry.profiles.filter((p) => p.delivery).map((p) => p.partnerId);
  if (providers.length === 0) return 0;
  const mark = await getWatermark(deps.db);
  const since = mark ? new Date(Date.parse(mark) - OVERLAP_MS).toISOString() : '1970-01-01T00:00:00Z';
  const rows = await changedBookings(deps.db, providers, since, limit);
  let queued = 0;
  for (const r of rows) {
    const committed = await wasCommitted(deps.db, r.locator, r.providerId);
    // A booking cancelled before the PMS ever heard of it needs no message.
    if (r.status === 'cancelled' && !committed) continue;
    const action = r.status === 'cancelled' ? 'Cancel' : committed ? 'Modify' : 'Commit';
    if (await queueDelivery(deps.db, { locator: r.locator, providerId: r.providerId, action, bookingVersion: r.updatedAt })) queued++;
  }
  if (rows.length > 0) await setWatermark(deps.db, rows[rows.length - 1].updatedAt);
  return queued;
}

/** The OTA_HotelResNotifRQ for one delivery: the booking's lines of that provider, in its codes. */
export async function renderResNotif(b: Booking, providerId: string, action: DeliveryRow['action'], deps: DeliveryDeps, echo: string): Promise<string> {
  const ctx = { actor: { partnerId: deps.operatorId, kind: 'operator' as const } };
  const resolver = deps.registry.resolver(providerId) ?? canonicalResolver(deps.gateway, ctx);
  const mine: Booking = { ...b, items: b.items.filter((i) => i.providerId === providerId) };
  return el('OTA_HotelResNotifRQ', { xmlns: OTA_NS, EchoToken: echo, TimeStamp: new Date().toISOString(), Version: '1.000', ResStatus: action },
    el('POS', null, el('Source', null, el('RequestorID', { ID: 'MAQAM', Type: '22' }))),
    el('HotelReservations', null, await hotelReservationEl(mine, resolver, { asSender: true, resStatus: action === 'Cancel' ? 'Cancelled' : action === 'Modify' ? 'Modify' : 'Commit' })),
  );
}

/** The PMS confirmation number in an OTA_HotelResNotifRS (ResID_Type 10 or 3), or an error text. */
export function readAck(xml: string): { ok: true; confirmation: string | null } | { ok: false; error: string } {
  try {
    const doc = unwrap(parseXml(xml));
    if (kid(doc.node, 'Errors')) {
      const e = kids(kid(doc.node, 'Errors'), 'Error')[0];
      return { ok: false, error: `PMS error ${at(e, 'Type') ?? ''}/${at(e, 'Code') ?? ''}: ${String(e?.['#text'] ?? '')}`.slice(0, 500) };
    }
    if (!doc.node['Success'] && doc.node['Success'] !== '') return { ok: false, error: `no Success in ${doc.name}` };
    const hr = kid(kid(doc.node, 'HotelReservations'), 'HotelReservation');
    const ids = kids(path(hr, 'ResGlobalInfo', 'HotelReservationIDs'), 'HotelReservationID');
    const conf = ids.find((i) => at(i, 'ResID_Type') === '10' || at(i, 'ResID_Type') === '3');
    return { ok: true, confirmation: at(conf, 'ResID_Value') ?? at(kids(hr, 'UniqueID').find((u) => at(u, 'Type') !== '14'), 'ID') ?? null };
  } catch (e) {
    return { ok: false, error: `unreadable acknowledgement: ${(e as Error).message}` };
  }
}

/** Sends due deliveries once; returns how many were acknowledged. */
export async function sendDue(deps: DeliveryDeps, limit = 50): Promise<{ delivered: number; failed: number }> {
  const due = await claimDue(deps.db, limit, LEASE_SECONDS);
  let delivered = 0;
  let failed = 0;
  const ctx = { actor: { partnerId: deps.operatorId, kind: 'operator' as const } };
  for (const d of due) {
    const profile = deps.registry.profile(d.providerId);
    const ep = profile?.delivery;
    const max = ep?.maxAttempts ?? 50;
    let error: string;
    try {
      if (!ep) throw new Error(`no delivery endpoint for ${d.providerId}`);
      const b = await deps.gateway.retrieve(ctx, d.locator);
      const rq = await renderResNotif(b, d.providerId, d.action, deps, `DLV-${d.id}`);
      const body = ep.soap ? `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${rq}</soap:Body></soap:Envelope>` : rq;
      const headers: Record<string, string> = { 'content-type': ep.soap ? 'text/xml; charset=utf-8' : 'application/xml', ...(ep.soap ? { soapaction: 'OTA_HotelResNotifRQ' } : {}) };
      if (ep.username) headers.authorization = 'Basic ' + Buffer.from(`${ep.username}:${(ep.passwordEnv && process.env[ep.passwordEnv]) || ''}`).toString('base64');
      await archive(deps.db, deps.log, { direction: 'out', transport: 'delivery', partnerId: d.providerId, message: 'OTA_HotelResNotifRQ', echoToken: `DLV-${d.id}`, correlationId: null, locator: d.locator, ok: true, body: rq });
      const res = await (deps.fetch ?? fetch)(ep.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(20_000) });
      const text = await res.text();
      const ack = res.ok ? readAck(text) : { ok: false as const, error: `HTTP ${res.status}` };
      await archive(deps.db, deps.log, { direction: 'in', transport: 'delivery', partnerId: d.providerId, message: 'OTA_HotelResNotifRS', echoToken: `DLV-${d.id}`, correlationId: null, locator: d.locator, ok: ack.ok, body: text });
      if (ack.ok) {
        await markDelivered(deps.db, d.id, ack.confirmation);
        delivered++;
        continue;
      }
      error = ack.error;
    } catch (e) {
      error = (e as Error).message;
    }
    failed++;
    await markFailedAttempt(deps.db, d.id, error, backoffSeconds(d.attempts), d.attempts >= max);
    deps.log?.warn('ota delivery failed', { id: d.id, locator: d.locator, provider: d.providerId, attempts: d.attempts, error });
  }
  return { delivered, failed };
}

/** Runs scan + send every `intervalMs` until stopped. Returns the stop function. */
export function startDeliveries(deps: DeliveryDeps, intervalMs = 2000): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      await scanBookings(deps);
      await sendDue(deps);
    } catch (e) {
      deps.log?.error('ota delivery loop failed', { error: (e as Error).message });
    }
  };
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(tick);
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
