import type { ExchangeFile } from '@quarry/exchange';
import type { TaskInput, TaskStats } from '@quarry/cluster-protocol';
import type { Progress, StageProgress } from '@quarry/protocol';
import type { DistributedPlan, PlanFragment, Split } from '@quarry/sql';

/**
 * The stages and tasks of one query, as a plain state machine: no I/O, no clock of its own, so
 * tests can drive it through any order of events. Stages run phased, as in Trino's fault-tolerant
 * execution: a stage's tasks become runnable once every stage it reads has finished, and read
 * only the winning attempt of each producer task.
 */
export type TaskStatus = 'PENDING' | 'RUNNING' | 'FINISHED' | 'FAILED';

export interface TaskRecord {
  readonly stageId: number;
  readonly partition: number;
  /** What it scans (a source stage); fewer once the task was divided (`QueryScheduler.divide`). */
  splits: readonly Split[];
  status: TaskStatus;
  /** Attempts started so far; the next attempt's number. */
  attempts: number;
  /** Failed attempts so far. */
  failures: number;
  /** A retried task waits until then (ms since the epoch). */
  notBefore: number;
  /** The worker its last attempt failed on: the next attempt prefers another one. */
  avoid: string | undefined;
  /**
   * Memory its next attempt may hold; undefined for the query's starting memory (task-memory.ts).
   * Grows after an attempt ran out of memory (`fault-tolerant-execution-task-memory-growth-factor`).
   */
  memoryBytes: number | undefined;
  current: RunningAttempt | undefined;
  /**
   * A speculative attempt running beside `current` on another worker (the task looked slow, see
   * speculation.ts): whichever finishes first wins, and the other is cancelled.
   */
  backup: RunningAttempt | undefined;
  winner:
    | {
        attempt: number;
        workerId: string;
        outputs: readonly ExchangeFile[];
        stats: TaskStats | undefined;
        /** How long the winning attempt ran, as this coordinator saw it (undefined when adopted). */
        ranMs?: number;
      }
    | undefined;
}

export interface RunningAttempt {
  attempt: number;
  workerId: string;
  startedAt: number;
  progressAt: number;
  progressRows: number;
  /** Started by an earlier leader and taken over from the records, not dispatched by this one. */
  adopted?: boolean;
  /** The memory it was given (task-memory.ts). */
  memoryBytes?: number;
}

export interface StageRecord {
  readonly fragment: PlanFragment;
  readonly tasks: TaskRecord[];
  /** Output partitions of the stage: its consumer's task count (1 for a single consumer). */
  readonly outputPartitions: number;
  /** Memory a task of this stage grew to after running out: its siblings start from it (task-memory.ts). */
  memoryHint?: number;
}

export type UpdateVerdict = 'accepted' | 'stale';

/** What the records say of a task (see `QueryScheduler.restore`). */
export interface RestoredTask {
  readonly attempts: number;
  readonly failures: number;
  readonly winner?: {
    attempt: number;
    workerId: string;
    outputs: readonly ExchangeFile[];
    stats: TaskStats | undefined;
  };
  readonly running?: { attempt: number; workerId: string };
}

/** Which attempt of which task a report is about. */
export interface AttemptKey {
  readonly stageId: number;
  readonly partition: number;
  readonly attempt: number;
}

export class QueryScheduler {
  readonly stages = new Map<number, StageRecord>();

  constructor(
    readonly plan: DistributedPlan,
    splits: ReadonlyMap<number, readonly (readonly Split[])[]>,
    readonly hashPartitions: number,
    /** 0, or the query attempt under retry policy QUERY. */
    readonly queryAttempt = 0,
  ) {
    const consumerOf = new Map<number, PlanFragment>();
    for (const f of plan.fragments) for (const input of f.inputs) consumerOf.set(input, f);
    for (const f of plan.fragments) {
      const taskSplits = f.distribution === 'source' ? (splits.get(f.id) ?? [[]]) : undefined;
      const taskCount = taskSplits ? taskSplits.length : f.distribution === 'hash' ? hashPartitions : 1;
      const consumer = consumerOf.get(f.id);
      // a broadcast is written once (partition 0) and read whole by every consumer task
      const outputPartitions = !consumer || f.outputPartitioning.kind !== 'hash' ? 1 : hashPartitions;
      const tasks: TaskRecord[] = Array.from({ length: Math.max(1, taskCount) }, (_, partition) =>
        pendingTask(f.id, partition, taskSplits?.[partition] ?? []),
      );
      this.stages.set(f.id, { fragment: f, tasks, outputPartitions });
    }
  }

