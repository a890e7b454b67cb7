import { expect } from 'chai';
import { QuarryError, randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import type { QueryEvent } from '@quarry/protocol';
import { EventCollector, startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { DEFAULT_SPILL } from '@quarry/worker';

/**
 * As in Trino's fault-tolerant execution, a task that runs out of memory under retry policy TASK
 * runs again with `fault-tolerant-execution-task-memory-growth-factor` times the memory, up to
 * `query.max-memory-per-node`, and in a task thread whose heap fits it; under NONE the query fails.
 * The workers do not spill (`spill-enabled=false`): with spilling the aggregation would fit.
 */
const SQL = 'select l_orderkey, count(*) c from tpch.tiny.lineitem group by 1 order by 2 desc, 1 limit 3';
const START = 48 * 1024;
const GROWTH = 6400;
const MAX = 512 * 1024 * 1024;

describe('task memory grows after running out, under TASK', function () {
  this.timeout(90_000);
  let cluster: InProcessCluster;
  let events: EventCollector;
  let store: AttemptStore;
  let baseline: unknown[][];

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      slots: 2,
      worker: { spill: { ...DEFAULT_SPILL, enabled: false } },
      coordinator: {
        taskMemoryBytes: START,
        taskMemoryGrowthFactor: GROWTH,
        maxTaskMemoryBytes: MAX,
        retry: {
          policy: 'NONE',
          queryRetryAttempts: 2,
          taskRetryAttemptsPerTask: 4,
          initialDelayMs: 20,
          maxDelayMs: 100,
          scaleFactor: 2,
        },
      },
    });
    events = await EventCollector.start(cluster.servers.nats.url, cluster.prefix);
    store = AttemptStore.connect(cluster.servers.redis.url, cluster.prefix, 60);
    // the rows, from a cluster whose tasks have room
    const roomy = await startInProcessCluster({ workers: 1, slots: 2, servers: cluster.servers });
    baseline = (await roomy.client.query(SQL)).rows as unknown[][];
    await roomy.stop();
  });

  after(async () => {
    await store?.close();
    await events?.close();
    await cluster?.stop();
  });

  it('fails under NONE: the limit is real', async () => {
    const err = (await cluster.client.query(SQL).catch((e: unknown) => e)) as QuarryError;
    expect(err).to.be.instanceOf(QuarryError);
    expect(err.code).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
  });

  it('finishes under TASK, each retry of a task that ran out holding more memory, in a thread with a heap to match', async () => {
    expect(cluster.workers.flatMap((w) => w.threadHeapLimitsMb)).to.deep.equal([768, 768, 768, 768]);
    const queryId = `grow_${randomSuffix(6)}`;
    const result = await cluster.client.query(SQL, { queryId, session: { retry_policy: 'TASK' } });
    expect(result.rows).to.deep.equal(baseline);
    const retries = events
      .of(queryId)
      .filter((e): e is Extract<QueryEvent, { type: 'TASK_RETRYING' }> => e.type === 'TASK_RETRYING');
    expect(retries.length).to.be.greaterThan(0);
    for (const r of retries) {
      expect(r.error.code).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
      // after attempt n failed, the task may hold START × GROWTH^(n+1), at most MAX
      expect(r.memoryLimitBytes, r.task.taskId).to.equal(
        Math.min(MAX, START * GROWTH ** (r.task.attempt + 1)),
      );
    }
    const { attempts } = await store.attempts(queryId);
    const failed = [...attempts.values()].filter((a) => a.state === 'FAILED');
    expect(failed.length).to.equal(retries.length);
    expect(failed.every((a) => a.error?.code === 'EXCEEDED_LOCAL_MEMORY_LIMIT')).to.equal(true);
    // the test kit's workers make threads for 256 MB tasks (768 MB heaps); 300 MB of task memory
    // needs a heap of 3 × that: the retries ran in threads made for it
    expect(cluster.workers.flatMap((w) => w.threadHeapLimitsMb)).to.include(
      Math.ceil((3 * START * GROWTH) / 2 ** 20),
    );
  });

  it('fails at once a task that ran out of memory at the ceiling, instead of retrying the same limit', async () => {
    // the ceiling is one growth step above the start: the second attempt out of memory is the last
    const capped = await startInProcessCluster({
      workers: 1,
      slots: 2,
      servers: cluster.servers,
      worker: { spill: { ...DEFAULT_SPILL, enabled: false } },
      coordinator: {
        taskMemoryBytes: START,
        taskMemoryGrowthFactor: 2,
        maxTaskMemoryBytes: 2 * START,
        retry: {
          policy: 'TASK',
          queryRetryAttempts: 2,
          taskRetryAttemptsPerTask: 4,
          initialDelayMs: 20,
          maxDelayMs: 100,
          scaleFactor: 2,
        },
      },
    });
    const cappedEvents = await EventCollector.start(cluster.servers.nats.url, capped.prefix);
    try {
      const queryId = `cap_${randomSuffix(6)}`;
      const err = (await capped.client.query(SQL, { queryId }).catch((e: unknown) => e)) as QuarryError;
      expect(err).to.be.instanceOf(QuarryError);
      expect(err.code).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
      expect(err.message).to.match(
        /Cannot allocate enough memory for task \d+\.\d+: .*query\.max-memory-per-node/,
      );
      // no task ran more than twice: at the start, then at the ceiling (4 retries were allowed)
      const failed = cappedEvents
        .of(queryId)
        .filter((e): e is Extract<QueryEvent, { type: 'TASK_FAILED' }> => e.type === 'TASK_FAILED');
      expect(failed.length).to.be.greaterThan(0);
      expect(Math.max(...failed.map((e) => e.task.attempt))).to.be.at.most(1);
    } finally {
      await cappedEvents.close();
      await capped.stop();
    }
  });

  it('starts tasks from session fault_tolerant_execution_task_memory, as Trino does', async () => {
    const queryId = `sess_${randomSuffix(6)}`;
    const result = await cluster.client.query(SQL, {
      queryId,
      session: { retry_policy: 'TASK', fault_tolerant_execution_task_memory: '300MB' },
    });
    expect(result.rows).to.deep.equal(baseline);
    expect(
      events.of(queryId).filter((e) => e.type === 'TASK_FAILED'),
      'no task ran out of its 48 kB: they started with 300 MB',
    ).to.deep.equal([]);
    const bad = (await cluster.client
      .query(SQL, { session: { fault_tolerant_execution_task_memory: 'lots' } })
      .catch((e: unknown) => e)) as QuarryError;
    expect(bad.code).to.equal('INVALID_SESSION_PROPERTY');
  });
});
