import { expect } from 'chai';
import { QuarryError, randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import type { QueryEvent } from '@quarry/protocol';
import { decode } from '@quarry/runtime';
import { EventCollector, startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

/**
 * Beyond Trino (its issue #18025 is open): a task that runs out of memory with the most a task may
 * hold runs again as several smaller tasks, its splits divided among them, and the query goes on
 * with the same rows. Failure injection makes the memory real and proportional to a task's input:
 * each input row charges 1000 bytes to the task's own memory accounting (HOLD_MEMORY), as an
 * operator that cannot spill would. A scan task of tiny.lineitem (about 30,000 rows, 30 MB) cannot
 * fit the ceiling of 20 MB; a quarter of one can.
 */
const SQL =
  'select l_returnflag, l_linestatus, count(*) c, sum(l_quantity) q from tpch.tiny.lineitem group by 1, 2 order by 1, 2';
const MB = 2 ** 20;
const retry = {
  policy: 'TASK' as const,
  queryRetryAttempts: 2,
  taskRetryAttemptsPerTask: 8,
  initialDelayMs: 20,
  maxDelayMs: 100,
  scaleFactor: 2,
};

describe('a task out of memory at the ceiling is split', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;
  let events: EventCollector;
  let store: AttemptStore;
  let baseline: unknown[][];

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 1,
      slots: 2,
      coordinator: {
        taskMemoryBytes: 10 * MB,
        taskMemoryGrowthFactor: 2,
        maxTaskMemoryBytes: 20 * MB,
        retry,
      },
      worker: {
        failureInjection: parseFailureInjection(
          'query=split_,when=start,action=HOLD_MEMORY,bytes-per-row=1000;query=whole_,stage=1,when=start,action=HOLD_MEMORY,bytes-per-row=10000000',
        ),
      },
    });
    events = await EventCollector.start(cluster.servers.nats.url, cluster.prefix);
    store = AttemptStore.connect(cluster.servers.redis.url, cluster.prefix, 60);
    baseline = (await cluster.client.query(SQL)).rows as unknown[][];
  });

  after(async () => {
    await store?.close();
    await events?.close();
    await cluster?.stop();
  });

  it('divides a scan task among smaller tasks: same rows, and the records say so for a new leader', async () => {
    const queryId = `split_${randomSuffix(6)}`;
    const result = await cluster.client.query(SQL, { queryId });
    expect(result.rows).to.deep.equal(baseline);
    const splits = events
      .of(queryId)
      .filter((e): e is Extract<QueryEvent, { type: 'TASK_RETRYING' }> => e.type === 'TASK_RETRYING')
      .filter((e) => e.splitInto !== undefined);
    expect(splits.length, 'tasks divided').to.be.greaterThan(0);
    for (const e of splits) {
      expect(e.splitInto).to.equal(2);
      expect(e.error.code).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
      expect(e.memoryLimitBytes).to.equal(20 * MB);
    }
    // the scan stage has more tasks than its 2 splits made, each finished once
    const stage = splits[0]!.task.stageId;
    const { tasks } = await store.attempts(queryId);
    const scanTasks = [...tasks].filter(([field]) => field.startsWith(`0/${stage}.`));
    expect(scanTasks.length).to.equal(2 + splits.length);
    for (const [field, t] of scanTasks) expect(t.state, field).to.equal('FINISHED');
    // the plan's record holds the new split groups, one per task, as a new leader rebuilds them
    const blob = await store.redis.getBuffer(`${store.queryKey(queryId)}:plan`);
    const plan = decode(blob!) as { splits: [number, unknown[][]][] };
    const groups = new Map(plan.splits).get(stage)!;
    expect(groups.length).to.equal(scanTasks.length);
    expect(groups.every((g) => g.length === 1)).to.equal(true);
  });

  it('refuses to divide a task of a hash-partitioned stage, saying why', async () => {
    const queryId = `whole_${randomSuffix(6)}`;
    const err = (await cluster.client.query(SQL, { queryId }).catch((e: unknown) => e)) as QuarryError;
    expect(err).to.be.instanceOf(QuarryError);
    expect(err.code).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
    expect(err.message).to.match(
      /^Cannot allocate enough memory for task 1\.\d+: .*query\.max-memory-per-node\); it cannot be split: its stage reads a hash partition/,
    );
  });
});
