import { QuarryError, type ErrorData } from '@quarry/common';
import {
  ClusterAddresses,
  decodeRunTaskReply,
  type RunTaskReply,
  type TaskSpec,
  type WorkerCommand,
} from '@quarry/cluster-protocol';
import type { TaskRef } from '@quarry/protocol';
import { isNoResponders } from '@quarry/runtime';
import type { ControlDeps } from './control-deps.js';
import type { QueryExecution } from './query.js';
import type { QueryScheduler, TaskRecord } from './scheduler.js';
import type { SlowTask } from './speculation.js';

/** How long one try of a hand-over waits for the worker's answer. */
const TRY_TIMEOUT_MS = 5000;
/** The pause between tries of a hand-over that got no answer. */
const RETRY_PAUSE_MS = 1000;
/** Tries of a hand-over before an attempt that never got an answer counts as failed. */
const MAX_TRIES = 6;

/** One attempt to hand to its worker, as `QueryControl.dispatch` made it. */
export interface HandOverJob {
  readonly q: QueryExecution;
  readonly scheduler: QueryScheduler;
  readonly task: TaskRecord;
  readonly ref: TaskRef;
  readonly spec: TaskSpec;
  /** A speculative attempt beside the running one. */
  readonly backup: boolean;
  /** For a speculative attempt: what made the running one look slow (for its event). */
  readonly speculation?: { readonly slow: SlowTask; readonly slowAttempt: number };
}

/** What a hand-over ends in, carried out by `QueryControl` (inside the query's mailbox). */
export interface HandOverOutcomes {
  /** The worker took it (`accepted`), or refused it as it may (full, draining, an old epoch). */
  readonly answered: (job: HandOverJob, reply: RunTaskReply) => Promise<void> | void;
  /** It never reached the worker: no attempt, the task goes back as it was. */
  readonly putBack: (job: HandOverJob) => Promise<void>;
  /** It may have reached a worker that is gone now: failed, not counted against the task. */
  readonly lost: (job: HandOverJob, error: ErrorData) => Promise<void>;
  readonly failed: (job: HandOverJob, error: ErrorData) => Promise<void>;
}

/**
 * Hands attempts to workers. A try that gets no answer leaves unknown whether the worker got it (a
 * broker outage, a worker too busy to answer): the same command is sent again — a worker takes an
 * attempt once and answers a repeat as taken — until the worker answers, nobody listens on its
 * subject any more, the attempt ends otherwise (its report came, its worker was declared lost), or
 * `MAX_TRIES` went unanswered. Tries after the first run on timers, not holding the query's mailbox.
 */
export class HandOver {
  constructor(
    private readonly d: ControlDeps,
    private readonly outcomes: HandOverOutcomes,
  ) {}

  /** The first try; runs inside the query's mailbox. */
  async start(job: HandOverJob): Promise<void> {
    await this.try(job, 1);
  }

  private async try(job: HandOverJob, tries: number): Promise<void> {
    const { ref } = job;
    const workerId = ref.workerId;
    const epoch = this.d.epoch();
    let reply: RunTaskReply;
    try {
      reply = await this.d.system.ask(
        ClusterAddresses.worker(workerId),
        { type: 'run', task: job.spec, ...(epoch !== undefined ? { epoch } : {}) } satisfies WorkerCommand,
        TRY_TIMEOUT_MS,
        decodeRunTaskReply,
      );
    } catch (e) {
      return this.unanswered(job, tries, e);
    }
    if (tries > 1 && !this.pending(job)) return;
    await this.outcomes.answered(job, reply);
  }

  private async unanswered(job: HandOverJob, tries: number, e: unknown): Promise<void> {
    const { q, ref } = job;
    const workerId = ref.workerId;
    const gone = {
      code: 'REMOTE_HOST_GONE',
      type: 'EXTERNAL',
      message: `Could not hand task ${ref.taskId} to worker ${workerId}: ${QuarryError.wrap(e).message}`,
    } satisfies ErrorData;
    if (isNoResponders(e)) {
      // Nobody listens on the worker's subject: it died or left. After a first try it never got the
      // task, so this is no attempt and costs the task nothing; after an unanswered try it may have
      // got it before it went, and the attempt is lost (failed, not counted).
      q.logger.info({ workerId, taskId: ref.taskId, tries }, 'worker gone before the hand-over');
      return tries === 1 ? this.outcomes.putBack(job) : this.outcomes.lost(job, gone);
    }
    // the worker gets no more tasks until it heartbeats again; its slot stays taken until then
    this.d.registry.pause(workerId);
    if (tries >= MAX_TRIES) return this.outcomes.failed(job, gone);
    q.logger.info({ workerId, taskId: ref.taskId, tries }, 'no answer to a hand-over: sending it again');
    setTimeout(() => {
      q.mailbox.post(async () => {
        if (this.pending(job) && this.d.mayAct()) await this.try(job, tries + 1);
      });
    }, RETRY_PAUSE_MS).unref();
  }

  /** Whether the attempt is still running as handed over (nothing else has ended it). */
  private pending({ q, scheduler, task, ref, backup }: HandOverJob): boolean {
    if (q.done || q.scheduler !== scheduler || scheduler.task(task.stageId, task.partition) !== task)
      return false;
    const run = backup ? task.backup : task.current;
    return run?.attempt === ref.attempt && run.workerId === ref.workerId;
  }
}
