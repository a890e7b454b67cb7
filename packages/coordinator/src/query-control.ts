import { QuarryError, traceMark, type ErrorData } from '@quarry/common';
import { exchangeIdFor, taskId, type TaskSpec, type TaskUpdate } from '@quarry/cluster-protocol';
import type { TaskRef } from '@quarry/protocol';
import { isNoResponders } from '@quarry/runtime';
import { isWritable } from '@quarry/sql';
import type { ControlDeps } from './control-deps.js';
import { isStaleEpoch } from './fencing.js';
import { HandOvers, MAX_HAND_OVER_TRIES, type HandOver, type HandOverOutcome } from './hand-over.js';
import { sessionSpillEnabled } from './planning.js';
import type { QueryExecution } from './query.js';
import { inlineShare } from './inline-outputs.js';
import { QueryEnd } from './query-end.js';
import { AttemptRaces } from './races.js';
import { recomputeLostInput } from './recompute.js';
import type { ResultCursor } from './results.js';
import { decideOnFailure } from './retry-policy.js';
import { QueryScheduler, type TaskRecord } from './scheduler.js';
import type { SlowTask } from './speculation.js';
import { attemptId, attemptRef, cancelTasks, deleteOutput } from './task-commands.js';
import { TaskMemory } from './task-memory.js';
import { splitAtCap } from './task-split.js';

export type { ControlDeps } from './control-deps.js';

/**
 * What happens to a running query: tasks dispatched, their reports applied with fencing, failures
 * handled by the query's retry policy (fail, retry the task, or run the whole query again), the end
 * recorded, spooled data cleaned up. Every method here runs inside the query's mailbox.
 */
export class QueryControl {
  private readonly end: QueryEnd;
  private readonly races: AttemptRaces;
  private readonly memory: TaskMemory;
  private readonly handOvers: HandOvers;

  constructor(private readonly d: ControlDeps) {
    this.end = new QueryEnd(d, (q, e) => this.fail(q, e));
    this.races = new AttemptRaces(d);
    this.memory = new TaskMemory(d.config);
    this.handOvers = new HandOvers(d, (q, h, outcome, tries) => this.handedOver(q, h, outcome, tries));
  }

  /**
   * Starts an attempt of a runnable task on a worker (the scheduler state changes at once). With
   * `slow`, a speculative attempt of a running task that looked slow, beside its current one.
   */
  dispatch(q: QueryExecution, task: TaskRecord, workerId: string, slow?: SlowTask): void {
    const scheduler = q.scheduler!;
    const now = Date.now();
    const attempt = slow ? scheduler.startBackup(task, workerId, now) : scheduler.start(task, workerId, now);
    if (attempt === undefined) return;
    const ref = attemptRef(q, { ...task, attempt }, workerId);
    const slotKey = `${q.id}/${ref.taskId}`;
    const spec = this.taskSpec(q, task, ref);
    const run = slow ? task.backup : task.current;
    if (run) run.memoryBytes = spec.memoryLimitBytes;
    this.d.registry.assign(workerId, slotKey, spec.memoryLimitBytes);
    const slowAttempt = slow ? task.current?.attempt : undefined;
    this.handOvers.add(q, { scheduler, task, ref, spec, workerId, slotKey, slow, slowAttempt });
  }

  /** The worker's answer to a hand-over's `tries`-th try (hand-over.ts), or the error of asking it. */
  private async handedOver(
    q: QueryExecution,
    h: HandOver,
    outcome: HandOverOutcome,
    tries: number,
  ): Promise<void> {
    const { task, ref, workerId, slow, slowAttempt } = h;
    if ('error' in outcome) return this.unanswered(q, h, outcome.error, tries);
    const reply = outcome.reply;
    if (!reply.accepted && reply.reason?.startsWith('stale epoch')) {
      this.d.stale(`worker ${workerId} refused a task: ${reply.reason}`);
      return;
    }
    if (!reply.accepted) {
      // not an attempt: the task goes back as it was, and the worker is passed over until it heartbeats
      q.logger.debug({ workerId, reason: reply.reason }, 'worker refused task');
      return this.putBack(q, task, ref);
    }
    if (slow && slowAttempt !== undefined)
      q.emit({ type: 'TASK_SPECULATING', task: ref, slowAttempt, ...speculationFigures(slow) });
    q.emitProgress({ ...ref, state: 'RUNNING' });
  }

