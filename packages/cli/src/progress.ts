import { SingleBar } from 'cli-progress';
import type { QueryEvent } from '@quarry/protocol';

/** How long a note (a coordinator failover) stays on the progress line. */
const NOTE_MS = 3000;

/**
 * A live progress line on a terminal (stderr): tasks done of total, stages, retries, elapsed, and
 * for a few seconds a note when a standby coordinator took over. Silent when stderr is not a
 * terminal, so pipes and logs stay clean.
 */
export class ProgressDisplay {
  private bar: SingleBar | undefined;
  private retries = 0;
  private readonly started = Date.now();
  private progress: { tasksDone: number; tasksTotal: number; stages: string } | undefined;
  private note: { text: string; until: number } | undefined;
  private noteTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly enabled = process.stderr.isTTY === true,
    private readonly stream: NodeJS.WritableStream = process.stderr,
  ) {}

  update(e: QueryEvent): void {
    if (!this.enabled) return;
    if (e.type === 'TASK_RETRYING' || e.type === 'QUERY_RETRYING') this.retries++;
    if (e.type === 'COORDINATOR_FAILOVER') {
      this.showNote(`coordinator failover: ${e.coordinatorId} took over (epoch ${e.epoch})`);
      return;
    }
    if (e.type !== 'RUNNING') return;
    const p = e.progress;
    const stages = p.stages.map((s) => `${s.tasksDone}/${s.tasksTotal}`).join(' ');
    this.progress = { tasksDone: p.tasksDone, tasksTotal: p.tasksTotal, stages };
    this.render();
  }

  private showNote(text: string): void {
    this.note = { text, until: Date.now() + NOTE_MS };
    clearTimeout(this.noteTimer);
    // drawn again without it once it expired, even when no event comes meanwhile
    this.noteTimer = setTimeout(() => this.render(), NOTE_MS + 10);
    this.noteTimer.unref();
    this.render();
  }

  private render(): void {
    const p = this.progress;
    if (!p) return;
    const note = this.note && Date.now() < this.note.until ? ` | ${this.note.text}` : '';
    const payload = {
      stages: p.stages,
      retries: this.retries,
      elapsed: ((Date.now() - this.started) / 1000).toFixed(1),
      note,
    };
    if (!this.bar) {
      this.bar = new SingleBar({
        stream: this.stream,
        format: ' {bar} {value}/{total} tasks | stages {stages} | retries {retries} | {elapsed}s{note}',
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
    clearTimeout(this.noteTimer);
    this.noteTimer = undefined;
    this.bar?.stop();
    this.bar = undefined;
  }
}
