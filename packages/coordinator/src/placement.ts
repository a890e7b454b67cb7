import type { QueryExecution } from './query.js';
import type { QueryControl } from './query-control.js';
import { slowTasks, type SpeculationSettings } from './speculation.js';
import type { WorkerRegistry } from './worker-registry.js';

export interface PlacementDeps {
  /** The leader's queries, oldest first. */
  readonly queries: Iterable<QueryExecution>;
  readonly registry: WorkerRegistry;
  readonly control: QueryControl;
}

/**
 * Hands runnable tasks to workers with free slots, oldest query first; slots still free then go
 * to speculative attempts of slow tasks (retry policy TASK, when speculation is enabled).
 */
export function placeTasks(
  d: PlacementDeps,
  options: { now: number; speculation?: SpeculationSettings | undefined },
): void {
  const queries = [...d.queries].filter((q) => q.state === 'RUNNING' && q.scheduler);
  for (const q of queries) {
    for (const task of q.scheduler!.runnable(options.now)) {
      const worker = d.registry.pick(task.avoid, { memoryBytes: d.control.memoryFor(q, task) });
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