  /**
   * A hand-over nobody answered. Nobody listening on the worker's subject: it died or left; after a
   * first try it never got the task (no attempt, costs the task nothing), after an unanswered one it
   * may have (lost: failed, not counted). No reply: whether the worker got it is unknown (a broker
   * outage, a worker too busy) — it gets no more tasks until it heartbeats again, its slot stays
   * taken until its heartbeats tell, and the same command is sent again (hand-over.ts).
   */
  private async unanswered(q: QueryExecution, h: HandOver, e: unknown, tries: number): Promise<void> {
    const { task, ref, workerId } = h;
    const gone: ErrorData = {
      code: 'REMOTE_HOST_GONE',
      type: 'EXTERNAL',
      message: `Could not hand task ${ref.taskId} to worker ${workerId}: ${QuarryError.wrap(e).message}`,
    };
    if (isNoResponders(e)) {
      q.logger.info({ workerId, taskId: ref.taskId, tries }, 'worker gone before the hand-over');
      if (tries === 1) return this.putBack(q, task, ref);
      return h.slow ? this.taskFailed(q, ref, gone) : this.lost(q, ref, gone);
    }
    // This coordinator stopped leading meanwhile (its lease ran out while the machine was busy, say,
    // and stepping down closed the ask): the attempt is recorded, so the next leader finds it running
    // or lost. Failing it here would fail a query under NONE that no leader then reports to its client.
    if (!this.d.mayAct()) return;
    this.d.registry.pause(workerId);
    if (tries >= MAX_HAND_OVER_TRIES) return this.taskFailed(q, ref, gone);
    q.logger.info({ workerId, taskId: ref.taskId, tries }, 'no answer to a hand-over: sending it again');
    this.handOvers.again(q, h, tries + 1);
  }

  /** The memory the next attempt of a task gets (placement finds a worker where it fits). */
  memoryFor(q: QueryExecution, task: TaskRecord): number {
    return this.memory.limitFor(q.session, q.scheduler!, task, this.d.registry.memoryCapacity());
  }

  /** What a worker is handed to run one attempt of a task. */
  private taskSpec(q: QueryExecution, task: TaskRecord, ref: TaskRef): TaskSpec {
    const scheduler = q.scheduler!;
    const stage = scheduler.stage(task.stageId);
    return {
      queryId: q.id,
      queryAttempt: q.queryAttempt,
      taskId: ref.taskId,
      stageId: task.stageId,
      partition: task.partition,
      attempt: ref.attempt,
      fragment: stage.fragment,
      splits: task.splits,
      inputs: scheduler.inputsFor(task),
      output: {
        exchangeId: exchangeIdFor(task.stageId, q.queryAttempt),
        partitionCount: stage.outputPartitions,
        inlineMaxBytes: inlineShare(this.d.config.exchange, scheduler.plan, {
          stageId: task.stageId,
          tasks: stage.tasks.length,
        }),
      },
      // whole bytes, as the task spec's schema wants (a size like 0.3MB parses to a fraction)
      memoryLimitBytes: this.memoryFor(q, task),
      exchange: q.taskExchange,
      ...spillSetting(q),
    };
  }

