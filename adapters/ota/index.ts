/**
 * The OpenTravel adapter's public surface: what the HTTP server, the CLI and the ARI-distribution relay use.
 */
export { renderAriNotifs, type RenderAriOptions } from './ari-render';
export type { OtaMapping } from './mapping';
export { loadMappingFile } from './mapping';
