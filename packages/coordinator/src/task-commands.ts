import {
  ClusterAddresses,
  decodeCancelTasksReply,
  exchangeIdFor,
  taskId,
  type WorkerCommand,
} from '@quarry/cluster-protocol';
import type { TaskRef } from '@quarry/protocol';
import type { TaskAttemptId } from './attempt-store.js';
import type { ControlDeps } from './control-deps.js';
import type { QueryExecution } from './query.js';

/** Which task attempt, as events and reports name it. */
export function attemptRef(
  q: QueryExecution,
  t: { stageId: number; partition: number; attempt: number },
  workerId: string,
): TaskRef {
  return {
    taskId: taskId(t.stageId, t.partition, t.attempt, q.queryAttempt),
    queryAttempt: q.queryAttempt,
    stageId: t.stageId,
    partition: t.partition,
    attempt: t.attempt,
    workerId,
  };
}

/** Which task attempt, as the attempt records name it. */
export function attemptId(
  q: QueryExecution,
  t: { stageId: number; partition: number; attempt: number },
): TaskAttemptId {
  return { queryAttempt: q.queryAttempt, stageId: t.stageId, partition: t.partition, attempt: t.attempt };
}

/** Asks workers to cancel tasks of a query (all of them when `taskIds` is absent). Best effort. */
export function cancelTasks(
  d: ControlDeps,
  q: QueryExecution,
  taskIds?: string[],
  onlyWorker?: string,
): void {
  const epoch = d.epoch();
  const cmd: WorkerCommand = {
    type: 'cancel',
    queryId: q.id,
    ...(taskIds ? { taskIds } : {}),
    ...(epoch !== undefined ? { epoch } : {}),
  };
  for (const w of d.registry.list()) {
    if (onlyWorker && w.id !== onlyWorker) continue;
    d.system.ask(ClusterAddresses.worker(w.id), cmd, 2000, decodeCancelTasksReply).catch(() => {});
  }
}

/** Deletes what one attempt wrote to the exchange (it failed, lost a race, or reported too late). */
export async function deleteOutput(d: ControlDeps, q: QueryExecution, ref: TaskRef): Promise<void> {
  await d.exchange
    .deleteAttempt({
      queryId: q.id,
      exchangeId: exchangeIdFor(ref.stageId, ref.queryAttempt),
      exchangeOrdinal: ref.stageId,
      taskPartition: ref.partition,
      attempt: ref.attempt,
    })
    .catch((e) => q.logger.warn({ err: e }, 'cannot delete spooled data'));
}