  stage(stageId: number): StageRecord {
    const s = this.stages.get(stageId);
    if (!s) throw new Error(`no stage ${stageId}`);
    return s;
  }

  task(stageId: number, partition: number): TaskRecord | undefined {
    return this.stages.get(stageId)?.tasks[partition];
  }

  stageFinished(stageId: number): boolean {
    return this.stage(stageId).tasks.every((t) => t.status === 'FINISHED');
  }

  /** Pending tasks whose inputs are complete and whose retry delay has passed, leaf stages first. */
  runnable(now = Number.POSITIVE_INFINITY): TaskRecord[] {
    const out: TaskRecord[] = [];
    const ordered = [...this.stages.values()].sort((a, b) => b.fragment.id - a.fragment.id);
    for (const s of ordered) {
      if (!s.fragment.inputs.every((i) => this.stageFinished(i))) continue;
      for (const t of s.tasks) if (t.status === 'PENDING' && t.notBefore <= now) out.push(t);
    }
    return out;
  }

  /**
   * A failed task of a scanning stage runs as several: it keeps the first group of splits, and a new
   * task — partitions after the stage's last — takes each other group; all start with `memoryBytes`.
   * The stage's consumers read every task's winner, so they read the new tasks' output too. Returns
   * the new tasks.
   */
  divide(task: TaskRecord, groups: readonly (readonly Split[])[], memoryBytes: number): TaskRecord[] {
    const stage = this.stage(task.stageId);
    task.splits = groups[0] ?? [];
    task.memoryBytes = memoryBytes;
    const added = groups.slice(1).map((splits, i) => {
      const t = pendingTask(task.stageId, stage.tasks.length + i, splits);
      t.memoryBytes = memoryBytes;
      return t;
    });
    stage.tasks.push(...added);
    return added;
  }

  /** Starts a new attempt of a task on a worker; returns the attempt number. */
  start(task: TaskRecord, workerId: string, now: number): number {
    const attempt = task.attempts++;
    task.status = 'RUNNING';
    task.current = { attempt, workerId, startedAt: now, progressAt: now, progressRows: -1 };
    return attempt;
  }

  /**
   * Starts a speculative attempt of a running task beside its current one; returns the attempt
   * number, or undefined when the task is not running, has a backup already, or runs on `workerId`.
   */
  startBackup(task: TaskRecord, workerId: string, now: number): number | undefined {
    if (task.status !== 'RUNNING' || !task.current || task.backup || task.current.workerId === workerId)
      return undefined;
    const attempt = task.attempts++;
    task.backup = { attempt, workerId, startedAt: now, progressAt: now, progressRows: -1 };
    return attempt;
  }

  /** Whether `key` is the speculative attempt of its task. */
  isBackup({ stageId, partition, attempt }: AttemptKey): boolean {
    return this.task(stageId, partition)?.backup?.attempt === attempt;
  }

  /** The other attempt running for the same task as `key` (its backup, or the one it backs up). */
  sibling({ stageId, partition, attempt }: AttemptKey): RunningAttempt | undefined {
    const task = this.task(stageId, partition);
    if (!task) return undefined;
    if (task.current?.attempt === attempt) return task.backup;
    if (task.backup?.attempt === attempt) return task.current;
    return undefined;
  }

  /** A speculative attempt ended without winning (it failed, or its worker refused it): dropped. */
  dropBackup({ stageId, partition, attempt }: AttemptKey): UpdateVerdict {
    const task = this.task(stageId, partition);
    if (!task || task.backup?.attempt !== attempt) return 'stale';
    task.backup = undefined;
    if (task.attempts === attempt + 1 && task.status === 'RUNNING') task.attempts = attempt;
    return 'accepted';
  }

  /** A failed task goes back to pending, to run again no earlier than `notBefore`, preferably elsewhere. */
  retryLater(task: TaskRecord, notBefore: number, avoid: string | undefined): void {
    if (task.status !== 'FAILED') return;
    task.status = 'PENDING';
    task.notBefore = notBefore;
    task.avoid = avoid;
  }

