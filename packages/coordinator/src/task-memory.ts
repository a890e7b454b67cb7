import { QuarryError, parseDataSize } from '@quarry/common';
import type { Session } from '@quarry/sql';
import {
  DEFAULT_MAX_TASK_MEMORY,
  DEFAULT_TASK_MEMORY_GROWTH_FACTOR,
  type CoordinatorConfig,
} from './config.js';
import type { QueryScheduler, TaskRecord } from './scheduler.js';

/**
 * How much memory each task attempt is given, as in Trino's fault-tolerant execution: a query's
 * tasks start from session `fault_tolerant_execution_task_memory` (else `task.max-memory`); a task
 * that ran out of memory runs again with `fault-tolerant-execution-task-memory-growth-factor` times
 * more, up to `query.max-memory-per-node`; and the other tasks of its stage start from what it grew
 * to (they are likely alike). A task that runs out of memory at the ceiling fails the query at once:
 * a retry with the same memory would fail the same way.
 */
export class TaskMemory {
  private readonly ceiling: number;
  private readonly factor: number;

  constructor(private readonly config: CoordinatorConfig) {
    const max =
      config.maxTaskMemoryBytes ?? parseDataSize(DEFAULT_MAX_TASK_MEMORY, 'query.max-memory-per-node');
    this.ceiling = Math.max(config.taskMemoryBytes, max);
    this.factor = config.taskMemoryGrowthFactor ?? DEFAULT_TASK_MEMORY_GROWTH_FACTOR;
  }

  /** The memory the next attempt of `task` gets (whole bytes). */
  limitFor(session: Session, scheduler: QueryScheduler, task: TaskRecord): number {
    const start = Math.max(
      sessionTaskMemory(session.properties) ?? this.config.taskMemoryBytes,
      scheduler.stage(task.stageId).memoryHint ?? 0,
    );
    return Math.round(Math.min(this.ceiling, task.memoryBytes ?? start));
  }

  /**
   * After an attempt ran out of memory with `limit`: the task's next limit (and its stage's hint),
   * or, when it already had the most a task may have, the error that fails the query.
   */
  grow(scheduler: QueryScheduler, task: TaskRecord, limit: number): number | QuarryError {
    if (limit >= this.ceiling)
      return new QuarryError(
        'EXCEEDED_LOCAL_MEMORY_LIMIT',
        `Cannot allocate enough memory for task ${task.stageId}.${task.partition}: it ran out of memory with ${formatBytes(limit)}, the most a task may hold (query.max-memory-per-node)`,
      );
    task.memoryBytes = Math.round(Math.min(this.ceiling, limit * this.factor));
    const stage = scheduler.stage(task.stageId);
    stage.memoryHint = Math.max(stage.memoryHint ?? 0, task.memoryBytes);
    return task.memoryBytes;
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

function formatBytes(n: number): string {
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)}GB` : `${(n / (1 << 20)).toFixed(2)}MB`;
}
