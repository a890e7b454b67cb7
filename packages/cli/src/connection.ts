import { readFileSync } from 'node:fs';
import { QuarryError } from '@quarry/common';
import { connectionFromEnv, type NatsAuth, type NatsTls } from '@quarry/runtime';

/**
 * Where a cluster is and how to reach it: the flags of every command that talks to one. Kept apart
 * from the servers' configuration (config.ts) so that client commands load no engine package.
 */
export interface CommonFlags {
  readonly server?: string;
  readonly prefix?: string;
  readonly configDir?: string;
  readonly exchangeDir?: string;
  readonly user?: string;
  readonly password?: string;
  readonly passwordFile?: string;
  /** A file holding the coordinator's `access-control.admin-token` (client commands). */
  readonly adminTokenFile?: string;
  readonly tokenFile?: string;
  readonly token?: string;
  readonly nkey?: string;
  readonly creds?: string;
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly metricsPort?: string;
  /** A file holding the cluster's shared secret (never a flag with the secret itself: `ps` shows flags). */
  readonly sharedSecretFile?: string;
}

/** NATS credentials and TLS: flags over NATS_* environment variables. */
export function natsSecurity(flags: CommonFlags): { auth?: NatsAuth; tls?: NatsTls } {
  const env = connectionFromEnv();
  const auth: Record<string, string> = { ...env.auth };
  if (flags.user) auth['user'] = flags.user;
  if (flags.password) auth['password'] = flags.password;
  if (flags.passwordFile) auth['password'] = secretFile(flags.passwordFile, '--password-file');
  if (flags.token) auth['token'] = flags.token;
  if (flags.tokenFile) auth['token'] = secretFile(flags.tokenFile, '--token-file');
  if (flags.nkey) auth['nkeySeed'] = flags.nkey;
  if (flags.creds) auth['credsFile'] = flags.creds;
  const tls: Record<string, string> = { ...env.tls };
  if (flags.tlsCa) tls['caFile'] = flags.tlsCa;
  if (flags.tlsCert) tls['certFile'] = flags.tlsCert;
  if (flags.tlsKey) tls['keyFile'] = flags.tlsKey;
  return { ...(Object.keys(auth).length ? { auth } : {}), ...(Object.keys(tls).length ? { tls } : {}) };
}

/** A secret kept in a file (out of `ps` and shell history): its text without the final line break. */
function secretFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${flag}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

export function natsServers(flags: CommonFlags): string {
  return flags.server ?? process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
}

export function prefixOf(flags: CommonFlags): string {
  return flags.prefix ?? process.env['QUARRY_PREFIX'] ?? 'quarry';
}
