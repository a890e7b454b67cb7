import { expect } from 'chai';
import { QuarryError, randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

/**
 * WITH RECURSIVE on a real local cluster (nats-server, redis-server, the local exchange) under retry
 * policy TASK: the unrolled levels run as ordinary stages — each level's join with an aggregation
 * of lineitem in stages of its own — a task of the first attempt fails midway and its retry gives
 * the running totals the same rows give through a window; a recursion that does not end within
 * max_recursion_depth fails the query with Trino's message, a user error no task retries.
 */
const RECURSIVE = `
with recursive r(k, total) as (
  select 1, cast(0 as bigint)
  union all
  select r.k + 1, r.total + c.cnt
  from r join (select l_linenumber, count(*) cnt from tpch.tiny.lineitem group by l_linenumber) c on c.l_linenumber = r.k
  where r.k < 7)
select k, total from r order by k`;

const WINDOWED = `
select 1 k, cast(0 as bigint) total
union all
select l_linenumber + 1, sum(count(*)) over (order by l_linenumber)
from tpch.tiny.lineitem where l_linenumber < 7 group by l_linenumber
order by k`;

const ENDLESS = `
with recursive r(k) as (
  select n_nationkey from tpch.tiny.nation where n_nationkey = 0
  union all
  select n.n_nationkey from r join tpch.tiny.nation n on n.n_regionkey = r.k % 5)
select count(*) from r`;

describe('WITH RECURSIVE under retry policy TASK', function () {
  this.timeout(180_000);
  let cluster: InProcessCluster;
  let store: AttemptStore;

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      worker: {
        failureInjection: parseFailureInjection(
          'query=rec_,query-attempt=0,stage=2,partition=0,attempt=0,when=midway,action=EXTERNAL',
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

  it('runs the unrolled levels as stages, through a retried task', async () => {
    const session = { retry_policy: 'TASK', max_recursion_depth: '6' };
    const plan = String((await cluster.client.query(`EXPLAIN ${RECURSIVE}`, { session })).rows[0]![0]);
    const stages = plan.match(/^Stage \d+/gm) ?? [];
    expect(stages.length).to.be.greaterThan(20);
    const expected = (await cluster.client.query(WINDOWED)).rows;
    expect(expected).to.have.length(7);
    const queryId = `rec_${randomSuffix(6)}`;
    const result = await cluster.client.query(RECURSIVE, { queryId, session });
    expect(result.rows).to.deep.equal(expected);
    const { attempts } = await store.attempts(queryId);
    const failed = [...attempts.entries()].filter(([, a]) => a.state === 'FAILED').map(([k]) => k);
    expect(failed).to.deep.equal(['0/2.0.0']);
  });

  it('fails a recursion past max_recursion_depth with a user error no task retries', async () => {
    const queryId = `end_${randomSuffix(6)}`;
    const error = await cluster.client
      .query(ENDLESS, { queryId, session: { retry_policy: 'TASK', max_recursion_depth: '4' } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(QuarryError);
    expect((error as QuarryError).code).to.equal('NOT_SUPPORTED');
    expect((error as QuarryError).message).to.equal(
      "Recursion depth limit exceeded (4). Use 'max_recursion_depth' session property to modify the limit.",
    );
    const { attempts } = await store.attempts(queryId);
    expect(attempts.size).to.be.greaterThan(0);
    const retried = [...attempts.keys()].filter((k) => !k.endsWith('.0'));
    expect(retried).to.deep.equal([]);
  });
});
