import { QuarryError, parseDataSize, type ErrorData } from '@quarry/common';
import {
  ClusterAddresses,
  decodeCancelTasksReply,
  decodeRunTaskReply,
  exchangeIdFor,
  taskId,
  type RunTaskReply,
  type TaskSpec,
  type TaskUpdate,
  type WorkerCommand,
} from '@quarry/cluster-protocol';
import type { TaskRef } from '@quarry/protocol';
import { isNoResponders } from '@quarry/runtime';
import { isWritable } from '@quarry/sql';
import type { TaskAttemptId } from './attempt-store.js';
import { DEFAULT_MAX_TASK_MEMORY, DEFAULT_TASK_MEMORY_GROWTH_FACTOR } from './config.js';
import type { ControlDeps } from './control-deps.js';
import { isStaleEpoch } from './fencing.js';
import { sessionSpillEnabled } from './planning.js';
import type { QueryExecution } from './query.js';
import { QueryEnd } from './query-end.js';
import { recomputeLostInput } from './recompute.js';
import type { ResultCursor } from './results.js';
import { decideOnFailure } from './retry-policy.js';
import { QueryScheduler, type TaskRecord } from './scheduler.js';
import type { SlowTask } from './speculation.js';

export type { ControlDeps } from './control-deps.js';

const DISPATCH_TIMEOUT_MS = 5000;

/**
 * What happens to a running query: tasks dispatched, their reports applied with fencing, failures
 * handled by the query's retry policy (fail, retry the task, or run the whole query again), the end
 * recorded, spooled data cleaned up. Every method here runs inside the query's mailbox.
 */
export class QueryControl {
  private readonly end: QueryEnd;

  constructor(private readonly d: ControlDeps) {
    this.end = new QueryEnd(d, (q, e) => this.fail(q, e));
  }

