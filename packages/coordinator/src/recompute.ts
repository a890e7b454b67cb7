import { QuarryError, type ErrorData } from '@quarry/common';
import { taskId } from '@quarry/cluster-protocol';
import type { TaskRef } from '@quarry/protocol';
import type { ControlDeps } from './control-deps.js';
import type { QueryExecution } from './query.js';
import { decideOnFailure } from './retry-policy.js';

/** What recomputing needs of `QueryControl`. */
export interface RecomputeActions {
  readonly fail: (q: QueryExecution, e: unknown) => Promise<void>;
  readonly deleteOutput: (q: QueryExecution, ref: TaskRef) => Promise<void>;
}

/**
 * Lost spooled data, under retry policy TASK. A consumer that could not read a producer's file
 * (missing, truncated, corrupt) names it; its attempt is no failure of its own: it goes back to
 * pending. The producer task whose winner wrote the file loses its winner (counted as one of its
 * failures, so a file that keeps getting lost ends in the retry limit) and runs again as a new
 * attempt; its stage is unfinished meanwhile, so the consumers wait for the new files. If the
 * producer's own inputs are gone too, its attempt fails the same way, and so on up the plan.
 * Returns false when the file is no winner's (nor a known lost one): an ordinary failure then.
 */
export async function recomputeLostInput(
  d: ControlDeps & RecomputeActions,
  q: QueryExecution,
  consumer: { ref: TaskRef; error: ErrorData; uri: string },
): Promise<boolean> {
  const scheduler = q.scheduler!;
  const producer = scheduler.winnerOf(consumer.uri);
  if (!producer && !scheduler.lostFiles.has(consumer.uri)) return false;
  const { ref, error } = consumer;
  if (scheduler.lost(ref) === 'stale') return true;
  const id = (r: TaskRef) => ({
    queryAttempt: q.queryAttempt,
    stageId: r.stageId,
    partition: r.partition,
    attempt: r.attempt,
  });
  await d.store.failAttempt(q.id, id(ref), error, { lost: true }).catch(() => {});
  q.emit({ type: 'TASK_FAILED', task: ref, error });
  q.logger.warn({ taskId: ref.taskId, uri: consumer.uri }, 'an input file is lost: its producer runs again');
  void d.deleteOutput(q, ref);
  if (producer) {
    const old = scheduler.invalidate(producer)!;
    const pref: TaskRef = {
      taskId: taskId(producer.stageId, producer.partition, old.attempt, q.queryAttempt),
      queryAttempt: q.queryAttempt,
      stageId: producer.stageId,
      partition: producer.partition,
      attempt: old.attempt,
      workerId: old.workerId,
    };
    const lost: ErrorData = {
      code: error.code,
      type: 'EXTERNAL',
      message: `Output of task ${pref.taskId} is lost (${consumer.uri} could not be read by ${ref.taskId}): ${error.message}`,
    };
    await d.store
      .invalidateWinner(q.id, id(pref), lost)
      .catch((e) => q.logger.warn({ err: e }, 'cannot record attempt'));
    void d.deleteOutput(q, pref);
    const decision = decideOnFailure(q.retry, lost, {
      taskFailures: producer.failures,
      queryFailures: q.queryFailures + 1,
      taskName: `${producer.stageId}.${producer.partition}`,
    });
    if (decision.action !== 'retry-task') {
      await d.fail(q, QuarryError.fromData(decision.action === 'fail' ? decision.error : lost));
      return true;
    }
    scheduler.retryLater(producer, Date.now(), old.workerId);
    q.emit({ type: 'TASK_RETRYING', task: pref, nextAttempt: producer.attempts, delayMs: 0, error: lost });
  }
  d.schedule();
  return true;
}
