import type { ErrorData } from '@quarry/common';
import type { SharedTextPool } from '@quarry/connectors';
import type { ExchangeConfig, ExchangeFile } from '@quarry/exchange';
import type { FailureInjection } from './failure-injection.js';
import type { TaskStats } from '@quarry/cluster-protocol';
import type { CheckedTask as TaskSpec } from './check-task.js';
import type { SpillLease } from './spill-budget.js';
import type { SpillConfig } from './spill-config.js';

/** What each task thread is started with. */
export interface TaskThreadData {
  readonly exchange: ExchangeConfig;
  readonly injection: FailureInjection;
  readonly catalogDir: string | undefined;
  readonly textPool: SharedTextPool;
  readonly spill: SpillConfig;
  /** The worker's spill counters ({@link SpillBudget}). */
  readonly spillCounters: SharedArrayBuffer;
  /** `task.cpu-profile-dir`: each task's CPU profile is written under it (cpu-profile.ts); none when absent. */
  readonly cpuProfileDir?: string;
}

/** Where a task spills: its own directory, and its slots in the shared spill counters. */
export interface TaskSpill {
  readonly directory: string;
  readonly lease: SpillLease;
}

/** Main thread → task thread. */
export type ThreadRequest =
  | { readonly type: 'run'; readonly task: TaskSpec; readonly spill?: TaskSpill }
  | { readonly type: 'cancel'; readonly taskId: string };

/** Task thread → main thread. */
export type ThreadResponse =
  | {
      readonly type: 'finished';
      readonly taskId: string;
      readonly outputs: readonly ExchangeFile[];
      readonly stats: TaskStats;
    }
  | {
      readonly type: 'failed';
      readonly taskId: string;
      readonly error: ErrorData;
      /** Bytes the attempt spilled before it failed. */
      readonly spilledBytes?: number;
      /** A producer's file the task could not read (missing or corrupt): the coordinator recomputes it. */
      readonly lostInput?: string;
    };

/** Task thread → main thread, while a task runs. */
export type ThreadNotice =
  | { readonly type: 'progress'; readonly taskId: string; readonly rowsIn: number; readonly rowsOut: number }
  /** Failure injection asks the main thread to act on the whole worker. */
  | { readonly type: 'inject'; readonly taskId: string; readonly action: 'CRASH' | 'STOP_HEARTBEATS' };

export type ThreadMessage = ThreadResponse | ThreadNotice;
