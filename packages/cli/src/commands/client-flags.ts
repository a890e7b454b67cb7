import { QuarryClient } from '@quarry/client';
import { natsSecurity, natsServers, prefixOf, type CommonFlags } from '../config.js';

/** A client for the commands that talk to a running cluster. */
export async function connectClient(flags: CommonFlags, timeoutMs = 10_000): Promise<QuarryClient> {
  return QuarryClient.connect({
    servers: natsServers(flags),
    prefix: prefixOf(flags),
    timeoutMs,
    ...natsSecurity(flags),
  });
}
