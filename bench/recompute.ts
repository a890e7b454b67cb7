/**
 * Recompute of lost spooled data: a TPC-H query at SF 1 under retry policy TASK on 3 workers, run
 * without loss and then with one file of a finished stage deleted as soon as that stage finishes
 * (the last producer task's file, which its consumers read last), several rounds side by side. The
 * consumer that cannot read it names it, its producer runs again, then the consumer. Prints the time
 * ratio and whether each run recomputed and returned the same rows.
 * Usage: npm run bench -- recompute [--rounds 3] [--query q03] [--sf sf1]
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { QuarryClient } from '@quarry/client';
import { randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import type { QueryEvent } from '@quarry/protocol';
import { EventCollector, startProcessCluster } from '@quarry/testkit';
import { median, option, round, table } from './_support.js';

const rounds = Number(option('rounds', '3'));
const queryName = option('query', 'q03');
const schema = option('sf', 'sf1');
const sql = readFileSync(new URL(`../testdata/tpch/queries/${queryName}.sql`, import.meta.url), 'utf8');
const session = { catalog: 'tpch', schema, retry_policy: 'TASK' };
type Running = Extract<QueryEvent, { type: 'RUNNING' }>;

const cluster = await startProcessCluster({
  workers: 3,
  slots: 2,
  prefix: 'rcb',
  configProperties: { 'retry-policy': 'TASK' },
});
const client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'rcb', timeoutMs: 10_000 });
const events = await EventCollector.start(cluster.natsUrl, 'rcb');
const store = AttemptStore.connect(cluster.redisUrl, 'rcb', 600);
const results: {
  round: number;
  baselineMs: number;
  lossMs: number;
  recomputed: boolean;
  correct: boolean;
}[] = [];
try {
  await client.query(sql, { session });
  for (let r = 1; r <= rounds; r++) results.push(await runRound(r));
} finally {
  await store.close();
  await events.close();
  await client.close();
  await cluster.stop();
}

async function runRound(r: number) {
  let started = Date.now();
  const baseline = await client.query(sql, { session });
  const baselineMs = Date.now() - started;
  const queryId = `rcb_${randomSuffix(6)}`;
  started = Date.now();
  const handle = await client.submit(sql, { queryId, session });
  const e = (await events.waitFor(
    (x) =>
      x.queryId === queryId &&
      x.type === 'RUNNING' &&
      (x as Running).progress.stages.some((s) => s.stageId !== 0 && s.state === 'FINISHED'),
    120_000,
  )) as Running;
  const stageId = e.progress.stages.find((s) => s.stageId !== 0 && s.state === 'FINISHED')!.stageId;
  const { tasks } = await store.attempts(queryId);
  const files = [...tasks.entries()]
    .filter(([k, t]) => k.startsWith(`0/${stageId}.`) && t.outputs)
    .sort(([a], [b]) => Number(b.split('.')[1]) - Number(a.split('.')[1]))
    .flatMap(([, t]) => JSON.parse(t.outputs!) as { uri: string; bytes: number }[])
    .filter((f) => f.bytes > 0);
  if (files[0]) unlinkSync(fileURLToPath(files[0].uri));
  const result = await handle.result();
  const lossMs = Date.now() - started;
  handle.close();
  const { attempts } = await store.attempts(queryId);
  return {
    round: r,
    baselineMs,
    lossMs,
    recomputed: [...attempts.values()].some((a) => a.state === 'LOST'),
    correct: JSON.stringify(result.rows) === JSON.stringify(baseline.rows),
  };
}

const ratio = round(median(results.map((r) => r.lossMs / r.baselineMs)), 3);
const correct = results.every((r) => r.correct);
console.log(
  `\nTPC-H ${queryName} at ${schema}, 3 workers × 2 slots, retry-policy TASK; one spooled file deleted when its stage finished\n`,
);
console.log(
  table(
    ['round', 'without loss (ms)', 'with a lost file (ms)', 'ratio', 'producer recomputed', 'same rows'],
    results.map((r) => [
      r.round,
      r.baselineMs,
      r.lossMs,
      round(r.lossMs / r.baselineMs, 3),
      r.recomputed ? 'yes' : 'no',
      r.correct ? 'yes' : 'NO',
    ]),
  ),
);
console.log(
  `\ntime ratio median ${ratio}; ${correct ? 'every run returned the same rows' : 'WRONG ROWS in some run'}`,
);
console.log(
  JSON.stringify({
    bench: 'recompute',
    query: queryName,
    sf: schema,
    rounds,
    ratio,
    recomputed: results.filter((r) => r.recomputed).length,
    correct,
  }),
);
