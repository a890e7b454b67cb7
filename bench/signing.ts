/**
 * The cost of signed internal messages: the p50 latency of a tiny query
 * (`select count(*) from tpch.tiny.nation`) on a local cluster whose members sign and check every
 * internal message (the default), against the same cluster with `internal-communication.insecure=true`.
 * Both clusters run at once (one worker with 2 slots each, NATS permissions on both) and take turns,
 * query by query, the first of each pair alternating, so that the machine's noise falls on both alike. Bar: ratio ≤ 1.1 (issue 12).
 * Usage: npm run bench -- signing [--queries 40]
 */
import { QuarryClient } from '@quarry/client';
import { startProcessCluster } from '@quarry/testkit';
import { median, option, round, table } from './_support.js';

const queries = Number(option('queries', '40'));
const WARMUP = 5;
const SQL = 'select count(*) from tpch.tiny.nation';
const BAR = 1.1;

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
    // who goes first alternates: the other cluster's after-query work (event writes, cleanup) falls on both alike
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    for (const k of order) {
      const client = clients[k]!;
      const started = performance.now();
      const result = await client.query(SQL);
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
const ratio = p50[0]! / p50[1]!;
console.log(`\n${SQL}: ${queries} queries per cluster after ${WARMUP} warm-up ones, taking turns\n`);
console.log(
  table(
    ['cluster', 'p50 (ms)', 'min (ms)', 'max (ms)'],
    setups.map((s, k) => [
      s.name,
      round(p50[k]!, 1),
      round(Math.min(...times[k]!), 1),
      round(Math.max(...times[k]!), 1),
    ]),
  ),
);
console.log(
  `\nsigning on / off: ${round(ratio, 3)} (bar ${BAR}) → ${ratio <= BAR ? 'within the bar' : 'OVER THE BAR'}`,
);
console.log(
  JSON.stringify({
    bench: 'signing',
    queries,
    p50OnMs: round(p50[0]!, 1),
    p50OffMs: round(p50[1]!, 1),
    signingRatio: round(ratio, 3),
  }),
);
