import { expect } from 'chai';
import { QuarryError, randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import type { QueryEvent } from '@quarry/protocol';
import { EventCollector, startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

/**
 * Modelled on Trino's failure-recovery tests: for each query shape, a failure is injected into one
 * task of the leaf, the intermediate and the root stage. Under NONE the query fails; under TASK it
 * finishes with exactly the rows of a run without failure, and Redis shows exactly the injected
 * failure retried; under QUERY it finishes through a second query attempt.
 */
interface Shape {
  readonly name: string;
  readonly sql: string;
  /** Stage ids by role; the root is always 0. */
  readonly stages: { readonly leaf: number; readonly intermediate?: number };
}

const SHAPES: readonly Shape[] = [
  {
    name: 'filter',
    sql: "select o_orderkey, o_totalprice from tpch.tiny.orders where o_orderpriority = '1-URGENT' and o_totalprice > 300000 order by o_orderkey",
    stages: { leaf: 1 },
  },
  {
    name: 'groupby',
    sql: 'select l_returnflag, l_linestatus, count(*) c, sum(l_quantity) q, avg(l_discount) d from tpch.tiny.lineitem group by 1, 2 order by 1, 2',
    stages: { leaf: 2, intermediate: 1 },
  },
  {
    name: 'topn',
    sql: 'select o_orderkey, o_totalprice from tpch.tiny.orders order by o_totalprice desc, o_orderkey limit 20',
    stages: { leaf: 1 },
  },
  {
    name: 'global',
    sql: "select count(*), sum(o_totalprice), min(o_orderdate), max(o_orderdate) from tpch.tiny.orders where o_orderstatus = 'F'",
    stages: { leaf: 1 },
  },
];

type Role = 'leaf' | 'intermediate' | 'root';
type Policy = 'NONE' | 'TASK' | 'QUERY';
const POINTS = { leaf: 'midway', intermediate: 'start', root: 'commit' } as const;
const ERRORS = { leaf: 'EXTERNAL', intermediate: 'INTERNAL_ERROR', root: 'INSUFFICIENT_RESOURCES' } as const;
const CODES = {
  EXTERNAL: 'INJECTED_EXTERNAL_ERROR',
  INTERNAL_ERROR: 'INJECTED_INTERNAL_ERROR',
  INSUFFICIENT_RESOURCES: 'INJECTED_INSUFFICIENT_RESOURCES',
} as const;

const cases = SHAPES.flatMap((shape) =>
  (['leaf', 'intermediate', 'root'] as Role[])
    .filter((role) => role !== 'intermediate' || shape.stages.intermediate !== undefined)
    .flatMap((role) =>
      (['NONE', 'TASK', 'QUERY'] as Policy[]).map((policy) => ({
        shape,
        role,
        policy,
        prefix: `fr_${shape.name}_${role}_${policy}_`,
      })),
    ),
);

const stageOf = (shape: Shape, role: Role): number =>
  role === 'root' ? 0 : role === 'leaf' ? shape.stages.leaf : shape.stages.intermediate!;

/** One rule per case: the first attempt (of the first query attempt) of partition 0 of the stage fails. */
const RULES = cases
  .map(
    (c) =>
      `query=${c.prefix},query-attempt=0,stage=${stageOf(c.shape, c.role)},partition=0,attempt=0,when=${POINTS[c.role]},action=${ERRORS[c.role]}`,
  )
  .concat([
    'query=fr_user_,stage=1,partition=0,when=start,action=USER_ERROR',
    'query=fr_always_,stage=1,partition=0,when=midway,action=EXTERNAL',
  ])
  .join(';');

describe('failure recovery: injected task failures under NONE, TASK and QUERY', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;
  let events: EventCollector;
  let store: AttemptStore;
  const baseline = new Map<string, unknown[][]>();

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      slots: 2,
      worker: { failureInjection: parseFailureInjection(RULES) },
      coordinator: {
        retry: {
          policy: 'NONE',
          queryRetryAttempts: 4,
          taskRetryAttemptsPerTask: 4,
          initialDelayMs: 50,
          maxDelayMs: 200,
          scaleFactor: 2,
        },
      },
    });
    events = await EventCollector.start(cluster.servers.nats.url, cluster.prefix);
    store = AttemptStore.connect(cluster.servers.redis.url, cluster.prefix, 60);
    for (const shape of SHAPES)
      baseline.set(shape.name, (await cluster.client.query(shape.sql)).rows as unknown[][]);
  });

  after(async () => {
    await store?.close();
    await events?.close();
    await cluster?.stop();
  });

  it('has baselines with rows for every shape', () => {
    for (const shape of SHAPES) expect(baseline.get(shape.name)!.length, shape.name).to.be.greaterThan(0);
  });

  for (const c of cases) {
    const stage = stageOf(c.shape, c.role);
    it(`${c.shape.name}: failure in the ${c.role} stage (${stage}), retry policy ${c.policy}`, async () => {
      const queryId = `${c.prefix}${randomSuffix(6)}`;
      const session = { retry_policy: c.policy };
      if (c.policy === 'NONE') {
        const err = (await cluster.client
          .query(c.shape.sql, { queryId, session })
          .catch((e: unknown) => e)) as QuarryError;
        expect(err).to.be.instanceOf(QuarryError);
        expect(err.code).to.equal(CODES[ERRORS[c.role]]);
        return;
      }
      const result = await cluster.client.query(c.shape.sql, { queryId, session });
      expect(result.rows).to.deep.equal(baseline.get(c.shape.name));
      const { tasks, attempts } = await store.attempts(queryId);
      const failed = [...attempts.entries()].filter(([, a]) => a.state === 'FAILED');
      if (c.policy === 'TASK') {
        expect(
          failed.map(([k, a]) => [k, a.error?.code]),
          JSON.stringify(failed),
        ).to.deep.equal([[`0/${stage}.0.0`, CODES[ERRORS[c.role]]]]);
        expect(tasks.get(`0/${stage}.0`)).to.deep.include({ state: 'FINISHED', winner: 1, attempts: 2 });
        for (const [k, t] of tasks)
          if (k !== `0/${stage}.0`)
            expect(t, k).to.deep.include({ state: 'FINISHED', winner: 0, attempts: 1 });
        const mine = events.of(queryId);
        expect(mine.filter((e) => e.type === 'TASK_RETRYING')).to.have.length(1);
      } else {
        expect(failed.map(([k]) => k)).to.deep.equal([`0/${stage}.0.0`]);
        expect(
          [...tasks.entries()].filter(([k]) => k.startsWith('1/')).every(([, t]) => t.state === 'FINISHED'),
        ).to.equal(true);
        const retry = events
          .of(queryId)
          .find((e): e is Extract<QueryEvent, { type: 'QUERY_RETRYING' }> => e.type === 'QUERY_RETRYING');
        expect(retry?.nextAttempt).to.equal(1);
        expect(retry?.error.code).to.equal(CODES[ERRORS[c.role]]);
      }
    });
  }

  it('never retries a user error, whatever the policy', async () => {
    for (const policy of ['TASK', 'QUERY']) {
      const queryId = `fr_user_${randomSuffix(6)}`;
      const err = (await cluster.client
        .query(SHAPES[0]!.sql, { queryId, session: { retry_policy: policy } })
        .catch((e: unknown) => e)) as QuarryError;
      expect(err.code).to.equal('INJECTED_USER_ERROR');
      expect(err.type).to.equal('USER_ERROR');
      const { attempts } = await store.attempts(queryId);
      expect([...attempts.keys()].filter((k) => k.startsWith('0/1.0.'))).to.deep.equal(['0/1.0.0']);
      expect(
        events.of(queryId).some((e) => e.type === 'TASK_RETRYING' || e.type === 'QUERY_RETRYING'),
      ).to.equal(false);
    }
  });

  it('fails after 1 + task-retry-attempts-per-task attempts, with the last error and the whole history in Redis', async () => {
    const queryId = `fr_always_${randomSuffix(6)}`;
    const err = (await cluster.client
      .query(
        SHAPES[1]!.sql
          .replace('tpch.tiny.lineitem', 'tpch.tiny.orders')
          .replace(/l_returnflag|l_linestatus/g, 'o_orderstatus')
          .replace(/l_quantity|l_discount/g, 'o_totalprice'),
        {
          queryId,
          session: { retry_policy: 'TASK', task_retry_attempts_per_task: 2 },
        },
      )
      .catch((e: unknown) => e)) as QuarryError;
    expect(err.code).to.equal('INJECTED_EXTERNAL_ERROR');
    expect(err.message).to.match(
      /^Task 1\.0 failed 3 times \(task-retry-attempts-per-task=2\); last error: Injected EXTERNAL failure/,
    );
    const { tasks, attempts } = await store.attempts(queryId);
    expect(['0/1.0.0', '0/1.0.1', '0/1.0.2'].map((k) => attempts.get(k)?.state)).to.deep.equal([
      'FAILED',
      'FAILED',
      'FAILED',
    ]);
    expect(attempts.has('0/1.0.3')).to.equal(false);
    expect(tasks.get('0/1.0')).to.deep.include({ state: 'FAILED', attempts: 3 });
    const q = await store.query(queryId);
    expect(q['state']).to.equal('FAILED');
    expect(JSON.parse(q['error']!).code).to.equal('INJECTED_EXTERNAL_ERROR');
    const retrying = events
      .of(queryId)
      .filter((e): e is Extract<QueryEvent, { type: 'TASK_RETRYING' }> => e.type === 'TASK_RETRYING');
    expect(retrying.map((e) => [e.nextAttempt, e.delayMs])).to.deep.equal(
      [
        [1, 50],
        [2, 100],
      ],
      'exponential backoff',
    );
  });
});
