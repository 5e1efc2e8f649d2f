/**
 * Outbound reservation delivery to providers' property systems. Core writes a booking_changes row in the
 * same transaction as every booking status or items change, naming every provider concerned; the poller
 * claims pending rows (FOR UPDATE SKIP LOCKED), queues one delivery per change and provider that has an OTA
 * endpoint, and marks the rows consumed in the same transaction, so no change is lost or queued twice. A
 * sender pushes OTA_HotelResNotifRQ (Commit / Modify / Cancel), records the PMS confirmation number from
 * the RS, and retries with exponential backoff until acknowledged; after `maxAttempts` the delivery is
 * parked as failed, visible and replayable.
 */
import type { Logger } from 'winston';
import type { GatewayApi } from '../../core/api';
import { providerView } from '../../core/booking';
import type { Booking } from '../../core/model';
import type { Db } from '../postgres/db';
import { archive } from './archive';
import { hotelReservationEl } from './hotel-res';
import { canonicalResolver } from './mapping';
import type { OtaRegistry } from './partners';
import { bookingNow, claimBookingChanges, claimDue, lastQueuedAction, markChangesConsumed, markDelivered, markFailedAttempt, queueDelivery, type DeliveryRow } from './sql';
import type { Sql } from '../postgres/db';
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

/** Seconds a claimed delivery is leased to one sender before another may take it. */
const LEASE_SECONDS = 60;
/** Backoff: 10 s doubling to at most one hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3600, 10 * 2 ** Math.max(0, attempts - 1));
}

/**
 * What a provider's property system must be told now, from the booking as it is (not as the change row saw
 * it: a batch may hold several changes of one booking) and from what it was last told.
 */
async function actionFor(tx: Sql, locator: string, providerId: string, now: { status: string; providers: string[] } | null): Promise<DeliveryRow['action'] | null> {
  const last = await lastQueuedAction(tx, locator, providerId);
  const told = last !== null && last !== 'Cancel';
  const live = now !== null && now.status === 'confirmed' && now.providers.includes(providerId);
  // Holds are not pushed; a booking cancelled (or moved away) before the PMS heard of it needs no message.
  if (live) return told ? 'Modify' : 'Commit';
  return told ? 'Cancel' : null;
}

/**
 * Consumes pending booking changes: in one transaction, claims up to `limit` of them, queues a delivery
 * for each provider concerned that has an OTA endpoint (a provider whose lines a modify removed gets a
 * Cancel), and marks them consumed. Changes of providers without an endpoint are just consumed. Returns
 * how many deliveries were queued.
 */
export async function scanBookings(deps: DeliveryDeps, limit = 500): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const changes = await claimBookingChanges(tx, limit);
    let queued = 0;
    for (const c of changes) {
      const targets = [...new Set(c.providers)].filter((p) => deps.registry.profile(p)?.delivery);
      if (targets.length === 0) continue;
      const now = await bookingNow(tx, c.locator);
      for (const providerId of targets) {
        const action = await actionFor(tx, c.locator, providerId, now);
        // The change id is the booking version: the unique key makes a replayed change queue nothing twice.
        if (action && await queueDelivery(tx, { locator: c.locator, providerId, action, bookingVersion: `change:${c.id}` })) queued++;
      }
    }
    await markChangesConsumed(tx, changes.map((c) => c.id));
    return queued;
  });
}

/** The provider's HotelCode in its own table (or its id), for a message that carries none of its lines. */
function hotelCodeOf(deps: DeliveryDeps, providerId: string): string {
  const m = deps.registry.mapping(providerId);
  return Object.entries(m?.hotels ?? {}).find(([, h]) => h.providerId === providerId)?.[0] ?? providerId;
}

/** The OTA_HotelResNotifRQ for one delivery: the provider's part of the booking (its lines and their total), in its codes. */
export async function renderResNotif(b: Booking, providerId: string, action: DeliveryRow['action'], deps: DeliveryDeps, echo: string): Promise<string> {
  const ctx = { actor: { partnerId: deps.operatorId, kind: 'operator' as const } };
  const resolver = deps.registry.resolver(providerId) ?? canonicalResolver(deps.gateway, ctx);
  const mine = providerView(b, providerId);
  const reservation = await hotelReservationEl(mine, resolver, {
    asSender: true, resStatus: action === 'Cancel' ? 'Cancelled' : action === 'Modify' ? 'Modify' : 'Commit',
    ...(mine.items.length === 0 ? { hotelCode: hotelCodeOf(deps, providerId) } : {}),
  });
  return el('OTA_HotelResNotifRQ', { xmlns: OTA_NS, EchoToken: echo, TimeStamp: new Date().toISOString(), Version: '1.000', ResStatus: action },
    el('POS', null, el('Source', null, el('RequestorID', { ID: 'MAQAM', Type: '22' }))),
    el('HotelReservations', null, reservation),
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
