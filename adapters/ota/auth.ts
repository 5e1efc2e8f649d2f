/**
 * Who is calling: HTTP Basic (the server hands us `req.actor`), a WS-Security UsernameToken, or
 * `POS/Source/RequestorID@ID` + `@MessagePassword`. Whatever authenticated the caller, a RequestorID in the
 * message must name that same partner. Secrets are verified by core (constant time, hashed at rest).
 */
import type { GatewayApi } from '../../core/api';
import type { Actor } from '../../core/model';
import { GatewayError } from '../../core/errors';
import type { Sql } from '../postgres/db';
import type { OtaHeader } from './envelope';
import type { OtaRegistry } from './partners';
import { claimNonce } from './sql';
import { at, kid, text, type XNode } from './xml';

/** A WS-Security UsernameToken as found in a SOAP header. */
export interface UsernameToken {
  username: string;
  password: string;
  passwordType: 'text' | 'digest';
  nonce?: string;
  created?: string;
}

/** How far Created may be from our clock: 5 minutes, the WS-Security default most stacks use. */
export const WSSE_WINDOW_SECONDS = 300;

export function readUsernameToken(soapHeader: XNode | undefined): UsernameToken | undefined {
  const tok = kid(kid(soapHeader, 'Security'), 'UsernameToken');
  if (!tok) return undefined;
  const pw = kid(tok, 'Password');
  const type = at(pw, 'Type') ?? '';
  return {
    username: text(kid(tok, 'Username')).trim(),
    password: text(pw),
    passwordType: type.endsWith('#PasswordDigest') ? 'digest' : 'text',
    nonce: text(kid(tok, 'Nonce')) || undefined,
    created: text(kid(tok, 'Created')) || undefined,
  };
}

const unauthorized = (m: string) => new GatewayError('GW_UNAUTHORIZED', m, { violations: [{ code: 'GW_UNAUTHORIZED', message: m, path: '/POS/Source/RequestorID' }] });

export async function authenticate(
  h: OtaHeader,
  creds: { actor?: Actor | null; token?: UsernameToken },
  deps: { gateway: GatewayApi; db: Sql; registry: OtaRegistry; now?: Date },
): Promise<Actor> {
  let actor: Actor;
  if (creds.actor) actor = creds.actor;
  else if (creds.token) {
    const t = creds.token;
    // Digests need the clear secret on our side; the hub stores only salted hashes, so only PasswordText
    // (over TLS) can be checked.
    if (t.passwordType === 'digest') throw unauthorized('WS-Security PasswordDigest is not supported; send PasswordText over TLS');
    if (!t.username || !t.password) throw unauthorized('WS-Security UsernameToken needs a Username and a Password');
    if (t.created !== undefined || t.nonce !== undefined) {
      const created = t.created ? Date.parse(t.created) : NaN;
      const now = (deps.now ?? new Date()).getTime();
      if (!Number.isFinite(created) || Math.abs(now - created) > WSSE_WINDOW_SECONDS * 1000) throw unauthorized('WS-Security Created is missing or not within 5 minutes of our clock');
    }
    actor = await deps.gateway.authenticate(deps.registry.partnerForRequestor(t.username), t.password);
    if (t.nonce !== undefined && !(await claimNonce(deps.db, actor.partnerId, t.nonce, WSSE_WINDOW_SECONDS))) throw unauthorized('WS-Security Nonce was already used');
  } else if (h.requestor?.password) {
    actor = await deps.gateway.authenticate(deps.registry.partnerForRequestor(h.requestor.id), h.requestor.password);
  } else {
    throw unauthorized('No credentials: send HTTP Basic, a WS-Security UsernameToken, or POS/Source/RequestorID@MessagePassword');
  }
  if (h.requestor && deps.registry.partnerForRequestor(h.requestor.id) !== actor.partnerId) {
    const m = `RequestorID ${h.requestor.id} is not the authenticated partner ${actor.partnerId}`;
    throw new GatewayError('GW_FORBIDDEN', m, { violations: [{ code: 'GW_FORBIDDEN', message: m, path: '/POS/Source/RequestorID/@ID' }] });
  }
  return actor;
}
