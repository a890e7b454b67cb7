import type { QueryEvent, TaskRef } from '@quarry/protocol';

/**
 * How one task attempt ended, as its query's status events tell: `RUNNING` until an event says
 * otherwise; `CANCELED` when the query ended while it still ran (the loser of a speculation, or
 * a query that failed elsewhere).
 */
export type AttemptState = 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';

export interface AttemptView {
  readonly taskId: string;
  readonly attempt: number;
  readonly workerId: string;
  state: AttemptState;
  startedAt: number;
  endedAt?: number;
  error?: { readonly code: string; readonly message: string };
  /** Started beside a slow attempt (TASK_SPECULATING): which one. */
  speculativeOf?: number;
  /** Its worker was declared lost while it ran (WORKER_LOST). */
  lostWorker?: boolean;
  /** A TASK_RETRYING said the task runs again, as this attempt number. */
  retriedAs?: number;
}

/** One task (a stage's partition in one query attempt) and every attempt of it, in order. */
export interface TaskView {
  readonly queryAttempt: number;
  readonly stageId: number;
  readonly partition: number;
  readonly attempts: AttemptView[];
}

/** The tasks of a query, rebuilt from its status events in order (a pure function of them). */
export function tasksFromEvents(events: readonly QueryEvent[]): TaskView[] {
  const tasks = new Map<string, TaskView>();
  const attemptOf = (ref: TaskRef, time: number): AttemptView => {
    const key = `${ref.queryAttempt}/${ref.stageId}/${ref.partition}`;
    let task = tasks.get(key);
    if (!task) {
      task = { queryAttempt: ref.queryAttempt, stageId: ref.stageId, partition: ref.partition, attempts: [] };
      tasks.set(key, task);
    }
    let a = task.attempts.find((x) => x.attempt === ref.attempt);
    if (!a) {
      a = {
        taskId: ref.taskId,
        attempt: ref.attempt,
        workerId: ref.workerId,
        state: 'RUNNING',
        startedAt: time,
      };
      task.attempts.push(a);
      task.attempts.sort((x, y) => x.attempt - y.attempt);
    }
    return a;
  };
  for (const e of events) apply(e, attemptOf);
  const last = events[events.length - 1];
  if (last && (last.type === 'FINISHED' || last.type === 'FAILED')) {
    for (const t of tasks.values())
      for (const a of t.attempts)
        if (a.state === 'RUNNING') Object.assign(a, { state: 'CANCELED', endedAt: last.time });
  }
  return [...tasks.values()].sort(
    (x, y) => x.queryAttempt - y.queryAttempt || x.stageId - y.stageId || x.partition - y.partition,
  );
}

function apply(e: QueryEvent, attemptOf: (ref: TaskRef, time: number) => AttemptView): void {
  switch (e.type) {
    case 'RUNNING':
      if (e.task) {
        const a = attemptOf(e.task, e.time);
        if (e.task.state !== 'RUNNING') end(a, e.task.state, e.time);
      }
      return;
    case 'TASK_FAILED':
      end(attemptOf(e.task, e.time), 'FAILED', e.time, e.error);
      return;
    case 'TASK_RETRYING':
      attemptOf(e.task, e.time).retriedAs = e.nextAttempt;
      return;
    case 'TASK_SPECULATING':
      attemptOf(e.task, e.time).speculativeOf = e.slowAttempt;
      return;
    case 'WORKER_LOST':
      for (const ref of e.tasks) attemptOf(ref, e.time).lostWorker = true;
      return;
    default:
      return;
  }
}

function end(
  a: AttemptView,
  state: 'FINISHED' | 'FAILED',
  time: number,
  error?: { code: string; message: string },
): void {
  // a late report never undoes an end: the first one stands
  if (a.state !== 'RUNNING') return;
  a.state = state;
  a.endedAt = time;
  if (error) a.error = { code: error.code, message: error.message };
}
