import { expect } from 'chai';
import { openSync, readSync, statSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import type { QueryEvent } from '@quarry/protocol';
import { parseFailureInjection } from '@quarry/worker';
import { EventCollector, startInProcessCluster, type InProcessCluster } from '@quarry/testkit';

const SQL =
  'select o_orderpriority, count(*) c, sum(l_quantity) q from tpch.tiny.orders join tpch.tiny.lineitem on o_orderkey = l_orderkey group by 1 order by 1';
/** First attempts wait 1.5 s before they start reading: time to lose a file their stage will read. */
const INJECTION = 'query=rc_,attempt=0,when=start,action=DELAY,ms=1500';

type Running = Extract<QueryEvent, { type: 'RUNNING' }>;

/**
 * Spooled data lost after it was written (a deleted or corrupted exchange file): the consumer that
 * cannot read it names the file, the producer task that wrote it runs again, then the consumer —
 * and the query returns the rows of a run without loss, under retry policy TASK.
 */
describe('recompute of lost spooled data (retry policy TASK)', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;
  let events: EventCollector;
  let store: AttemptStore;
  let baseline: unknown[][];

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      slots: 2,
      // every output spooled to a file: the files are what this test loses
      exchange: { sinkInlineMaxSize: 0 },
      worker: { failureInjection: parseFailureInjection(INJECTION) },
      coordinator: {
        retry: {
          policy: 'TASK',
          queryRetryAttempts: 4,
          taskRetryAttemptsPerTask: 4,
          initialDelayMs: 50,
          maxDelayMs: 200,
          scaleFactor: 2,
        },
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

  /** Waits for a stage other than the root to finish; returns one file its winners wrote. */
  async function finishedStageFile(queryId: string): Promise<{ stageId: number; uri: string }> {
    const e = (await events.waitFor(
      (x) =>
        x.queryId === queryId &&
        x.type === 'RUNNING' &&
        (x as Running).progress.stages.some((s) => s.stageId !== 0 && s.state === 'FINISHED'),
      30_000,
    )) as Running;
    const stageId = e.progress.stages.find((s) => s.stageId !== 0 && s.state === 'FINISHED')!.stageId;
    const { tasks } = await store.attempts(queryId);
    for (const [field, t] of tasks) {
      if (!field.startsWith(`0/${stageId}.`) || !t.outputs) continue;
      const files = JSON.parse(t.outputs) as { uri: string; bytes: number }[];
      const file = files.find((f) => f.bytes > 0);
      if (file) return { stageId, uri: file.uri };
    }
    throw new Error(`no file of stage ${stageId} in the records`);
  }

  async function runLosing(
    lose: (path: string) => void,
  ): Promise<{ queryId: string; stageId: number; uri: string }> {
    const queryId = `rc_${randomSuffix(6)}`;
    const handle = await cluster.client.submit(SQL, { queryId });
    const { stageId, uri } = await finishedStageFile(queryId);
    lose(fileURLToPath(uri));
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal(baseline);
    return { queryId, stageId, uri };
  }

  async function expectRecomputed(queryId: string, stageId: number): Promise<void> {
    const { tasks, attempts } = await store.attempts(queryId);
    const lost = [...attempts.entries()].filter(([, a]) => a.state === 'LOST');
    expect(lost, 'the producer attempt whose file was lost').to.have.length(1);
    const [lostField] = lost[0]!;
    expect(lostField.startsWith(`0/${stageId}.`)).to.equal(true);
    const producer = tasks.get(lostField.split('.').slice(0, 2).join('.'))!;
    expect(producer.state).to.equal('FINISHED');
    expect(producer.winner).to.be.greaterThan(0, 'a new attempt of the producer won');
    const mine = events.of(queryId);
    expect(mine.some((e) => e.type === 'TASK_RETRYING' && e.task.stageId === stageId)).to.equal(true);
    for (const t of tasks.values()) expect(t.state).to.equal('FINISHED');
  }

  it('runs the producer of a deleted file again, then its consumer', async () => {
    const { queryId, stageId } = await runLosing((path) => unlinkSync(path));
    await expectRecomputed(queryId, stageId);
  });

  it('runs the producer of a corrupted file again, then its consumer', async () => {
    const { queryId, stageId } = await runLosing((path) => {
      const size = statSync(path).size;
      const fd = openSync(path, 'r+');
      try {
        const middle = Buffer.alloc(16);
        readSync(fd, middle, 0, 16, Math.floor(size / 2));
        for (let i = 0; i < middle.length; i++) middle[i] = middle[i]! ^ 0xff;
        writeSync(fd, middle, 0, 16, Math.floor(size / 2));
      } finally {
        closeSync(fd);
      }
    });
    await expectRecomputed(queryId, stageId);
  });
});
