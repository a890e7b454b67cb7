import { expect } from 'chai';
import type { LocalCluster } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import type { QueryEvent } from '@quarry/protocol';
import { EventCollector, startProcessCluster } from '@quarry/testkit';

const SQL =
  'select l_returnflag, l_linestatus, count(*) c, sum(l_quantity) q from tpch.tiny.lineitem group by 1, 2 order by 1, 2';
/** The leaf tasks of the query under test take 4 s more, so that the broker goes down while they run. */
const INJECTION = 'query=outage_,stage=2,attempt=0,when=midway,action=DELAY,ms=4000';
const OUTAGE_MS = 3000;

type Running = Extract<QueryEvent, { type: 'RUNNING' }>;

/**
 * The NATS server goes away for 3 s while a query's leaf tasks run (stopped, then started again on
 * the same port with the same JetStream directory), under retry policy TASK: an outage of the broker
 * is not the death of every worker. The query finishes with the rows of a run without outage, no
 * attempt fails, no worker is lost, and the query's status events replay from the stream without a
 * hole (1, 2, … n, the last FINISHED).
 */
describe('a NATS outage in the middle of a query', function () {
  this.timeout(180_000);
  let cluster: LocalCluster;

  before(async () => {
    cluster = await startProcessCluster({
      workers: 2,
      slots: 2,
      prefix: 'outage',
      env: { QUARRY_RETRY_POLICY: 'TASK', QUARRY_FAILURE_INJECTION: INJECTION },
    });
  });

  after(async () => cluster?.stop());

  it('finishes with the same rows, charges no attempt, loses no worker and no status event', async () => {
    const connect = () =>
      QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'outage', timeoutMs: 5000 });
    const client = await connect();
    const events = await EventCollector.start(cluster.natsUrl, 'outage');
    const store = AttemptStore.connect(cluster.redisUrl, 'outage', 60);
    try {
      const baseline = (await client.query(SQL)).rows;
      const queryId = `outage_${randomSuffix(8)}`;
      const handle = await client.submit(SQL, { queryId });
      await events.waitFor(
        (e) => e.queryId === queryId && e.type === 'RUNNING' && (e as Running).task?.state === 'RUNNING',
        60_000,
      );
      await cluster.restartNats(OUTAGE_MS);
      expect((await handle.result()).rows).to.deep.equal(baseline);
      handle.close();

      const { attempts } = await store.attempts(queryId);
      const failed = [...attempts.entries()].filter(([, a]) => a.state !== 'FINISHED');
      expect(failed, JSON.stringify(failed)).to.deep.equal([]);
      expect((await cluster.info())?.workers.map((w) => w.workerId).sort()).to.deep.equal([
        'worker-1',
        'worker-2',
      ]);

      // a late reader replays the query's history from the stream: numbered without a gap
      const late = await connect();
      try {
        const replayed: QueryEvent[] = [];
        for await (const e of (await late.attach(queryId)).events()) replayed.push(e);
        expect(replayed.map((e) => e.seq)).to.deep.equal(replayed.map((_, i) => i + 1));
        expect(replayed.at(-1)?.type).to.equal('FINISHED');
        expect(replayed.filter((e) => e.type === 'WORKER_LOST')).to.deep.equal([]);
      } finally {
        await late.close();
      }
    } finally {
      await store.close();
      await events.close();
      await client.close();
    }
  });
});
