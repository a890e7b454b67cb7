import { expect } from 'chai';
import type { Heartbeat } from '@quarry/cluster-protocol';
import { PropertyReader } from '@quarry/common';
import type { DistributedPlan, PlanFragment, Split } from '@quarry/sql';
import { Blocklist } from '../src/blocklist.js';
import { QueryScheduler } from '../src/scheduler.js';
import { WorkerRegistry } from '../src/worker-registry.js';
import {
  SPECULATION_OFF,
  slowTasks,
  speculationFromProperties,
  type SpeculationSettings,
} from '../src/speculation.js';

const ON: SpeculationSettings = { ...SPECULATION_OFF, enabled: true, baselineLowerBoundMs: 100 };

const frag = (id: number, distribution: PlanFragment['distribution'], inputs: number[]): PlanFragment => ({
  id,
  root: { kind: 'Values', rows: [], outputs: [] },
  distribution,
  outputPartitioning: { kind: 'single' },
  outputs: [],
  inputs,
});

/** A source stage (1) of `tasks` tasks, one split each unless `splits` says, read by a root stage (0). */
function scheduler(tasks: number, splits: (i: number) => number = () => 1): QueryScheduler {
  const plan: DistributedPlan = {
    fragments: [frag(0, 'single', [1]), frag(1, 'source', [])],
    rootId: 0,
    columns: [],
  };
  const groups = Array.from({ length: tasks }, (_, i) =>
    Array.from({ length: splits(i) }, (__, j): Split => ({ catalog: 'tpch', info: `${i}.${j}` })),
  );
  return new QueryScheduler(plan, new Map([[1, groups]]), 1);
}

const out = { outputs: [] };

/** Starts every task of stage 1 at time 0 on w<i>, and finishes those listed at the given times. */
function run(s: QueryScheduler, finishedAt: Record<number, number>): void {
  for (const t of s.runnable()) s.start(t, `w${t.partition}`, 0);
  for (const [p, now] of Object.entries(finishedAt))
    s.finished({ stageId: 1, partition: Number(p), attempt: 0 }, { ...out, now });
}

const slow = (s: QueryScheduler, now: number, settings = ON) =>
  slowTasks(s.stage(1), (t) => s.inputWeight(t), now, settings).map((x) => x.task.partition);

describe('speculation: which tasks are slow', () => {
  it('judges nothing until the baseline ratio of the stage has finished', () => {
    const s = scheduler(4);
    run(s, { 0: 1000, 1: 1000 });
    expect(slow(s, 60_000)).to.deep.equal([]); // 2 of 4 < 0.75
    s.finished({ stageId: 1, partition: 2, attempt: 0 }, { ...out, now: 1000 });
    expect(slow(s, 1400)).to.deep.equal([]); // 1.4 s < median 1 s × 1.5
    expect(slow(s, 1600)).to.deep.equal([3]);
  });

  it('never judges when disabled, and respects the lower bound', () => {
    const s = scheduler(4);
    run(s, { 0: 10, 1: 10, 2: 10 });
    expect(slow(s, 60_000, SPECULATION_OFF)).to.deep.equal([]);
    expect(slow(s, 90)).to.deep.equal([]); // 90 ms < the 100 ms lower bound
    expect(slow(s, 101)).to.deep.equal([3]);
  });

  it('gives a task with more input proportionally more time (a skewed task is not a slow one)', () => {
    const s = scheduler(4, (i) => (i === 3 ? 4 : 1));
    run(s, { 0: 1000, 1: 1000, 2: 1000 });
    expect(slow(s, 5000)).to.deep.equal([]); // 4 splits: baseline 1.5 s × 4 = 6 s
    expect(slow(s, 6100)).to.deep.equal([3]);
  });

  it('leaves alone a task with a backup, and adopted attempts', () => {
    const s = scheduler(4);
    run(s, { 0: 1000, 1: 1000, 2: 1000 });
    expect(s.startBackup(s.task(1, 3)!, 'w9', 2000)).to.equal(1);
    expect(slow(s, 9000)).to.deep.equal([]);
    const t = scheduler(4);
    t.restore(1, 3, { attempts: 1, failures: 0, running: { attempt: 0, workerId: 'w3' } }, 0);
    for (const p of [0, 1, 2]) {
      t.start(t.task(1, p)!, 'w1', 0);
      t.finished({ stageId: 1, partition: p, attempt: 0 }, { ...out, now: 1000 });
    }
    expect(slow(t, 9000)).to.deep.equal([]);
  });

  it("reads Flink's property names", () => {
    const s = speculationFromProperties(
      new PropertyReader(
        {
          'execution.batch.speculative.enabled': 'true',
          'slow-task-detector.execution-time.baseline-ratio': '0.5',
          'slow-task-detector.execution-time.baseline-multiplier': '2',
          'slow-task-detector.execution-time.baseline-lower-bound': '250ms',
          'execution.batch.speculative.block-slow-node-duration': '30s',
        },
        'config.properties',
      ),
    );
    expect(s).to.deep.equal({
      enabled: true,
      baselineRatio: 0.5,
      baselineMultiplier: 2,
      baselineLowerBoundMs: 250,
      blockSlowNodeMs: 30_000,
    });
    expect(() =>
      speculationFromProperties(
        new PropertyReader({ 'slow-task-detector.execution-time.baseline-multiplier': '0.5' }, 'x'),
      ),
    ).to.throw(/baseline-multiplier/);
  });
});

