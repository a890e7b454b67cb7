import { expect } from 'chai';
import { startRedis, uniquePrefix } from '@quarry/testkit';
import { AttemptStore } from '../src/attempt-store.js';

describe('AttemptStore on a real redis-server', function () {
  this.timeout(20_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let store: AttemptStore;
  const a = (stageId: number, partition: number, attempt: number) => ({
    queryAttempt: 0,
    stageId,
    partition,
    attempt,
  });
  const err = { code: 'REMOTE_HOST_GONE', type: 'EXTERNAL' as const, message: 'worker w1 lost' };

  before(async () => {
    redis = await startRedis();
    store = AttemptStore.connect(redis.url, uniquePrefix(), 60);
  });

  after(async () => {
    await store?.close();
    await redis?.stop();
  });

  it('records attempts and lets exactly one attempt per task win', async () => {
    await store.createQuery('q1', { sql: 'select 1', retryPolicy: 'TASK', created: 1 });
    expect(await store.startAttempt('q1', a(1, 0, 0), 'w1')).to.equal(true);
    expect(await store.failAttempt('q1', a(1, 0, 0), err)).to.equal(true);
    expect(await store.startAttempt('q1', a(1, 0, 1), 'w2')).to.equal(true);
    expect(await store.finishAttempt('q1', a(1, 0, 0))).to.equal(false, 'the failed attempt cannot win late');
    expect(
      await store.finishAttempt('q1', a(1, 0, 1), {
        rowsIn: 5,
        rowsOut: 2,
        bytesOut: 10,
        wallMs: 3,
        peakMemoryBytes: 0,
      }),
    ).to.equal(true);
    expect(await store.finishAttempt('q1', a(1, 0, 1))).to.equal(false, 'no double commit');
    expect(await store.startAttempt('q1', a(1, 0, 2), 'w3')).to.equal(false, 'no new attempt after a win');
    const { tasks, attempts } = await store.attempts('q1');
    expect(tasks.get('0/1.0')).to.deep.include({ state: 'FINISHED', winner: 1, attempts: 2 });
    expect(attempts.get('0/1.0.0')).to.deep.include({ state: 'FAILED', worker: 'w1', error: err });
    expect(attempts.get('0/1.0.1')).to.deep.include({ state: 'FINISHED', worker: 'w2' });
    expect(attempts.get('0/1.0.1')!.stats).to.deep.equal({
      rowsIn: 5,
      rowsOut: 2,
      bytesOut: 10,
      wallMs: 3,
      peakMemoryBytes: 0,
    });
  });

  it('ignores a superseded attempt and a report about an attempt never started', async () => {
    await store.startAttempt('q2', a(2, 3, 0), 'w1');
    await store.startAttempt('q2', a(2, 3, 1), 'w2');
    expect(await store.finishAttempt('q2', a(2, 3, 0))).to.equal(false);
    expect(await store.finishAttempt('q2', a(9, 9, 0))).to.equal(false);
    expect(await store.finishAttempt('q2', a(2, 3, 1))).to.equal(true);
  });

  it('keeps the query state and expires every key after the retention', async () => {
    await store.createQuery('q3', { sql: 'select 2', retryPolicy: 'NONE', created: 2 });
    await store.startAttempt('q3', a(0, 0, 0), 'w1');
    await store.endQuery('q3', 'FAILED', 12, {
      code: 'DIVISION_BY_ZERO',
      type: 'USER_ERROR',
      message: 'Division by zero',
    });
    const q = await store.query('q3');
    expect(q).to.deep.include({ state: 'FAILED', sql: 'select 2', elapsedMs: '12' });
    expect(JSON.parse(q['error']!)).to.deep.equal({
      code: 'DIVISION_BY_ZERO',
      type: 'USER_ERROR',
      message: 'Division by zero',
    });
    const ttl = await store.redis.ttl(store.queryKey('q3'));
    const ttlTasks = await store.redis.ttl(store.tasksKey('q3'));
    expect(ttl).to.be.within(1, 60);
    expect(ttlTasks).to.be.within(1, 60);
  });
});
