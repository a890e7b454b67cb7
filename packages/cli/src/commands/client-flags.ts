import { readFileSync } from 'node:fs';
import { QuarryClient } from '@quarry/client';
import { QuarryError } from '@quarry/common';
import { CapabilityStore } from '../capability-store.js';
import { natsSecurity, natsServers, prefixOf, type CommonFlags } from '../config.js';

/**
 * A client for the commands that talk to a running cluster, holding the capabilities of the queries
 * this user submitted with the CLI (see CapabilityStore) and the admin token when one is given.
 */
export async function connectClient(flags: CommonFlags, timeoutMs = 10_000): Promise<QuarryClient> {
  const adminToken = adminTokenOf(flags);
  const client = await QuarryClient.connect({
    servers: natsServers(flags),
    prefix: prefixOf(flags),
    timeoutMs,
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
