import type { ErrorData } from '@quarry/common';
import type { TaskRef } from '@quarry/protocol';
import type { ControlDeps } from './control-deps.js';
import type { QueryExecution } from './query.js';
import { attemptId, attemptRef, cancelTasks, deleteOutput } from './task-commands.js';

/**
 * What becomes of the two attempts of a task that raced (speculative execution): the loser of a
 * finished race, a failed backup, and the workers that keep failing tasks (the blocklist).
 */
export class AttemptRaces {
  constructor(private readonly d: ControlDeps) {}

  /**
   * The other attempt of a task that just finished: cancelled, recorded as superseded (no failure
   * of the task) and its files deleted. When the speculative attempt won, the slow one's worker is
   * blocked for `execution.batch.speculative.block-slow-node-duration`.
   */
  async supersede(
    q: QueryExecution,
    loser: TaskRef & { attempt: number; workerId: string },
    backupWon: boolean,
  ): Promise<void> {
    const ref = attemptRef(q, loser, loser.workerId);
    cancelTasks(this.d, q, [ref.taskId], loser.workerId);
    const error: ErrorData = {
      code: 'ATTEMPT_SUPERSEDED',
      type: 'EXTERNAL',
      message: `Attempt ${ref.attempt} of task ${ref.stageId}.${ref.partition} lost the race: another attempt finished first`,
    };
    await this.d.store.failAttempt(q.id, attemptId(q, ref), error, { lost: true }).catch(() => {});
    if (backupWon) {
      this.d.metrics.speculationWon();
      this.d.registry.blocklist.block(
        loser.workerId,
        this.d.config.speculation?.blockSlowNodeMs ?? 60_000,
        `task ${ref.stageId}.${ref.partition} was overtaken by a speculative attempt`,
      );
    }
    q.logger.info({ taskId: ref.taskId, workerId: ref.workerId, backupWon }, 'attempt superseded');
    void deleteOutput(this.d, q, ref);
  }

  /** A speculative attempt failed: dropped, at no cost to the task (its current attempt goes on). */
  async backupFailed(q: QueryExecution, ref: TaskRef, error: ErrorData): Promise<void> {
    if (q.scheduler!.dropBackup(ref) === 'stale') return;
    await this.d.store.failAttempt(q.id, attemptId(q, ref), error, { lost: true }).catch(() => {});
    q.emit({ type: 'TASK_FAILED', task: ref, error });
    q.logger.warn({ taskId: ref.taskId, workerId: ref.workerId, error }, 'speculative attempt failed');
    this.blame(ref.workerId, error);
    void deleteOutput(this.d, q, ref);
    this.d.schedule();
  }

  /** A failure that may be the worker's own (not the query's, not its death) counts toward blocking it. */
  blame(workerId: string, error: ErrorData): void {
    if (error.type !== 'INTERNAL_ERROR' && error.type !== 'EXTERNAL') return;
    if (error.code === 'REMOTE_HOST_GONE' || error.code === 'ATTEMPT_SUPERSEDED') return;
    if (this.d.registry.blocklist.failed(workerId))
      this.d.logger.warn({ workerId }, 'worker blocked: it keeps failing tasks');
  }
}
