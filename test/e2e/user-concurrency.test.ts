import { expect } from 'chai';
import type { LocalCluster } from '@quarry/cli';
import { QuarryClient, type QueryHandle } from '@quarry/client';
import { randomSuffix } from '@quarry/common';
import type { QueryEvent } from '@quarry/protocol';
import { parseFailureInjection } from '@quarry/worker';
import {
  EventCollector,
  startInProcessCluster,
  startProcessCluster,
  type InProcessCluster,
} from '@quarry/testkit';

const SQL = 'select count(*) from tpch.tiny.orders';

/** The types of a query's events so far, in order. */
function typesOf(events: EventCollector, queryId: string): QueryEvent['type'][] {
  return events.of(queryId).map((e) => e.type);
}

/** The index of a query's first event of a type among all events collected (-1: none yet). */
function indexOf(events: EventCollector, queryId: string, type: QueryEvent['type']): number {
  return events.events.findIndex((e) => e.queryId === queryId && e.type === type);
}

/**
 * `query.max-concurrent-queries-per-user`: a user's queries beyond the cap wait in QUEUED and start
 * when one of theirs ends; other users' queries are not held up. The first task of queries whose id
 * starts with `hang_` hangs on its worker (failure injection) until cancelled, holding one task slot,
 * so nothing here depends on speed.
 */
describe('concurrent queries per user', function () {
  this.timeout(180_000);
  let cluster: InProcessCluster;
  let events: EventCollector;
  let alice: QuarryClient;
  let bob: QuarryClient;

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 1,
      slots: 4,
      coordinator: { maxConcurrentQueriesPerUser: 1 },
      worker: { failureInjection: parseFailureInjection('query=hang_,partition=0,when=start,action=HANG') },
    });
    events = await EventCollector.start(cluster.servers.nats.url, cluster.prefix);
    const connect = (user: string) =>
      QuarryClient.connect({ servers: cluster.servers.nats.url, prefix: cluster.prefix, user });
    alice = await connect('alice');
    bob = await connect('bob');
  });

  after(async () => {
    await alice?.close();
    await bob?.close();
    await events?.close();
    await cluster?.stop();
  });

  it("queues a user's second query until the first ends; another user's query runs meanwhile", async () => {
    const first = await alice.submit(SQL, { queryId: `hang_${randomSuffix(6)}` });
    await events.waitFor((e) => e.queryId === first.queryId && e.type === 'RUNNING');
    const second = await alice.submit(SQL);
    await events.waitFor((e) => e.queryId === second.queryId && e.type === 'QUEUED');
    // bob is not held up by alice's queries
    expect((await bob.query(SQL)).rows).to.deep.equal([[15000]]);
    expect(typesOf(events, second.queryId), 'still waiting').to.deep.equal(['QUEUED']);
    expect(second.alreadySubmitted).to.equal(false);
    await first.cancel();
    expect((await second.result()).rows).to.deep.equal([[15000]]);
    expect(indexOf(events, second.queryId, 'PLANNING')).to.be.greaterThan(
      indexOf(events, first.queryId, 'FAILED'),
    );
    first.close();
    second.close();
  });

  it('starts the waiting query when the running one finishes, oldest first', async () => {
    const handles: QueryHandle[] = [];
    for (let i = 0; i < 3; i++) handles.push(await alice.submit(SQL));
    for (const h of handles) expect((await h.result()).rows).to.deep.equal([[15000]]);
    const [a, b, c] = handles.map((h) => h.queryId) as [string, string, string];
    expect(indexOf(events, b, 'PLANNING')).to.be.greaterThan(indexOf(events, a, 'FINISHED'));
    expect(indexOf(events, c, 'PLANNING')).to.be.greaterThan(indexOf(events, b, 'FINISHED'));
    for (const h of handles) h.close();
  });

  it('refuses a malformed user name by name', async () => {
    const nats = cluster.client.system.nc;
    const reply = await nats.request(
      `${cluster.prefix}.query.submit`,
      JSON.stringify({ sql: 'select 1', user: 'a b' }),
      { timeout: 10_000 },
    );
    const body = JSON.parse(Buffer.from(reply.data).toString('utf8'));
    expect(body.ok).to.equal(false);
    expect(body.error.code).to.equal('INVALID_SUBMISSION');
    expect(body.error.message).to.match(/'user' must be/);
  });
});

/**
 * The cap survives a failover: a new leader rebuilds the queries from Redis and decides from their
 * states as the old one would have — a query that was running still counts, one that was waiting
 * still waits and starts when its user's query ends.
 */
describe('concurrent queries per user across a coordinator failover (real processes)', function () {
  this.timeout(240_000);
  let cluster: LocalCluster;
  let events: EventCollector;
  let alice: QuarryClient;
  let bob: QuarryClient;
  const prefix = 'usercap';

  before(async () => {
    cluster = await startProcessCluster({
      workers: 1,
      slots: 4,
      coordinators: 2,
      prefix,
      configProperties: { 'query.max-concurrent-queries-per-user': '1' },
      env: { QUARRY_FAILURE_INJECTION: 'query=hang_,partition=0,when=start,action=HANG' },
    });
    events = await EventCollector.start(cluster.natsUrl, prefix);
    const connect = (user: string) =>
      QuarryClient.connect({ servers: cluster.natsUrl, prefix, user, timeoutMs: 5000 });
    alice = await connect('alice');
    bob = await connect('bob');
  });

  after(async () => {
    await alice?.close();
    await bob?.close();
    await events?.close();
    await cluster?.stop();
  });

  it('keeps a queued query queued under the new leader, and starts it when its user’s query ends', async () => {
    const first = await alice.submit(SQL, { queryId: `hang_${randomSuffix(6)}` });
    await events.waitFor((e) => e.queryId === first.queryId && e.type === 'RUNNING', 60_000);
    const second = await alice.submit(SQL);
    await events.waitFor((e) => e.queryId === second.queryId && e.type === 'QUEUED');
    const killed = (await cluster.leader())!;
    expect(killed, 'a leader').to.not.equal(undefined);
    await killed.kill();
    await events.waitFor((e) => e.queryId === first.queryId && e.type === 'COORDINATOR_FAILOVER', 60_000);
    // the new leader runs other users' queries, and alice's second query still waits
    expect((await bob.query(SQL)).rows).to.deep.equal([[15000]]);
    expect(typesOf(events, second.queryId), 'still waiting under the new leader').to.deep.equal(['QUEUED']);
    await first.cancel();
    expect((await second.result()).rows).to.deep.equal([[15000]]);
    expect(indexOf(events, second.queryId, 'PLANNING')).to.be.greaterThan(
      indexOf(events, first.queryId, 'FAILED'),
    );
    first.close();
    second.close();
  });
});
