import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { QuarryClient } from '@quarry/client';
import { QuarryError, parseDuration } from '@quarry/common';
import { CapabilityStore } from '../capability-store.js';
import { natsSecurity, natsServers, prefixOf, type CommonFlags } from '../connection.js';
import { TrinoHttpClient } from '../trino-http-client.js';

/** The flags of the commands that talk to a running cluster as a client. */
export interface ClientFlags extends CommonFlags {
  /** `--client-timeout`: how long to keep trying while no coordinator answers (default 1m). */
  readonly clientTimeout?: string;
}

/**
 * A client for the commands that talk to a running cluster, holding the capabilities of the queries
 * this user submitted with the CLI (see CapabilityStore) and the admin token when one is given.
 */
export async function connectClient(flags: ClientFlags, timeoutMs = 10_000): Promise<QuarryClient> {
  const adminToken = adminTokenOf(flags);
  const clientTimeout = flags.clientTimeout;
  const client = await QuarryClient.connect({
    servers: natsServers(flags),
    prefix: prefixOf(flags),
    timeoutMs,
    ...(clientTimeout !== undefined ? { clientTimeoutMs: clientTimeoutOf(clientTimeout) } : {}),
    ...natsSecurity(flags),
    ...(adminToken ? { adminToken } : {}),
  });
  for (const [queryId, capability] of capabilityStore(flags).load()) client.remember(queryId, capability);
  return client;
}

/** Where this user's capabilities for the cluster of `flags` are kept. */
export function capabilityStore(flags: CommonFlags): CapabilityStore {
  return new CapabilityStore(`${natsServers(flags)}|${prefixOf(flags)}`);
}

/** `--admin-token-file`, else `QUARRY_ADMIN_TOKEN`: a secret, never a plain flag (`ps` shows flags). */
function adminTokenOf(flags: CommonFlags): string | undefined {
  if (flags.adminTokenFile) {
    try {
      return readFileSync(flags.adminTokenFile, 'utf8').trim();
    } catch (e) {
      throw new QuarryError(
        'INVALID_CONFIGURATION',
        `--admin-token-file: cannot read ${flags.adminTokenFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
  return process.env['QUARRY_ADMIN_TOKEN'] || undefined;
}

/** `--client-timeout`, a duration as Trino writes them (`30s`, `2m`), more than zero. */
function clientTimeoutOf(text: string): number {
  const ms = parseDuration(text, '--client-timeout');
  if (ms <= 0)
    throw new QuarryError('INVALID_CONFIGURATION', `--client-timeout: '${text}' is not a positive duration`);
  return ms;
}

/** Whether `--server` names a coordinator's HTTP port (Trino's protocol) rather than NATS. */
export function isHttpServer(flags: CommonFlags): boolean {
  return /^https?:\/\//i.test(flags.server ?? '');
}

/**
 * A client of Trino's HTTP protocol for `--server http(s)://…`: `--user` is the Trino user
 * (default `$TRINO_USER`, `$QUARRY_USER`, else the login name); the password, for a coordinator
 * with a password file, comes from `--password-file`, `$TRINO_PASSWORD` or `--password`.
 */
export function connectTrino(flags: CommonFlags): TrinoHttpClient {
  const user =
    flags.user ??
    (process.env['TRINO_USER'] || process.env['QUARRY_USER'] || undefined) ??
    userInfo().username;
  const password = flags.passwordFile
    ? readSecretFile(flags.passwordFile, '--password-file')
    : (process.env['TRINO_PASSWORD'] ?? flags.password);
  return new TrinoHttpClient({
    server: flags.server!,
    user,
    ...(password !== undefined ? { password } : {}),
  });
}

function readSecretFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${flag}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}
