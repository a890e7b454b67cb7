import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import type { QueryEvent } from '@quarry/protocol';
import { ProgressDisplay } from '../src/progress.js';

/** A terminal the progress line draws on, keeping what was written. */
function terminal(): { stream: NodeJS.WritableStream; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
  let written = '';
  stream.on('data', (d: Buffer) => (written += d.toString()));
  return { stream, text: () => written };
}

const base = { queryId: 'q1', time: 0 };
const running = (seq: number, done: number): QueryEvent => ({
  ...base,
  seq,
  type: 'RUNNING',
  progress: {
    stages: [{ stageId: 0, state: 'RUNNING', tasksTotal: 4, tasksDone: done, tasksRunning: 4 - done }],
    tasksTotal: 4,
    tasksDone: done,
    tasksRunning: 4 - done,
  },
});
const failover: QueryEvent = {
  ...base,
  seq: 3,
  type: 'COORDINATOR_FAILOVER',
  coordinatorId: 'c2',
  epoch: 7,
  adoptedTasks: 2,
};

describe('progress line', function () {
  this.timeout(10_000);

  it('shows a coordinator failover for a few seconds, then the usual line', async () => {
    const t = terminal();
    const display = new ProgressDisplay(true, t.stream);
    try {
      display.update(running(1, 1));
      display.update(failover);
      // the bar redraws at most ten times a second
      await new Promise((r) => setTimeout(r, 250));
      expect(t.text()).to.include('coordinator failover: c2 took over (epoch 7)');
      const before = t.text().length;
      await new Promise((r) => setTimeout(r, 3100));
      // drawn again without the note, though no event came
      expect(t.text().length).to.be.above(before);
      const last = t.text().slice(before);
      expect(last).to.include('1/4 tasks');
      expect(last).to.not.include('failover');
    } finally {
      display.stop();
    }
  });
});
