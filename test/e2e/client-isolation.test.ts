import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { QuarryClient } from '@quarry/client';
import { QuarryError, randomSuffix } from '@quarry/common';
import { EventCollector, startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

const ADMIN_TOKEN = 'admin-token-for-the-isolation-test';

/**
 * Clients are isolated: knowing (or guessing) a query id gives its status events only — results,
 * cancel and the listing need the capability its submission returned, or the coordinator's admin
 * token; a second submission under someone else's id cannot claim the query; events carry no SQL.
 */
describe('clients isolated from each other', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;
  let alice: QuarryClient;
  let mallory: QuarryClient;
  let admin: QuarryClient;
  let nc: NatsConnection;
  let events: EventCollector;
  const SQL = 'select n_name from tpch.tiny.nation where n_regionkey = 1 order by 1';

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 1,
      coordinator: { adminToken: ADMIN_TOKEN },
      // queries named hang_ keep running until canceled
      worker: { failureInjection: parseFailureInjection('query=hang_,when=start,action=HANG') },
    });
    const connectAs = (adminToken?: string) =>
      QuarryClient.connect({
        servers: cluster.servers.nats.url,
        prefix: cluster.prefix,
        ...(adminToken ? { adminToken } : {}),
      });
    [alice, mallory, admin] = await Promise.all([connectAs(), connectAs(), connectAs(ADMIN_TOKEN)]);
    nc = await connect({ servers: cluster.servers.nats.url });
    events = await EventCollector.start(cluster.servers.nats.url, cluster.prefix);
  });

  after(async () => {
    await events?.close();
    await nc?.close();
    await Promise.all([alice, mallory, admin].map((c) => c?.close()));
    await cluster?.stop();
  });

  const denied = async (work: () => Promise<unknown>): Promise<QuarryError> => {
    try {
      await work();
    } catch (e) {
      return e as QuarryError;
    }
    throw new Error('expected ACCESS_DENIED, and it was allowed');
  };

  it("keeps one client's results, cancel and listing from another that knows the query id", async () => {
    const mine = await alice.query(SQL);
    expect(mine.rows.length).to.equal(5);
    const handle = await mallory.attach(mine.queryId);
    // the events are public (they say how a query goes, not what it reads)
    const types = [];
    for await (const e of handle.events()) types.push(e.type);
    expect(types.at(-1)).to.equal('FINISHED');
    const err = await denied(() => handle.result());
    expect(err.code).to.equal('ACCESS_DENIED');
    expect(err.message).to.include('needs the capability its submission returned');
    handle.close();
    expect((await denied(() => mallory.cancel(mine.queryId))).code).to.equal('ACCESS_DENIED');
    expect((await mallory.queries(100)).queries.map((q) => q.queryId)).to.not.include(mine.queryId);
    expect((await alice.queries(100)).queries.map((q) => q.queryId)).to.include(mine.queryId);
  });

  it('refuses a guessed capability, also over raw NATS, and serves the right one there', async () => {
    const mine = await alice.submit(SQL);
    await mine.done();
    const ask = async (capability: string) => {
      const reply = await nc.request(
        `${cluster.prefix}.query.${mine.queryId}.results`,
        JSON.stringify({ token: 0, capability }),
        { timeout: 5000 },
      );
      return JSON.parse(new TextDecoder().decode(reply.data)) as {
        ok: boolean;
        value?: { rows: unknown[] };
        error?: { code: string };
      };
    };
    expect((await ask(randomBytes(32).toString('base64url'))).error?.code).to.equal('ACCESS_DENIED');
    const right = await ask(alice.capabilityOf(mine.queryId)!);
    expect(right.ok).to.equal(true);
    expect(right.value?.rows.length).to.equal(5);
    mine.close();
  });

  it("cannot claim someone else's query by submitting again under its id", async () => {
    const queryId = `claim_${randomSuffix(6)}`;
    const clientSecret = randomBytes(24).toString('base64url');
    const mine = await alice.submit(SQL, { queryId, clientSecret });
    await mine.done();
    const theft = await denied(() => mallory.submit('select 1', { queryId }));
    expect(theft.code).to.equal('ACCESS_DENIED');
    // the submitter's own retry (same id, same secret) is the same query, with the same capability
    const retry = await alice.submit(SQL, { queryId, clientSecret });
    expect((await retry.result()).rows.length).to.equal(5);
    expect(events.of(queryId).filter((e) => e.type === 'QUEUED')).to.have.length(1);
    mine.close();
    retry.close();
  });

  it('lets a client holding the admin token read, list and cancel any query', async () => {
    const running = await alice.submit(SQL, { queryId: `hang_${randomSuffix(6)}` });
    await events.waitFor((e) => e.queryId === running.queryId && e.type === 'RUNNING');
    expect((await admin.queries(100)).queries.map((q) => q.queryId)).to.include(running.queryId);
    expect((await admin.cancel(running.queryId)).canceled).to.equal(true);
    const err = await denied(() => running.done());
    expect(err.code).to.equal('USER_CANCELED');
    const done = await alice.query(SQL);
    const read = await admin.attach(done.queryId);
    expect((await read.result()).rows).to.deep.equal(done.rows);
    read.close();
    running.close();
  });

  it('publishes no SQL text in status events unless query.events.include-sql is set', async () => {
    const r = await alice.query(SQL);
    const queued = events.of(r.queryId).find((e) => e.type === 'QUEUED')!;
    expect(queued).to.not.have.property('sql');
    expect(JSON.stringify(events.of(r.queryId))).to.not.include('n_regionkey');
  });
});
