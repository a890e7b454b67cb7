import {
  ClusterAddresses,
  decodeRunTaskReply,
  type RunTaskReply,
  type TaskSpec,
  type WorkerCommand,
} from '@quarry/cluster-protocol';
import { traceMark } from '@quarry/common';
import type { TaskRef } from '@quarry/protocol';
import type { ControlDeps } from './control-deps.js';
import { isStaleEpoch } from './fencing.js';
import type { QueryExecution } from './query.js';
import type { QueryScheduler, TaskRecord } from './scheduler.js';
import type { SlowTask } from './speculation.js';
import { attemptId } from './task-commands.js';

/** How long one try of a hand-over waits for the worker's answer. */
const DISPATCH_TIMEOUT_MS = 5000;
/** The pause before a hand-over that got no answer is sent again. */
const RETRY_PAUSE_MS = 1000;
/** Tries of a hand-over before an attempt that never got an answer counts as failed. */
export const MAX_HAND_OVER_TRIES = 6;

/** One task attempt to hand to a worker (already started in the scheduler). */
export interface HandOver {
  readonly scheduler: QueryScheduler;
  readonly task: TaskRecord;
  readonly ref: TaskRef;
  readonly spec: TaskSpec;
  readonly workerId: string;
  readonly slotKey: string;
  readonly slow?: SlowTask | undefined;
  readonly slowAttempt?: number | undefined;
}

/** What became of a hand-over's `run` ask: the worker's reply, or the error of the ask. */
export type HandOverOutcome = { reply: RunTaskReply } | { error: unknown };

/** Handles the outcome of a hand-over's `tries`-th try, inside the query's mailbox. */
export type HandOverHandler = (
  q: QueryExecution,
  h: HandOver,
  outcome: HandOverOutcome,
  tries: number,
) => Promise<void>;

/**
 * Hands task attempts to workers in batches. The attempts one scheduling round starts for a query
 * (all placed synchronously) go out together: their attempt records are written at once, as soon
 * as the round is over (Redis pipelines them, and behind whatever the query's current job is
 * writing — the winner whose report made them runnable —, so that write and these cost one round
 * trip); then, in one job of the query's mailbox, every `run` is asked at once, and only then are
 * the replies handled, one at a time in placement order — so a stage of N tasks costs about one
 * Redis and one NATS round trip instead of N of each, while the handling of a reply still never
 * interleaves with other work on the query. Each record is still written before its hand-over, so
 * a leader that dies meanwhile leaves no attempt that runs unrecorded; and the mailbox job comes
 * after the current one, so a hand-over never goes out before the winner it reads is recorded.
 *
 * A try that gets no answer leaves unknown whether the worker got it (a broker outage, a worker too
 * busy to answer): `again` sends the same command after a pause — a worker takes an attempt once
 * and answers a repeat as taken — as long as the attempt is still the one handed over.
 */
export class HandOvers {
  private readonly pending = new Map<QueryExecution, HandOver[]>();

  constructor(
    private readonly d: ControlDeps,
    private readonly handle: HandOverHandler,
  ) {}

  add(q: QueryExecution, h: HandOver): void {
    const batch = this.pending.get(q);
    if (batch) {
      batch.push(h);
      return;
    }
    this.pending.set(q, [h]);
    // after the synchronous placement round that is adding to the batch
    queueMicrotask(() => {
      const all = this.pending.get(q) ?? [];
      this.pending.delete(q);
      traceMark(q.logger, 'hand-over', { tasks: all.map((h) => h.ref.taskId) });
      const recorded = all.map((h) => this.record(q, h));
      q.mailbox.post(() => this.send(q, all, recorded));
    });
  }

  /** Sends a hand-over that got no answer again, after a pause, unless its attempt ended meanwhile. */
  again(q: QueryExecution, h: HandOver, tries: number): void {
    setTimeout(() => {
      q.mailbox.post(async () => {
        if (!this.stillHandedOver(q, h) || !this.d.mayAct()) return;
        const outcome = await this.ask(h);
        if (this.stillHandedOver(q, h)) await this.handle(q, h, outcome, tries);
      });
    }, RETRY_PAUSE_MS).unref();
  }

  /** Whether the attempt is still running as handed over (no report, loss or failure ended it). */
  private stillHandedOver(q: QueryExecution, h: HandOver): boolean {
    const { scheduler, task, ref } = h;
    if (q.done || q.scheduler !== scheduler || scheduler.task(task.stageId, task.partition) !== task)
      return false;
    const run = h.slow ? task.backup : task.current;
    return run?.attempt === ref.attempt && run.workerId === h.workerId;
  }

  private async send(
    q: QueryExecution,
    batch: readonly HandOver[],
    records: readonly Promise<boolean>[],
  ): Promise<void> {
    const recorded = await Promise.all(records);
    const tasks = batch.map((h) => h.ref.taskId);
    traceMark(q.logger, 'attempts recorded', { tasks });
    const sent = batch.filter((h, i) => {
      if (q.scheduler === h.scheduler) return recorded[i];
      // the query started over meanwhile (retry policy QUERY): that attempt is not run
      this.d.registry.release(h.workerId, h.slotKey);
      if (recorded[i]) void this.d.store.unstartAttempt(q.id, attemptId(q, h.ref)).catch(() => {});
      return false;
    });
    const outcomes = await Promise.all(sent.map((h) => this.ask(h)));
    traceMark(q.logger, 'hand-over answered', { tasks });
    for (let i = 0; i < sent.length; i++) await this.handle(q, sent[i]!, outcomes[i]!, 1);
  }

  /** False when a newer leader owns the query: the hand-over is then not this coordinator's to make. */
  private async record(q: QueryExecution, h: HandOver): Promise<boolean> {
    try {
      await this.d.store.startAttempt(q.id, attemptId(q, h.ref), h.workerId, { backup: !!h.slow });
    } catch (e) {
      if (isStaleEpoch(e)) return false;
      q.logger.warn({ err: e }, 'cannot record attempt');
    }
    return true;
  }

  private async ask(h: HandOver): Promise<HandOverOutcome> {
    const epoch = this.d.epoch();
    try {
      const reply = await this.d.system.ask(
        ClusterAddresses.worker(h.workerId),
        { type: 'run', task: h.spec, ...(epoch !== undefined ? { epoch } : {}) } satisfies WorkerCommand,
        DISPATCH_TIMEOUT_MS,
        decodeRunTaskReply,
      );
      return { reply };
    } catch (error) {
      return { error };
    }
  }
}
