import { join } from 'node:path';
import { PropertyReader, QuarryError, type Properties } from '@quarry/common';

/** Trino's names for what the HTTP gateway reads from `config.properties`. */
export const TRINO_HTTP_PROPERTY_NAMES = [
  'http-server.http.enabled',
  'http-server.http.port',
  'http-server.https.enabled',
  'http-server.https.port',
  'http-server.https.keystore.path',
  'http-server.https.keystore.key',
  'http-server.authentication.type',
  'http-server.authentication.allow-insecure-over-http',
  'password-authenticator.config-files',
] as const;

export interface TlsFiles {
  /**
   * `http-server.https.keystore.path`: a PEM file holding the private key and the certificate chain
   * (as Trino accepts), or a PKCS#12 file. Java keystores (JKS) are not read.
   */
  readonly keystorePath: string;
  /** `http-server.https.keystore.key`: the passphrase of the key or of the PKCS#12 file. */
  readonly keystoreKey?: string;
}

export interface TrinoHttpConfig {
  /** `http-server.http.port` when `http-server.http.enabled` (default true); undefined: no HTTP. */
  readonly httpPort?: number;
  /** `http-server.https.port` when `http-server.https.enabled=true`. */
  readonly httpsPort?: number;
  readonly tls?: TlsFiles;
  /**
   * The password authenticator's files (`password-authenticator.config-files`), read when
   * `http-server.authentication.type=PASSWORD`; undefined: no authentication, `X-Trino-User` is
   * taken as given (as Trino does without an authenticator).
   */
  readonly passwordAuthenticatorFiles?: readonly string[];
  /** `http-server.authentication.allow-insecure-over-http` (default false). */
  readonly allowInsecureOverHttp: boolean;
}

/** True when the configuration asks for an HTTP or HTTPS port. */
export function gatewayEnabled(config: TrinoHttpConfig): boolean {
  return config.httpPort !== undefined || config.httpsPort !== undefined;
}

export interface TrinoHttpSource {
  /**
   * The configuration directory: the default password authenticator file is
   * `<configDir>/password-authenticator.properties` (Trino's `etc/password-authenticator.properties`).
   * Relative paths in properties are taken from the working directory, as Trino does.
   */
  readonly configDir?: string;
  /** Names the file in error messages. */
  readonly source?: string;
}

/** Reads the gateway's settings; every wrong value is an INVALID_CONFIGURATION naming its property. */
export function trinoHttpConfigFromProperties(
  props: Properties,
  from: TrinoHttpSource = {},
): TrinoHttpConfig {
  const source = from.source ?? 'config.properties';
  const r = new PropertyReader(props, source);
  const httpEnabled = r.boolean('http-server.http.enabled', true);
  const httpsEnabled = r.boolean('http-server.https.enabled', false);
  const httpPort = port(r, 'http-server.http.port');
  const httpsPort = port(r, 'http-server.https.port');
  const keystore = r.optionalString('http-server.https.keystore.path');
  if (httpsEnabled && (httpsPort === undefined || keystore === undefined)) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: http-server.https.enabled=true needs http-server.https.port and http-server.https.keystore.path`,
    );
  }
  const keystoreKey = r.optionalString('http-server.https.keystore.key');
  const authType = r.optionalString('http-server.authentication.type')?.trim().toUpperCase();
  if (authType !== undefined && authType !== '' && authType !== 'PASSWORD') {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: http-server.authentication.type='${authType}' is not supported: quarry knows PASSWORD`,
    );
  }
  const defaultFile = join(from.configDir ?? 'etc', 'password-authenticator.properties');
  const files = (r.optionalString('password-authenticator.config-files') ?? defaultFile)
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  return {
    ...(httpEnabled && httpPort !== undefined ? { httpPort } : {}),
    ...(httpsEnabled && httpsPort !== undefined ? { httpsPort } : {}),
    ...(httpsEnabled && keystore
      ? { tls: { keystorePath: keystore, ...(keystoreKey ? { keystoreKey } : {}) } }
      : {}),
    ...(authType === 'PASSWORD' ? { passwordAuthenticatorFiles: files } : {}),
    allowInsecureOverHttp: r.boolean('http-server.authentication.allow-insecure-over-http', false),
  };
}

function port(r: PropertyReader, name: string): number | undefined {
  const p = r.int(name, -1, 0);
  if (p === -1) return undefined;
  if (p > 65535) throw new QuarryError('INVALID_CONFIGURATION', `${name}=${p} is not a port (0–65535)`);
  return p;
}
