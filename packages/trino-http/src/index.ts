export {
  TRINO_HTTP_PROPERTY_NAMES,
  gatewayEnabled,
  trinoHttpConfigFromProperties,
  type TlsFiles,
  type TrinoHttpConfig,
  type TrinoHttpSource,
} from './config.js';
export {
  TrinoHttpServer,
  loadGatewayFiles,
  type GatewayFiles,
  type TrinoHttpServerOptions,
} from './server.js';
export { trinoErrorCode } from './errors.js';
export { typeSignature, type TypeSignature } from './types.js';
export { sessionStatement, type SessionStatement } from './session-statements.js';
export { parsePasswordFile } from './password-file.js';
