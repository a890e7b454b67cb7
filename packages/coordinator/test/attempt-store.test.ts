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
  const NO_FILES = { outputs: [] };
  const FILE = { uri: 'file:///tmp/x/q1/s1/0.0.data', partition: 0, bytes: 10, pages: 1 };

  before(async () => {
    redis = await startRedis();
    store = AttemptStore.connect(redis.url, uniquePrefix(), 60);
  });

  after(async () => {
    await store?.close();
    await redis?.stop();
  });

  it('records a speculative attempt beside the current one: the first to finish wins', async () => {
    await store.createQuery('qs', { sql: 'select 1', retryPolicy: 'TASK', created: 1 });
    expect(await store.startAttempt('qs', a(1, 0, 1), 'w2', { backup: true })).to.equal(
      false,
      'no backup of a task that does not run',
    );
    expect(await store.startAttempt('qs', a(1, 0, 0), 'w1')).to.equal(true);
    expect(await store.startAttempt('qs', a(1, 0, 1), 'w2', { backup: true })).to.equal(true);
    expect(await store.startAttempt('qs', a(1, 0, 2), 'w3', { backup: true })).to.equal(
      false,
      'one backup at a time',
    );
    let { tasks, attempts } = await store.attempts('qs');
    expect(tasks.get('0/1.0')).to.deep.include({ state: 'RUNNING', current: 0, backup: 1, attempts: 2 });
    expect(attempts.get('0/1.0.1')).to.deep.include({ state: 'RUNNING', worker: 'w2', speculative: true });
    expect(await store.finishAttempt('qs', a(1, 0, 1), { outputs: [FILE] })).to.equal(true);
    expect(await store.finishAttempt('qs', a(1, 0, 0), NO_FILES)).to.equal(false, 'the slow one lost');
    expect(await store.failAttempt('qs', a(1, 0, 0), err, { lost: true })).to.equal(true);
    ({ tasks, attempts } = await store.attempts('qs'));
    expect(tasks.get('0/1.0')).to.deep.include({ state: 'FINISHED', winner: 1 });
    expect(tasks.get('0/1.0')!.failures ?? 0).to.equal(0);
    expect(attempts.get('0/1.0.0')).to.deep.include({ state: 'FAILED' });

    // a failed backup is dropped at no cost; a failed current attempt hands over to its backup
    expect(await store.startAttempt('qs', a(1, 1, 0), 'w1')).to.equal(true);
    expect(await store.startAttempt('qs', a(1, 1, 1), 'w2', { backup: true })).to.equal(true);
    expect(await store.failAttempt('qs', a(1, 1, 1), err, { lost: true })).to.equal(true);
    expect(await store.startAttempt('qs', a(1, 1, 2), 'w3', { backup: true })).to.equal(true);
    expect(await store.failAttempt('qs', a(1, 1, 0), err)).to.equal(true);
    ({ tasks } = await store.attempts('qs'));
    expect(tasks.get('0/1.1')).to.deep.include({ state: 'RUNNING', current: 2, failures: 1, attempts: 3 });
    expect(tasks.get('0/1.1')!.backup).to.equal(undefined);
    expect(await store.finishAttempt('qs', a(1, 1, 2), NO_FILES)).to.equal(true);

    // a refused backup is as if never started
    expect(await store.startAttempt('qs', a(1, 2, 0), 'w1')).to.equal(true);
    expect(await store.startAttempt('qs', a(1, 2, 1), 'w2', { backup: true })).to.equal(true);
    expect(await store.unstartAttempt('qs', a(1, 2, 1))).to.equal(true);
    ({ tasks } = await store.attempts('qs'));
    expect(tasks.get('0/1.2')).to.deep.include({ state: 'RUNNING', current: 0, attempts: 1 });
  });

  it('records attempts and lets exactly one attempt per task win', async () => {
    await store.createQuery('q1', { sql: 'select 1', retryPolicy: 'TASK', created: 1 });
    expect(await store.startAttempt('q1', a(1, 0, 0), 'w1')).to.equal(true);
    expect(await store.failAttempt('q1', a(1, 0, 0), err)).to.equal(true);
    expect(await store.startAttempt('q1', a(1, 0, 1), 'w2')).to.equal(true);
    expect(await store.finishAttempt('q1', a(1, 0, 0), NO_FILES)).to.equal(
      false,
      'the failed attempt cannot win late',
    );
    expect(
      await store.finishAttempt('q1', a(1, 0, 1), {
        outputs: [FILE],
        stats: {
          rowsIn: 5,
          rowsOut: 2,
          bytesOut: 10,
          wallMs: 3,
          peakMemoryBytes: 0,
        },
      }),
    ).to.equal(true);
    expect(await store.finishAttempt('q1', a(1, 0, 1), NO_FILES)).to.equal(false, 'no double commit');
    expect(await store.startAttempt('q1', a(1, 0, 2), 'w3')).to.equal(false, 'no new attempt after a win');
    const { tasks, attempts } = await store.attempts('q1');
    expect(tasks.get('0/1.0')).to.deep.include({ state: 'FINISHED', winner: 1, attempts: 2, failures: 1 });
    expect(JSON.parse(tasks.get('0/1.0')!.outputs!)).to.deep.equal([FILE], "the winner's files are kept");
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
    expect(await store.finishAttempt('q2', a(2, 3, 0), NO_FILES)).to.equal(false);
    expect(await store.finishAttempt('q2', a(9, 9, 0), NO_FILES)).to.equal(false);
    expect(await store.finishAttempt('q2', a(2, 3, 1), NO_FILES)).to.equal(true);
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

  it('puts back an attempt whose hand-over was refused, and does not count a lost attempt as a failure', async () => {
    await store.startAttempt('q4', a(1, 0, 0), 'w1');
    expect(await store.unstartAttempt('q4', a(1, 0, 0))).to.equal(true);
    let { tasks, attempts } = await store.attempts('q4');
    expect(tasks.get('0/1.0')).to.deep.include({ state: 'PENDING', attempts: 0 });
    expect(attempts.has('0/1.0.0')).to.equal(false);
    await store.startAttempt('q4', a(1, 0, 0), 'w2');
    expect(await store.failAttempt('q4', a(1, 0, 0), err, { lost: true })).to.equal(true);
    ({ tasks, attempts } = await store.attempts('q4'));
    expect(tasks.get('0/1.0')).to.deep.include({ state: 'FAILED', attempts: 1 });
    expect(tasks.get('0/1.0')!.failures ?? 0).to.equal(0);
  });

  it('refuses every write of a stale epoch with STALE_EPOCH, and tells its owner', async () => {
    const prefix = uniquePrefix();
    const fenced = AttemptStore.connect(redis.url, prefix, 60);
    let told = 0;
    fenced.fenced.onStale = () => told++;
    try {
      await fenced.redis.set(`${prefix}:leader:epoch`, '7');
      fenced.fenced.fence(7);
      await fenced.createQuery('q5', { sql: 'select 5', retryPolicy: 'TASK', created: 5 });
      expect(await fenced.startAttempt('q5', a(0, 0, 0), 'w1')).to.equal(true);
      // a newer leader took over
      await fenced.redis.set(`${prefix}:leader:epoch`, '8');
      for (const write of [
        () => fenced.finishAttempt('q5', a(0, 0, 0), NO_FILES),
        () => fenced.failAttempt('q5', a(0, 0, 0), err),
        () => fenced.startAttempt('q5', a(0, 1, 0), 'w1'),
        () => fenced.endQuery('q5', 'FINISHED', 3),
        () => fenced.updateQuery('q5', { state: 'RUNNING' }),
      ]) {
        const e = await write().then(
          () => undefined,
          (x: unknown) => x,
        );
        expect(e, String(write)).to.have.property('code', 'STALE_EPOCH');
      }
      expect(told).to.equal(5);
      const { tasks } = await fenced.attempts('q5');
      expect(tasks.get('0/0.0')).to.deep.include({ state: 'RUNNING', current: 0 }, 'nothing changed');
      expect(tasks.has('0/0.1')).to.equal(false);
      expect((await fenced.query('q5'))['state']).to.equal('QUEUED');
    } finally {
      await fenced.close();
    }
  });
});
