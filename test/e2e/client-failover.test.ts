import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN, type LocalCluster } from '@quarry/cli';
import { QuarryClient, type QueryEvent, type ResultsPage } from '@quarry/client';
import { QuarryError, randomSuffix, silentLogger } from '@quarry/common';
import { Coordinator, type CoordinatorConfig } from '@quarry/coordinator';
import { localExchangeConfig } from '@quarry/exchange';
import {
  EventCollector,
  startInProcessCluster,
  startProcessCluster,
  startServers,
  type TestServers,
} from '@quarry/testkit';
import { NO_INJECTION, Worker } from '@quarry/worker';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a promise ends with, and after how long. */
async function outcome<T>(work: Promise<T>): Promise<{ value?: T; error?: QuarryError; ms: number }> {
  const started = Date.now();
  try {
    return { value: await work, ms: Date.now() - started };
  } catch (e) {
    return { error: e as QuarryError, ms: Date.now() - started };
  }
}

/**
 * The client library and the CLI through the absence of a coordinator (what a failover looks like to
 * them), with real coordinators, workers and servers: a submission made while none runs is one
 * query once one starts; a handle whose coordinator is gone ends with COORDINATOR_UNAVAILABLE; a
 * result page asked while the coordinator is frozen is asked again until it answers.
 */