  /** Records a running attempt's progress report; the clock restarts only when its row counts moved. */
  reportProgress({ stageId, partition, attempt }: AttemptKey, rows: number, now: number): void {
    const task = this.task(stageId, partition);
    const c = task?.current?.attempt === attempt ? task.current : task?.backup;
    if (!c || c.attempt !== attempt || rows === c.progressRows) return;
    c.progressRows = rows;
    c.progressAt = now;
  }

  /** Running tasks whose progress stopped for longer than `timeoutMs`. */
  stalled(now: number, timeoutMs: number): TaskRecord[] {
    return this.running().filter((t) => now - t.current!.progressAt > timeoutMs);
  }

  /** The worker refused the task: it goes back to pending, as if never started. */
  unstart(task: TaskRecord, attempt: number): void {
    if (task.backup?.attempt === attempt) {
      this.dropBackup({ stageId: task.stageId, partition: task.partition, attempt });
      return;
    }
    if (task.current?.attempt !== attempt) return;
    task.status = 'PENDING';
    task.current = undefined;
    if (task.attempts === attempt + 1) task.attempts = attempt;
  }

  /**
   * A task as an earlier leader's records left it (after a coordinator failover): finished with its
   * winner's files, running on a worker (adopted: its reports are this leader's now), or pending.
   */
  restore(stageId: number, partition: number, rec: RestoredTask, now: number): void {
    const task = this.task(stageId, partition);
    if (!task) return;
    task.attempts = rec.attempts;
    task.failures = rec.failures;
    if (rec.winner) {
      task.status = 'FINISHED';
      task.winner = rec.winner;
    } else if (rec.running) {
      task.status = 'RUNNING';
      const { attempt, workerId } = rec.running;
      task.current = { attempt, workerId, startedAt: now, progressAt: now, progressRows: -1, adopted: true };
    } else task.status = 'PENDING';
  }

  /**
   * An adopted attempt that no worker runs any more (it never got it, or its worker is gone): the
   * task goes back to pending under a new attempt number, and it counts as no failure.
   */
  lost({ stageId, partition, attempt }: AttemptKey): UpdateVerdict {
    const task = this.task(stageId, partition);
    if (!task || task.current?.attempt !== attempt || task.status !== 'RUNNING') return 'stale';
    task.current = task.backup;
    task.backup = undefined;
    task.status = task.current ? 'RUNNING' : 'PENDING';
    return 'accepted';
  }

  /**
   * A finished attempt wins only if it is a running attempt (current or backup) of a task that has
   * no winner yet; the other running attempt, if any, is the caller's to cancel (see `sibling`).
   */
  finished(
    { stageId, partition, attempt }: AttemptKey,
    done: { outputs: readonly ExchangeFile[]; stats?: TaskStats | undefined; now?: number },
  ): UpdateVerdict {
    const task = this.task(stageId, partition);
    if (!task || task.winner || task.status !== 'RUNNING') return 'stale';
    const run = task.current?.attempt === attempt ? task.current : task.backup;
    if (run?.attempt !== attempt) return 'stale';
    const ranMs = done.now !== undefined && !run.adopted ? done.now - run.startedAt : undefined;
    task.winner = {
      attempt,
      workerId: run.workerId,
      outputs: done.outputs,
      stats: done.stats,
      ...(ranMs !== undefined ? { ranMs } : {}),
    };
    task.status = 'FINISHED';
    task.current = undefined;
    task.backup = undefined;
    return 'accepted';
  }

  /**
   * A failure counts only for the current attempt; older attempts' reports are stale. When a backup
   * runs beside it, the backup becomes the current attempt and the task keeps running (the failure
   * still counts against the task's budget).
   */
  failed(stageId: number, partition: number, attempt: number): UpdateVerdict {
    const task = this.task(stageId, partition);
    if (!task || task.current?.attempt !== attempt || task.status !== 'RUNNING') return 'stale';
    task.failures++;
    task.current = task.backup;
    task.backup = undefined;
    if (!task.current) task.status = 'FAILED';
    return 'accepted';
  }

  /** The task whose winning attempt wrote `uri`, if any. */
  winnerOf(uri: string): TaskRecord | undefined {
    for (const s of this.stages.values())
      for (const t of s.tasks) if (t.winner?.outputs.some((o) => o.uri === uri)) return t;
    return undefined;
  }

