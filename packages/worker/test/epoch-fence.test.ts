import { expect } from 'chai';
import { silentLogger, type Logger } from '@quarry/common';
import type { TaskUpdate } from '@quarry/cluster-protocol';
import { EpochFence } from '../src/epoch-fence.js';
import { FinalReports } from '../src/final-reports.js';

/** A logger that keeps its warnings. */
function recording(): { logger: Logger; warnings: unknown[] } {
  const warnings: unknown[] = [];
  const logger = { ...silentLogger(), warn: (o: unknown) => void warnings.push(o) } as unknown as Logger;
  return { logger, warnings };
}

describe('the epoch fence', () => {
  const fence = (now = () => 0) => {
    const newer: number[] = [];
    const { logger, warnings } = recording();
    return { fence: new EpochFence({ logger, now, onNewer: (e) => void newer.push(e) }), newer, warnings };
  };

  it('admits commands without an epoch until it has seen one, then refuses them', () => {
    const { fence: f } = fence();
    expect(f.admit({ type: 'run' })).to.equal(undefined);
    expect(f.newestSeen, 'no epoch is taken from a command without one').to.equal(undefined);
    f.observe(0);
    expect(f.admit({ type: 'run' })).to.equal('stale epoch none (newest seen 0)');
    expect(f.admit({ type: 'run', epoch: 0 })).to.equal(undefined);
  });

  it('refuses older epochs, admits the newest, and learns newer ones from commands', () => {
    const { fence: f, newer } = fence();
    f.observe(4);
    expect(f.admit({ type: 'run', epoch: 3 })).to.equal('stale epoch 3 (newest seen 4)');
    expect(f.admit({ type: 'cancel', epoch: 4 })).to.equal(undefined);
    expect(f.admit({ type: 'run', epoch: 6 })).to.equal(undefined);
    expect(f.newestSeen).to.equal(6);
    expect(f.admit({ type: 'cancel', epoch: 5 })).to.equal('stale epoch 5 (newest seen 6)');
    expect(newer, 'told once per growth, never for the same or an older epoch').to.deep.equal([4, 6]);
    f.observe(6);
    f.observe(2);
    expect(newer).to.deep.equal([4, 6]);
  });

  it('logs refusals at most every 10 s, counting those it did not log', () => {
    let now = 0;
    const { fence: f, warnings } = fence(() => now);
    f.observe(2);
    for (let i = 0; i < 5; i++) f.admit({ type: 'run', epoch: 1 });
    expect(warnings).to.have.length(1);
    now = 10_000;
    f.admit({ type: 'cancel' });
    expect(warnings).to.have.length(2);
    expect(warnings[1]).to.deep.include({ command: 'cancel', suppressedBefore: 4 });
  });
});

describe('the final reports kept for a new leader', () => {
  const update = (taskId: string, state: TaskUpdate['state'] = 'FINISHED'): TaskUpdate =>
    ({
      queryId: 'q',
      queryAttempt: 0,
      taskId,
      stageId: 0,
      partition: 0,
      attempt: 0,
      workerId: 'w',
      state,
      ...(state === 'FINISHED' ? { outputs: [] } : {}),
      ...(state === 'FAILED' ? { error: { code: 'GENERIC_INTERNAL_ERROR', message: 'x' } } : {}),
    }) as TaskUpdate;

  it('keeps FINISHED and FAILED reports, not RUNNING ones', () => {
    const r = new FinalReports();
    r.add(update('a', 'RUNNING'));
    r.add(update('b', 'FINISHED'));
    r.add(update('c', 'FAILED'));
    expect(r.recent().map((u) => u.taskId)).to.deep.equal(['b', 'c']);
  });

  it('forgets reports older than its age, and the oldest beyond its count', () => {
    let now = 0;
    const r = new FinalReports({ maxAgeMs: 1000, maxCount: 3, now: () => now });
    r.add(update('a'));
    now = 500;
    r.add(update('b'));
    now = 1001;
    expect(r.recent().map((u) => u.taskId)).to.deep.equal(['b']);
    for (const id of ['c', 'd', 'e']) r.add(update(id));
    expect(r.recent().map((u) => u.taskId)).to.deep.equal(['c', 'd', 'e']);
  });
});
