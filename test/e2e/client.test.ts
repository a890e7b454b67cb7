import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { QuarryError, randomSuffix, silentLogger } from '@quarry/common';
import { AttemptStore, Coordinator, type CoordinatorConfig } from '@quarry/coordinator';
import { localExchangeConfig } from '@quarry/exchange';
import type { QueryEvent } from '@quarry/protocol';
import {
  EventCollector,
  startInProcessCluster,
  startServers,
  track,
  type InProcessCluster,
  type TestServers,
} from '@quarry/testkit';
import { NO_INJECTION, Worker, parseFailureInjection } from '@quarry/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROWS_SQL = 'select o_orderkey, o_custkey from tpch.tiny.orders order by o_orderkey limit 3500';

describe('client library', function () {
  this.timeout(60_000);
  let cluster: InProcessCluster;

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      worker: {
        failureInjection: parseFailureInjection('query=slow_,stage=1,when=midway,action=DELAY,ms=20000'),
      },
    });
  });

  after(async () => cluster?.stop());

  it('replays the whole history of a query to a subscriber that arrives late', async () => {
    const r = await cluster.client.query('select count(*) from tpch.tiny.nation');
    const late = await QuarryClient.connect({ servers: cluster.servers.nats.url, prefix: cluster.prefix });
    try {
      // anyone may follow a query's events; its rows need the capability its submitter hands over
      late.remember(r.queryId, cluster.client.capabilityOf(r.queryId)!);
      const handle = await late.attach(r.queryId);
      const events: QueryEvent[] = [];
      for await (const e of handle.events()) events.push(e);
      expect(events.map((e) => e.seq)).to.deep.equal(events.map((_, i) => i + 1));
      expect(events[0]!.type).to.equal('QUEUED');
      expect(events.at(-1)!.type).to.equal('FINISHED');
      expect((await handle.result()).rows).to.deep.equal([[25]]);
      handle.close();
    } finally {
      await late.close();
    }
  });

  it('reads rows in pages and resumes from a token with another client', async () => {
    const full = await cluster.client.query(ROWS_SQL);
    expect(full.rows.length).to.equal(3500);
    const handle = await cluster.client.submit(ROWS_SQL);
    const first: (readonly unknown[])[] = [];
    let next: number | null = null;
    // row pages of query.result-page-rows (1000) rows; the rest is read in columnar pages, which
    // start at the same token
    for await (const page of handle.rows({ format: 'rows' })) {
      first.push(...page.rows);
      next = page.nextToken;
      if (first.length >= 2000) break;
    }
    handle.close();
    expect(next).to.equal(2);
    const other = await QuarryClient.connect({ servers: cluster.servers.nats.url, prefix: cluster.prefix });
    try {
      other.remember(handle.queryId, cluster.client.capabilityOf(handle.queryId)!);
      const again = await other.attach(handle.queryId);
      const rest: (readonly unknown[])[] = [];
      for await (const page of again.rows({ fromToken: next! })) rest.push(...page.rows);
      again.close();
      expect([...first, ...rest]).to.deep.equal(full.rows);
    } finally {
      await other.close();
    }
  });

  it('cancels a running query', async () => {
    const handle = await cluster.client.submit('select count(*) from tpch.tiny.orders', {
      queryId: `slow_${randomSuffix(6)}`,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await handle.cancel()).to.deep.equal({ canceled: true, state: 'FAILED' });
    const err = (await handle.done().catch((e: unknown) => e)) as QuarryError;
    expect(err.code).to.equal('USER_CANCELED');
    expect(await handle.cancel()).to.deep.equal({ canceled: false, state: 'FAILED' });
    handle.close();
  });

  it('lists workers and recent queries', async () => {
    const info = await cluster.client.workers();
    expect(info.workers.map((w) => w.workerId)).to.deep.equal(['w1', 'w2']);
    const { queries } = await cluster.client.queries(5);
    expect(queries.length).to.be.within(1, 5);
    expect(queries[0]!.state).to.be.oneOf(['FINISHED', 'FAILED', 'RUNNING']);
  });
});

