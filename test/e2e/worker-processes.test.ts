import { expect } from 'chai';
import type { LocalCluster } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import type { QueryEvent } from '@quarry/protocol';
import { EventCollector, startProcessCluster } from '@quarry/testkit';

const SQL =
  'select l_returnflag, l_linestatus, count(*) c, sum(l_quantity) q, sum(l_extendedprice) p from tpch.tiny.lineitem group by 1, 2 order by 1, 2';
/**
 * First attempts of leaf tasks take 2 s more, so that a worker can be killed or stopped while they
 * run; 8 s for the query a new worker joins, since a process starts slowly on a busy machine and
 * must be there before the next stage's tasks are handed out.
 */
const INJECTION = [
  ['join_', 8000],
  ['kill_', 2000],
  ['drain_', 2000],
]
  .map(([q, ms]) => `query=${q},stage=2,attempt=0,when=midway,action=DELAY,ms=${ms}`)
  .join(';');

type Running = Extract<QueryEvent, { type: 'RUNNING' }>;

/**
 * Real worker processes: one joins while a query runs and gets tasks; one is killed with SIGKILL
 * in the middle of a multi-stage query under retry policy TASK and the query still returns the rows of
 * a failure-free run; one gets SIGTERM, drains (its running tasks finish) and leaves without any
 * attempt failing.
 */
describe('worker processes joining, killed, and draining', function () {
  this.timeout(120_000);
  let cluster: LocalCluster;
  let client: QuarryClient;
  let events: EventCollector;
  let store: AttemptStore;
  let baseline: unknown[][];

  before(async () => {
    cluster = await startProcessCluster({
      workers: 2,
      slots: 2,
      prefix: 'procs',
      env: {
        QUARRY_RETRY_POLICY: 'TASK',
        QUARRY_RETRY_INITIAL_DELAY: '100ms',
        QUARRY_FAILURE_INJECTION: INJECTION,
      },
    });
    client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'procs' });
    events = await EventCollector.start(cluster.natsUrl, 'procs');
    store = AttemptStore.connect(cluster.redisUrl, 'procs', 60);
    baseline = (await client.query(SQL)).rows as unknown[][];
  });

  after(async () => {
    await store?.close();
    await events?.close();
    await client?.close();
    await cluster?.stop();
  });

  const taskOn = (queryId: string, workerId: string) => (e: QueryEvent) =>
    e.queryId === queryId &&
    e.type === 'RUNNING' &&
    (e as Running).task?.workerId === workerId &&
    (e as Running).task?.state === 'RUNNING';

  it('gives tasks to a worker that joins while the query runs', async () => {
    const queryId = `join_${randomSuffix(6)}`;
    const handle = await client.submit(SQL, { queryId, session: { hash_partition_count: 6 } });
    await cluster.addWorker();
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal(baseline);
    await events.waitFor(taskOn(queryId, 'worker-3'), 1000);
  });

  it('survives kill -9 of a worker in the middle of a query, under TASK', async () => {
    const queryId = `kill_${randomSuffix(6)}`;
    const handle = await client.submit(SQL, { queryId });
    await events.waitFor(taskOn(queryId, 'worker-2'));
    const victim = cluster.workers.find((w) => w.name === 'worker-2')!;
    await victim.kill();
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal(baseline);
    const lost = events
      .of(queryId)
      .find((e): e is Extract<QueryEvent, { type: 'WORKER_LOST' }> => e.type === 'WORKER_LOST');
    expect(lost?.workerId).to.equal('worker-2');
    expect(lost!.tasks.length).to.be.greaterThan(0);
    const { attempts } = await store.attempts(queryId);
    // every task the event names failed, and nothing else did: a hand-over to worker-2 after the kill
    // finds nobody listening (no responders), so it is no attempt and costs the task nothing
    const lostKeys = new Set(
      lost!.tasks.map((t) => `${t.queryAttempt}/${t.stageId}.${t.partition}.${t.attempt}`),
    );
    for (const key of lostKeys) expect(attempts.get(key)?.state, key).to.equal('FAILED');
    const failed = [...attempts].filter(([, a]) => a.state === 'FAILED');
    expect(failed.map(([key]) => key).sort()).to.deep.equal([...lostKeys].sort());
    for (const [key, a] of failed) {
      expect(a.worker, key).to.equal('worker-2');
      expect(a.error?.code, key).to.equal('REMOTE_HOST_GONE');
    }
    expect(victim.process.signalCode).to.equal('SIGKILL');
  });

  it('drains a worker on SIGTERM: running tasks finish, no attempt fails, then it leaves', async () => {
    const queryId = `drain_${randomSuffix(6)}`;
    const handle = await client.submit(SQL, { queryId });
    await events.waitFor(taskOn(queryId, 'worker-3'));
    const leaving = cluster.workers.find((w) => w.name === 'worker-3')!;
    const exited = new Promise<number | null>((resolve) =>
      leaving.process.once('exit', (code) => resolve(code)),
    );
    leaving.process.kill('SIGTERM');
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal(baseline);
    expect(await exited).to.equal(0);
    const mine = events.of(queryId);
    expect(
      mine.filter((e) => e.type === 'TASK_FAILED' || e.type === 'WORKER_LOST' || e.type === 'TASK_RETRYING'),
    ).to.deep.equal([]);
    const finishedOnLeaver = mine.filter(
      (e) =>
        e.type === 'RUNNING' &&
        (e as Running).task?.workerId === 'worker-3' &&
        (e as Running).task?.state === 'FINISHED',
    );
    expect(finishedOnLeaver.length).to.be.greaterThan(0, 'its running tasks finished');
    const { attempts } = await store.attempts(queryId);
    expect([...attempts.values()].every((a) => a.state === 'FINISHED')).to.equal(true);
    const info = await cluster.info();
    expect(info?.workers.map((w) => w.workerId)).to.deep.equal(['worker-1']);
  });
});
