/**
 * Workers kept from new tasks for a while: one whose task was overtaken by a speculative attempt
 * (slow), or that failed several tasks in a short time (bad), as Flink's blocklist does. Tasks
 * already running there go on; an entry expires by itself. Pure state with an injected clock.
 */
export interface BlockEntry {
  readonly workerId: string;
  readonly until: number;
  readonly reason: string;
}

export interface BlocklistOptions {
  /** How long a worker that keeps failing tasks is blocked. */
  readonly failureBlockMs: number;
  /** Failures (not the query's own errors) within `failureWindowMs` that block a worker. */
  readonly failureThreshold: number;
  readonly failureWindowMs: number;
  readonly now?: () => number;
}

export const DEFAULT_BLOCKLIST: BlocklistOptions = {
  failureBlockMs: 60_000,
  failureThreshold: 3,
  failureWindowMs: 60_000,
};

export class Blocklist {
  private readonly entries = new Map<string, BlockEntry>();
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: BlocklistOptions = DEFAULT_BLOCKLIST) {
    this.now = options.now ?? Date.now;
  }

  /** Blocks a worker for `ms` (an existing longer block stays). */
  block(workerId: string, ms: number, reason: string): void {
    const until = this.now() + ms;
    const known = this.entries.get(workerId);
    if (known && known.until >= until) return;
    this.entries.set(workerId, { workerId, until, reason });
  }

  /**
   * A task attempt failed on this worker for a reason that may be the worker's (not the query's
   * own error, not the worker's death): enough of them in the window block it. True when it did.
   */
  failed(workerId: string): boolean {
    const now = this.now();
    const recent = (this.failures.get(workerId) ?? []).filter((t) => now - t < this.options.failureWindowMs);
    recent.push(now);
    this.failures.set(workerId, recent);
    if (recent.length < this.options.failureThreshold) return false;
    this.failures.delete(workerId);
    this.block(
      workerId,
      this.options.failureBlockMs,
      `${recent.length} task failures within ${Math.round(this.options.failureWindowMs / 1000)}s`,
    );
    return true;
  }

  isBlocked(workerId: string): boolean {
    return this.entry(workerId) !== undefined;
  }

  /** The worker's block, while it lasts. */
  entry(workerId: string): BlockEntry | undefined {
    const e = this.entries.get(workerId);
    if (e && e.until <= this.now()) {
      this.entries.delete(workerId);
      return undefined;
    }
    return e;
  }

  /** Blocks in force now. */
  list(): BlockEntry[] {
    return [...this.entries.keys()].flatMap((id) => this.entry(id) ?? []);
  }

  forget(workerId: string): void {
    this.entries.delete(workerId);
    this.failures.delete(workerId);
  }
}
