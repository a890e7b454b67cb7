/**
 * Stragglers: a TPC-H query under retry policy TASK on 3 workers × 2 slots, where one worker is slow
 * (every task it runs waits `--delay` before it starts: a sick disk or a throttled CPU, injected),
 * against the same query on 3 healthy workers. Three clusters side by side, rounds interleaved:
 * healthy; slow worker with speculative execution on; slow worker with it off. Prints the time
 * ratios to the healthy run (goal for speculation: ≤ 1.3), speculative attempts, and whether the
 * rows were the same.
 * Usage: npm run bench -- straggler [--rounds 3] [--query q03] [--sf sf1] [--delay 3000]
 */
import { readFileSync } from 'node:fs';
import { QuarryClient } from '@quarry/client';
import { randomSuffix } from '@quarry/common';
import { EventCollector, startProcessCluster } from '@quarry/testkit';
import { median, option, round, table } from './_support.js';

const rounds = Number(option('rounds', '3'));
const queryName = option('query', 'q03');
const schema = option('sf', 'sf1');
const delayMs = Number(option('delay', '3000'));
const sql = readFileSync(new URL(`../testdata/tpch/queries/${queryName}.sql`, import.meta.url), 'utf8');
const session = { catalog: 'tpch', schema, retry_policy: 'TASK' };

interface Setup {
  readonly name: string;
  readonly slowWorker: boolean;
  readonly speculation: boolean;
}
const SETUPS: readonly Setup[] = [
  { name: 'healthy', slowWorker: false, speculation: true },
  { name: 'slow worker, speculation on', slowWorker: true, speculation: true },
  { name: 'slow worker, speculation off', slowWorker: true, speculation: false },
];

async function start(setup: Setup, i: number) {
  const prefix = `stb${i}`;
  const cluster = await startProcessCluster({
    workers: 2,
    slots: 2,
    prefix,
    configProperties: {
      'retry-policy': 'TASK',
      'execution.batch.speculative.enabled': String(setup.speculation),
    },
  });
  try {
    await cluster.addWorker(
      setup.slowWorker ? { env: { QUARRY_FAILURE_INJECTION: `when=start,action=DELAY,ms=${delayMs}` } } : {},
    );
    const client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix, timeoutMs: 10_000 });
    const events = await EventCollector.start(cluster.natsUrl, prefix);
    return { setup, cluster, client, events };
  } catch (e) {
    await cluster.stop().catch(() => {});
    throw e;
  }
}

const clusters: Awaited<ReturnType<typeof start>>[] = [];
const runs = new Map<string, { ms: number; rows: string; speculated: number }[]>();
try {
  // one after the other: three clusters starting at once can starve a busy machine; whatever started
  // is stopped below even when a later one fails to start
  for (const [i, setup] of SETUPS.entries()) clusters.push(await start(setup, i));
  for (const c of clusters) await c.client.query(sql, { session }); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const c of clusters) {
      const queryId = `stb_${randomSuffix(6)}`;
      const started = Date.now();
      const result = await c.client.query(sql, { session, queryId });
      const ms = Date.now() - started;
      const speculated = c.events.of(queryId).filter((e) => e.type === 'TASK_SPECULATING').length;
      const list = runs.get(c.setup.name) ?? [];
      list.push({ ms, rows: JSON.stringify(result.rows), speculated });
      runs.set(c.setup.name, list);
    }
  }
} finally {
  for (const c of clusters) {
    await c.events.close().catch(() => {});
    await c.client.close().catch(() => {});
    await c.cluster.stop().catch(() => {});
  }
}

const healthy = runs.get(SETUPS[0]!.name)!;
const healthyMs = median(healthy.map((x) => x.ms));
const reference = healthy[0]!.rows;
const ratioOf = (name: string) => round(median(runs.get(name)!.map((x) => x.ms)) / healthyMs, 3);
const correct = [...runs.values()].every((list) => list.every((x) => x.rows === reference));
console.log(
  `\nTPC-H ${queryName} at ${schema}, 3 workers × 2 slots, retry-policy TASK; the slow worker delays each task ${delayMs} ms\n`,
);
console.log(
  table(
    ['setup', 'median (ms)', 'runs (ms)', 'ratio to healthy', 'speculative attempts', 'same rows'],
    SETUPS.map((s) => {
      const list = runs.get(s.name)!;
      return [
        s.name,
        median(list.map((x) => x.ms)),
        list.map((x) => x.ms).join(' '),
        ratioOf(s.name),
        list.map((x) => x.speculated).join(' '),
        list.every((x) => x.rows === reference) ? 'yes' : 'NO',
      ];
    }),
  ),
);
const ratio = ratioOf(SETUPS[1]!.name);
const ratioWithout = ratioOf(SETUPS[2]!.name);
console.log(
  `\nwith speculation ${ratio}× the healthy run (goal ≤ 1.3), without it ${ratioWithout}×; ${correct ? 'every run returned the same rows' : 'WRONG ROWS in some run'}`,
);
console.log(
  JSON.stringify({
    bench: 'straggler',
    query: queryName,
    sf: schema,
    rounds,
    delayMs,
    ratio,
    ratioWithoutSpeculation: ratioWithout,
    speculated: runs.get(SETUPS[1]!.name)!.reduce((n, x) => n + x.speculated, 0),
    correct,
  }),
);