  /**
   * A hand-over that was no attempt (the worker refused it, or nobody listened): the task goes back
   * as it was, and the worker is passed over until it heartbeats again.
   */
  private async putBack(q: QueryExecution, task: TaskRecord, ref: TaskRef): Promise<void> {
    this.d.registry.release(ref.workerId, `${q.id}/${ref.taskId}`);
    this.d.registry.pause(ref.workerId);
    await this.d.store.unstartAttempt(q.id, attemptId(q, ref)).catch(() => {});
    // unless the query has started over meanwhile (retry policy QUERY): then the task is gone
    if (q.scheduler?.task(task.stageId, task.partition) === task) q.scheduler.unstart(task, ref.attempt);
    this.d.schedule();
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
      await deleteOutput(this.d, q, ref);
      return;
    }
    this.d.spooled(u.stats?.bytesOut ?? 0);
    const recorded = this.d.store
      .finishAttempt(q.id, attemptId(q, ref), { stats: u.stats, outputs: u.outputs })
      .then(
        () => true,
        (e: unknown) => {
          // a newer leader owns the query: it decides what becomes of this report (the worker sends it again)
          if (isStaleEpoch(e)) return false;
          q.logger.warn({ err: e }, 'cannot record attempt');
          return true;
        },
      );
    // the tasks this winner makes runnable are placed now: their attempt records queue behind the
    // winner's on the one Redis connection (one round trip for both); they are handed over only
    // after this job, so never before the winner is recorded (hand-over.ts). With a race to settle
    // first (a slow worker may be blocked), they are placed after it.
    if (!scheduler.done && !sibling) this.d.schedule();
    if (!(await recorded)) return;
    traceMark(q.logger, 'winner recorded', { taskId: u.taskId });
    if (sibling) await this.races.supersede(q, { ...ref, ...sibling }, wasBackup);
    q.emitProgress({ ...ref, state: 'FINISHED' });
    if (scheduler.done) await this.finish(q);
    else if (sibling) this.d.schedule();
  }

  /** A task attempt failed (its own error, its worker lost, no progress, no answer): apply the retry policy. */
  async taskFailed(q: QueryExecution, ref: TaskRef, error: ErrorData, lostInput?: string): Promise<void> {
    const scheduler = q.scheduler;
    if (!scheduler || ref.queryAttempt !== q.queryAttempt || q.done) return;
    if (scheduler.isBackup(ref)) return this.races.backupFailed(q, ref, error);
    // under TASK a lost input is the producer's to compute again, not this task's failure
    if (lostInput && q.retry.policy === 'TASK') {
      const actions = {
        fail: (x: QueryExecution, e: unknown) => this.fail(x, e),
        deleteOutput: (x: QueryExecution, r: TaskRef) => deleteOutput(this.d, x, r),
      };
      if (await recomputeLostInput({ ...this.d, ...actions }, q, { ref, error, uri: lostInput })) return;
    }
    // the memory the failed attempt had (before its record goes): an attempt out of memory grows from it
    const failing = scheduler.task(ref.stageId, ref.partition)?.current;
    const ranWith = failing?.attempt === ref.attempt ? failing.memoryBytes : undefined;
    if (scheduler.failed(ref.stageId, ref.partition, ref.attempt) === 'stale') return;
    try {
      await this.d.store.failAttempt(q.id, attemptId(q, ref), error);
    } catch (e) {
      if (isStaleEpoch(e)) return;
      q.logger.warn({ err: e }, 'cannot record attempt');
    }
    q.emit({ type: 'TASK_FAILED', task: ref, error });
    q.logger.warn({ taskId: ref.taskId, workerId: ref.workerId, error }, 'task attempt failed');
    void deleteOutput(this.d, q, ref);
    if (!lostInput) this.races.blame(ref.workerId, error);
    const task = scheduler.task(ref.stageId, ref.partition)!;
    const outOfMemory =
      error.code === 'EXCEEDED_LOCAL_MEMORY_LIMIT'
        ? { limit: ranWith ?? this.memoryFor(q, task) }
        : undefined;
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
        const grown = outOfMemory
          ? this.memory.grow(scheduler, task, outOfMemory.limit, this.d.registry.memoryCapacity())
          : undefined;
        if (grown instanceof QuarryError) {
          // at the ceiling: divided into smaller tasks where that gives the same rows (task-split.ts)
          const oom = { task, ref, error, limit: outOfMemory!.limit, cannotGrow: grown };
          const refused = await splitAtCap(this.d, q, oom);
          return refused ? this.fail(q, refused) : undefined;
        }
        scheduler.retryLater(task, Date.now() + decision.delayMs, ref.workerId);
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
    const oldAttempt = q.queryAttempt;
    const old = await q.nextAttempt(delayMs, error);
    if (!old) return;
    cancelTasks(
      this.d,
      q,
      old.runningAttempts().map((r) => taskId(r.task.stageId, r.task.partition, r.attempt, old.queryAttempt)),
    );
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
   * An attempt no worker runs, through no fault of the task: an adopted one (the dead leader's
   * hand-over never arrived, or the worker is gone), or one whose hand-over went unanswered before
   * its worker went away. Recorded as failed but not counted, and the task runs again at once.
   */
  async lost(
    q: QueryExecution,
    ref: TaskRef,
    error: ErrorData = {
      code: 'REMOTE_HOST_GONE',
      type: 'EXTERNAL',
      message: `Task ${ref.taskId} was lost in a coordinator failover (not running on ${ref.workerId})`,
    },
  ): Promise<void> {
    const scheduler = q.scheduler;
    if (!scheduler || ref.queryAttempt !== q.queryAttempt || q.done) return;
    if (scheduler.lost(ref) === 'stale') return;
    await this.d.store.failAttempt(q.id, attemptId(q, ref), error, { lost: true }).catch(() => {});
    q.emit({ type: 'TASK_FAILED', task: ref, error });
    q.emit({
      type: 'TASK_RETRYING',
      task: ref,
      nextAttempt: scheduler.task(ref.stageId, ref.partition)!.attempts,
      delayMs: 0,
      error,
    });
    q.logger.warn({ taskId: ref.taskId, workerId: ref.workerId, error }, 'task lost: running it again');
    void deleteOutput(this.d, q, ref);
    this.d.schedule();
  }

  /** Tasks whose progress stopped for longer than `task.progress-timeout` are failed (and cancelled). */
  checkProgress(q: QueryExecution, now: number): void {
    const scheduler = q.scheduler;
    if (!scheduler || q.done) return;
    for (const t of scheduler.stalled(now, this.d.config.taskProgressTimeoutMs)) {
      const c = t.current!;
      const ref = attemptRef(q, { ...t, attempt: c.attempt }, c.workerId);
      cancelTasks(this.d, q, [ref.taskId], c.workerId);
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
    if (!(await q.fail(e))) return;
    if (q.scheduler) cancelTasks(this.d, q);
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
