/**
 * Per-query overhead: the p50 end-to-end latency (client submission to last row) of a one-stage
 * query and of a 3-stage join over `tpch.tiny`, under retry policies NONE and TASK, on a local
 * cluster of real processes (a coordinator and `--workers` workers with 2 slots each). The queries
 * take turns, so the machine's noise falls on all alike; each answer is checked.
 *
 *   npm run bench -- latency [--queries 40] [--workers 2]
 *
 * Bar (issue 16): 3-stage tiny join p50 ≤ 30 ms. The last line of output is one JSON object.
 */
import { QuarryClient } from '@quarry/client';
import { startProcessCluster } from '@quarry/testkit';
import { median, option, round, table } from './_support.js';

const queries = Number(option('queries', '40'));
const workerCount = Number(option('workers', '2'));
const WARMUP = 5;
const BAR_MS = 30;

interface Case {
  readonly name: string;
  readonly sql: string;
  readonly expect: string;
}

const CASES: readonly Case[] = [
  { name: 'one-stage', sql: 'select count(*) from tpch.tiny.nation', expect: '[[25]]' },
  {
    // scan of nation with region broadcast into it → partial aggregation → hash exchange → final
    // aggregation → gathered, ordered output: three stages
    name: '3-stage join',
    sql:
      'select r.r_name, count(*) from tpch.tiny.nation n join tpch.tiny.region r ' +
      'on n.n_regionkey = r.r_regionkey group by r.r_name order by r.r_name',
    expect: '[["AFRICA",5],["AMERICA",5],["ASIA",5],["EUROPE",5],["MIDDLE EAST",5]]',
  },
];
const POLICIES = ['NONE', 'TASK'] as const;

const cluster = await startProcessCluster({ workers: workerCount, slots: 2, prefix: 'latency' });
const client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'latency' });
const times = new Map<string, number[]>();
try {
  const runs = CASES.flatMap((c) => POLICIES.map((p) => ({ c, p, key: `${c.name} ${p}` })));
  for (let i = 0; i < WARMUP + queries; i++) {
    const order = i % 2 === 0 ? runs : [...runs].reverse();
    for (const { c, p, key } of order) {
      const started = performance.now();
      const result = await client.query(c.sql, { session: { retry_policy: p } });
      const ms = performance.now() - started;
      const got = JSON.stringify(
        result.rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v))),
      );
      if (got !== c.expect) throw new Error(`${key}: wrong result ${got}, expected ${c.expect}`);
      if (i >= WARMUP) times.set(key, [...(times.get(key) ?? []), ms]);
    }
  }
} finally {
  await client.close().catch(() => {});
  await cluster.stop().catch(() => {});
}

const rows = [...times].map(([key, t]) => [
  key,
  round(median(t), 1),
  round(Math.min(...t), 1),
  round(Math.max(...t), 1),
]);
console.log(`\n${queries} queries each after ${WARMUP} warm-up ones, taking turns\n`);
console.log(table(['query', 'p50 (ms)', 'min (ms)', 'max (ms)'], rows));
const p50 = (key: string) => round(median(times.get(key)!), 1);
const join = Math.max(p50('3-stage join NONE'), p50('3-stage join TASK'));
console.log(
  `\n3-stage join p50 ${join} ms (bar ${BAR_MS}) → ${join <= BAR_MS ? 'within the bar' : 'OVER THE BAR'}`,
);
console.log(
  JSON.stringify({
    bench: 'latency',
    queries,
    oneStageNoneMs: p50('one-stage NONE'),
    oneStageTaskMs: p50('one-stage TASK'),
    joinNoneMs: p50('3-stage join NONE'),
    joinTaskMs: p50('3-stage join TASK'),
  }),
);
