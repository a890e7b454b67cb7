import { expect } from 'chai';
import { QuarryError, randomSuffix } from '@quarry/common';
import { EventCollector, startInProcessCluster, type InProcessCluster } from '@quarry/testkit';

const SQL = 'select l_returnflag, count(*) c from tpch.tiny.lineitem group by 1 order by 1';
const MB = 2 ** 20;

/**
 * Memory-aware scheduling: tasks go only where the memory they are given is free, as the workers
 * announce it in their heartbeats — an idle worker with too little memory gets none — and a task no
 * worker has the memory for waits `node-scheduler.allowed-no-matching-node-period` for one, then
 * fails its query with NO_NODES_AVAILABLE rather than overcommit a worker.
 */
describe('memory-aware scheduling', function () {
  this.timeout(90_000);
  let cluster: InProcessCluster;
  let events: EventCollector;
  let baseline: unknown[][];

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 1,
      slots: 2,
      coordinator: { taskMemoryBytes: 64 * MB, allowedNoMatchingNodeMs: 1500 },
      worker: { memoryPoolBytes: 1024 * MB },
    });
    // a second worker, with slots but memory for no task of 64 MB
    await cluster.addWorker({ memoryPoolBytes: 16 * MB });
    events = await EventCollector.start(cluster.servers.nats.url, cluster.prefix);
    const deadline = Date.now() + 20_000;
    while ((await cluster.client.workers()).workers.length < 2) {
      if (Date.now() > deadline) throw new Error('the second worker never joined');
      await new Promise((r) => setTimeout(r, 50));
    }
    const roomy = await startInProcessCluster({ workers: 1, slots: 2, servers: cluster.servers });
    baseline = (await roomy.client.query(SQL)).rows as unknown[][];
    await roomy.stop();
  });

  after(async () => {
    await events?.close();
    await cluster?.stop();
  });

  it('passes over a worker without the memory, idle as it is', async () => {
    const queryId = `avoid_${randomSuffix(6)}`;
    const result = await cluster.client.query(SQL, { queryId });
    expect(result.rows).to.deep.equal(baseline);
    const started = events
      .of(queryId)
      .flatMap((e) => (e.type === 'RUNNING' && e.task?.state === 'RUNNING' ? [e.task.workerId] : []));
    expect(started.length, 'tasks started').to.be.greaterThan(2);
    expect(new Set(started)).to.deep.equal(new Set(['w1']));
  });

  it('fails a task no worker has the memory for after the allowed wait, naming the figures', async () => {
    const began = Date.now();
    const err = (await cluster.client
      .query(SQL, { session: { fault_tolerant_execution_task_memory: '2GB' } })
      .catch((e: unknown) => e)) as QuarryError;
    expect(err).to.be.instanceOf(QuarryError);
    expect(err.code).to.equal('NO_NODES_AVAILABLE');
    expect(err.message).to.match(
      /No worker has memory for task \d+\.\d+: it is given 2\.00GB and the most a worker has for its tasks is 1\.00GB; waited 1\.50s \(node-scheduler\.allowed-no-matching-node-period\)/,
    );
    expect(Date.now() - began, 'it waited the allowed period').to.be.at.least(1500);
  });
});
