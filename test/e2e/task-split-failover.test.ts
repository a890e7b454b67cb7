import { expect } from 'chai';
import type { LocalCluster } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import type { QueryEvent } from '@quarry/protocol';
import { decode } from '@quarry/runtime';
import { EventCollector, startProcessCluster } from '@quarry/testkit';

const SQL =
  'select l_returnflag, l_linestatus, count(*) c, sum(l_quantity) q from tpch.tiny.lineitem group by 1, 2 order by 1, 2';
/**
 * For the `splitfo_` queries: each input row charges 1000 bytes to its task's memory (a scan task of
 * tiny.lineitem, about 30,000 rows, cannot fit the ceiling of 20 MB; a quarter of one can), and
 * every first attempt waits 3 s before its output is committed, so that the tasks a division made
 * are still running when the leader dies.
 */
const INJECTION =
  'query=splitfo_,when=start,action=HOLD_MEMORY,bytes-per-row=1000;query=splitfo_,attempt=0,when=commit,action=DELAY,ms=3000';

type Retrying = Extract<QueryEvent, { type: 'TASK_RETRYING' }>;

/**
 * A task divided at the memory ceiling is recorded so that a new leader goes on with the division:
 * the leader is killed (SIGKILL) while the tasks the division made run; the standby rebuilds the
 * query from Redis with the stage's new split groups, adopts those tasks, and the client gets the
 * rows of an undivided run.
 */
describe('a divided task survives a coordinator failover (real processes)', function () {
  this.timeout(180_000);
  let cluster: LocalCluster;
  let client: QuarryClient;
  let events: EventCollector;
  let store: AttemptStore;

  before(async () => {
    cluster = await startProcessCluster({
      workers: 1,
      slots: 2,
      coordinators: 2,
      prefix: 'splitfo',
      configProperties: {
        'retry-policy': 'TASK',
        'task.max-memory': '10MB',
        'query.max-memory-per-node': '20MB',
        'fault-tolerant-execution-task-memory-growth-factor': '2',
      },
      env: { QUARRY_RETRY_INITIAL_DELAY: '50ms', QUARRY_FAILURE_INJECTION: INJECTION },
    });
    client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'splitfo', timeoutMs: 5000 });
    events = await EventCollector.start(cluster.natsUrl, 'splitfo');
    store = AttemptStore.connect(cluster.redisUrl, 'splitfo', 60);
    const deadline = Date.now() + 30_000;
    while (!(await cluster.leader()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  });

  after(async () => {
    await store?.close();
    await events?.close();
    await client?.close();
    await cluster?.stop();
  });

  it('goes on with the division under the new leader: same rows, the new tasks adopted', async () => {
    const baseline = (await client.query(SQL)).rows;
    const queryId = `splitfo_${randomSuffix(6)}`;
    const handle = await client.submit(SQL, { queryId });
    const split = (await events.waitFor(
      (e) => e.queryId === queryId && e.type === 'TASK_RETRYING' && e.splitInto !== undefined,
      60_000,
    )) as Retrying;
    const stage = split.task.stageId;
    // a task the division made (a partition past the stage's first two) has started
    await events.waitFor(
      (e) =>
        e.queryId === queryId &&
        e.type === 'RUNNING' &&
        e.task?.state === 'RUNNING' &&
        e.task.stageId === stage &&
        e.task.partition >= 2,
      60_000,
    );
    const killed = (await cluster.leader())!;
    const killedAt = Date.now();
    await killed.kill();
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal(baseline);
    const failover = (await events.waitFor(
      (e) => e.queryId === queryId && e.type === 'COORDINATOR_FAILOVER' && e.time >= killedAt,
      5000,
    )) as Extract<QueryEvent, { type: 'COORDINATOR_FAILOVER' }>;
    expect(failover.adoptedTasks, 'the running tasks were taken over').to.be.greaterThan(0);
    // one task record per split group of the plan's record, every one finished
    const { tasks } = await store.attempts(queryId);
    const scanTasks = [...tasks].filter(([field]) => field.startsWith(`0/${stage}.`));
    const blob = await store.redis.getBuffer(`${store.queryKey(queryId)}:plan`);
    const groups = new Map((decode(blob!) as { splits: [number, unknown[][]][] }).splits).get(stage)!;
    expect(scanTasks.length).to.be.greaterThan(2);
    expect(groups.length).to.equal(scanTasks.length);
    for (const [field, t] of scanTasks) expect(t.state, field).to.equal('FINISHED');
  });
});
