import { expect } from 'chai';
import { randomSuffix } from '@quarry/common';
import { EventCollector, startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

const SQL = 'select l_returnflag, count(*) c from tpch.tiny.lineitem group by 1 order by 1';
const MB = 2 ** 20;

/**
 * Placement by memory: a worker announces the memory it gives its tasks in all, and the coordinator
 * hands it a task only while the task's memory fits beside the others' — slots alone do not decide.
 * Here one worker has 4 slots but memory for 2 tasks; the scanning stage's 4 tasks are held 1 s
 * each at their start, so without memory-aware placement all 4 would run at once.
 */
describe('memory-aware placement', function () {
  this.timeout(90_000);
  let cluster: InProcessCluster;
  let events: EventCollector;

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 1,
      slots: 4,
      coordinator: { taskMemoryBytes: 64 * MB },
      worker: {
        memoryPoolBytes: 128 * MB,
        failureInjection: parseFailureInjection('query=mem_,stage=2,when=start,action=DELAY,ms=1000'),
      },
    });
    events = await EventCollector.start(cluster.servers.nats.url, cluster.prefix);
  });

  after(async () => {
    await events?.close();
    await cluster?.stop();
  });

  it('runs at most as many tasks on a worker as its memory holds', async () => {
    const baseline = (await cluster.client.query(SQL)).rows;
    const queryId = `mem_${randomSuffix(6)}`;
    const result = await cluster.client.query(SQL, { queryId });
    expect(result.rows).to.deep.equal(baseline);
    const info = await cluster.client.workers();
    expect(info.workers[0]!.slots).to.equal(4);
    // the attempts running at once, as the coordinator's events tell them in order
    let running = 0;
    let most = 0;
    let scans = 0;
    for (const e of events.of(queryId)) {
      if (e.type !== 'RUNNING' || !e.task) continue;
      if (e.task.state === 'RUNNING') {
        running++;
        if (e.task.stageId === 2) scans++;
      } else if (e.task.state === 'FINISHED' || e.task.state === 'FAILED') running--;
      most = Math.max(most, running);
    }
    expect(scans, 'the scanning stage had 4 tasks').to.equal(4);
    expect(most).to.equal(2);
  });
});
