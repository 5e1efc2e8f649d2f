/** The shape every OTA message handler has: canonical calls in, the RS body out. */
import type { Ctx, GatewayApi } from '../../core/api';
import type { OtaHeader, OtaIssue } from './envelope';
import type { CodeResolver } from './mapping';
import type { XNode } from './xml';

export interface HandlerInput {
  /** The RQ's document element. */
  root: XNode;
  /** Its name, e.g. `OTA_HotelResRQ`. */
  rq: string;
  h: OtaHeader;
  ctx: Ctx;
  partnerId: string;
  resolver: CodeResolver;
  gateway: GatewayApi;
}

export interface HandlerOutput {
  /** Elements after `<Success/><Warnings/>`. */
  body: string;
  warnings?: OtaIssue[];
  /** Extra attributes on the RS root (ResResponseType, Status …). */
  attrs?: Record<string, string | undefined>;
  /** The booking the exchange is about, for the archive. */
  locator?: string;
  /** When every record failed, the answer is Errors rather than Success + Warnings. */
  failed?: OtaIssue[];
}

export type MessageHandler = (inp: HandlerInput) => Promise<HandlerOutput>;
