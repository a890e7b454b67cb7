/**
 * Recovery: a multi-stage query on 3 workers with one of them killed (kill -9) at about half of its
 * failure-free run time, against the same query without failure, in the same run, alternating.
 * Bar: ≤ 2× the failure-free time. Usage: npm run bench -- recovery [--rounds 2] [--sf 10]
 */
import { QuarryClient } from '@quarry/client';
import { randomSuffix } from '@quarry/common';
import type { QueryEvent } from '@quarry/protocol';
import { EventCollector, startProcessCluster } from '@quarry/testkit';
import { median, option, round, table } from './_support.js';

const rounds = Number(option('rounds', '2'));
const sf = option('sf', '10');
const BAR = 2;
const SQL = `select l_returnflag, l_linestatus, count(*), sum(l_quantity), sum(l_extendedprice), avg(l_discount) from tpch.sf${sf}.lineitem group by 1, 2 order by 1, 2`;
const SETTINGS = {
  'retry-policy': 'TASK',
  'task-retry-attempts-per-task': '4',
  'retry-initial-delay': '10s (not applied to a lost worker’s tasks: they are retried at once)',
  'worker.heartbeat-interval': '500ms',
  'failure-detector.heartbeat-timeout': '1.5s',
};
type Running = Extract<QueryEvent, { type: 'RUNNING' }>;

const cluster = await startProcessCluster({
  workers: 3,
  slots: 2,
  prefix: 'recover',
  env: { QUARRY_RETRY_POLICY: 'TASK' },
});
const client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'recover', timeoutMs: 60_000 });
const events = await EventCollector.start(cluster.natsUrl, 'recover');
const rows: { round: number; cleanMs: number; failedMs: number; killedAtMs: number; retried: number }[] = [];
let reference: unknown;
try {
  await client.query(SQL); // warm-up
  for (let r = 1; r <= rounds; r++) {
    const t0 = Date.now();
    const clean = await client.query(SQL);
    const cleanMs = Date.now() - t0;
    reference ??= JSON.stringify(clean.rows);

    const queryId = `rec_${randomSuffix(6)}`;
    const t1 = Date.now();
    const handle = await client.submit(SQL, { queryId });
    await new Promise((res) => setTimeout(res, cleanMs / 2));
    const busy = events
      .of(queryId)
      .filter((e): e is Running => e.type === 'RUNNING' && e.task?.state === 'RUNNING')
      .at(-1)?.task?.workerId;
    const victim =
      cluster.workers.find(
        (w) => w.name === busy && w.process.exitCode === null && w.process.signalCode === null,
      ) ?? cluster.workers.find((w) => w.process.signalCode === null)!;
    await victim.kill();
    const killedAtMs = Date.now() - t1;
    const result = await handle.result();
    const failedMs = Date.now() - t1;
    handle.close();
    if (JSON.stringify(result.rows) !== reference)
      throw new Error(`round ${r}: rows after the failure differ from the failure-free run`);
    const retried = events.of(queryId).filter((e) => e.type === 'TASK_RETRYING').length;
    rows.push({ round: r, cleanMs, failedMs, killedAtMs, retried });
    await cluster.addWorker();
    await cluster.waitForWorkers(3);
  }
} finally {
  await events.close();
  await client.close();
  await cluster.stop();
}

console.log(
  `\nquery: ${SQL}\ncluster: 3 workers × 2 slots; settings: ${Object.entries(SETTINGS)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}\n`,
);
console.log(
  table(
    ['round', 'no failure (ms)', 'worker killed (ms)', 'killed at (ms)', 'tasks retried', 'ratio'],
    rows.map((r) => [r.round, r.cleanMs, r.failedMs, r.killedAtMs, r.retried, round(r.failedMs / r.cleanMs)]),
  ),
);
const ratio = round(median(rows.map((r) => r.failedMs / r.cleanMs)));
console.log(
  `\nmedian ratio ${ratio} (bar ≤ ${BAR}) → ${ratio <= BAR ? 'within the bar' : 'OVER THE BAR'}; rows identical to the failure-free run in every round`,
);
console.log(
  JSON.stringify({
    bench: 'recovery',
    sf: Number(sf),
    rounds: rows.length,
    ratio,
    cleanMs: median(rows.map((r) => r.cleanMs)),
    failedMs: median(rows.map((r) => r.failedMs)),
    bar: BAR,
  }),
);
