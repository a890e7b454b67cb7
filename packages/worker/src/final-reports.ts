import type { TaskUpdate } from '@quarry/cluster-protocol';

export interface FinalReportsOptions {
  /** Reports older than this are forgotten; default 60 s. */
  readonly maxAgeMs?: number;
  /** At most this many are kept, the newest; default 1000. */
  readonly maxCount?: number;
  readonly now?: () => number;
}

/**
 * The final task reports (FINISHED and FAILED) a worker sent lately, to send again when a new
 * coordinator takes the lead: the one that died may never have read them. Bounded by age and by
 * count, oldest first out.
 */
export class FinalReports {
  private readonly kept: { readonly at: number; readonly update: TaskUpdate }[] = [];
  private readonly maxAgeMs: number;
  private readonly maxCount: number;
  private readonly now: () => number;

  constructor(options: FinalReportsOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.maxCount = options.maxCount ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Keeps `update` when it is final; RUNNING reports are not (progress goes on by itself). */
  add(update: TaskUpdate): void {
    if (update.state === 'RUNNING') return;
    this.kept.push({ at: this.now(), update });
    this.prune();
  }

  /** The reports of the last `maxAgeMs`, oldest first. */
  recent(): TaskUpdate[] {
    this.prune();
    return this.kept.map((k) => k.update);
  }

  private prune(): void {
    const oldest = this.now() - this.maxAgeMs;
    let drop = Math.max(0, this.kept.length - this.maxCount);
    while (drop < this.kept.length && this.kept[drop]!.at < oldest) drop++;
    if (drop > 0) this.kept.splice(0, drop);
  }
}
