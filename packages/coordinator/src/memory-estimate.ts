import type { QueryScheduler, TaskRecord } from './scheduler.js';

/** Default of `fault-tolerant-execution-task-memory-estimation-quantile` (Trino's). */
export const DEFAULT_MEMORY_ESTIMATION_QUANTILE = 0.9;

/**
 * The memory a task is likely to need, judged from its stage's finished tasks: each one's peak
 * memory, scaled up by how much more input this task has than it had (input files' bytes, or
 * splits for a stage that scans), and of those figures the one at `quantile` — as Trino takes a
 * quantile of the finished tasks' peaks, with the inputs' sizes weighed in so that a task with ten
 * times its siblings' input is not started with their memory. Undefined until a sibling finished.
 * The caller keeps the result between the query's starting memory and the ceiling.
 */
export function estimateFromSiblings(
  scheduler: QueryScheduler,
  task: TaskRecord,
  quantile: number,
): number | undefined {
  const finished = scheduler
    .stage(task.stageId)
    .tasks.filter((t) => t !== task && t.winner?.stats !== undefined);
  if (finished.length === 0) return undefined;
  const weight = scheduler.inputWeight(task);
  const figures = finished
    .map((t) => {
      const peak = t.winner!.stats!.peakMemoryBytes;
      const theirs = finishedWeight(scheduler, t);
      return theirs > 0 && weight > theirs ? (peak * weight) / theirs : peak;
    })
    .sort((a, b) => a - b);
  // nearest rank: the smallest figure with at least `quantile` of them at or below it
  const rank = Math.max(1, Math.ceil(quantile * figures.length));
  return figures[Math.min(figures.length, rank) - 1];
}

/** A finished task's input weight, computed once (its inputs were fixed when it ran). */
const weights = new WeakMap<TaskRecord, number>();

function finishedWeight(scheduler: QueryScheduler, task: TaskRecord): number {
  let w = weights.get(task);
  if (w === undefined) {
    w = scheduler.inputWeight(task);
    weights.set(task, w);
  }
  return w;
}
