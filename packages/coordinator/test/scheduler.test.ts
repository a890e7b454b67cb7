import { expect } from 'chai';
import type { DistributedPlan, PlanFragment, Split } from '@quarry/sql';
import { QueryScheduler } from '../src/scheduler.js';

const frag = (
  id: number,
  distribution: PlanFragment['distribution'],
  inputs: number[],
  hash = false,
): PlanFragment => ({
  id,
  root: { kind: 'Values', rows: [], outputs: [] },
  distribution,
  outputPartitioning: hash ? { kind: 'hash', channels: [0] } : { kind: 'single' },
  outputs: [],
  inputs,
});

/** Stage 2 (source, 3 tasks) → hash → stage 1 (hash, 4 tasks) → single → stage 0 (root). */
function threeStages(): QueryScheduler {
  const plan: DistributedPlan = {
    fragments: [frag(0, 'single', [1]), frag(1, 'hash', [2]), frag(2, 'source', [], true)],
    rootId: 0,
    columns: [],
  };
  const split = (n: number): Split => ({ catalog: 'tpch', info: n });
  return new QueryScheduler(plan, new Map([[2, [[split(0)], [split(1)], [split(2)]]]]), 4);
}

const file = (stage: number, task: number, partition: number) => ({
  uri: `file:///x/s${stage}/${task}/${partition}`,
  partition,
  bytes: 10,
  pages: 1,
});

describe('QueryScheduler', () => {
  it('runs stages phased: a stage is runnable only when all its inputs finished', () => {
    const s = threeStages();
    expect(s.runnable().map((t) => `${t.stageId}.${t.partition}`)).to.deep.equal(['2.0', '2.1', '2.2']);
    expect(s.stage(2).outputPartitions).to.equal(4);
    expect(s.stage(1).outputPartitions).to.equal(1);
    const tasks = s.runnable();
    tasks.forEach((t, i) => s.start(t, `w${i}`, 0));
    expect(s.runnable()).to.deep.equal([]);
    for (const t of tasks.slice(0, 2))
      s.finished(
        { stageId: 2, partition: t.partition, attempt: 0 },
        { outputs: [0, 1, 2, 3].map((p) => file(2, t.partition, p)) },
      );
    expect(s.runnable()).to.deep.equal([]);
    s.finished({ stageId: 2, partition: 2, attempt: 0 }, { outputs: [file(2, 2, 3)] });
    expect(s.runnable().map((t) => `${t.stageId}.${t.partition}`)).to.deep.equal([
      '1.0',
      '1.1',
      '1.2',
      '1.3',
    ]);
  });

  it('gives each consumer task the winners’ files of its own partition only', () => {
    const s = threeStages();
    for (const t of s.runnable()) {
      s.start(t, 'w', 0);
      s.finished(
        { stageId: 2, partition: t.partition, attempt: 0 },
        { outputs: [0, 1, 2, 3].map((p) => file(2, t.partition, p)) },
      );
    }
    const consumer = s.task(1, 3)!;
    expect(s.inputsFor(consumer)).to.deep.equal([
      { fragmentId: 2, files: [file(2, 0, 3), file(2, 1, 3), file(2, 2, 3)] },
    ]);
  });

  it('fences stale reports: only the current attempt of a task without a winner counts', () => {
    const s = threeStages();
    const t = s.task(2, 0)!;
    const a0 = s.start(t, 'w1', 0);
    expect(s.failed(2, 0, a0)).to.equal('accepted');
    expect(t.status).to.equal('FAILED');
    t.status = 'PENDING';
    const a1 = s.start(t, 'w2', 1);
    expect(a1).to.equal(1);
    expect(s.finished({ stageId: 2, partition: 0, attempt: a0 }, { outputs: [file(2, 0, 0)] })).to.equal(
      'stale',
      'a late success of the failed attempt',
    );
    expect(s.finished({ stageId: 2, partition: 0, attempt: a1 }, { outputs: [file(2, 0, 1)] })).to.equal(
      'accepted',
    );
    expect(s.finished({ stageId: 2, partition: 0, attempt: a1 }, { outputs: [file(2, 0, 2)] })).to.equal(
      'stale',
      'a duplicate report',
    );
    expect(s.failed(2, 0, a1)).to.equal('stale', 'a failure after the win');
    expect(t.winner?.attempt).to.equal(1);
    expect(t.winner?.outputs).to.deep.equal([file(2, 0, 1)]);
  });

  it('puts a refused dispatch back, and reports progress per stage', () => {
    const s = threeStages();
    const t = s.task(2, 1)!;
    const a = s.start(t, 'w1', 0);
    expect(s.runningOn('w1').map((x) => x.task.partition)).to.deep.equal([1]);
    s.unstart(t, a);
    expect(t.status).to.equal('PENDING');
    expect(t.attempts).to.equal(0, 'a refused dispatch is not an attempt');
    expect(s.runnable().map((x) => x.partition)).to.deep.equal([0, 1, 2]);
    const p = s.progress();
    expect(p.tasksTotal).to.equal(8);
    expect(p.stages.map((x) => [x.stageId, x.state, x.tasksTotal])).to.deep.equal([
      [0, 'PENDING', 1],
      [1, 'PENDING', 4],
      [2, 'PENDING', 3],
    ]);
    expect(s.done).to.equal(false);
  });
});

describe('QueryScheduler retries', () => {
  it('holds a retried task back until its delay passed, and remembers the worker to avoid', () => {
    const s = threeStages();
    const t = s.task(2, 0)!;
    const a0 = s.start(t, 'w1', 0);
    s.failed(2, 0, a0);
    expect(t.failures).to.equal(1);
    s.retryLater(t, 1000, 'w1');
    expect(s.runnable(999).map((x) => x.partition)).to.deep.equal([1, 2]);
    expect(s.runnable(1000).map((x) => x.partition)).to.deep.equal([0, 1, 2]);
    expect(t.avoid).to.equal('w1');
    expect(s.start(t, 'w2', 1000)).to.equal(1);
  });

  it('sees a task stalled only when its row counts stop moving', () => {
    const s = threeStages();
    const t = s.task(2, 0)!;
    const a = s.start(t, 'w1', 0);
    s.reportProgress({ stageId: 2, partition: 0, attempt: a }, 100, 1000);
    s.reportProgress({ stageId: 2, partition: 0, attempt: a }, 100, 4000);
    expect(s.stalled(4000, 3000)).to.deep.equal(
      [],
      'unchanged counts do not restart the clock: 3000 ms since 1000',
    );
    expect(s.stalled(4001, 3000)).to.deep.equal([t]);
    s.reportProgress({ stageId: 2, partition: 0, attempt: a }, 200, 4500);
    expect(s.stalled(5000, 3000)).to.deep.equal([]);
    s.reportProgress({ stageId: 2, partition: 0, attempt: a + 1 }, 300, 9000);
    expect(s.stalled(9000, 3000)).to.deep.equal([t], 'a report of another attempt does not count');
  });
});
