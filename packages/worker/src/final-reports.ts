import type { TaskUpdate } from '@quarry/cluster-protocol';

export interface FinalReportsOptions {
  /** Reports older than this are forgotten; default 60 s. */
  readonly maxAgeMs?: number;
  /** At most this many are kept, the newest; default 1000. */
  readonly maxCount?: number;
  /** At most this many bytes of inline outputs (`ExchangeFile.data`) are kept, the newest; default 32 MiB. */
  readonly maxInlineBytes?: number;
  readonly now?: () => number;
}

/**
 * The final task reports (FINISHED and FAILED) a worker sent lately, to send again when a new
 * coordinator takes the lead: the one that died may never have read them. Bounded by age, by
 * count and by the bytes of the inline outputs they carry, oldest first out (a report dropped
 * unread leaves its attempt to the new leader as lost: it runs again).
 */
export class FinalReports {
  private readonly kept: { readonly at: number; readonly update: TaskUpdate; readonly bytes: number }[] = [];
  private readonly maxAgeMs: number;
  private readonly maxCount: number;
  private readonly maxInlineBytes: number;
  private inlineBytes = 0;
  private readonly now: () => number;

  constructor(options: FinalReportsOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.maxCount = options.maxCount ?? 1000;
    this.maxInlineBytes = options.maxInlineBytes ?? 32 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  /** Keeps `update` when it is final; RUNNING reports are not (progress goes on by itself). */
  add(update: TaskUpdate): void {
    if (update.state === 'RUNNING') return;
    const bytes =
      update.state === 'FINISHED' ? update.outputs.reduce((n, f) => n + (f.data?.byteLength ?? 0), 0) : 0;
    this.kept.push({ at: this.now(), update, bytes });
    this.inlineBytes += bytes;
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
    let bytes = this.inlineBytes;
    for (let i = 0; i < drop; i++) bytes -= this.kept[i]!.bytes;
    while (drop < this.kept.length && bytes > this.maxInlineBytes) bytes -= this.kept[drop++]!.bytes;
    this.inlineBytes = bytes;
    if (drop > 0) this.kept.splice(0, drop);
  }
}