describe('speculation: the scheduler with two attempts of a task', () => {
  const key = (attempt: number) => ({ stageId: 1, partition: 0, attempt });

  it('lets the backup win, and names the slow attempt as its sibling', () => {
    const s = scheduler(1);
    const t = s.runnable()[0]!;
    s.start(t, 'w1', 0);
    expect(s.startBackup(t, 'w1', 10)).to.equal(undefined); // never on the same worker
    expect(s.startBackup(t, 'w2', 10)).to.equal(1);
    expect(s.startBackup(t, 'w3', 10)).to.equal(undefined); // one backup at a time
    expect(s.sibling(key(1))?.attempt).to.equal(0);
    expect(s.runningAttempts().map((r) => r.attempt)).to.deep.equal([0, 1]);
    expect(s.runningOn('w2').map((r) => r.attempt)).to.deep.equal([1]);
    expect(s.finished(key(1), { ...out, now: 50 })).to.equal('accepted');
    expect(t.winner).to.include({ attempt: 1, workerId: 'w2', ranMs: 40 });
    expect(s.finished(key(0), out)).to.equal('stale');
    expect(s.failed(1, 0, 0)).to.equal('stale');
    expect(t.failures).to.equal(0);
  });

  it('keeps the task running on its backup when the current attempt fails (the failure counts)', () => {
    const s = scheduler(1);
    const t = s.runnable()[0]!;
    s.start(t, 'w1', 0);
    s.startBackup(t, 'w2', 10);
    expect(s.failed(1, 0, 0)).to.equal('accepted');
    expect(t.status).to.equal('RUNNING');
    expect(t.current?.attempt).to.equal(1);
    expect(t.backup).to.equal(undefined);
    expect(t.failures).to.equal(1);
    expect(s.finished(key(1), out)).to.equal('accepted');
  });

  it('drops a failed or refused backup at no cost to the task', () => {
    const s = scheduler(1);
    const t = s.runnable()[0]!;
    s.start(t, 'w1', 0);
    s.startBackup(t, 'w2', 10);
    expect(s.isBackup(key(1))).to.equal(true);
    expect(s.dropBackup(key(1))).to.equal('accepted');
    expect(t.attempts).to.equal(1); // the number is given again
    expect(t.failures).to.equal(0);
    expect(s.startBackup(t, 'w3', 20)).to.equal(1);
    s.unstart(t, 1);
    expect(t.backup).to.equal(undefined);
    expect(t.status).to.equal('RUNNING');
    expect(s.finished(key(0), out)).to.equal('accepted');
  });
});

describe('Blocklist', () => {
  it('blocks a worker for a while, keeping the longer block, and lets it expire', () => {
    let now = 0;
    const b = new Blocklist({
      failureBlockMs: 500,
      failureThreshold: 3,
      failureWindowMs: 1000,
      now: () => now,
    });
    b.block('w1', 1000, 'slow');
    b.block('w1', 100, 'shorter');
    expect(b.entry('w1')).to.deep.equal({ workerId: 'w1', until: 1000, reason: 'slow' });
    now = 999;
    expect(b.isBlocked('w1')).to.equal(true);
    now = 1000;
    expect(b.isBlocked('w1')).to.equal(false);
    expect(b.list()).to.deep.equal([]);
  });

  it('blocks a worker that fails tasks often, but not one that fails now and then', () => {
    let now = 0;
    const b = new Blocklist({
      failureBlockMs: 500,
      failureThreshold: 3,
      failureWindowMs: 1000,
      now: () => now,
    });
    expect(b.failed('w1')).to.equal(false);
    now = 900;
    expect(b.failed('w1')).to.equal(false);
    now = 1500; // the first failure is out of the window
    expect(b.failed('w1')).to.equal(false);
    now = 1600;
    expect(b.failed('w1')).to.equal(true);
    expect(b.entry('w1')?.reason).to.match(/3 task failures within 1s/);
  });
});

