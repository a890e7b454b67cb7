import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import type { QueryEvent } from '@quarry/protocol';
import { EventCollector, startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

const SQL =
  'select l_returnflag, count(*) c, sum(l_extendedprice) s from tpch.tiny.lineitem group by 1 order by 1';

/**
 * A task that stops making progress is failed after `task.progress-timeout` and retried; a worker
 * that goes silent is declared dead, its task runs again elsewhere, and when the silent worker later
 * reports that task finished, the report changes nothing and its output is deleted.
 */
describe('stalled tasks and late reports from a worker declared dead', function () {
  this.timeout(60_000);
  let cluster: InProcessCluster;
  let events: EventCollector;
  let store: AttemptStore;
  let baseline: unknown[][];

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 3,
      slots: 1,
      coordinator: {
        heartbeatTimeoutMs: 1000,
        taskProgressTimeoutMs: 1500,
        retry: {
          policy: 'TASK',
          queryRetryAttempts: 4,
          taskRetryAttemptsPerTask: 4,
          initialDelayMs: 10_000,
          maxDelayMs: 60_000,
          scaleFactor: 2,
        },
      },
      worker: {
        failureInjection: parseFailureInjection(
          'query=hang_,stage=2,partition=0,attempt=0,when=midway,action=HANG;' +
            'query=late_,stage=2,partition=0,attempt=0,when=start,action=STOP_HEARTBEATS;' +
            'query=late_,stage=2,partition=0,attempt=0,when=start,action=DELAY,ms=3000',
        ),
      },
    });
    events = await EventCollector.start(cluster.servers.nats.url, cluster.prefix);
    store = AttemptStore.connect(cluster.servers.redis.url, cluster.prefix, 60);
    baseline = (await cluster.client.query(SQL)).rows as unknown[][];
  });

  after(async () => {
    await store?.close();
    await events?.close();
    await cluster?.stop();
  });

  it('fails a task that stops making progress, cancels it, and retries it', async () => {
    const queryId = `hang_${randomSuffix(6)}`;
    const result = await cluster.client.query(SQL, { queryId, session: { retry_initial_delay: '100ms' } });
    expect(result.rows).to.deep.equal(baseline);
    const { attempts } = await store.attempts(queryId);
    expect(attempts.get('0/2.0.0')?.error?.code).to.equal('TASK_TIMEOUT');
    expect(attempts.get('0/2.0.1')?.state).to.equal('FINISHED');
    const failed = events
      .of(queryId)
      .find((e): e is Extract<QueryEvent, { type: 'TASK_FAILED' }> => e.type === 'TASK_FAILED');
    expect(failed?.error.message).to.match(/made no progress for \d+ ms \(task\.progress-timeout\)/);
  });

  it('ignores the late success of a worker declared dead, and deletes what it wrote', async () => {
    const queryId = `late_${randomSuffix(6)}`;
    const started = Date.now();
    const result = await cluster.client.query(SQL, { queryId });
    expect(result.rows).to.deep.equal(baseline);
    // retried at once on another worker: no 10 s backoff for a lost worker
    expect(Date.now() - started).to.be.lessThan(6000);
    const lost = events
      .of(queryId)
      .find((e): e is Extract<QueryEvent, { type: 'WORKER_LOST' }> => e.type === 'WORKER_LOST');
    expect(lost?.tasks.map((t) => t.taskId)).to.deep.equal(['2.0.0']);
    const retry = events
      .of(queryId)
      .find((e): e is Extract<QueryEvent, { type: 'TASK_RETRYING' }> => e.type === 'TASK_RETRYING');
    expect(retry?.delayMs).to.equal(0);

    // the silent worker finishes attempt 0 about 3 s after it started, and reports it
    await new Promise((r) => setTimeout(r, Math.max(0, started + 4500 - Date.now())));
    const { tasks, attempts } = await store.attempts(queryId);
    expect(attempts.get('0/2.0.0')).to.deep.include({ state: 'FAILED', worker: lost!.workerId });
    expect(attempts.get('0/2.0.0')?.error?.code).to.equal('REMOTE_HOST_GONE');
    expect(tasks.get('0/2.0')).to.deep.include({ state: 'FINISHED', winner: 1 });
    const leftovers = join(cluster.exchangeDir, queryId, 's2');
    const files = existsSync(leftovers) ? readdirSync(leftovers, { recursive: true }).map(String) : [];
    expect(
      files.filter((f) => f.endsWith('.qx')),
      'late attempt output deleted',
    ).to.deep.equal([]);
    // the result is what it was
    expect((await cluster.client.query(SQL)).rows).to.deep.equal(baseline);
  });
});
