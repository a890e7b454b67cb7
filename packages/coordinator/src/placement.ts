import { QuarryError } from '@quarry/common';
import type { QueryExecution } from './query.js';
import type { QueryControl } from './query-control.js';
import { slowTasks, type SpeculationSettings } from './speculation.js';
import type { TaskRecord } from './scheduler.js';
import { formatBytes } from './task-memory.js';
import type { WorkerRegistry } from './worker-registry.js';

export interface PlacementDeps {
  /** The leader's queries, oldest first. */
  readonly queries: Iterable<QueryExecution>;
  readonly registry: WorkerRegistry;
  readonly control: QueryControl;
}

export interface PlacementOptions {
  readonly now: number;
  readonly speculation?: SpeculationSettings | undefined;
  /** `node-scheduler.allowed-no-matching-node-period`: how long a task no worker has memory for waits. */
  readonly noMatchingNodeMs?: number | undefined;
}

/** Default of `node-scheduler.allowed-no-matching-node-period` (Trino's). */
export const DEFAULT_NO_MATCHING_NODE_MS = 120_000;

/**
 * Since when each task has found no worker with memory for it even when idle (placement's own
 * state: a task forgotten by its query goes with it).
 */
const unmatchedSince = new WeakMap<TaskRecord, number>();

/**
 * Hands runnable tasks to workers with a free slot and the memory the task is given free beside
 * the other tasks' (memory is never overcommitted), oldest query first; slots still free then go
 * to speculative attempts of slow tasks (retry policy TASK, when speculation is enabled). A task
 * whose memory no worker has even when idle waits for one (a larger worker may join) at most
 * `node-scheduler.allowed-no-matching-node-period`, and then fails its query.
 */
export function placeTasks(d: PlacementDeps, options: PlacementOptions): void {
  const queries = [...d.queries].filter((q) => q.state === 'RUNNING' && q.scheduler);
  for (const q of queries) {
    for (const task of q.scheduler!.runnable(options.now)) {
      const memoryBytes = d.control.memoryFor(q, task);
      if (!matchesSomeWorker(d, { q, task, memoryBytes }, options)) continue;
      const worker = d.registry.pick(task.avoid, { memoryBytes });
      // no slot with room for it: a later, smaller task may still fit somewhere
      if (!worker) {
        if (d.registry.pick(task.avoid)) continue;
        return;
      }
      d.control.dispatch(q, task, worker.id);
    }
  }
  if (options.speculation?.enabled) speculate(d, queries, options.now, options.speculation);
}

/**
 * Whether some worker could take a task of `memoryBytes` once its other tasks ended; if none could
 * for longer than the allowed period, the query fails (NO_NODES_AVAILABLE, as Trino's). With no
 * worker at all, `query-manager.required-workers-max-wait` decides instead (workers.ts).
 */
function matchesSomeWorker(
  d: PlacementDeps,
  { q, task, memoryBytes }: { q: QueryExecution; task: TaskRecord; memoryBytes: number },
  options: PlacementOptions,
): boolean {
  const capacity = d.registry.memoryCapacity();
  if (capacity === 0 || memoryBytes <= capacity) {
    unmatchedSince.delete(task);
    return true;
  }
  const since = unmatchedSince.get(task) ?? options.now;
  unmatchedSince.set(task, since);
  const allowedMs = options.noMatchingNodeMs ?? DEFAULT_NO_MATCHING_NODE_MS;
  if (options.now - since > allowedMs) {
    const error = new QuarryError(
      'NO_NODES_AVAILABLE',
      `No worker has memory for task ${task.stageId}.${task.partition}: it is given ${formatBytes(memoryBytes)} and the most a worker has for its tasks is ${formatBytes(capacity)}; waited ${(allowedMs / 1000).toFixed(2)}s (node-scheduler.allowed-no-matching-node-period)`,
    );
    void q.mailbox.run(() => d.control.fail(q, error));
  }
  return false;
}

/** A backup attempt for each slow task, on a worker other than its own that is not blocked. */
function speculate(
  d: PlacementDeps,
  queries: readonly QueryExecution[],
  now: number,
  settings: SpeculationSettings,
): void {
  for (const q of queries) {
    const scheduler = q.scheduler!;
    if (q.retry.policy !== 'TASK') continue;
    for (const stage of scheduler.stages.values()) {
      for (const slow of slowTasks(stage, (t) => scheduler.inputWeight(t), now, settings)) {
        const worker = d.registry.pick(slow.task.current!.workerId, {
          strict: true,
          memoryBytes: d.control.memoryFor(q, slow.task),
        });
        if (!worker) return;
        d.control.dispatch(q, slow.task, worker.id, slow);
      }
    }
  }
}
