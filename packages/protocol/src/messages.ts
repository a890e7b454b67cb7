import type { ErrorData } from '@quarry/common';
import type { ExchangeFile } from '@quarry/exchange';
import type { ExternalValue, PlanFragment, Split } from '@quarry/sql';

// --- submission and results --------------------------------------------------------------------

/** On `query.submit`, as JSON or msgpack. The reply (when asked) is `{ ok, value: SubmitReply }`. */
export interface SubmitRequest {
  readonly sql: string;
  /** Chosen by the client for idempotent resubmission; generated when absent. */
  readonly queryId?: string;
  /** Session properties: `catalog`, `schema`, `retry_policy`, `hash_partition_count`, … */
  readonly session?: Readonly<Record<string, string | number | boolean>>;
}

export interface SubmitReply {
  readonly queryId: string;
}

/**
 * On `query.<id>.results` (ask): page `token` of the result, 0 first, then each reply's
 * `nextToken`. Asking the same token twice gives the same page, so a client may retry.
 */
export interface ResultsRequest {
  readonly token: number;
}

/**
 * A page of result rows (at most `query.result-page-rows` rows and about 512 kB). While the query
 * is still running, `rows` is empty and `nextToken` repeats the token asked: ask again later.
 */
export interface ResultsPage {
  readonly queryId: string;
  readonly state: QueryState;
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly ExternalValue[])[];
  /** Token of the next page; null when this was the last. */
  readonly nextToken: number | null;
}

export interface ResultColumn {
  readonly name: string;
  readonly type: string;
}

// --- status events -----------------------------------------------------------------------------

export type QueryState = 'QUEUED' | 'PLANNING' | 'RUNNING' | 'FINISHED' | 'FAILED';

export interface StageProgress {
  readonly stageId: number;
  readonly state: 'PENDING' | 'RUNNING' | 'FINISHED' | 'FAILED';
  readonly tasksTotal: number;
  readonly tasksDone: number;
  readonly tasksRunning: number;
}

export interface Progress {
  readonly stages: readonly StageProgress[];
  readonly tasksTotal: number;
  readonly tasksDone: number;
  readonly tasksRunning: number;
}

export interface TaskRef {
  readonly taskId: string;
  /** 0, or the query attempt under retry policy QUERY. */
  readonly queryAttempt: number;
  readonly stageId: number;
  readonly partition: number;
  readonly attempt: number;
  readonly workerId: string;
}

interface EventBase {
  readonly queryId: string;
  /** 1, 2, 3, … per query: subscribers can tell gaps and order. */
  readonly seq: number;
  /** Milliseconds since the epoch. */
  readonly time: number;
}

/** On `query.<id>.status`. */
export type QueryEvent =
  | (EventBase & { readonly type: 'QUEUED'; readonly sql: string })
  | (EventBase & { readonly type: 'PLANNING' })
  | (EventBase & {
      readonly type: 'RUNNING';
      readonly progress: Progress;
      /** The task whose change caused this event, if any. */
      readonly task?: TaskRef & { readonly state: TaskState };
    })
  /** A task attempt failed (whatever happens next). */
  | (EventBase & { readonly type: 'TASK_FAILED'; readonly task: TaskRef; readonly error: ErrorData })
  /** A failed task runs again (retry policy TASK) after `delayMs`, as attempt `nextAttempt`. */
  | (EventBase & {
      readonly type: 'TASK_RETRYING';
      readonly task: TaskRef;
      readonly nextAttempt: number;
      readonly delayMs: number;
      readonly error: ErrorData;
      /** After running out of memory: what the next attempt may hold (it grew). */
      readonly memoryLimitBytes?: number;
    })
  /** A worker stopped heartbeating; `tasks` were running on it. */
  | (EventBase & {
      readonly type: 'WORKER_LOST';
      readonly workerId: string;
      readonly silentForMs: number;
      readonly tasks: readonly TaskRef[];
    })
  /** The whole query runs again (retry policy QUERY) after `delayMs`, as query attempt `nextAttempt`. */
  | (EventBase & {
      readonly type: 'QUERY_RETRYING';
      readonly nextAttempt: number;
      readonly delayMs: number;
      readonly error: ErrorData;
    })
  | (EventBase & {
      readonly type: 'FINISHED';
      readonly rows: number;
      readonly elapsedMs: number;
      readonly columns: readonly ResultColumn[];
    })
  | (EventBase & { readonly type: 'FAILED'; readonly error: ErrorData; readonly elapsedMs: number });

