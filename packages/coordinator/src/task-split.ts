import { QuarryError, type ErrorData } from '@quarry/common';
import { MAX_PARTITION, type TaskRef } from '@quarry/protocol';
import type { CatalogRegistry, Split } from '@quarry/sql';
import type { QueryExecution } from './query.js';
import type { QueryJournal } from './query-journal.js';
import type { QueryScheduler, TaskRecord } from './scheduler.js';

/** Into how many tasks a task is divided each time it runs out of memory at its ceiling. */
export const SPLIT_PARTS = 2;

export interface TaskSplitDeps {
  readonly catalogs: CatalogRegistry;
  readonly journal: QueryJournal;
  readonly schedule: () => void;
}

/** The attempt that ran out of memory at the ceiling: its error, the memory it had, and why it cannot grow. */
export interface OutOfMemoryAtCap {
  readonly task: TaskRecord;
  readonly ref: TaskRef;
  readonly error: ErrorData;
  readonly limit: number;
  readonly cannotGrow: QuarryError;
}

/**
 * Beyond Trino (its issue #18025): a task that ran out of memory with the most a task may hold
 * runs again as several smaller tasks, its splits divided among them — itself and new tasks of
 * its stage — each with that memory, and the query goes on. A task divided this way that runs out
 * again is divided again, until its splits cannot be cut (connectors cut one split through
 * `divideSplit`). The new split groups are recorded for a new leader before anything changes.
 *
 * Only a task of a scanning stage is divided: any division of a scan's splits among tasks gives the
 * same rows, since its consumers read every task's output. A task of a hash-partitioned stage
 * holds every row of its partition on purpose (a final aggregation, a join or a window keyed on
 * it), so its input cannot be divided: its query fails with the error that says so.
 *
 * Returns undefined when the task was divided, else the error that fails the query.
 */
export async function splitAtCap(
  d: TaskSplitDeps,
  q: QueryExecution,
  oom: OutOfMemoryAtCap,
): Promise<QuarryError | undefined> {
  const scheduler = q.scheduler!;
  const groups = divisionOf(scheduler, oom.task, {
    catalogs: d.catalogs,
    writes: q.plan?.write !== undefined,
  });
  const refused = (why: string) =>
    new QuarryError(oom.cannotGrow.code, `${oom.cannotGrow.message}; it cannot be split: ${why}`);
  if (typeof groups === 'string') return refused(groups);
  const splits = new Map(q.splits);
  const layout = [...(splits.get(oom.task.stageId) ?? [])];
  layout[oom.task.partition] = groups[0]!;
  layout.push(...groups.slice(1));
  splits.set(oom.task.stageId, layout);
  try {
    await d.journal.resplit(q, splits);
  } catch (e) {
    return refused(`its division could not be recorded (${QuarryError.wrap(e).message})`);
  }
  q.splits = splits;
  const added = scheduler.divide(oom.task, groups, oom.limit);
  scheduler.retryLater(oom.task, Date.now(), oom.ref.workerId);
  q.emit({
    type: 'TASK_RETRYING',
    task: oom.ref,
    nextAttempt: oom.task.attempts,
    delayMs: 0,
    error: oom.error,
    memoryLimitBytes: oom.limit,
    splitInto: groups.length,
  });
  q.logger.warn(
    { taskId: oom.ref.taskId, into: groups.length, added: added.map((t) => t.partition) },
    'task ran out of memory at its ceiling: divided into smaller tasks',
  );
  d.schedule();
  return undefined;
}

/**
 * The task's splits in SPLIT_PARTS groups, or why they cannot be divided. `writes`: the query writes
 * a table (its writers are not divided).
 */
export function divisionOf(
  scheduler: QueryScheduler,
  task: TaskRecord,
  { catalogs, writes }: { catalogs: CatalogRegistry; writes: boolean },
): Split[][] | string {
  const stage = scheduler.stage(task.stageId);
  const f = stage.fragment;
  const partitionedInput = f.inputs.some(
    (i) => scheduler.stage(i).fragment.outputPartitioning.kind === 'hash',
  );
  if (f.id === scheduler.plan.rootId) return 'its stage makes the result, in one task';
  if (f.distribution === 'single') return 'its stage needs all its input in one task';
  if (f.distribution !== 'source' || partitionedInput)
    return 'its stage reads a hash partition, whose rows must stay in one task (a final aggregation, join or window keyed on it)';
  if (writes) return 'it writes to a table, whose writers are not divided';
  if (stage.tasks.length + SPLIT_PARTS - 1 > MAX_PARTITION)
    return `its stage has ${stage.tasks.length} tasks already`;
  if (task.splits.length >= 2) {
    const half = Math.ceil(task.splits.length / SPLIT_PARTS);
    return chunks(task.splits, half);
  }
  const only = task.splits[0];
  const pieces = only && catalogs.get(only.catalog)?.divideSplit?.(only, SPLIT_PARTS);
  if (!pieces || pieces.length < 2) return 'its only split cannot be divided further';
  return pieces.map((p) => [p]);
}

function chunks(splits: readonly Split[], size: number): Split[][] {
  const out: Split[][] = [];
  for (let i = 0; i < splits.length; i += size) out.push(splits.slice(i, i + size));
  return out;
}
