import type { Logger } from '@quarry/common';

/** Refusals of stale commands are logged at most this often (the rest are counted in the next line). */
const LOG_EVERY_MS = 10_000;

export interface EpochFenceOptions {
  readonly logger: Logger;
  /** Told each time the newest epoch grows: a coordinator has taken the lead under it. */
  readonly onNewer: (epoch: number) => void;
  readonly now?: () => number;
}

/** What the fence needs of a worker command. */
export interface EpochCommand {
  readonly type: string;
  readonly epoch?: number | undefined;
}

/**
 * The worker's side of the coordinators' lease: the newest epoch (fencing token) it has seen, from
 * leader announcements and from commands, and the rule built on it. A command of an older epoch
 * comes from a deposed leader and is refused. A command without an epoch passes while the worker
 * has never seen one (a coordinator that does not lead through a lease), and is refused like a
 * stale one afterwards. The only owner of the epoch: the worker asks, the fence decides.
 */
export class EpochFence {
  private newest: number | undefined;
  private lastLog = -Infinity;
  private suppressed = 0;
  private readonly now: () => number;

  constructor(private readonly options: EpochFenceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The newest epoch seen; undefined until one is. */
  get newestSeen(): number | undefined {
    return this.newest;
  }

  /** Notes an epoch seen; calls `onNewer` (once, after noting it) when it is newer than any before. */
  observe(epoch: number): void {
    if (this.newest !== undefined && epoch <= this.newest) return;
    this.newest = epoch;
    this.options.onNewer(epoch);
  }

  /**
   * Undefined when `command` may act (its epoch is then noted), else why it may not — a reason
   * starting `stale epoch` — after logging the refusal (rate-limited).
   */
  admit(command: EpochCommand): string | undefined {
    const newest = this.newest;
    if (command.epoch === undefined) {
      if (newest === undefined) return undefined;
      return this.refused(command, `stale epoch none (newest seen ${newest})`);
    }
    if (newest !== undefined && command.epoch < newest)
      return this.refused(command, `stale epoch ${command.epoch} (newest seen ${newest})`);
    this.observe(command.epoch);
    return undefined;
  }

  private refused(command: EpochCommand, reason: string): string {
    const now = this.now();
    if (now - this.lastLog < LOG_EVERY_MS) {
      this.suppressed++;
      return reason;
    }
    this.options.logger.warn(
      { command: command.type, reason, suppressedBefore: this.suppressed },
      'refused a command of a deposed coordinator (counted in quarry_worker_stale_commands_total)',
    );
    this.lastLog = now;
    this.suppressed = 0;
    return reason;
  }
}