export type QueryEventType = QueryEvent['type'];

// --- workers -----------------------------------------------------------------------------------

/** On `worker.heartbeat`, every heartbeat interval; the first one announces the worker. */
export interface Heartbeat {
  readonly workerId: string;
  /** Changes when the process restarts under the same id. */
  readonly incarnation: string;
  readonly seq: number;
  readonly slots: number;
  readonly runningTasks: number;
  readonly draining: boolean;
  readonly host: string;
  readonly pid: number;
  readonly rssBytes: number;
  /** 1-minute load average divided by cores. */
  readonly load: number;
  /** Running task attempts, as `<queryId>/<taskId>`: the coordinator reconciles its slot accounting with it. */
  readonly tasks: readonly string[];
  /** The last heartbeat of a worker that drained and leaves: not a failure. */
  readonly leaving?: boolean;
}

export type TaskState = 'RUNNING' | 'FINISHED' | 'FAILED';

/** A remote input of a task: the winners' files of one producer stage, for this task's partition. */
export interface TaskInput {
  readonly fragmentId: number;
  readonly files: readonly ExchangeFile[];
}

/** Everything a worker needs to run one task attempt. */
export interface TaskSpec {
  readonly queryId: string;
  /** 0, or the query attempt under retry policy QUERY. */
  readonly queryAttempt: number;
  readonly taskId: string;
  readonly stageId: number;
  readonly partition: number;
  readonly attempt: number;
  readonly fragment: PlanFragment;
  readonly splits: readonly Split[];
  readonly inputs: readonly TaskInput[];
  /** Where the output goes: exchange `s<stageId>`, spread over this many partitions. */
  readonly output: { readonly exchangeId: string; readonly partitionCount: number };
  /** How the query's exchange files are written and read: codec, and the per-query key (never stored). */
  readonly exchange: { readonly codec: 'NONE' | 'LZ4' | 'ZSTD'; readonly secretKey?: Uint8Array };
  readonly memoryLimitBytes: number;
}

/** On `worker.<id>.tasks` (ask). */
export type WorkerCommand =
  | { readonly type: 'run'; readonly task: TaskSpec }
  /** Cancels the named task attempts of a query, or all of its tasks when `taskIds` is absent. */
  | { readonly type: 'cancel'; readonly queryId: string; readonly taskIds?: readonly string[] };

export interface RunTaskReply {
  readonly accepted: boolean;
  readonly reason?: string;
}

export interface TaskStats {
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly bytesOut: number;
  readonly wallMs: number;
  readonly peakMemoryBytes: number;
}

/**
 * On `coordinator.task-status`, from the worker running the attempt: RUNNING when it starts and then
 * about every second with growing `stats` (progress), then FINISHED or FAILED once.
 */
export interface TaskUpdate {
  readonly queryId: string;
  readonly queryAttempt: number;
  readonly taskId: string;
  readonly stageId: number;
  readonly partition: number;
  readonly attempt: number;
  readonly workerId: string;
  readonly state: TaskState;
  readonly stats?: TaskStats;
  /** The files written, on FINISHED. */
  readonly outputs?: readonly ExchangeFile[];
  readonly error?: ErrorData;
}

/** Reply to `coordinator.info`. */
export interface ClusterInfo {
  readonly coordinatorId: string;
  readonly workers: readonly {
    readonly workerId: string;
    readonly slots: number;
    readonly runningTasks: number;
    readonly draining: boolean;
    readonly heartbeatAgeMs: number;
    readonly host: string;
    readonly pid: number;
  }[];
  readonly queries: { readonly running: number; readonly queued: number };
}

/** On `cluster.load`, every second. */
export interface ClusterLoad {
  readonly time: number;
  readonly workers: number;
  readonly drainingWorkers: number;
  /** Task slots of workers that are not draining. */
  readonly slots: number;
  readonly freeSlots: number;
  readonly runningTasks: number;
  /** Tasks waiting: in runnable or not-yet-runnable stages, or waiting out a retry delay. */
  readonly queuedTasks: number;
  readonly queries: { readonly running: number; readonly queued: number };
}

/** Reply to `coordinator.queries`. */
export interface QueryListing {
  readonly queries: readonly {
    readonly queryId: string;
    readonly state: string;
    readonly sql: string;
    readonly retryPolicy: string;
    readonly created: number;
    readonly elapsedMs?: number;
    readonly error?: { readonly code: string; readonly type: string; readonly message: string };
  }[];
}
