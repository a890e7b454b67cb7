import { SingleBar } from 'cli-progress';
import type { QueryEvent } from '@quarry/protocol';

/**
 * A live progress line on a terminal (stderr): tasks done of total, stages, retries, elapsed. Silent
 * when stderr is not a terminal, so pipes and logs stay clean.
 */
export class ProgressDisplay {
  private bar: SingleBar | undefined;
  private retries = 0;
  private readonly started = Date.now();

  constructor(private readonly enabled = process.stderr.isTTY === true) {}

  update(e: QueryEvent): void {
    if (!this.enabled) return;
    if (e.type === 'TASK_RETRYING' || e.type === 'QUERY_RETRYING') this.retries++;
    if (e.type !== 'RUNNING') return;
    const p = e.progress;
    const payload = {
      stages: p.stages.map((s) => `${s.tasksDone}/${s.tasksTotal}`).join(' '),
      retries: this.retries,
      elapsed: ((Date.now() - this.started) / 1000).toFixed(1),
    };
    if (!this.bar) {
      this.bar = new SingleBar({
        stream: process.stderr,
        format: ' {bar} {value}/{total} tasks | stages {stages} | retries {retries} | {elapsed}s',
        hideCursor: true,
        clearOnComplete: true,
      });
      this.bar.start(p.tasksTotal, p.tasksDone, payload);
    } else {
      this.bar.setTotal(p.tasksTotal);
      this.bar.update(p.tasksDone, payload);
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
