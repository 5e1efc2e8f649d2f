/**
 * The protocol adapters plugged into the running gateway: their HTTP routes, anything they attach to the
 * server (SOAP), and background workers (ARI distribution, outbound deliveries) with their health.
 */
import type http from 'node:http';
import type { Config } from '../../config';
import type { AppDeps, Route } from '../http/types';

export interface Background {
  name: string;
  health(): Promise<{ ok: boolean; [k: string]: unknown }>;
  stop(): Promise<void>;
}

export function protocolRoutes(): Route[] {
  return [];
}

export function attachProtocols(server: http.Server, deps: AppDeps): void {
  void server; void deps;
}

export async function startBackground(deps: AppDeps, config: Config): Promise<Background[]> {
  void deps; void config;
  return [];
}
