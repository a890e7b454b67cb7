import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import type { DistributedPlan, PlanFragment, Session } from '@quarry/sql';
import type { CoordinatorConfig } from '../src/config.js';
import { QueryScheduler } from '../src/scheduler.js';
import { TaskMemory, sessionTaskMemory } from '../src/task-memory.js';

const MB = 2 ** 20;
const config = {
  taskMemoryBytes: 100 * MB,
  maxTaskMemoryBytes: 1000 * MB,
  taskMemoryGrowthFactor: 3,
} as CoordinatorConfig;
const session = (properties: Record<string, string> = {}): Session => ({ properties, now: new Date() });

function scheduler(): QueryScheduler {
  const frag: PlanFragment = {
    id: 1,
    root: { kind: 'Values', rows: [], outputs: [] },
    distribution: 'source',
    outputPartitioning: { kind: 'single' },
    outputs: [],
    inputs: [],
  };
  const plan: DistributedPlan = { fragments: [frag], rootId: 1, columns: [] };
  return new QueryScheduler(plan, new Map([[1, [[], [], []]]]), 1);
}

describe('TaskMemory', () => {
  it('starts from fault_tolerant_execution_task_memory, else task.max-memory', () => {
    const s = scheduler();
    const m = new TaskMemory(config);
    expect(m.limitFor(session(), s, s.task(1, 0)!)).to.equal(100 * MB);
    expect(m.limitFor(session({ fault_tolerant_execution_task_memory: '40MB' }), s, s.task(1, 0)!)).to.equal(
      40 * MB,
    );
    expect(
      m.limitFor(session({ fault_tolerant_execution_task_memory: '5GB' }), s, s.task(1, 0)!),
      'never above query.max-memory-per-node',
    ).to.equal(1000 * MB);
  });

  it('grows a task that ran out, and starts its siblings from what it grew to', () => {
    const s = scheduler();
    const m = new TaskMemory(config);
    expect(m.grow(s, s.task(1, 0)!, 100 * MB)).to.equal(300 * MB);
    expect(m.limitFor(session(), s, s.task(1, 0)!)).to.equal(300 * MB);
    expect(m.limitFor(session(), s, s.task(1, 1)!), 'a sibling starts from the hint').to.equal(300 * MB);
    expect(m.grow(s, s.task(1, 0)!, 300 * MB)).to.equal(900 * MB);
    expect(m.grow(s, s.task(1, 0)!, 900 * MB)).to.equal(1000 * MB);
  });

  it('fails at once a task that ran out of memory at the ceiling', () => {
    const s = scheduler();
    const err = new TaskMemory(config).grow(s, s.task(1, 2)!, 1000 * MB);
    expect(err).to.be.instanceOf(QuarryError);
    expect((err as QuarryError).code).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
    expect((err as QuarryError).message).to.match(/^Cannot allocate enough memory for task 1\.2/);
  });

  it('grows no further than the largest memory a worker has for its tasks', () => {
    const s = scheduler();
    const m = new TaskMemory(config);
    expect(m.grow(s, s.task(1, 0)!, 100 * MB, 250 * MB)).to.equal(250 * MB);
    const err = m.grow(s, s.task(1, 0)!, 250 * MB, 250 * MB) as QuarryError;
    expect(err.message).to.match(
      /Cannot allocate enough memory for task 1\.0: .*the largest memory a worker has/,
    );
    // the hint stays within it too; a session's explicit starting memory does not (it waits, placement.ts)
    expect(m.limitFor(session(), s, s.task(1, 1)!, 200 * MB)).to.equal(200 * MB);
    expect(
      m.limitFor(session({ fault_tolerant_execution_task_memory: '400MB' }), s, s.task(1, 1)!, 200 * MB),
    ).to.equal(400 * MB);
  });

  it("starts a task from its finished siblings' peaks at the quantile, scaled by its input", () => {
    // a source stage of 4 tasks with 1, 1, 1 and 4 splits
    const frag: PlanFragment = {
      id: 1,
      root: { kind: 'Values', rows: [], outputs: [] },
      distribution: 'source',
      outputPartitioning: { kind: 'single' },
      outputs: [],
      inputs: [],
    };
    const split = { catalog: 'tpch', info: 0 };
    const s = new QueryScheduler(
      { fragments: [frag], rootId: 1, columns: [] },
      new Map([[1, [[split], [split], [split], [split, split, split, split]]]]),
      1,
    );
    const m = new TaskMemory({ ...config, taskMemoryEstimationQuantile: 0.5 });
    const finish = (partition: number, peakMemoryBytes: number) => {
      s.start(s.task(1, partition)!, 'w', 0);
      s.finished(
        { stageId: 1, partition, attempt: 0 },
        { outputs: [], stats: { rowsIn: 0, rowsOut: 0, bytesOut: 0, wallMs: 1, peakMemoryBytes } },
      );
    };
    expect(m.limitFor(session(), s, s.task(1, 3)!), 'nothing finished: the start').to.equal(100 * MB);
    finish(0, 40 * MB);
    finish(1, 60 * MB);
    finish(2, 50 * MB);
    // the median peak is 50 MB per split; the last task has 4 splits
    expect(m.limitFor(session(), s, s.task(1, 3)!)).to.equal(200 * MB);
    expect(m.limitFor(session(), s, s.task(1, 3)!, 150 * MB), 'within the largest worker').to.equal(150 * MB);
    expect(
      new TaskMemory({ ...config, taskMemoryEstimationQuantile: 1 }).limitFor(session(), s, s.task(1, 3)!),
    ).to.equal(240 * MB);
    // never below the starting memory
    expect(m.limitFor(session({ fault_tolerant_execution_task_memory: '300MB' }), s, s.task(1, 3)!)).to.equal(
      300 * MB,
    );
  });

  it('refuses a session value that is no data size', () => {
    expect(sessionTaskMemory({})).to.equal(undefined);
    expect(sessionTaskMemory({ fault_tolerant_execution_task_memory: '2GB' })).to.equal(2 * 1024 * MB);
    for (const bad of ['lots', '-1MB', '0B'])
      expect(() => sessionTaskMemory({ fault_tolerant_execution_task_memory: bad }))
        .to.throw(QuarryError, /fault_tolerant_execution_task_memory='.*' is invalid/)
        .with.property('code', 'INVALID_SESSION_PROPERTY');
  });
});
