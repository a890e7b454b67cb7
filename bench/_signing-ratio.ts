/**
 * The p50 latency of a tiny query on a local cluster whose members sign and check every internal
 * message (the default), against the same cluster with `internal-communication.insecure=true`. Both
 * clusters run at once (one worker with 2 slots each, NATS permissions on both) and take turns,
 * query by query, the first of each pair alternating, so that the machine's noise falls on both alike.
 * Used by the `signing` and `fuzz` benchmarks.
 */
import { QuarryClient } from '@quarry/client';
import { startProcessCluster } from '@quarry/testkit';
import { median } from './_support.js';

const WARMUP = 5;
export const SIGNING_SQL = 'select count(*) from tpch.tiny.nation';

export interface SigningFigures {
  readonly names: readonly string[];
  readonly times: readonly (readonly number[])[];
  readonly p50: readonly number[];
  readonly ratio: number;
}

export async function measureSigningRatio(queries: number): Promise<SigningFigures> {
  const setups: { name: string; prefix: string; env: Record<string, string> }[] = [
    { name: 'signing on', prefix: 'signon', env: {} },
    {
      name: 'signing off',
      prefix: 'signoff',
      env: { QUARRY_SHARED_SECRET: '', QUARRY_INTERNAL_COMMUNICATION_INSECURE: 'true' },
    },
  ];
  const clusters = [];
  const clients: QuarryClient[] = [];
  const times: number[][] = setups.map(() => []);
  try {
    for (const s of setups) {
      const cluster = await startProcessCluster({ workers: 1, slots: 2, prefix: s.prefix, env: s.env });
      clusters.push(cluster);
      clients.push(await QuarryClient.connect({ servers: cluster.natsUrl, prefix: s.prefix }));
    }
    for (let i = 0; i < WARMUP + queries; i++) {
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) {
        const started = performance.now();
        const result = await clients[k]!.query(SIGNING_SQL);
        const ms = performance.now() - started;
        if (result.rows[0]?.[0] !== 25)
          throw new Error(`${setups[k]!.name}: wrong result ${JSON.stringify(result.rows)}`);
        if (i >= WARMUP) times[k]!.push(ms);
      }
    }
  } finally {
    for (const c of clients) await c.close().catch(() => {});
    for (const c of clusters) await c.stop().catch(() => {});
  }
  const p50 = times.map((t) => median(t));
  return { names: setups.map((s) => s.name), times, p50, ratio: p50[0]! / p50[1]! };
}
