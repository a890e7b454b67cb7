/**
 * Failure detection, on an idle machine and on a loaded one.
 * - kill -9 rounds: the time from `kill -9` of a busy worker to its being declared dead and to its
 *   task running again on another worker, at default settings (heartbeat 500 ms, suspicion after
 *   1 s of silence, then a direct probe; retry policy TASK). Bar: task running again ≤ 2 s.
 * - loaded run (`--load-seconds`, default 60; 0 skips it): one CPU-bound process per core beside
 *   the cluster while queries run back to back under retry policy NONE; every worker the coordinator
 *   declares dead meanwhile is a false alarm (must be 0). Then kill -9 rounds under the same load.
 * Usage: npm run bench -- detection [--rounds 5] [--load-seconds 60]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { LocalCluster } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { randomSuffix } from '@quarry/common';
import type { QueryEvent } from '@quarry/protocol';
import { EventCollector, startProcessCluster } from '@quarry/testkit';
import { median, option, round, table } from './_support.js';

const rounds = Number(option('rounds', '5'));
const loadSeconds = Number(option('load-seconds', '60'));
const BAR_MS = 2000;
const LOAD_SQL =
  "select count(*), sum(l_extendedprice) from tpch.sf1.lineitem where l_comment like '%furiously%'";
type Running = Extract<QueryEvent, { type: 'RUNNING' }>;
interface Round {
  readonly phase: string;
  readonly round: number;
  readonly victim: string;
  readonly detectedMs: number;
  readonly rerunMs: number;
}

const cluster = await startProcessCluster({
  workers: 2,
  slots: 1,
  prefix: 'detect',
  // first attempts of leaf tasks sleep 15 s mid-task: the victim is surely busy when killed
  env: {
    QUARRY_RETRY_POLICY: 'TASK',
    QUARRY_FAILURE_INJECTION: 'query=det_,stage=1,attempt=0,when=midway,action=DELAY,ms=15000',
  },
});
const client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'detect' });
const events = await EventCollector.start(cluster.natsUrl, 'detect');
const results: Round[] = [];
let load: { seconds: number; queries: number; failed: number; falseAlarms: number } | undefined;
try {
  for (let r = 1; r <= rounds; r++) results.push(await killRound('idle', r));
  if (loadSeconds > 0) {
    const hogs = startHogs();
    try {
      load = await loadedRun(loadSeconds * 1000);
      for (let r = 1; r <= rounds; r++) results.push(await killRound('loaded', r));
    } finally {
      for (const h of hogs) h.kill('SIGKILL');
    }
  }
} finally {
  await events.close();
  await client.close();
  await cluster.stop();
}

/**
 * Two workers of one slot run a query's two leaf tasks (busy for 15 s: long enough for a process to
 * start on a loaded machine); a third, idle one joins to take over; one busy worker is killed.
 */
async function killRound(phase: string, r: number): Promise<Round> {
  const queryId = `det_${randomSuffix(6)}`;
  const handle = await client.submit('select count(*) from tpch.tiny.orders', { queryId });
  const first = (await events.waitFor(
    (e) => e.queryId === queryId && e.type === 'RUNNING' && (e as Running).task?.state === 'RUNNING',
    60_000,
  )) as Running;
  await cluster.addWorker({ slots: 1 });
  await cluster.waitForWorkers(3, 60_000);
  const victimName = first.task!.workerId;
  const victim = cluster.workers.find((w) => w.name === victimName)!;
  const killedAt = Date.now();
  await victim.kill();
  const lost = await events.waitFor((e) => e.queryId === queryId && e.type === 'WORKER_LOST', 60_000);
  const rerun = `${first.task!.stageId}.${first.task!.partition}.1`;
  const again = await events.waitFor(
    (e) =>
      e.queryId === queryId &&
      e.type === 'RUNNING' &&
      (e as Running).task?.taskId === rerun &&
      (e as Running).task?.state === 'RUNNING',
    60_000,
  );
  await handle.done();
  handle.close();
  await cluster.waitForWorkers(2);
  return {
    phase,
    round: r,
    victim: victimName,
    detectedMs: lost.time - killedAt,
    rerunMs: again.time - killedAt,
  };
}

/** Queries back to back under NONE beside the hogs; workers declared dead meanwhile are false alarms. */
async function loadedRun(ms: number) {
  const lostBefore = workersLost(cluster);
  const until = Date.now() + ms;
  let queries = 0;
  let failed = 0;
  while (Date.now() < until) {
    queries++;
    await client.query(LOAD_SQL, { session: { retry_policy: 'NONE' } }).catch(() => failed++);
  }
  return { seconds: ms / 1000, queries, failed, falseAlarms: workersLost(cluster) - lostBefore };
}

/** Workers the coordinator declared dead so far, from its log. */
function workersLost(c: LocalCluster): number {
  return readFileSync(c.coordinator!.logFile!, 'utf8')
    .split('\n')
    .filter((l) => l.includes('worker lost')).length;
}

function startHogs(): ChildProcess[] {
  return Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', 'for (;;) Math.sqrt(Math.random());'], { stdio: 'ignore' }),
  );
}

const summary = (phase: string) => {
  const of = results.filter((r) => r.phase === phase);
  if (of.length === 0) return undefined;
  return {
    detectedMedianMs: median(of.map((r) => r.detectedMs)),
    medianMs: median(of.map((r) => r.rerunMs)),
    maxMs: Math.max(...of.map((r) => r.rerunMs)),
  };
};
const idle = summary('idle')!;
const loaded = summary('loaded');

console.log(
  '\nkill -9 of a busy worker → declared dead → its task running again elsewhere (retry-policy TASK)\n',
);
console.log(
  table(
    ['phase', 'round', 'victim', 'declared dead (ms)', 'task running again (ms)'],
    results.map((r) => [r.phase, r.round, r.victim, r.detectedMs, r.rerunMs]),
  ),
);
if (load) {
  console.log(
    `\nloaded run: ${availableParallelism()} CPU hogs, ${load.seconds} s, ${load.queries} queries under NONE ` +
      `(${load.failed} failed), workers wrongly declared dead: ${load.falseAlarms}`,
  );
}
console.log(
  `\nidle: median ${idle.medianMs} ms, max ${idle.maxMs} ms` +
    (loaded ? `; loaded: median ${loaded.medianMs} ms, max ${loaded.maxMs} ms` : '') +
    `; bar ${BAR_MS} ms → ${idle.medianMs <= BAR_MS && idle.maxMs <= BAR_MS ? 'within the bar' : 'OVER THE BAR'}`,
);
console.log(
  JSON.stringify({
    bench: 'detection',
    rounds,
    medianMs: idle.medianMs,
    maxMs: idle.maxMs,
    detectedMedianMs: idle.detectedMedianMs,
    barMs: BAR_MS,
    ratio: round(idle.medianMs / BAR_MS, 3),
    ...(loaded
      ? {
          loadedMedianMs: loaded.medianMs,
          loadedMaxMs: loaded.maxMs,
          loadedDetectedMedianMs: loaded.detectedMedianMs,
        }
      : {}),
    ...(load
      ? { falseAlarms: load.falseAlarms, loadedQueries: load.queries, loadedFailedQueries: load.failed }
      : {}),
  }),
);