describe('client through coordinator outages', function () {
  this.timeout(20_000);
  let servers: TestServers;
  const exchange = localExchangeConfig(mkdtempSync(join(tmpdir(), 'quarry-outage-')));
  const internalCommunication = { sharedSecret: `outage-${randomSuffix(24)}` };

  const coordinatorConfig = (prefix: string): CoordinatorConfig => ({
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

  const startWorker = (prefix: string) =>
    Worker.start(
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

  before(async () => {
    servers = await startServers();
  });

  after(async () => {
    await servers?.stop();
  });

  it('runs a submission made while no coordinator runs as one query when one starts a second later', async () => {
    const prefix = `late${randomSuffix(4)}`;
    // a coordinator created the cluster's streams and went away: the submission is stored, and its
    // tries (every 100 ms to 1 s, each waiting 300 ms) are deduplicated by the stream
    await (await Coordinator.start(coordinatorConfig(prefix), { logger: silentLogger() })).stop();
    const worker = await startWorker(prefix);
    const events = await EventCollector.start(servers.nats.url, prefix);
    const client = await QuarryClient.connect({
      servers: servers.nats.url,
      prefix,
      timeoutMs: 300,
      clientTimeoutMs: 10_000,
    });
    let coordinator: Coordinator | undefined;
    try {
      const submitted = outcome(client.submit('select count(*) from tpch.tiny.region'));
      await sleep(1000);
      coordinator = await Coordinator.start(coordinatorConfig(prefix), { logger: silentLogger() });
      const { value: handle, error, ms } = await submitted;
      expect(error, String(error)).to.equal(undefined);
      expect(ms).to.be.at.least(1000);
      expect((await handle!.result()).rows).to.deep.equal([[5]]);
      handle!.close();
      await sleep(300);
      // one query: one QUEUED event, one entry in the listing
      expect(events.of(handle!.queryId).filter((e) => e.type === 'QUEUED')).to.have.length(1);
      const { queries } = await client.queries(10);
      expect(queries.map((q) => q.queryId)).to.deep.equal([handle!.queryId]);
    } finally {
      await client.close();
      await events.close();
      await coordinator?.stop();
      await worker.stop();
    }
  });

  it('ends a wait for a query whose coordinator is gone with COORDINATOR_UNAVAILABLE', async () => {
    // no worker: the query waits for one, and its coordinator stops meanwhile
    const cluster = await startInProcessCluster({
      workers: 0,
      servers,
      coordinator: { requiredWorkersMaxWaitMs: 60_000 },
    });
    const client = await QuarryClient.connect({
      servers: servers.nats.url,
      prefix: cluster.prefix,
      clientTimeoutMs: 1500,
    });
    try {
      const handle = await client.submit('select count(*) from tpch.tiny.nation');
      await cluster.coordinator.stop();
      // the handle notices after 1.5 s without events (the idle time is at most clientTimeoutMs),
      // then asks coordinator.info for 1.5 s
      const { error, ms } = await outcome(handle.done());
      expect(error?.code, String(error)).to.equal('COORDINATOR_UNAVAILABLE');
      expect(error!.message).to.include(`waiting for query ${handle.queryId}`);
      expect(ms).to.be.at.least(3000).and.below(5000);
      handle.close();
    } finally {
      await client.close();
      await cluster.stop();
    }
  });

  it('keeps waiting while a coordinator answers, and passes a COORDINATOR_FAILOVER event on', async () => {
    const cluster = await startInProcessCluster({
      workers: 0,
      servers,
      coordinator: { requiredWorkersMaxWaitMs: 60_000 },
    });
    const client = await QuarryClient.connect({
      servers: servers.nats.url,
      prefix: cluster.prefix,
      clientTimeoutMs: 1000,
    });
    try {
      const handle = await client.submit('select count(*) from tpch.tiny.nation');
      const seen: QueryEvent[] = [];
      const reading = (async () => {
        for await (const e of handle.events()) seen.push(e);
      })();
      // silent for more than idle time + clientTimeoutMs: the handle asked coordinator.info and went on
      await sleep(3000);
      const failover = {
        queryId: handle.queryId,
        seq: 1000,
        time: Date.now(),
        type: 'COORDINATOR_FAILOVER',
        coordinatorId: 'c2',
        epoch: 7,
        adoptedTasks: 0,
      };
      cluster.client.system.nc.publish(
        `${cluster.prefix}.query.${handle.queryId}.status`,
        JSON.stringify(failover),
      );
      await cluster.addWorker();
      await reading;
      expect(seen.map((e) => e.type)).to.include('COORDINATOR_FAILOVER');
      expect(seen.find((e) => e.type === 'COORDINATOR_FAILOVER')).to.deep.equal(failover);
      expect(seen.at(-1)?.type).to.equal('FINISHED');
      expect((await handle.result()).rows).to.deep.equal([[25]]);
      handle.close();
    } finally {
      await client.close();
      await cluster.stop();
    }
  });

  it('tells from the CLI that no coordinator answered, after --client-timeout', async () => {
    const started = Date.now();
    const run = spawn(
      process.execPath,
      [
        CLI_MAIN,
        'query',
        '--server',
        servers.nats.url,
        '--prefix',
        'nobody',
        '--client-timeout',
        '1s',
        'select 1',
      ],
      { env: { ...process.env, HOME: mkdtempSync(join(tmpdir(), 'quarry-home-')) } },
    );
    let stderr = '';
    run.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => run.on('exit', resolve));
    expect(code).to.equal(1);
    expect(stderr).to.match(
      /COORDINATOR_UNAVAILABLE: No coordinator answered for 1\.\d\ds: submitting query/,
    );
    expect(Date.now() - started).to.be.below(10_000);
  });
});

describe('result pages through a frozen coordinator', function () {
  this.timeout(30_000);
  let cluster: LocalCluster;

  before(async () => {
    cluster = await startProcessCluster({ workers: 1, prefix: 'frozen' });
  });

  after(async () => cluster?.stop());

  it('asks for a page again until the coordinator answers', async () => {
    const client = await QuarryClient.connect({
      servers: cluster.natsUrl,
      prefix: 'frozen',
      timeoutMs: 300,
      clientTimeoutMs: 5000,
    });
    try {
      const sql = 'select o_orderkey from tpch.tiny.orders order by o_orderkey limit 2500';
      const full = await client.query(sql);
      const handle = await client.submit(sql);
      await handle.done();
      // row pages (1000 rows each): the result is more than one page
      const first = (await handle.rows({ format: 'rows' })[Symbol.asyncIterator]().next())
        .value as ResultsPage;
      expect(first.nextToken).to.equal(1);
      // the next pages are asked while the coordinator is frozen for 1.5 s: tries go unanswered
      const coordinator = cluster.coordinator!.process;
      coordinator.kill('SIGSTOP');
      const thawed = sleep(1500).then(() => coordinator.kill('SIGCONT'));
      const started = Date.now();
      const rest: (readonly unknown[])[] = [];
      for await (const page of handle.rows({ fromToken: 1, format: 'rows' })) rest.push(...page.rows);
      expect(Date.now() - started).to.be.at.least(1500);
      await thawed;
      expect([...first.rows, ...rest]).to.deep.equal(full.rows);
      handle.close();
    } finally {
      await client.close();
    }
  });

  it('gives up on a page when the coordinator stays frozen past clientTimeoutMs', async () => {
    const client = await QuarryClient.connect({
      servers: cluster.natsUrl,
      prefix: 'frozen',
      timeoutMs: 300,
      clientTimeoutMs: 1000,
    });
    const coordinator = cluster.coordinator!.process;
    try {
      const handle = await client.submit('select count(*) from tpch.tiny.orders');
      await handle.done();
      coordinator.kill('SIGSTOP');
      const { error, ms } = await outcome(handle.rows()[Symbol.asyncIterator]().next());
      expect(error?.code, String(error)).to.equal('COORDINATOR_UNAVAILABLE');
      expect(error!.message).to.include(`fetching result page 0 of query ${handle.queryId}`);
      expect(error!.message).to.include('no reply within');
      expect(ms).to.be.at.least(1000).and.below(2000);
      coordinator.kill('SIGCONT');
      // the coordinator is back: the same page is there
      const page = await handle.rows()[Symbol.asyncIterator]().next();
      expect((page.value as ResultsPage).rows).to.deep.equal([[15000]]);
      handle.close();
    } finally {
      coordinator.kill('SIGCONT');
      await client.close();
    }
  });
});
