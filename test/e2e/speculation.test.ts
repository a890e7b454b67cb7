import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import type { QueryEvent } from '@quarry/protocol';
import {
  EventCollector,
  startInProcessCluster,
  startServers,
  type InProcessCluster,
  type TestServers,
} from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

const SQL =
  'select l_returnflag, count(*) c, sum(l_extendedprice) s from tpch.tiny.lineitem group by 1 order by 1';

type Speculating = Extract<QueryEvent, { type: 'TASK_SPECULATING' }>;

/**
 * Speculative execution under retry policy TASK (execution.batch.speculative.enabled): a task of
 * the scanning stage (stage 2) is held back by an injected delay on its first attempt; once the
 * stage's other tasks have finished, a second attempt starts on another worker. Whichever finishes
 * first wins; the other is cancelled, recorded as superseded (no failure of the task) and its files
 * deleted. A worker whose task was overtaken is blocked from new tasks for a while.
 */
describe('speculative execution of a slow task', function () {
  this.timeout(120_000);
  let servers: TestServers;
  let baseline: unknown[][];

  /** A cluster of 3 one-slot workers with speculation on and `injection` on every worker. */
  async function cluster(injection: string): Promise<InProcessCluster> {
    return startInProcessCluster({
      servers,
      workers: 3,
      slots: 1,
      coordinator: {
        retry: {
          policy: 'TASK',
          queryRetryAttempts: 4,
          taskRetryAttemptsPerTask: 4,
          initialDelayMs: 100,
          maxDelayMs: 1000,
          scaleFactor: 2,
        },
        speculation: {
          enabled: true,
          baselineRatio: 0.5,
          baselineMultiplier: 1.5,
          baselineLowerBoundMs: 200,
          blockSlowNodeMs: 60_000,
        },
      },
      worker: { failureInjection: parseFailureInjection(injection) },
    });
  }

  async function exchangeFiles(c: InProcessCluster, queryId: string): Promise<string[]> {
    const dir = join(c.exchangeDir, queryId, 's2');
    return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : [];
  }

  before(async () => {
    servers = await startServers();
    const plain = await startInProcessCluster({ servers, workers: 2 });
    try {
      baseline = (await plain.client.query(SQL)).rows as unknown[][];
    } finally {
      await plain.stop();
    }
  });

  after(async () => {
    await servers?.stop();
  });

  it('lets a speculative attempt overtake a straggler, cancels the straggler and blocks its worker', async () => {
    const c = await cluster('stage=2,partition=0,attempt=0,when=start,action=DELAY,ms=60000');
    const events = await EventCollector.start(servers.nats.url, c.prefix);
    const store = AttemptStore.connect(servers.redis.url, c.prefix, 60);
    try {
      const queryId = `spec_${randomSuffix(6)}`;
      const started = Date.now();
      const result = await c.client.query(SQL, { queryId });
      expect(result.rows).to.deep.equal(baseline);
      expect(Date.now() - started, 'the 60 s straggler did not hold the query').to.be.lessThan(45_000);

      const speculating = events.of(queryId).filter((e): e is Speculating => e.type === 'TASK_SPECULATING');
      expect(speculating).to.have.length(1);
      const [spec] = speculating;
      expect(spec!.task).to.include({ stageId: 2, partition: 0, attempt: 1 });
      expect(spec!.slowAttempt).to.equal(0);
      expect(spec!.elapsedMs).to.be.greaterThan(spec!.baselineMs);

      const { tasks, attempts } = await store.attempts(queryId);
      expect(tasks.get('0/2.0')).to.deep.include({ state: 'FINISHED', winner: 1 });
      expect(tasks.get('0/2.0')!.failures ?? 0).to.equal(0, 'a lost race is no failure');
      expect(attempts.get('0/2.0.1')).to.deep.include({ state: 'FINISHED', speculative: true });
      const slow = attempts.get('0/2.0.0')!;
      expect(slow.error?.code).to.equal('ATTEMPT_SUPERSEDED');
      expect(slow.worker).to.not.equal(attempts.get('0/2.0.1')!.worker);
      expect(
        events.of(queryId).filter((e) => e.type === 'TASK_RETRYING'),
        'nothing was retried',
      ).to.deep.equal([]);

      const info = await c.client.workers();
      const blocked = info.workers.filter((w) => w.blocked);
      expect(blocked.map((w) => w.workerId)).to.deep.equal([slow.worker]);
      expect(blocked[0]!.blocked!.reason).to.match(/overtaken by a speculative attempt/);
      // the straggler was cancelled (its delay ends at the cancel, not 60 s later): its slot is free
      await waitFor(async () => (await c.client.workers()).workers.every((w) => w.runningTasks === 0));
      expect((await exchangeFiles(c, queryId)).filter((f) => f.startsWith('0.0/'))).to.deep.equal([]);
    } finally {
      await store.close();
      await events.close();
      await c.stop();
    }
  });

  it('cancels the speculative attempt when the slow one finishes first, and blocks no one', async () => {
    const c = await cluster(
      'stage=2,partition=0,attempt=0,when=start,action=DELAY,ms=6000;' +
        'stage=2,partition=0,attempt=1,when=start,action=DELAY,ms=60000',
    );
    const events = await EventCollector.start(servers.nats.url, c.prefix);
    const store = AttemptStore.connect(servers.redis.url, c.prefix, 60);
    try {
      const queryId = `race_${randomSuffix(6)}`;
      const result = await c.client.query(SQL, { queryId });
      expect(result.rows).to.deep.equal(baseline);
      expect(events.of(queryId).filter((e) => e.type === 'TASK_SPECULATING')).to.have.length(1);
      const { tasks, attempts } = await store.attempts(queryId);
      expect(tasks.get('0/2.0')).to.deep.include({ state: 'FINISHED', winner: 0 });
      expect(attempts.get('0/2.0.1')?.error?.code).to.equal('ATTEMPT_SUPERSEDED');
      const info = await c.client.workers();
      expect(info.workers.filter((w) => w.blocked)).to.deep.equal([]);
      // the cancelled backup frees its slot: its worker lists no task any more
      await waitFor(async () => (await c.client.workers()).workers.every((w) => w.runningTasks === 0));
    } finally {
      await store.close();
      await events.close();
      await c.stop();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