describe('client library across a NATS server restart', function () {
  this.timeout(60_000);
  let cluster: InProcessCluster;

  before(async () => (cluster = await startInProcessCluster({ workers: 1 })));
  after(async () => cluster?.stop());

  it('keeps reading result pages after the NATS server restarts mid-result', async () => {
    const full = await cluster.client.query(ROWS_SQL);
    const handle = await cluster.client.submit(ROWS_SQL);
    await handle.done();
    const rows: (readonly unknown[])[] = [];
    let restarted = false;
    // row pages, so that there are several, asked ahead while the server restarts
    for await (const page of handle.rows({ format: 'rows', prefetch: 4 })) {
      rows.push(...page.rows);
      if (!restarted) {
        restarted = true;
        const nats = cluster.servers.nats;
        await nats.stop();
        track(await startNatsServer(join(cluster.servers.dir, 'nats'), { port: nats.port }));
      }
    }
    handle.close();
    expect(rows).to.deep.equal(full.rows);
  });
});

describe('durable submissions', function () {
  this.timeout(60_000);
  let servers: TestServers;
  let nc: NatsConnection;
  const prefix = `dur${randomSuffix(4)}`;
  const exchange = localExchangeConfig(mkdtempSync(join(tmpdir(), 'quarry-dur-')));
  const internalCommunication = { sharedSecret: `durable-${randomSuffix(24)}` };

  const coordinatorConfig = (): CoordinatorConfig => ({
    servers: servers.nats.url,
    prefix,
    redisUrl: servers.redis.url,
    exchange,
    exchangeConfigured: true,
    retry: {
      policy: 'NONE',
      queryRetryAttempts: 4,
      taskRetryAttemptsPerTask: 4,
      initialDelayMs: 100,
      maxDelayMs: 1000,
      scaleFactor: 2,
    },
    taskProgressTimeoutMs: 60_000,
    heartbeatTimeoutMs: 1500,
    queryMaxLength: 1_000_000,
    hashPartitionCount: 0,
    taskMemoryBytes: 256 << 20,
    resultRetentionMs: 60_000,
    recordRetentionMs: 60_000,
    resultPageRows: 1000,
    eventsRetentionMs: 600_000,
    internalCommunication,
  });

  before(async () => {
    servers = await startServers();
    nc = await connect({ servers: servers.nats.url });
  });

  after(async () => {
    await nc?.close();
    await servers?.stop();
  });

  it('runs a query published while no coordinator runs once one starts — once, though published twice', async () => {
    // a first coordinator creates the cluster's streams, then goes away
    const first = await Coordinator.start(coordinatorConfig(), { logger: silentLogger() });
    await first.stop();
    const queryId = `durable_${randomSuffix(6)}`;
    const sql = 'select count(*) from tpch.tiny.region';
    // a plain publish gets no reply: the submitter asks again later with the same id and secret
    const clientSecret = randomBytes(24).toString('base64url');
    const submission = JSON.stringify({ sql, queryId, clientSecret });
    nc.publish(`${prefix}.query.submit`, submission);
    nc.publish(`${prefix}.query.submit`, submission);
    await nc.flush();

    const worker = await Worker.start(
      {
        servers: servers.nats.url,
        prefix,
        workerId: 'w1',
        slots: 2,
        heartbeatIntervalMs: 250,
        taskMemoryBytes: 256 << 20,
        exchange,
        failureInjection: NO_INJECTION,
        internalCommunication,
      },
      silentLogger(),
    );
    const events = await EventCollector.start(servers.nats.url, prefix);
    const second = await Coordinator.start(coordinatorConfig(), { logger: silentLogger() });
    const client = await QuarryClient.connect({ servers: servers.nats.url, prefix });
    const store = AttemptStore.connect(servers.redis.url, prefix, 60);
    try {
      // the same submission again, as an ask: the same query (it does not run twice), and its capability
      const handle = await client.submit(sql, { queryId, clientSecret });
      expect((await handle.result()).rows).to.deep.equal([[5]]);
      handle.close();
      await new Promise((r) => setTimeout(r, 500));
      expect(events.of(queryId).filter((e) => e.type === 'QUEUED')).to.have.length(1);
      const { queries } = await client.queries(10);
      expect(queries.filter((q) => q.queryId === queryId)).to.have.length(1);
      expect(
        Object.keys(await store.attempts(queryId).then((a) => Object.fromEntries(a.tasks))),
      ).to.have.length(2);
    } finally {
      await store.close();
      await client.close();
      await events.close();
      await second.stop();
      await worker.stop();
    }
  });
});
