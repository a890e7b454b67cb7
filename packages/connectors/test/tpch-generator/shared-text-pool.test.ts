import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { abandonTextPoolBuild, createSharedTextPool, type SharedTextPool } from '../../src/index.js';
import { textPool } from '../../src/tpch/generator/text-pool.js';

// Threads load the built package: worker threads do not go through the test's TypeScript loader.
const THREAD = `
  const { parentPort, workerData } = require('node:worker_threads');
  const { createHash } = require('node:crypto');
  import(workerData.module).then((m) => {
    m.useSharedTextPool(workerData.pool);
    parentPort.postMessage('started');
    const bytes = m.textPool();
    parentPort.postMessage(createHash('sha256').update(bytes).digest('hex'));
  });
`;
const MODULE = new URL('../../dist/tpch/generator/text-pool.js', import.meta.url).href;

function poolDigest(pool: SharedTextPool): {
  thread: Worker;
  digest: Promise<string>;
  started: Promise<void>;
} {
  const thread = new Worker(THREAD, { eval: true, workerData: { module: MODULE, pool } });
  const messages: string[] = [];
  const waiters: (() => void)[] = [];
  thread.on('message', (m: string) => {
    messages.push(m);
    waiters.splice(0).forEach((w) => w());
  });
  const nth = (n: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => (messages.length > n ? resolve(messages[n]!) : waiters.push(check));
      thread.once('error', reject);
      check();
    });
  return { thread, started: nth(0).then(() => undefined), digest: nth(1) };
}

describe('shared TPC-H text pool', function () {
  this.timeout(60_000);
  let expected: string;

  before(() => {
    expected = createHash('sha256').update(textPool()).digest('hex');
  });

  it('is built once by the first thread that needs it and read by all, equal to a private build', async () => {
    const pool = createSharedTextPool();
    const a = poolDigest(pool);
    const b = poolDigest(pool);
    const digests = await Promise.all([a.digest, b.digest]);
    expect(digests).to.deep.equal([expected, expected]);
    expect(new Int32Array(pool.state)[0]).to.equal(-1); // ready
    await Promise.all([a.thread.terminate(), b.thread.terminate()]);
  });

  it('is built by a waiting thread when the thread that was building it exits', async () => {
    const pool = createSharedTextPool();
    const deadThreadId = 987_654;
    new Int32Array(pool.state)[0] = deadThreadId + 1; // "being built by" a thread that will never finish
    const waiter = poolDigest(pool);
    await waiter.started;
    let done = false;
    void waiter.digest.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(done, 'the waiter must wait while the pool is being built').to.equal(false);

    abandonTextPoolBuild(pool, 1); // another thread's exit changes nothing
    await new Promise((r) => setTimeout(r, 300));
    expect(done).to.equal(false);

    abandonTextPoolBuild(pool, deadThreadId);
    expect(await waiter.digest).to.equal(expected);
    await waiter.thread.terminate();
  });
});
