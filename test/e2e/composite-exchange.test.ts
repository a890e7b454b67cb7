import { expect } from 'chai';
import { randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

/**
 * Composite values crossing stage boundaries on a real local cluster (nats-server, redis-server, the
 * local exchange): arrays, maps and rows are grouping keys (hash-repartitioned between the partial
 * and final aggregation) and payload through a join and the final gather, under retry policy TASK
 * with the first attempt of a leaf task failing midway — the retried attempt's spooled pages, read
 * back through the page format's composite layouts, give the same rows as a scalar query.
 */
const COMPOSITE = `
select k, m, r, count(*) c
from (
  select array[l_returnflag, l_linestatus] k, map(array[l_returnflag], array[l_linenumber % 2]) m,
         row(l_returnflag, l_linenumber % 2 = 0) r
  from tpch.tiny.lineitem join tpch.tiny.orders on l_orderkey = o_orderkey
  where o_orderstatus <> 'x'
) t
group by k, m, r
order by k, r`;

const SCALAR = `
select l_returnflag, l_linestatus, l_linenumber % 2, count(*)
from tpch.tiny.lineitem join tpch.tiny.orders on l_orderkey = o_orderkey
group by 1, 2, 3
order by 1, 2, 3 desc`;

describe('composite values across the exchange under retry policy TASK', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;
  let store: AttemptStore;

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      worker: {
        failureInjection: parseFailureInjection(
          'query=cx_,query-attempt=0,stage=2,partition=0,attempt=0,when=midway,action=EXTERNAL',
        ),
      },
      coordinator: {
        retry: {
          policy: 'TASK',
          queryRetryAttempts: 4,
          taskRetryAttemptsPerTask: 4,
          initialDelayMs: 50,
          maxDelayMs: 200,
          scaleFactor: 2,
        },
      },
    });
    store = AttemptStore.connect(cluster.servers.redis.url, cluster.prefix, 60);
  });

  after(async () => {
    await store?.close();
    await cluster?.stop();
  });

  it('groups by and carries arrays, maps and rows through repartitioning, a retried task and the gather', async () => {
    const expected = (await cluster.client.query(SCALAR)).rows.map(([flag, status, odd, c]) => [
      [flag, status],
      { [flag as string]: odd },
      [flag, odd === 0],
      c,
    ]);
    const queryId = `cx_${randomSuffix(6)}`;
    const result = await cluster.client.query(COMPOSITE, { queryId, session: { retry_policy: 'TASK' } });
    expect(result.columns.map((c) => c.type)).to.deep.equal([
      'array(char(1))',
      'map(char(1), integer)',
      'row(char(1), boolean)',
      'bigint',
    ]);
    expect(result.rows).to.deep.equal(expected);
    expect(result.rows.length).to.be.greaterThan(4);
    // the injected failure happened and the task was retried: the result crossed a retry
    const { attempts } = await store.attempts(queryId);
    const failed = [...attempts.entries()].filter(([, a]) => a.state === 'FAILED').map(([k]) => k);
    expect(failed).to.deep.equal(['0/2.0.0']);
  });
});