  /**
   * A winner's output was lost (a consumer could not read one of its files): the task has no winner
   * any more and counts a failure; it runs again, and its stage's consumers wait for it. The files
   * it had written are remembered as lost, so that other consumers failing on them are no one's fault.
   */
  invalidate(task: TaskRecord): { attempt: number; workerId: string } | undefined {
    const w = task.winner;
    if (!w || task.status !== 'FINISHED') return undefined;
    for (const o of w.outputs) this.lostFiles.add(o.uri);
    task.winner = undefined;
    task.status = 'FAILED';
    task.failures++;
    return { attempt: w.attempt, workerId: w.workerId };
  }

  /** Files of invalidated winners. */
  readonly lostFiles = new Set<string>();

  /** Whether this attempt is its task's winner (a report of it that comes again changes nothing). */
  isWinner({ stageId, partition, attempt }: AttemptKey): boolean {
    return this.task(stageId, partition)?.winner?.attempt === attempt;
  }

  /** Attempts currently running on a worker (a task's current attempt or its backup). */
  runningOn(workerId: string): { task: TaskRecord; attempt: number }[] {
    return this.runningAttempts().filter((r) => r.workerId === workerId);
  }

  running(): TaskRecord[] {
    return [...this.stages.values()].flatMap((s) => s.tasks.filter((t) => t.status === 'RUNNING'));
  }

  /** Every running attempt, backups included. */
  runningAttempts(): { task: TaskRecord; attempt: number; workerId: string }[] {
    return this.running().flatMap((task) =>
      [task.current, task.backup]
        .filter((r): r is RunningAttempt => r !== undefined)
        .map((r) => ({ task, attempt: r.attempt, workerId: r.workerId })),
    );
  }

  /** What a task of `stageId`, partition `partition`, reads: the winners' files for that partition. */
  inputsFor(task: TaskRecord): TaskInput[] {
    const f = this.stage(task.stageId).fragment;
    return f.inputs.map((producerId) => {
      const producer = this.stage(producerId);
      const partition = producer.fragment.outputPartitioning.kind === 'hash' ? task.partition : 0;
      const files = producer.tasks.flatMap((t) =>
        t.winner ? t.winner.outputs.filter((o) => o.partition === partition) : [],
      );
      return { fragmentId: producerId, files };
    });
  }

  /**
   * How much a task has to read, for comparing tasks of one stage: the bytes of its input files,
   * or, for a stage that scans, its splits' rows (their count when a connector does not tell).
   */
  inputWeight(task: TaskRecord): number {
    if (this.stage(task.stageId).fragment.distribution === 'source')
      return task.splits.every((s) => s.rows !== undefined)
        ? task.splits.reduce((n, s) => n + s.rows!, 0)
        : task.splits.length;
    return this.inputsFor(task).reduce((n, i) => n + i.files.reduce((m, f) => m + f.bytes, 0), 0);
  }

  get done(): boolean {
    return this.stageFinished(this.plan.rootId);
  }

  rootTask(): TaskRecord {
    return this.stage(this.plan.rootId).tasks[0]!;
  }

  progress(): Progress {
    const stages: StageProgress[] = [...this.stages.values()]
      .sort((a, b) => a.fragment.id - b.fragment.id)
      .map((s) => {
        const done = s.tasks.filter((t) => t.status === 'FINISHED').length;
        const running = s.tasks.filter((t) => t.status === 'RUNNING').length;
        const failed = s.tasks.some((t) => t.status === 'FAILED');
        return {
          stageId: s.fragment.id,
          state:
            done === s.tasks.length
              ? 'FINISHED'
              : failed
                ? 'FAILED'
                : running > 0 || done > 0
                  ? 'RUNNING'
                  : 'PENDING',
          tasksTotal: s.tasks.length,
          tasksDone: done,
          tasksRunning: running,
        };
      });
    return {
      stages,
      tasksTotal: stages.reduce((n, s) => n + s.tasksTotal, 0),
      tasksDone: stages.reduce((n, s) => n + s.tasksDone, 0),
      tasksRunning: stages.reduce((n, s) => n + s.tasksRunning, 0),
    };
  }
}

function pendingTask(stageId: number, partition: number, splits: readonly Split[]): TaskRecord {
  return {
    stageId,
    partition,
    splits,
    status: 'PENDING',
    attempts: 0,
    failures: 0,
    memoryBytes: undefined,
    notBefore: 0,
    avoid: undefined,
    current: undefined,
    backup: undefined,
    winner: undefined,
  };
}
