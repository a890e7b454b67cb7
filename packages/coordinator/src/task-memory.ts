import { QuarryError, parseDataSize } from '@quarry/common';
import type { Session } from '@quarry/sql';
import {
  DEFAULT_MAX_TASK_MEMORY,
  DEFAULT_TASK_MEMORY_GROWTH_FACTOR,
  type CoordinatorConfig,
} from './config.js';
import { DEFAULT_MEMORY_ESTIMATION_QUANTILE, estimateFromSiblings } from './memory-estimate.js';
import type { QueryScheduler, TaskRecord } from './scheduler.js';

/**
 * How much memory each task attempt is given, as in Trino's fault-tolerant execution: a query's
 * tasks start from session `fault_tolerant_execution_task_memory` (else `task.max-memory`), or more
 * when their stage's finished tasks suggest it (memory-estimate.ts); a task that ran out of memory
 * runs again with `fault-tolerant-execution-task-memory-growth-factor` times more, up to the
 * ceiling; and the other tasks of its stage start from what it grew to (they are likely alike). A
 * task that runs out of memory at the ceiling cannot grow: a retry with the same memory would fail
 * the same way (the caller splits it, or fails the query).
 *
 * The ceiling is `query.max-memory-per-node`, or less when no worker has that much memory for its
 * tasks (`capacity`, the largest memory a worker announces): memory no worker has would only make
 * the task wait for a worker that never comes. Only the session's explicit starting value may ask
 * for more; such a task waits for a worker with room (placement.ts).
 */
export class TaskMemory {
  private readonly ceiling: number;
  private readonly factor: number;
  private readonly quantile: number;

  constructor(private readonly config: CoordinatorConfig) {
    const max =
      config.maxTaskMemoryBytes ?? parseDataSize(DEFAULT_MAX_TASK_MEMORY, 'query.max-memory-per-node');
    this.ceiling = Math.max(config.taskMemoryBytes, max);
    this.factor = config.taskMemoryGrowthFactor ?? DEFAULT_TASK_MEMORY_GROWTH_FACTOR;
    this.quantile = config.taskMemoryEstimationQuantile ?? DEFAULT_MEMORY_ESTIMATION_QUANTILE;
  }

  /**
   * The memory the next attempt of `task` gets (whole bytes). `capacity`: the most memory a worker
   * has for tasks (WorkerRegistry.memoryCapacity); growth and estimates stay within it.
   */
  limitFor(session: Session, scheduler: QueryScheduler, task: TaskRecord, capacity = Infinity): number {
    const cap = this.cap(capacity);
    if (task.memoryBytes !== undefined) return Math.round(Math.min(cap, task.memoryBytes));
    const asked = sessionTaskMemory(session.properties) ?? this.config.taskMemoryBytes;
    const hint = scheduler.stage(task.stageId).memoryHint ?? 0;
    const estimate = estimateFromSiblings(scheduler, task, this.quantile) ?? 0;
    return Math.round(Math.min(this.ceiling, Math.max(asked, Math.min(cap, Math.max(hint, estimate)))));
  }

  /**
   * After an attempt ran out of memory with `limit`: the task's next limit (and its stage's hint),
   * or, when it already had the most a task may have, the error that fails the query.
   */
  grow(
    scheduler: QueryScheduler,
    task: TaskRecord,
    limit: number,
    capacity = Infinity,
  ): number | QuarryError {
    const cap = this.cap(capacity);
    if (limit >= cap)
      return new QuarryError(
        'EXCEEDED_LOCAL_MEMORY_LIMIT',
        `Cannot allocate enough memory for task ${task.stageId}.${task.partition}: it ran out of memory with ${formatBytes(limit)}, the most a task may hold (${cap < this.ceiling ? 'the largest memory a worker has for its tasks' : 'query.max-memory-per-node'})`,
      );
    task.memoryBytes = Math.round(Math.min(cap, limit * this.factor));
    const stage = scheduler.stage(task.stageId);
    stage.memoryHint = Math.max(stage.memoryHint ?? 0, task.memoryBytes);
    return task.memoryBytes;
  }

  /** The most a task may be given: the ceiling, within the largest worker's memory (none known: no bound). */
  private cap(capacity: number): number {
    return capacity > 0 ? Math.min(this.ceiling, capacity) : this.ceiling;
  }
}

/** Session `fault_tolerant_execution_task_memory` (a data size, as Trino's); undefined when not set. */
export function sessionTaskMemory(properties: Readonly<Record<string, string>>): number | undefined {
  const raw = properties['fault_tolerant_execution_task_memory'];
  if (raw === undefined) return undefined;
  try {
    const bytes = parseDataSize(raw, 'fault_tolerant_execution_task_memory');
    if (bytes >= 1) return bytes;
  } catch {
    // reworded below
  }
  throw new QuarryError(
    'INVALID_SESSION_PROPERTY',
    `Session property fault_tolerant_execution_task_memory='${raw}' is invalid: expected a data size such as 512MB`,
  );
}

export function formatBytes(n: number): string {
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)}GB` : `${(n / (1 << 20)).toFixed(2)}MB`;
}
