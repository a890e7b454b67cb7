import { expect } from 'chai';
import { randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

/**
 * UNNEST and LATERAL on a real local cluster (nats-server, redis-server, the local exchange) under
 * retry policy TASK: the Unnest operator runs per row in the leaf stage next to the scan (not on
 * the coordinator), the first attempt of a leaf task fails midway, and the retried attempt's
 * spooled pages give the same groups as the same rows written as a UNION ALL.
 */
const UNNESTED = `
select f, x, o, count(*) c
from (select l_returnflag f, l_linenumber n from tpch.tiny.lineitem where l_orderkey % 3 <> 7) t
  cross join unnest(array[n, n * 10]) with ordinality as u(x, o)
group by f, x, o
order by f, x, o`;

const UNIONED = `
select f, x, o, count(*) c
from (select l_returnflag f, l_linenumber x, 1 o from tpch.tiny.lineitem
      union all
      select l_returnflag, l_linenumber * 10, 2 from tpch.tiny.lineitem) t
group by f, x, o
order by f, x, o`;

const LATERAL = `
select o_orderpriority, sum(c), sum(n)
from tpch.tiny.orders
  cross join lateral (select count(*) c, max(l_linenumber) n from tpch.tiny.lineitem where l_orderkey = o_orderkey) t
where (o_orderstatus, o_orderpriority) in (select o_orderstatus, o_orderpriority from tpch.tiny.orders where o_custkey < 100)
group by o_orderpriority
order by o_orderpriority`;

const JOINED = `
select o_orderpriority, sum(c), sum(n)
from tpch.tiny.orders
  join (select l_orderkey, count(*) c, max(l_linenumber) n from tpch.tiny.lineitem group by l_orderkey) l on l_orderkey = o_orderkey
where o_orderstatus || o_orderpriority in (select o_orderstatus || o_orderpriority from tpch.tiny.orders where o_custkey < 100)
group by o_orderpriority
order by o_orderpriority`;

describe('UNNEST and LATERAL under retry policy TASK', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;
  let store: AttemptStore;

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      worker: {
        failureInjection: parseFailureInjection(
          'query=un_,query-attempt=0,stage=2,partition=0,attempt=0,when=midway,action=EXTERNAL',
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

  it('unnests per row in the scan stage, through a retried task', async () => {
    const plan = String((await cluster.client.query(`EXPLAIN ${UNNESTED}`)).rows[0]![0]);
    // the Unnest operator is in the leaf stage with the scan, which runs on the workers
    const stage = plan.split(/^(?=Stage )/m).find((s) => s.includes('- Unnest'));
    expect(stage).to.match(/^Stage \d+ \[source\]/);
    expect(stage).to.include('TableScan tpch.tiny.lineitem');
    const expected = (await cluster.client.query(UNIONED)).rows;
    const queryId = `un_${randomSuffix(6)}`;
    const result = await cluster.client.query(UNNESTED, { queryId, session: { retry_policy: 'TASK' } });
    expect(result.rows).to.deep.equal(expected);
    expect(result.rows.length).to.be.greaterThan(10);
    const { attempts } = await store.attempts(queryId);
    const failed = [...attempts.entries()].filter(([, a]) => a.state === 'FAILED').map(([k]) => k);
    expect(failed).to.deep.equal(['0/2.0.0']);
  });

  it('decorrelates LATERAL and row IN under TASK', async () => {
    const expected = (await cluster.client.query(JOINED)).rows;
    const result = await cluster.client.query(LATERAL, { session: { retry_policy: 'TASK' } });
    expect(result.rows).to.deep.equal(expected);
    expect(result.rows.length).to.equal(5);
  });
});
