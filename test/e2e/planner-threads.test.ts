import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import type { QueryEvent } from '@quarry/protocol';
import {
  EventCollector,
  startInProcessCluster,
  startServers,
  type InProcessCluster,
  type TestServers,
} from '@quarry/testkit';

/**
 * `… where 99999 in (0, 1, …)`: 100 000 values, 600 kB of SQL (NATS carries at most 1 MB), seconds
 * of parsing and planning; the constant folder makes the IN list TRUE, so the plan is small.
 */
function hugeInList(n = 100_000): string {
  const values = Array.from({ length: n }, (_, i) => i).join(', ');
  return `select count(*) from tpch.tiny.nation where 99999 in (${values})`;
}

async function failureOf(p: Promise<unknown>): Promise<QuarryError> {
  try {
    await p;
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(QuarryError);
    return e as QuarryError;
  }
  throw new Error('expected the query to fail');
}

async function plannerRestarts(cluster: InProcessCluster, reason: string): Promise<number> {
  const metric = await cluster.coordinator.metrics.registry
    .getSingleMetric('quarry_coordinator_planner_restarts_total')!
    .get();
  return metric.values.find((v) => v.labels['reason'] === reason)?.value ?? 0;
}

/**
 * The coordinator parses and plans in planner threads: a statement that takes seconds to plan
 * holds up neither other queries nor the handling of heartbeats and reports on the main thread;
 * a planner thread that dies or is stopped fails only its query.
 */
describe('planner threads on a cluster', function () {
  this.timeout(240_000);
  let servers: TestServers;
  let cluster: InProcessCluster;
  let events: EventCollector;

  before(async () => {
    servers = await startServers();
    cluster = await startInProcessCluster({
      servers,
      workers: 1,
      coordinator: { queryMaxLength: 4_000_000, plannerThreads: 2 },
    });
    events = await EventCollector.start(servers.nats.url, cluster.prefix);
    // the worker's first task loads the engine in a task thread, which on a busy machine can take
    // longer than planning the huge statement: the small queries below must run warm
    await cluster.client.query('select count(*) from tpch.tiny.nation');
  });

  after(async () => {
    await events?.close();
    await cluster?.stop();
    await servers?.stop();
  });

  it('runs small queries to the end while a huge statement is being planned', async () => {
    const heavyId = `heavy_${Date.now()}`;
    const heavy = cluster.client.submit(hugeInList(), { queryId: heavyId });
    await events.waitFor((e) => e.queryId === heavyId && e.type === 'PLANNING', 60_000);
    // the first of the heavy query's events once planning ended (RUNNING, or an error)
    const planned = (e: QueryEvent) => e.queryId === heavyId && e.type !== 'QUEUED' && e.type !== 'PLANNING';
    const tiny: string[] = [];
    while (!events.events.some(planned)) {
      const queryId = `tiny_${tiny.length}_${Date.now()}`;
      tiny.push(queryId);
      const r = await cluster.client.query('select count(*) from tpch.tiny.nation', { queryId });
      expect(r.rows).to.deep.equal([[25]]);
    }
    const handle = await heavy;
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal([[25]]);
    // on the main thread, no message was read while the statement was planned: no small query
    // could even be submitted before the heavy one had its plan
    const order = events.events;
    const heavyPlanned = order.findIndex(planned);
    const tinyFinished = order.findIndex((e) => tiny.includes(e.queryId) && e.type === 'FINISHED');
    expect(tinyFinished, 'a small query finished').to.be.greaterThan(-1);
    expect(tinyFinished, 'before the huge statement was planned').to.be.lessThan(heavyPlanned);
    expect(order.some((e) => e.type === 'WORKER_LOST')).to.equal(false);
  });

  it('stops planning at query.max-planning-time by terminating the planner thread', async () => {
    const before = await plannerRestarts(cluster, 'aborted');
    const e = await failureOf(
      cluster.client.query(hugeInList(), { session: { query_max_planning_time: '300ms' } }),
    );
    expect(e.code).to.equal('EXCEEDED_TIME_LIMIT');
    expect(e.message).to.equal(
      'Query exceeded the maximum planning time limit of 0.30s (query.max-planning-time)',
    );
    expect(await plannerRestarts(cluster, 'aborted')).to.equal(before + 1);
    expect((await cluster.client.query('select 1')).rows).to.deep.equal([[1]]);
  });

  it('fails only the query whose planner thread ran out of memory; the coordinator plans on', async () => {
    const small = await startInProcessCluster({
      servers,
      workers: 1,
      coordinator: { queryMaxLength: 4_000_000, plannerHeapBytes: 32 * 1024 * 1024 },
    });
    try {
      const doomed = small.client.query(hugeInList());
      const fine = small.client.query('select count(*) from tpch.tiny.region');
      const e = await failureOf(doomed);
      expect(e.code, e.message).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
      expect(e.message).to.include('coordinator.planner-heap-size');
      expect((await fine).rows).to.deep.equal([[5]]);
      expect(await plannerRestarts(small, 'out-of-memory')).to.equal(1);
      expect((await small.client.query('select count(*) from tpch.tiny.nation')).rows).to.deep.equal([[25]]);
      expect(small.coordinator.leading).to.equal(true);
    } finally {
      await small.stop();
    }
  });

  it('answers syntax errors from a planner thread with line and column', async () => {
    const e = await failureOf(cluster.client.query('select 1\nfrom tpch.tiny.nation\nwhere = 2'));
    expect(e.code).to.equal('SYNTAX_ERROR');
    expect(e.message).to.match(/^line 3:7: /);
    expect(e.location).to.deep.equal({ line: 3, column: 7 });
  });
});
