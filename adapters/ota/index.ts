/**
 * The OpenTravel adapter's public surface: what the HTTP server, the CLI and the ARI-distribution relay use.
 */
export { renderAriNotifs, type RenderAriOptions } from './ari-render';
export type { OtaMapping } from './mapping';
export { loadMappingFile, compileMapping, type CompiledMapping } from './mapping';
export { translateOta, type Finding } from './translate';
export { otaRoutes, routes } from './routes';
export { attachSoap, SOAP_PATH } from './soap';
export { processOta, MESSAGES, type OtaDeps } from './service';
export { loadRegistry, createRegistry, type OtaRegistry, type OtaPartnerProfile } from './partners';
export { scanBookings, sendDue, startDeliveries, type DeliveryDeps } from './deliveries';
export { listDeliveries, retryDelivery, messagesFor, type DeliveryRow } from './sql';
export { maskSecrets } from './archive';
export { flushArchive } from './archive';