  private ref(
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

  private attemptId(
    q: QueryExecution,
    t: { stageId: number; partition: number; attempt: number },
  ): TaskAttemptId {
    return { queryAttempt: q.queryAttempt, stageId: t.stageId, partition: t.partition, attempt: t.attempt };
  }

  /**
   * Starts an attempt of a runnable task on a worker (the scheduler state changes at once). With
   * `slow`, a speculative attempt of a running task that looked slow, beside its current one.
   */
  dispatch(q: QueryExecution, task: TaskRecord, workerId: string, slow?: SlowTask): void {
    const scheduler = q.scheduler!;
    const now = Date.now();
    const attempt = slow
      ? scheduler.startBackup(task, workerId, now)
      : scheduler.start(task, workerId, now);
    if (attempt === undefined) return;
    const stage = scheduler.stage(task.stageId);
    const ref = this.ref(q, { ...task, attempt }, workerId);
    const slotKey = `${q.id}/${ref.taskId}`;
    this.d.registry.assign(workerId, slotKey);
    const spec: TaskSpec = {
      queryId: q.id,
      queryAttempt: q.queryAttempt,
      taskId: ref.taskId,
      stageId: task.stageId,
      partition: task.partition,
      attempt,
      fragment: stage.fragment,
      splits: task.splits,
      inputs: scheduler.inputsFor(task),
      output: {
        exchangeId: exchangeIdFor(task.stageId, q.queryAttempt),
        partitionCount: stage.outputPartitions,
      },
      // whole bytes, as the task spec's schema wants (a size like 0.3MB parses to a fraction)
      memoryLimitBytes: Math.round(task.memoryBytes ?? this.d.config.taskMemoryBytes),
      exchange: q.taskExchange,
      ...spillSetting(q),
    };
    q.mailbox.post(async () => {
      if (q.scheduler !== scheduler) {
        this.d.registry.release(workerId, slotKey);
        return;
      }
      // recorded before the hand-over: a leader that dies during it leaves an attempt its successor
      // knows of (and adopts, or finds lost), never one that runs unrecorded under a reused number
      try {
        await this.d.store.startAttempt(q.id, this.attemptId(q, ref), workerId, { backup: !!slow });
      } catch (e) {
        if (isStaleEpoch(e)) return;
        q.logger.warn({ err: e }, 'cannot record attempt');
      }
      const epoch = this.d.epoch();
      let reply: RunTaskReply;
      try {
        reply = await this.d.system.ask(
          ClusterAddresses.worker(workerId),
          { type: 'run', task: spec, ...(epoch !== undefined ? { epoch } : {}) } satisfies WorkerCommand,
          DISPATCH_TIMEOUT_MS,
          decodeRunTaskReply,
        );
      } catch (e) {
        if (isNoResponders(e)) {
          // Nobody listens on the worker's subject: it never got the task (it died, or left), so
          // this is no attempt and costs the task nothing. The task goes back as it was; the
          // worker gets no more tasks, and its probe will find it gone.
          q.logger.info({ workerId, taskId: ref.taskId }, 'worker gone before the hand-over: task goes back');
          this.d.registry.release(workerId, slotKey);
          this.d.registry.pause(workerId);
          await this.d.store.unstartAttempt(q.id, this.attemptId(q, ref)).catch(() => {});
          scheduler.unstart(task, attempt);
          this.d.schedule();
          return;
        }
        // Whether the worker got it is unknown: its slot stays taken until its heartbeats tell, and
        // it gets no more tasks until it heartbeats again.
        const err = QuarryError.wrap(e);
        this.d.registry.pause(workerId);
        await this.taskFailed(q, ref, {
          code: 'REMOTE_HOST_GONE',
          type: 'EXTERNAL',
          message: `Could not hand task ${ref.taskId} to worker ${workerId}: ${err.message}`,
        });
        return;
      }
      if (!reply.accepted && reply.reason?.startsWith('stale epoch')) {
        this.d.stale(`worker ${workerId} refused a task: ${reply.reason}`);
        return;
      }
      if (!reply.accepted) {
        // not an attempt: the task goes back as it was, and the worker is passed over until it heartbeats
        q.logger.debug({ workerId, reason: reply.reason }, 'worker refused task');
        this.d.registry.release(workerId, slotKey);
        this.d.registry.pause(workerId);
        await this.d.store.unstartAttempt(q.id, this.attemptId(q, ref)).catch(() => {});
        scheduler.unstart(task, attempt);
        this.d.schedule();
        return;
      }
      if (slow) {
        const of = slow.task.current?.attempt ?? attempt;
        q.emit({ type: 'TASK_SPECULATING', task: ref, slowAttempt: of, ...speculationFigures(slow) });
      }
      q.emitProgress({ ...ref, state: 'RUNNING' });
    });
  }

  /** A report from a worker about a task attempt. */
  async update(q: QueryExecution, u: TaskUpdate): Promise<void> {
    const scheduler = q.scheduler;
    const current = scheduler !== undefined && u.queryAttempt === q.queryAttempt && !q.done;
    if (u.state === 'RUNNING') {
      if (current && u.stats) scheduler.reportProgress(u, u.stats.rowsIn + u.stats.rowsOut, Date.now());
      return;
    }
    const ref: TaskRef = {
      taskId: u.taskId,
      queryAttempt: u.queryAttempt,
      stageId: u.stageId,
      partition: u.partition,
      attempt: u.attempt,
      workerId: u.workerId,
    };
    if (u.state === 'FAILED') {
      if (current) await this.taskFailed(q, ref, u.error, u.lostInput);
      return;
    }
    // the winner's report again (a worker sends its last reports again to a new leader): nothing to
    // do, and above all nothing to delete — even when the query has finished since
    if (scheduler && u.queryAttempt === q.queryAttempt && scheduler.isWinner(u)) return;
    const sibling = current ? scheduler.sibling(u) : undefined;
    const wasBackup = current && scheduler.isBackup(u);
    const done = { outputs: u.outputs, stats: u.stats, now: Date.now() };
    if (!current || scheduler.finished(u, done) === 'stale') {
      // a superseded attempt, an attempt already failed (its worker declared dead), or an old query attempt
      q.logger.info(
        { taskId: u.taskId, workerId: u.workerId },
        'ignoring a late report; deleting that attempt’s output',
      );
      await this.deleteOutput(q, ref);
      return;
    }
    this.d.spooled(u.stats?.bytesOut ?? 0);
    try {
      await this.d.store.finishAttempt(q.id, this.attemptId(q, ref), { stats: u.stats, outputs: u.outputs });
    } catch (e) {
      // a newer leader owns the query: it decides what becomes of this report (the worker sends it again)
      if (isStaleEpoch(e)) return;
      q.logger.warn({ err: e }, 'cannot record attempt');
    }
    if (sibling) await this.supersede(q, { ...ref, ...sibling }, wasBackup);
    q.emitProgress({ ...ref, state: 'FINISHED' });
    if (scheduler.done) await this.finish(q);
    else this.d.schedule();
  }

  /**
   * A task that ran out of memory may hold `fault-tolerant-execution-task-memory-growth-factor` times
   * more in its next attempt, up to `query.max-memory-per-node`, as in Trino's fault-tolerant
   * execution; returns the new limit.
   */
  private growMemory(task: TaskRecord): number {
    const {
      taskMemoryBytes,
      taskMemoryGrowthFactor = DEFAULT_TASK_MEMORY_GROWTH_FACTOR,
      maxTaskMemoryBytes = parseDataSize(DEFAULT_MAX_TASK_MEMORY, 'query.max-memory-per-node'),
    } = this.d.config;
    const ceiling = Math.max(taskMemoryBytes, maxTaskMemoryBytes);
    task.memoryBytes = Math.min(
      ceiling,
      Math.round((task.memoryBytes ?? taskMemoryBytes) * taskMemoryGrowthFactor),
    );
    return task.memoryBytes;
  }

  /**
   * The other attempt of a task that just finished: cancelled, recorded as superseded (no failure
   * of the task) and its files deleted. When the speculative attempt won, the slow one's worker is
   * blocked for `execution.batch.speculative.block-slow-node-duration`.
   */
  private async supersede(
    q: QueryExecution,
    loser: TaskRef & { attempt: number; workerId: string },
    backupWon: boolean,
  ): Promise<void> {
    const ref = this.ref(q, loser, loser.workerId);
    this.cancel(q, [ref.taskId], loser.workerId);
    const error: ErrorData = {
      code: 'ATTEMPT_SUPERSEDED',
      type: 'EXTERNAL',
      message: `Attempt ${ref.attempt} of task ${ref.stageId}.${ref.partition} lost the race: another attempt finished first`,
    };
    await this.d.store.failAttempt(q.id, this.attemptId(q, ref), error, { lost: true }).catch(() => {});
    if (backupWon) {
      this.d.metrics.speculationWon();
      this.d.registry.blocklist.block(
        loser.workerId,
        this.d.config.speculation?.blockSlowNodeMs ?? 60_000,
        `task ${ref.stageId}.${ref.partition} was overtaken by a speculative attempt`,
      );
    }
    q.logger.info({ taskId: ref.taskId, workerId: ref.workerId, backupWon }, 'attempt superseded');
    void this.deleteOutput(q, ref);
  }

  /** A speculative attempt failed: dropped, at no cost to the task (its current attempt goes on). */
  private async backupFailed(q: QueryExecution, ref: TaskRef, error: ErrorData): Promise<void> {
    if (q.scheduler!.dropBackup(ref) === 'stale') return;
    await this.d.store.failAttempt(q.id, this.attemptId(q, ref), error, { lost: true }).catch(() => {});
    q.emit({ type: 'TASK_FAILED', task: ref, error });
    q.logger.warn({ taskId: ref.taskId, workerId: ref.workerId, error }, 'speculative attempt failed');
    this.blame(ref.workerId, error);
    void this.deleteOutput(q, ref);
    this.d.schedule();
  }

  /** A failure that may be the worker's own (not the query's, not its death) counts toward blocking it. */
  private blame(workerId: string, error: ErrorData): void {
    if (error.type !== 'INTERNAL_ERROR' && error.type !== 'EXTERNAL') return;
    if (error.code === 'REMOTE_HOST_GONE' || error.code === 'ATTEMPT_SUPERSEDED') return;
    if (this.d.registry.blocklist.failed(workerId)) this.d.logger.warn({ workerId }, 'worker blocked: it keeps failing tasks');
  }

  /** A task attempt failed (its own error, its worker lost, no progress, no answer): apply the retry policy. */
  async taskFailed(q: QueryExecution, ref: TaskRef, error: ErrorData, lostInput?: string): Promise<void> {
    const scheduler = q.scheduler;
    if (!scheduler || ref.queryAttempt !== q.queryAttempt || q.done) return;
    if (scheduler.isBackup(ref)) return this.backupFailed(q, ref, error);
    // under TASK a lost input is the producer's to compute again, not this task's failure
    if (lostInput && q.retry.policy === 'TASK') {
      const actions = {
        fail: (x: QueryExecution, e: unknown) => this.fail(x, e),
        deleteOutput: (x: QueryExecution, r: TaskRef) => this.deleteOutput(x, r),
      };
      if (await recomputeLostInput({ ...this.d, ...actions }, q, { ref, error, uri: lostInput })) return;
    }
    if (scheduler.failed(ref.stageId, ref.partition, ref.attempt) === 'stale') return;
    try {
      await this.d.store.failAttempt(q.id, this.attemptId(q, ref), error);
    } catch (e) {
      if (isStaleEpoch(e)) return;
      q.logger.warn({ err: e }, 'cannot record attempt');
    }
    q.emit({ type: 'TASK_FAILED', task: ref, error });
    q.logger.warn({ taskId: ref.taskId, workerId: ref.workerId, error }, 'task attempt failed');
    void this.deleteOutput(q, ref);
    if (!lostInput) this.blame(ref.workerId, error);
    const task = scheduler.task(ref.stageId, ref.partition)!;
    const decision = decideOnFailure(q.retry, error, {
      taskFailures: task.failures,
      queryFailures: q.queryFailures + 1,
      taskName: `${ref.stageId}.${ref.partition}`,
    });
    // its speculative attempt took over as the current one: nothing to start again
    if (task.status === 'RUNNING' && decision.action !== 'fail') return this.d.schedule();
    switch (decision.action) {
      case 'fail':
        await this.fail(q, QuarryError.fromData(decision.error));
        return;
      case 'retry-task': {
        scheduler.retryLater(task, Date.now() + decision.delayMs, ref.workerId);
        const grown = error.code === 'EXCEEDED_LOCAL_MEMORY_LIMIT' ? this.growMemory(task) : undefined;
        q.emit({
          type: 'TASK_RETRYING',
          task: ref,
          nextAttempt: task.attempts,
          delayMs: decision.delayMs,
          error,
          ...(grown !== undefined ? { memoryLimitBytes: grown } : {}),
        });
        this.d.schedule();
        return;
      }
      case 'retry-query':
        await this.restart(q, decision.delayMs, error);
        return;
    }
  }

  /** Retry policy QUERY: abandon this query attempt (its tasks and data) and run the query again. */
  private async restart(q: QueryExecution, delayMs: number, error: ErrorData): Promise<void> {
    const old = q.scheduler!;
    q.queryFailures++;
    this.cancel(
      q,
      old.runningAttempts().map((r) => taskId(r.task.stageId, r.task.partition, r.attempt, old.queryAttempt)),
    );
    q.scheduler = undefined;
    const oldAttempt = q.queryAttempt;
    q.queryAttempt++;
    q.emit({ type: 'QUERY_RETRYING', nextAttempt: q.queryAttempt, delayMs, error });
    await this.d.journal
      .queryAttempt(q)
      .catch((e) => q.logger.warn({ err: e }, 'cannot record query attempt'));
    q.logger.warn(
      { nextAttempt: q.queryAttempt, delayMs, error },
      'query attempt failed; running the query again',
    );
    for (const stageId of old.stages.keys()) {
      void this.d.exchange
        .deleteExchange(q.id, exchangeIdFor(stageId, oldAttempt))
        .catch((e) => q.logger.warn({ err: e }, 'cannot delete spooled data'));
    }
    setTimeout(() => {
      q.mailbox.post(() => {
        if (q.done) return;
        q.scheduler = new QueryScheduler(q.plan!, q.splits, q.hashPartitions, q.queryAttempt);
        q.emitProgress();
        this.d.schedule();
      });
    }, delayMs).unref();
  }

  /**
   * An adopted attempt no worker runs (the dead leader's hand-over never arrived, or the worker is
   * gone): recorded as failed but not counted, and the task runs again at once.
   */
  async lost(q: QueryExecution, ref: TaskRef): Promise<void> {
    const scheduler = q.scheduler;
    if (!scheduler || ref.queryAttempt !== q.queryAttempt || q.done) return;
    if (scheduler.lost(ref) === 'stale') return;
    const error: ErrorData = {
      code: 'REMOTE_HOST_GONE',
      type: 'EXTERNAL',
      message: `Task ${ref.taskId} was lost in a coordinator failover (not running on ${ref.workerId})`,
    };
    await this.d.store.failAttempt(q.id, this.attemptId(q, ref), error, { lost: true }).catch(() => {});
    q.emit({ type: 'TASK_FAILED', task: ref, error });
    q.emit({
      type: 'TASK_RETRYING',
      task: ref,
      nextAttempt: scheduler.task(ref.stageId, ref.partition)!.attempts,
      delayMs: 0,
      error,
    });
    q.logger.warn(
      { taskId: ref.taskId, workerId: ref.workerId },
      'task lost in the failover: running it again',
    );
    void this.deleteOutput(q, ref);
    this.d.schedule();
  }

  /** Tasks whose progress stopped for longer than `task.progress-timeout` are failed (and cancelled). */
  checkProgress(q: QueryExecution, now: number): void {
    const scheduler = q.scheduler;
    if (!scheduler || q.done) return;
    for (const t of scheduler.stalled(now, this.d.config.taskProgressTimeoutMs)) {
      const c = t.current!;
      const ref = this.ref(q, { ...t, attempt: c.attempt }, c.workerId);
      this.cancel(q, [ref.taskId], c.workerId);
      void q.mailbox.run(() =>
        this.taskFailed(q, ref, {
          code: 'TASK_TIMEOUT',
          type: 'EXTERNAL',
          message: `Task ${ref.taskId} on ${c.workerId} made no progress for ${now - c.progressAt} ms (task.progress-timeout)`,
        }),
      );
    }
  }

  /** The root stage's output as a result source, its pages recorded as they are cut. */
  resultCursor(q: QueryExecution, pageStarts?: ReadonlyMap<number, number>): ResultCursor {
    return this.end.resultCursor(q, pageStarts);
  }

  /** Every task finished: commit a write, or offer the result; then clean up (query-end.ts). */
  finish(q: QueryExecution): Promise<void> {
    return this.end.finish(q);
  }

  /** The query (and its result) is dropped `query.client.timeout` from now. */
  forgetLater(q: QueryExecution): void {
    this.end.forgetLater(q);
  }

  /** Fails the query (once): records it, cancels its tasks, deletes its spooled data. */
  async fail(q: QueryExecution, e: unknown): Promise<void> {
    if (!q.fail(e)) return;
    await this.d.store.endQuery(q.id, 'FAILED', q.elapsedMs, q.error).catch(() => {});
    if (q.scheduler) this.cancel(q);
    const write = q.plan?.write;
    if (write) {
      // after the cancelled writers have had a moment to stop, remove whatever they staged
      setTimeout(() => {
        if (!this.d.mayAct()) return;
        const connector = this.d.catalogs.get(write.handle.catalog);
        if (connector && isWritable(connector))
          void connector
            .abortWrite(write.handle)
            .catch((err) => q.logger.warn({ err }, 'cannot abort write'));
      }, 1000).unref();
    }
    // give cancelled tasks a moment to abort their sinks, then remove whatever is left
    setTimeout(
      () =>
        this.d.mayAct() &&
        void this.d.exchange
          .deleteQuery(q.id)
          .catch((err) => q.logger.warn({ err }, 'cannot delete spooled data')),
      1000,
    ).unref();
    setTimeout(() => this.d.forget(q), this.d.config.resultRetentionMs).unref();
  }

  /** Asks workers to cancel tasks of a query (all of them when `taskIds` is absent). Best effort. */
  private cancel(q: QueryExecution, taskIds?: string[], onlyWorker?: string): void {
    const epoch = this.d.epoch();
    const cmd: WorkerCommand = {
      type: 'cancel',
      queryId: q.id,
      ...(taskIds ? { taskIds } : {}),
      ...(epoch !== undefined ? { epoch } : {}),
    };
    for (const w of this.d.registry.list()) {
      if (onlyWorker && w.id !== onlyWorker) continue;
      this.d.system.ask(ClusterAddresses.worker(w.id), cmd, 2000, decodeCancelTasksReply).catch(() => {});
    }
  }

  private async deleteOutput(q: QueryExecution, ref: TaskRef): Promise<void> {
    await this.d.exchange
      .deleteAttempt({
        queryId: q.id,
        exchangeId: exchangeIdFor(ref.stageId, ref.queryAttempt),
        exchangeOrdinal: ref.stageId,
        taskPartition: ref.partition,
        attempt: ref.attempt,
      })
      .catch((e) => q.logger.warn({ err: e }, 'cannot delete spooled data'));
  }
}

/** Why an attempt was speculated, as its event tells (whole milliseconds). */
function speculationFigures(slow: SlowTask): { elapsedMs: number; baselineMs: number } {
  return { elapsedMs: Math.round(slow.elapsedMs), baselineMs: Math.round(slow.baselineMs) };
}

/** The session's `spill_enabled`, as task specs carry it (checked when the query was planned). */
function spillSetting(q: QueryExecution): { spillEnabled?: boolean } {
  const enabled = sessionSpillEnabled(q.session);
  return enabled === undefined ? {} : { spillEnabled: enabled };
}
