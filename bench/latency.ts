/**
 * Per-query overhead: the p50 end-to-end latency (client submission to last row) of a one-stage
 * query and of a 3-stage join over `tpch.tiny`, under retry policies NONE and TASK, on a local
 * cluster of real processes (a coordinator and `--workers` workers with 2 slots each). The queries
 * take turns, so the machine's noise falls on all alike; each answer is checked.
 *
 *   npm run bench -- latency [--queries 40] [--workers 2] [--timeline] [--inline-max-size 64kB]
 *
 * `--inline-max-size`: the cluster's `exchange.sink-inline-max-size` (0B: every output spooled
 * to a file, as before inlining), to compare runs.
 * `--timeline`: instead of measuring, the cluster logs its trace marks (QUARRY_LOG_LEVEL=trace)
 * and, after the warm-up, one query of each kind under each policy is printed as a timeline:
 * submission, planning, hand-overs, task threads, exchange writes, reports, result pages.
 *
 * Bar (issue 16): 3-stage tiny join p50 ≤ 30 ms. The last line of output is one JSON object.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { QuarryClient } from '@quarry/client';
import { newQueryId } from '@quarry/common';
import { startProcessCluster } from '@quarry/testkit';
import { median, option, round, table } from './_support.js';
import { loggedMarks, printTimeline, tracedQuery } from './_timeline.js';

const queries = Number(option('queries', '40'));
const workerCount = Number(option('workers', '2'));
const timeline = process.argv.includes('--timeline');
const inlineMaxSize = option('inline-max-size', '');
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

const cluster = await startProcessCluster({
  workers: workerCount,
  slots: 2,
  prefix: 'latency',
  ...(timeline ? { env: { QUARRY_LOG_LEVEL: 'trace', QUARRY_LOG_FORMAT: 'json' } } : {}),
  ...(inlineMaxSize
    ? {
        configProperties: {},
        exchangeProperties: {
          'exchange.base-directories': mkdtempSync(joinPath(tmpdir(), 'latency-exchange-')),
          'exchange.sink-inline-max-size': inlineMaxSize,
        },
      }
    : {}),
});
const client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'latency' });
const times = new Map<string, number[]>();
try {
  const runs = CASES.flatMap((c) => POLICIES.map((p) => ({ c, p, key: `${c.name} ${p}` })));
  for (let i = 0; i < WARMUP + (timeline ? 0 : queries); i++) {
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
  if (timeline) await printTimelines(runs);
} finally {
  await client.close().catch(() => {});
  await cluster.stop().catch(() => {});
}

if (timeline) process.exit(0);

/** One traced query of each kind, then its timeline from the client's marks and the cluster's logs. */
async function printTimelines(runs: readonly { c: Case; p: string; key: string }[]): Promise<void> {
  const traced: { key: string; queryId: string; client: Awaited<ReturnType<typeof tracedQuery>> }[] = [];
  for (const { c, p, key } of runs) {
    const queryId = newQueryId();
    traced.push({
      key,
      queryId,
      client: await tracedQuery(client, c.sql, { queryId, session: { retry_policy: p } }),
    });
  }
  await new Promise((r) => setTimeout(r, 500)); // the processes' logs are written asynchronously
  for (const t of traced)
    printTimeline(`${t.key} (${t.queryId})`, [
      ...t.client,
      ...loggedMarks(joinPath(cluster.dir, 'logs'), t.queryId),
    ]);
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
