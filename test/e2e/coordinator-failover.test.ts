import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalCluster, ProcessHandle } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import type { QueryEvent } from '@quarry/protocol';
import { EventCollector, startProcessCluster } from '@quarry/testkit';

/** Three stages (scan, partial/final aggregation over a join, the ordered root). */
const SQL =
  'select o_orderpriority, count(*) c, sum(l_quantity) q from tpch.tiny.orders join tpch.tiny.lineitem on o_orderkey = l_orderkey group by 1 order by 1';
/**
 * First attempts of every task of the `slow_` queries take 1.2 s more after their first page, so
 * the query runs for several seconds and a coordinator can be killed while stages run, between
 * stages and near the end. Attempts run again after a failover are not slowed.
 */
const INJECTION = 'query=slow_,attempt=0,when=midway,action=DELAY,ms=1200';

type Failover = Extract<QueryEvent, { type: 'COORDINATOR_FAILOVER' }>;

/**
 * Two coordinator processes, one leading; the leader is killed with SIGKILL in the middle of a
 * multi-stage query under retry policy TASK. The standby takes the lease, rebuilds the query from
 * Redis, adopts the tasks still running on workers, runs again only what was lost, and the client —
 * which did nothing special — gets the rows of a run without failure.
 */
describe('coordinator failover (real processes)', function () {
  this.timeout(240_000);
  let cluster: LocalCluster;
  let client: QuarryClient;
  let events: EventCollector;
  let store: AttemptStore;
  let baseline: unknown[][];
  const catalogs = mkdtempSync(join(tmpdir(), 'quarry-failover-'));
  mkdirSync(join(catalogs, 'warehouse'));
  writeFileSync(
    join(catalogs, 'lake.properties'),
    `connector.name=lake\nlake.root=${join(catalogs, 'warehouse')}\n`,
  );

  before(async () => {
    cluster = await startProcessCluster({
      workers: 2,
      slots: 2,
      coordinators: 2,
      prefix: 'failover',
      configProperties: {
        'retry-policy': 'TASK',
        'catalog.config-dir': catalogs,
        'query.result-page-rows': '200',
      },
      env: {
        QUARRY_RETRY_INITIAL_DELAY: '100ms',
        QUARRY_FAILURE_INJECTION: INJECTION,
      },
    });
    client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'failover', timeoutMs: 5000 });
    events = await EventCollector.start(cluster.natsUrl, 'failover');
    store = AttemptStore.connect(cluster.redisUrl, 'failover', 60);
    baseline = (await client.query(SQL, { queryId: `slow_base_${randomSuffix(4)}` })).rows as unknown[][];
    expect(baseline).to.have.length(5);
  });

  after(async () => {
    await store?.close();
    await events?.close();
    await client?.close();
    await cluster?.stop();
    rmSync(catalogs, { recursive: true, force: true });
  });

  /** Coordinator processes still alive. */
  const alive = (): ProcessHandle[] =>
    cluster.coordinators.filter((c) => c.process.exitCode === null && c.process.signalCode === null);

  /** Two coordinators, one leading. */
  async function twoCoordinators(): Promise<void> {
    while (alive().length < 2) await cluster.startCoordinator();
    const deadline = Date.now() + 30_000;
    while (!(await cluster.leader()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }

  // every test starts with two coordinators, one leading, whatever the test before it did
  beforeEach(twoCoordinators);

  /**
   * Waits until `fraction` of a query's tasks have finished (at least one) while others run, as its
   * events tell, and the attempt records show a running attempt: the moment to strike, whatever the
   * machine's speed (a time taken from another run can come too late on a busy machine, after the
   * query has ended; and between two stages no task runs, so a takeover would have nothing to adopt).
   */
  async function untilDone(queryId: string, fraction: number): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const seen = Math.max(0, ...events.of(queryId).map((e) => e.seq));
      await events.waitFor(
        (e) =>
          e.queryId === queryId &&
          e.type === 'RUNNING' &&
          e.seq > seen &&
          e.progress.tasksRunning > 0 &&
          e.progress.tasksDone >= Math.max(1, Math.floor(fraction * e.progress.tasksTotal)),
        deadline - Date.now(),
      );
      // an attempt started less than 500 ms ago: first attempts run 1.2 s past their first page, so
      // it still runs when the leader dies (one about to finish could end between check and kill)
      const { attempts } = await store.attempts(queryId);
      if ([...attempts.values()].some((a) => a.state === 'RUNNING' && Date.now() - a.start < 500)) return;
    }
  }

  /** Kills the leader with SIGKILL once `fraction` of a query's tasks finished; returns the query's rows and the failover event. */
  async function killLeaderDuring(fraction: number): Promise<{
    rows: unknown[][];
    failover: Failover;
    killed: ProcessHandle;
    queryId: string;
    runningAtKill: number;
  }> {
    const queryId = `slow_${randomSuffix(6)}`;
    const handle = await client.submit(SQL, { queryId });
    await untilDone(queryId, fraction);
    // the leader of this moment (on a busy machine the lease may have changed hands since the submission)
    const killed = (await cluster.leader())!;
    expect(killed, 'a leader').to.not.equal(undefined);
    const killedAt = Date.now();
    await killed.kill();
    // what the dead leader's records say runs (nobody writes them until the standby takes over)
    const { tasks } = await store.attempts(queryId);
    const runningAtKill = [...tasks.values()].filter((t) => t.state === 'RUNNING').length;
    const result = await handle.result();
    handle.close();
    const failover = (await events.waitFor(
      (e) => e.queryId === queryId && e.type === 'COORDINATOR_FAILOVER' && e.time >= killedAt,
      5000,
    )) as Failover;
    return { rows: result.rows as unknown[][], failover, killed, queryId, runningAtKill };
  }

  for (const fraction of [0.25, 0.5, 0.75]) {
    it(`gives the rows of a run without failure when the leader is killed at ${fraction * 100} % of the query`, async () => {
      const { rows, failover, killed, queryId, runningAtKill } = await killLeaderDuring(fraction);
      expect(rows).to.deep.equal(baseline);
      const leader = await cluster.leader();
      expect(leader, 'the standby leads').to.not.equal(undefined);
      expect(leader!.process.pid).to.not.equal(killed.process.pid);
      expect(failover.epoch).to.be.greaterThan(1);
      expect(runningAtKill, 'attempts running when the leader died').to.be.greaterThan(0);
      expect(failover.adoptedTasks, 'attempts running by the records were taken over').to.equal(
        runningAtKill,
      );
      // the attempt records show what the new leader did: finished tasks kept, the rest adopted or re-run
      const { tasks } = await store.attempts(queryId);
      expect([...tasks.values()].every((t) => t.state === 'FINISHED')).to.equal(true);
      // events go on numbering after the dead leader's
      const seqs = events.of(queryId).map((e) => e.seq);
      expect(new Set(seqs).size, 'no event number used twice').to.equal(seqs.length);
    });
  }

  it('hands the inlined outputs recorded with the winners to the consumers a new leader starts', async () => {
    // every output of this query is tiny, so inline (exchange.sink-inline-max-size): no file is written
    const sql =
      'select r.r_name, count(*) from tpch.tiny.nation n join tpch.tiny.region r ' +
      'on n.n_regionkey = r.r_regionkey group by r.r_name order by r.r_name';
    const expected = (await client.query(sql)).rows;
    const queryId = `slow_inline_${randomSuffix(6)}`;
    const handle = await client.submit(sql, { queryId });
    await untilDone(queryId, 0.25);
    const { tasks } = await store.attempts(queryId);
    const finished = [...tasks.values()].filter((t) => t.state === 'FINISHED');
    expect(finished.length).to.be.greaterThan(0);
    const inline = (outputs: string | undefined) =>
      (JSON.parse(outputs ?? '[]') as { data?: unknown }[]).every((f) => typeof f.data === 'string');
    expect(finished.every((t) => inline(t.outputs))).to.equal(true);
    expect(existsSync(join(cluster.exchangeDir, queryId)), 'no file written').to.equal(false);
    await (await cluster.leader())!.kill();
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal(expected);
    const after = await store.attempts(queryId);
    expect([...after.tasks.values()].every((t) => t.state === 'FINISHED' && inline(t.outputs))).to.equal(
      true,
    );
    expect(events.of(queryId).some((e) => e.type === 'COORDINATOR_FAILOVER')).to.equal(true);
  });

  it('finishes a query whose leader was killed before it was planned, and runs it once', async () => {
    const killed = (await cluster.leader())!;
    killed.process.kill('SIGSTOP'); // it takes the submission but will never answer
    const queryId = `slow_plan_${randomSuffix(6)}`;
    const submitted = client.submit(SQL, { queryId }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    await killed.kill();
    const handle = await submitted;
    if (handle instanceof Error) throw handle;
    const result = await (handle as Awaited<ReturnType<QuarryClient['submit']>>).result();
    expect(result.rows).to.deep.equal(baseline);
    const listing = await client.queries(50);
    expect(listing.queries.filter((q) => q.queryId === queryId)).to.have.length(1);
  });

  it('a leader stopped (SIGSTOP) past its lease finds itself deposed when it wakes, and corrupts nothing', async () => {
    const frozen = (await cluster.leader())!;
    const queryId = `slow_split_${randomSuffix(6)}`;
    const handle = await client.submit(SQL, { queryId });
    await untilDone(queryId, 0.2);
    frozen.process.kill('SIGSTOP');
    // the standby takes over while it sleeps (in about 2 s; more on a busy machine)
    const deadline = Date.now() + 30_000;
    let leader: ProcessHandle | undefined;
    while (Date.now() < deadline) {
      leader = await cluster.leader();
      if (leader && leader.process.pid !== frozen.process.pid) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(leader?.process.pid).to.not.equal(frozen.process.pid);
    frozen.process.kill('SIGCONT');
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal(baseline);
    // the woken one stands by; the other still leads; one FINISHED only
    await new Promise((r) => setTimeout(r, 1500));
    const info = await cluster.info();
    const roles = Object.fromEntries((info?.coordinators ?? []).map((c) => [c.pid, c.role]));
    expect(roles[frozen.process.pid!]).to.equal('standby');
    expect(roles[leader!.process.pid!]).to.equal('leader');
    expect(events.of(queryId).filter((e) => e.type === 'FINISHED')).to.have.length(1);
    expect(events.of(queryId).filter((e) => e.type === 'FAILED')).to.have.length(0);
  });

  it('serves the rest of the result pages from the new leader when the leader dies while a client reads them', async () => {
    const sql =
      'select l_orderkey, l_linenumber, l_quantity from tpch.tiny.lineitem order by 1, 2 limit 3000';
    const expected = (await client.query(sql)).rows;
    const handle = await client.submit(sql);
    await handle.done();
    const rows: unknown[][] = [];
    let pages = 0;
    // row pages of 200 rows, asked one at a time, so that the leader dies between two of them
    for await (const page of handle.rows({ format: 'rows', prefetch: 1 })) {
      rows.push(...(page.rows as unknown[][]));
      if (++pages === 3) await (await cluster.leader())!.kill();
    }
    handle.close();
    expect(pages).to.equal(15);
    expect(rows).to.deep.equal(expected);
  });

  it('resumes a query whose coordinators all died once one is started again', async () => {
    const queryId = `slow_all_${randomSuffix(6)}`;
    const handle = await client.submit(SQL, { queryId });
    await untilDone(queryId, 0.4);
    await Promise.all(alive().map((c) => c.kill()));
    await new Promise((r) => setTimeout(r, 2000));
    await cluster.startCoordinator();
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal(baseline);
  });

  it('goes on through a restart of Redis (append-only file) in the middle of a query', async () => {
    const queryId = `slow_redis_${randomSuffix(6)}`;
    const clientSecret = `secret-${randomSuffix(12)}`;
    const handle = await client.submit(SQL, { queryId, clientSecret });
    await untilDone(queryId, 0.4);
    await cluster.restartRedis();
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal(baseline);
    // the claim of the id survived: submitting it again is that same query
    const again = await client.submit(SQL, { queryId, clientSecret });
    expect(again.alreadySubmitted).to.equal(true);
    again.close();
  });

  /**
   * Runs a write and kills the leader the moment its last writer but one has reported (then the
   * leader commits): returns the statement's result rows.
   */
  async function killLeaderAsWritersFinish(sql: string, queryId: string): Promise<unknown[][]> {
    const handle = await client.submit(sql, { queryId });
    await events.waitFor(
      (e) =>
        e.queryId === queryId &&
        e.type === 'RUNNING' &&
        e.progress.tasksDone === e.progress.tasksTotal - 1 &&
        e.task?.state === 'FINISHED',
      30_000,
    );
    await (await cluster.leader())!.kill();
    const r = await handle.result();
    handle.close();
    return r.rows as unknown[][];
  }

  it('writes every row exactly once when the leader dies as the writers finish (CTAS under TASK)', async () => {
    await client.query('create schema if not exists lake.fo');
    const rows = await killLeaderAsWritersFinish(
      'create table lake.fo.li as select l_orderkey, l_linenumber, l_quantity from tpch.tiny.lineitem',
      `slow_ctas_${randomSuffix(6)}`,
    );
    expect(rows).to.deep.equal([[60175]]);
    const count = await client.query(
      'select count(*), count(distinct l_orderkey * 10 + l_linenumber) from lake.fo.li',
    );
    expect(count.rows).to.deep.equal([[60175, 60175]]);
  });

  it('deletes and updates every row exactly once when the leader dies as the writers finish (row-level writes under TASK)', async () => {
    await client.query('create schema if not exists lake.fo');
    await client.query(
      'create table lake.fo.rl as select l_orderkey, l_linenumber, l_quantity from tpch.tiny.lineitem',
    );
    const expect1 = await client.query(
      'select count_if(l_quantity < 10), count_if(l_quantity >= 10), count_if(l_quantity >= 40) from tpch.tiny.lineitem',
    );
    const [deleted, kept, updated] = expect1.rows[0] as number[];
    const deletion = await killLeaderAsWritersFinish(
      'delete from lake.fo.rl where l_quantity < 10',
      `slow_del_${randomSuffix(6)}`,
    );
    expect(deletion).to.deep.equal([[deleted]]);
    await twoCoordinators();
    const update = await killLeaderAsWritersFinish(
      'update lake.fo.rl set l_quantity = l_quantity + 100 where l_quantity >= 40',
      `slow_upd_${randomSuffix(6)}`,
    );
    expect(update).to.deep.equal([[updated]]);
    const want = await client.query(
      `select count(*), count(distinct l_orderkey * 10 + l_linenumber),
              sum(case when l_quantity >= 40 then l_quantity + 100 else l_quantity end)
       from tpch.tiny.lineitem where l_quantity >= 10`,
    );
    const got = await client.query(
      'select count(*), count(distinct l_orderkey * 10 + l_linenumber), sum(l_quantity) from lake.fo.rl',
    );
    expect(got.rows).to.deep.equal(want.rows);
    expect((want.rows[0] as number[])[0]).to.equal(kept);
  });

  for (const policy of ['NONE', 'QUERY'] as const) {
    it(`under retry policy ${policy} too, a failover costs the query nothing (it is not a failure of the query)`, async () => {
      const queryId = `slow_${policy.toLowerCase()}_${randomSuffix(6)}`;
      const killed = (await cluster.leader())!;
      const handle = await client.submit(SQL, { queryId, session: { retry_policy: policy } });
      await untilDone(queryId, 0.5);
      await killed.kill();
      const result = await handle.result();
      handle.close();
      expect(result.rows).to.deep.equal(baseline);
      expect(events.of(queryId).some((e) => e.type === 'QUERY_RETRYING')).to.equal(false);
    });
  }
});
