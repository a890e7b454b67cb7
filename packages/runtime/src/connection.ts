import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from '@nats-io/transport-node';

/**
 * How to reach and authenticate to NATS: user/password, token, NKey seed or a credentials file,
 * and TLS. Every field may also come from the environment, as the NATS tools read it
 * (NATS_URL, NATS_USER, NATS_PASSWORD, NATS_TOKEN, NATS_NKEY, NATS_CREDS, NATS_CA, NATS_CERT,
 * NATS_KEY). Secrets are never logged: {@link describeConnection} shows only what kind of auth is used.
 */
export interface NatsAuth {
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
  /** An NKey seed (`SU…`), or a path to a file holding one. */
  readonly nkeySeed?: string;
  /** A `.creds` file (JWT and NKey seed), as NGS and operator mode use. */
  readonly credsFile?: string;
}

export interface NatsTls {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

export interface ConnectionSettings {
  readonly servers: string | string[];
  readonly auth?: NatsAuth;
  readonly tls?: NatsTls;
}

export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const auth: Record<string, string> = {};
  const set = (k: keyof NatsAuth, v: string | undefined) => v && (auth[k] = v);
  set('user', env['NATS_USER']);
  set('password', env['NATS_PASSWORD']);
  set('token', env['NATS_TOKEN']);
  set('nkeySeed', env['NATS_NKEY']);
  set('credsFile', env['NATS_CREDS']);
  const tls: Record<string, string> = {};
  if (env['NATS_CA']) tls['caFile'] = env['NATS_CA'];
  if (env['NATS_CERT']) tls['certFile'] = env['NATS_CERT'];
  if (env['NATS_KEY']) tls['keyFile'] = env['NATS_KEY'];
  return {
    servers: env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
    ...(Object.keys(auth).length ? { auth } : {}),
    ...(Object.keys(tls).length ? { tls } : {}),
  };
}

/** The connection options for @nats-io/transport-node. */
export async function natsOptions(s: ConnectionSettings): Promise<Partial<ConnectionOptions>> {
  const o: Record<string, unknown> = {};
  const a = s.auth;
  if (a?.user !== undefined) o['user'] = a.user;
  if (a?.password !== undefined) o['pass'] = a.password;
  if (a?.token !== undefined) o['token'] = a.token;
  if (a?.nkeySeed || a?.credsFile) {
    const { nkeyAuthenticator, credsAuthenticator } = await import('@nats-io/transport-node');
    if (a.credsFile) o['authenticator'] = credsAuthenticator(readFileSync(a.credsFile));
    else {
      const seed = a.nkeySeed!.startsWith('S') ? a.nkeySeed! : readFileSync(a.nkeySeed!, 'utf8').trim();
      o['authenticator'] = nkeyAuthenticator(new TextEncoder().encode(seed));
    }
  }
  if (s.tls) {
    o['tls'] = {
      ...(s.tls.caFile ? { caFile: s.tls.caFile } : {}),
      ...(s.tls.certFile ? { certFile: s.tls.certFile } : {}),
      ...(s.tls.keyFile ? { keyFile: s.tls.keyFile } : {}),
    };
  }
  return o as Partial<ConnectionOptions>;
}

/** A safe description for logs: servers without credentials, and the kind of auth. */
export function describeConnection(s: ConnectionSettings): string {
  const servers = (Array.isArray(s.servers) ? s.servers : [s.servers]).map(redactUrl).join(',');
  const a = s.auth;
  const kind = a?.credsFile
    ? 'creds'
    : a?.nkeySeed
      ? 'nkey'
      : a?.token
        ? 'token'
        : a?.user
          ? `user ${a.user}`
          : 'no auth';
  return `${servers} (${kind}${s.tls ? ', tls' : ''})`;
}

/** Hides the password (or token) of a URL's user info. */
export function redactUrl(url: string): string {
  // the credentials run from `//` to the last `@` before the host's path: a user (kept) and a
  // password (hidden), or a lone token (hidden); an empty user (`redis://:pw@host`) is a password too
  return url.replace(/\/\/([^/?#]*)@/, (_all, credentials: string) => {
    const colon = credentials.indexOf(':');
    return colon < 0 ? '//***@' : `//${credentials.slice(0, colon)}:***@`;
  });
}
