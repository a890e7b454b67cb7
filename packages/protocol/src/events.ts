import { Type } from '@sinclair/typebox';
import { Count, Int, Millis, SafeId, Text, unionDecoderFor, type MessageOf } from './schema.js';
import { MAX_COLUMNS, MAX_SQL_LENGTH } from './requests.js';
import {
  ErrorDataSchema,
  MAX_ATTEMPT,
  MAX_PARTITION,
  MAX_STAGE,
  ResultColumnSchema,
  TaskRefSchema,
  TaskStateSchema,
} from './values.js';

/** Most stages a query may have in its progress, and most tasks one event may list. */
export const MAX_STAGES = 10_000;
export const MAX_EVENT_TASKS = 100_000;

export const StageProgressSchema = Type.Object({
  stageId: Int(0, MAX_STAGE),
  state: Type.Union([
    Type.Literal('PENDING'),
    Type.Literal('RUNNING'),
    Type.Literal('FINISHED'),
    Type.Literal('FAILED'),
  ]),
  tasksTotal: Count,
  tasksDone: Count,
  tasksRunning: Count,
});
export type StageProgress = MessageOf<typeof StageProgressSchema>;

export const ProgressSchema = Type.Object({
  stages: Type.Array(StageProgressSchema, { maxItems: MAX_STAGES }),
  tasksTotal: Count,
  tasksDone: Count,
  tasksRunning: Count,
});
export type Progress = MessageOf<typeof ProgressSchema>;

const base = {
  queryId: SafeId,
  /** 1, 2, 3, … per query: subscribers can tell gaps and order. */
  seq: Int(1, Number.MAX_SAFE_INTEGER),
  /** Milliseconds since the epoch. */
  time: Millis,
};
const TaskRefs = Type.Array(TaskRefSchema, { maxItems: MAX_EVENT_TASKS });

/**
 * On `query.<id>.status`, one schema per `type`. Clients read events leniently (fields they do not
 * know are kept, for newer coordinators), but every field they know is checked.
 */
export const QueryEventSchemas = {
  /** `sql` only where the coordinator has `query.events.include-sql=true`: events are public. */
  QUEUED: Type.Object({ ...base, type: Type.Literal('QUEUED'), sql: Type.Optional(Text(MAX_SQL_LENGTH)) }),
  PLANNING: Type.Object({ ...base, type: Type.Literal('PLANNING') }),
  RUNNING: Type.Object({
    ...base,
    type: Type.Literal('RUNNING'),
    progress: ProgressSchema,
    /** The task whose change caused this event, if any. */
    task: Type.Optional(Type.Object({ ...TaskRefSchema.properties, state: TaskStateSchema })),
  }),
  /** A task attempt failed (whatever happens next). */
  TASK_FAILED: Type.Object({
    ...base,
    type: Type.Literal('TASK_FAILED'),
    task: TaskRefSchema,
    error: ErrorDataSchema,
  }),
  /** A failed task runs again (retry policy TASK) after `delayMs`, as attempt `nextAttempt`. */
  TASK_RETRYING: Type.Object({
    ...base,
    type: Type.Literal('TASK_RETRYING'),
    task: TaskRefSchema,
    nextAttempt: Int(0, MAX_ATTEMPT),
    delayMs: Millis,
    error: ErrorDataSchema,
    /** After running out of memory: what the next attempt may hold (it grew). */
    memoryLimitBytes: Type.Optional(Count),
    /**
     * After running out of memory at the most a task may hold: the task runs as this many tasks, its
     * splits divided among itself and new tasks of its stage (partitions after the stage's last).
     */
    splitInto: Type.Optional(Int(2, MAX_PARTITION)),
  }),
  /**
   * A running task looked slow (it ran `elapsedMs`, past its stage's baseline `baselineMs`): a
   * speculative attempt, `task`, starts beside attempt `slowAttempt` on another worker. The first to
   * finish wins; the other is cancelled.
   */
  TASK_SPECULATING: Type.Object({
    ...base,
    type: Type.Literal('TASK_SPECULATING'),
    task: TaskRefSchema,
    slowAttempt: Int(0, MAX_ATTEMPT),
    elapsedMs: Millis,
    baselineMs: Millis,
  }),
  /** A worker stopped heartbeating; `tasks` were running on it. */
  WORKER_LOST: Type.Object({
    ...base,
    type: Type.Literal('WORKER_LOST'),
    workerId: SafeId,
    silentForMs: Millis,
    tasks: TaskRefs,
  }),
  /** The whole query runs again (retry policy QUERY) after `delayMs`, as query attempt `nextAttempt`. */
  QUERY_RETRYING: Type.Object({
    ...base,
    type: Type.Literal('QUERY_RETRYING'),
    nextAttempt: Int(0, MAX_ATTEMPT),
    delayMs: Millis,
    error: ErrorDataSchema,
  }),
  /**
   * The coordinator that ran this query died or stepped down, and `coordinatorId` took over under
   * lease `epoch`: the query goes on from its records (finished stages are not run again).
   */
  COORDINATOR_FAILOVER: Type.Object({
    ...base,
    type: Type.Literal('COORDINATOR_FAILOVER'),
    coordinatorId: SafeId,
    epoch: Count,
    /**
     * Task attempts the records showed running, which the new leader took over. Each is checked
     * against its worker's first heartbeat: one no worker runs any more is reported as a
     * TASK_FAILED (REMOTE_HOST_GONE) and runs again, at no cost to its retry budget.
     */
    adoptedTasks: Count,
  }),
  FINISHED: Type.Object({
    ...base,
    type: Type.Literal('FINISHED'),
    rows: Count,
    elapsedMs: Millis,
    columns: Type.Array(ResultColumnSchema, { maxItems: MAX_COLUMNS }),
  }),
  FAILED: Type.Object({ ...base, type: Type.Literal('FAILED'), error: ErrorDataSchema, elapsedMs: Millis }),
};

export type QueryEvent = MessageOf<(typeof QueryEventSchemas)[keyof typeof QueryEventSchemas]>;
export type QueryEventType = QueryEvent['type'];

export const decodeQueryEvent = unionDecoderFor('type', QueryEventSchemas, { name: 'status event' });
