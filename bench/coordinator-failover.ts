/**
 * Coordinator failover: a multi-stage TPC-H query at SF 1 on 2 coordinators and 3 workers under
 * retry policy TASK, run without failure and then with the leading coordinator killed (`kill -9`)
 * at about half of the failure-free time, several rounds side by side. Prints the takeover time —
 * from the kill to the new leader's COORDINATOR_FAILOVER event, sent once it has rebuilt the query
 * and goes on scheduling — and the ratio of the failover run's time to the failure-free run's.
 * Goals: takeover ≤ 2 s, ratio ≤ 1.3; every failover run returns the failure-free run's rows.
 * Usage: npm run bench -- coordinator-failover [--rounds 3] [--query q03] [--sf sf1] [--at 0.5]
 */
import { readFileSync } from 'node:fs';
import { QuarryClient } from '@quarry/client';
import { randomSuffix } from '@quarry/common';
import { EventCollector, startProcessCluster } from '@quarry/testkit';
import { median, option, round, table } from './_support.js';

const rounds = Number(option('rounds', '3'));
const queryName = option('query', 'q03');
const schema = option('sf', 'sf1');
const at = Number(option('at', '0.5'));
const TAKEOVER_GOAL_MS = 2000;
const RATIO_GOAL = 1.3;
const sql = readFileSync(new URL(`../testdata/tpch/queries/${queryName}.sql`, import.meta.url), 'utf8');
const session = { catalog: 'tpch', schema, retry_policy: 'TASK' };

interface Round {
  readonly round: number;
  readonly baselineMs: number;
  readonly failoverMs: number;
  readonly takeoverMs: number;
  readonly adopted: number;
  readonly correct: boolean;
}

const cluster = await startProcessCluster({
  workers: 3,
  slots: 2,
  coordinators: 2,
  prefix: 'cfo',
  configProperties: { 'retry-policy': 'TASK' },
});
const client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'cfo', timeoutMs: 10_000 });
const events = await EventCollector.start(cluster.natsUrl, 'cfo');
const results: Round[] = [];
try {
  await client.query(sql, { session }); // warm up: first-run costs out of the measured rounds
  for (let r = 1; r <= rounds; r++) results.push(await runRound(r));
} finally {
  await events.close();
  await client.close();
  await cluster.stop();
}

async function runRound(r: number): Promise<Round> {
  let started = Date.now();
  const baseline = await client.query(sql, { session });
  const baselineMs = Date.now() - started;
  const leader = (await cluster.leader())!;
  const queryId = `cfo_${randomSuffix(6)}`;
  started = Date.now();
  const handle = await client.submit(sql, { queryId, session });
  await new Promise((resolve) => setTimeout(resolve, Math.round(baselineMs * at)));
  const killedAt = Date.now();
  await leader.kill();
  const result = await handle.result();
  const failoverMs = Date.now() - started;
  handle.close();
  const failover = await events.waitFor(
    (e) => e.queryId === queryId && e.type === 'COORDINATOR_FAILOVER',
    10_000,
  );
  await cluster.startCoordinator();
  return {
    round: r,
    baselineMs,
    failoverMs,
    takeoverMs: failover.time - killedAt,
    adopted: failover.type === 'COORDINATOR_FAILOVER' ? failover.adoptedTasks : 0,
    correct: JSON.stringify(result.rows) === JSON.stringify(baseline.rows),
  };
}

const takeoverMs = median(results.map((r) => r.takeoverMs));
const ratio = round(median(results.map((r) => r.failoverMs / r.baselineMs)), 3);
const correct = results.every((r) => r.correct);
console.log(
  `\nTPC-H ${queryName} at ${schema}, 2 coordinators, 3 workers × 2 slots, retry-policy TASK; leader killed (kill -9) at ${at * 100} % of the failure-free time\n`,
);
console.log(
  table(
    [
      'round',
      'without failure (ms)',
      'with failover (ms)',
      'ratio',
      'takeover (ms)',
      'tasks adopted',
      'same rows',
    ],
    results.map((r) => [
      r.round,
      r.baselineMs,
      r.failoverMs,
      round(r.failoverMs / r.baselineMs, 3),
      r.takeoverMs,
      r.adopted,
      r.correct ? 'yes' : 'NO',
    ]),
  ),
);
console.log(
  `\ntakeover median ${takeoverMs} ms (goal ≤ ${TAKEOVER_GOAL_MS}), time ratio median ${ratio} (goal ≤ ${RATIO_GOAL}), ` +
    `${correct ? 'every run returned the same rows' : 'WRONG ROWS in some run'}`,
);
console.log(
  JSON.stringify({
    bench: 'coordinator-failover',
    query: queryName,
    sf: schema,
    rounds,
    takeoverMs,
    takeoverMaxMs: Math.max(...results.map((r) => r.takeoverMs)),
    ratio,
    baselineMedianMs: median(results.map((r) => r.baselineMs)),
    failoverMedianMs: median(results.map((r) => r.failoverMs)),
    correct,
  }),
);