describe('WorkerRegistry.pick with blocked workers', () => {
  const hb = (workerId: string): Heartbeat => ({
    workerId,
    incarnation: `${workerId}-1`,
    seq: 1,
    slots: 2,
    runningTasks: 0,
    draining: false,
    host: 'h',
    pid: 1,
    rssBytes: 0,
    load: 0,
    tasks: [],
  });
  const registry = (...ids: string[]) => {
    const r = new WorkerRegistry({ suspectAfterMs: 60_000, sweepIntervalMs: 100, probeDeadlineMs: 60_000 });
    for (const id of ids) r.heartbeat(hb(id));
    return r;
  };

  it('passes over a blocked worker while another can take the task', () => {
    const r = registry('w1', 'w2');
    r.blocklist.block('w2', 60_000, 'slow');
    for (let i = 0; i < 2; i++) {
      const w = r.pick()!;
      expect(w.id).to.equal('w1');
      r.assign(w.id, `q/t${i}`);
    }
    // w1 is full and w2 blocked: the task waits rather than run on the blocked worker
    expect(r.pick()).to.equal(undefined);
  });

  it('uses blocked workers only when every worker is blocked', () => {
    const r = registry('w1', 'w2');
    r.blocklist.block('w1', 60_000, 'slow');
    r.blocklist.block('w2', 60_000, 'slow');
    expect(r.pick()?.id).to.be.oneOf(['w1', 'w2']);
    expect(r.pick(undefined, { strict: true })).to.equal(undefined);
  });

  it('never gives a speculative attempt the slow worker itself', () => {
    const r = registry('w1');
    expect(r.pick('w1')?.id).to.equal('w1');
    expect(r.pick('w1', { strict: true })).to.equal(undefined);
  });
});

describe('WorkerRegistry.pick by memory', () => {
  const MB = 2 ** 20;
  const beat = (workerId: string, memoryBytes: number, more: Partial<Heartbeat> = {}): Heartbeat => ({
    workerId,
    incarnation: `${workerId}-1`,
    seq: 1,
    slots: 4,
    runningTasks: 0,
    draining: false,
    host: 'h',
    pid: 1,
    rssBytes: 0,
    load: 0,
    tasks: [],
    memoryBytes,
    ...more,
  });
  const registry = () =>
    new WorkerRegistry({ suspectAfterMs: 60_000, sweepIntervalMs: 100, probeDeadlineMs: 60_000 });

  it('places a task only where its memory fits beside the others, never overcommitting an idle worker', () => {
    const r = registry();
    r.heartbeat(beat('w1', 300 * MB));
    expect(r.pick(undefined, { memoryBytes: 500 * MB }), 'larger than the whole worker').to.equal(undefined);
    expect(r.memoryCapacity()).to.equal(300 * MB);
    r.assign('w1', 'q/a', 200 * MB);
    expect(r.list()[0]!.reservedBytes).to.equal(200 * MB);
    expect(r.pick(undefined, { memoryBytes: 100 * MB })?.id).to.equal('w1');
    expect(r.pick(undefined, { memoryBytes: 101 * MB })).to.equal(undefined);
    r.release('w1', 'q/a');
    expect(r.pick(undefined, { memoryBytes: 300 * MB })?.id).to.equal('w1');
  });

  it('counts what the worker reports its listed tasks hold, plus the tasks handed to it since', () => {
    const r = registry();
    // a task this coordinator did not hand out (an earlier leader's, adopted): it knows not its memory
    r.heartbeat(beat('w1', 300 * MB, { tasks: ['q/1.0.0'], reservedBytes: 250 * MB }));
    r.heartbeat(beat('w2', 300 * MB, { reservedBytes: 0 }));
    expect(r.list().map((w) => w.reservedBytes)).to.deep.equal([250 * MB, 0]);
    expect(r.pick(undefined, { memoryBytes: 100 * MB })?.id).to.equal('w2');
    r.assign('w2', 'q/2.0.0', 280 * MB);
    expect(r.pick(undefined, { memoryBytes: 40 * MB })?.id, 'w1: 250 + 40 fits in 300').to.equal('w1');
    r.assign('w1', 'q/2.1.0', 40 * MB);
    expect(
      r.list().map((w) => w.reservedBytes),
      'handed out, not listed yet',
    ).to.deep.equal([290 * MB, 280 * MB]);
    // the next heartbeats list them, in the reported figure: not counted twice
    r.heartbeat(beat('w1', 300 * MB, { seq: 2, tasks: ['q/1.0.0', 'q/2.1.0'], reservedBytes: 290 * MB }));
    r.heartbeat(beat('w2', 300 * MB, { seq: 2, tasks: ['q/2.0.0'], reservedBytes: 280 * MB }));
    expect(r.list().map((w) => w.reservedBytes)).to.deep.equal([290 * MB, 280 * MB]);
    expect(r.pick(undefined, { memoryBytes: 21 * MB })).to.equal(undefined);
    expect(r.pick(undefined, { memoryBytes: 20 * MB })?.id).to.equal('w2');
  });

  it('takes as capacity the largest memory of a worker taking tasks (none announced: unbounded)', () => {
    const r = registry();
    expect(r.memoryCapacity(), 'no worker').to.equal(0);
    r.heartbeat(beat('w1', 300 * MB));
    r.heartbeat(beat('w2', 900 * MB, { draining: true }));
    expect(r.memoryCapacity()).to.equal(300 * MB);
    const { memoryBytes: _none, ...unbounded } = beat('w3', 0);
    r.heartbeat(unbounded);
    expect(r.memoryCapacity()).to.equal(Number.POSITIVE_INFINITY);
  });
});
