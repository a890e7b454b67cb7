import { QuarryError, parseDuration, type ErrorCode } from '@quarry/common';
import type { TaskSpec } from '@quarry/cluster-protocol';

/**
 * Failure injection, off unless configured (`failure-injection` in config.properties, or the
 * QUARRY_FAILURE_INJECTION environment variable), for tests and chaos drills. Rules are separated by
 * `;`, each a list of `key=value` pairs separated by `,`:
 *
 *   task rules   stage=1,partition=0,attempt=0,when=midway,action=EXTERNAL
 *                keys: query (a query id prefix), query-attempt, stage, partition, attempt — each optional,
 *                absent = any; when = start | midway (after the first output page) | commit (before the
 *                output is committed); action = USER_ERROR | INTERNAL_ERROR | EXTERNAL |
 *                INSUFFICIENT_RESOURCES (fail the attempt with that error type) | CRASH (kill -9 the worker
 *                process) | HANG (stop making progress until cancelled) | DELAY (wait `ms`, then go on) |
 *                STOP_HEARTBEATS (the worker goes silent, the task goes on) | HOLD_MEMORY (the task's memory
 *                accounting is charged `bytes-per-row` for each input row and never given it back: a task
 *                with more input runs out of memory sooner, as a non-spilling operator would)
 *   worker rules worker=crash,after=3s   or   worker=stop-heartbeats,after=1s
 */
export type InjectionPoint = 'start' | 'midway' | 'commit';
export type ErrorAction = 'USER_ERROR' | 'INTERNAL_ERROR' | 'EXTERNAL' | 'INSUFFICIENT_RESOURCES';
export type TaskAction = ErrorAction | 'CRASH' | 'HANG' | 'DELAY' | 'STOP_HEARTBEATS' | 'HOLD_MEMORY';

export interface TaskRule {
  readonly query?: string;
  readonly queryAttempt?: number;
  readonly stage?: number;
  readonly partition?: number;
  readonly attempt?: number;
  readonly when: InjectionPoint;
  readonly action: TaskAction;
  readonly ms?: number;
  /** HOLD_MEMORY: bytes charged per input row. */
  readonly bytesPerRow?: number;
}

export interface WorkerRule {
  readonly action: 'CRASH' | 'STOP_HEARTBEATS';
  readonly afterMs: number;
}

export interface FailureInjection {
  readonly tasks: readonly TaskRule[];
  readonly worker: readonly WorkerRule[];
}

export const NO_INJECTION: FailureInjection = { tasks: [], worker: [] };

const ACTIONS: readonly TaskAction[] = [
  'USER_ERROR',
  'INTERNAL_ERROR',
  'EXTERNAL',
  'INSUFFICIENT_RESOURCES',
  'CRASH',
  'HANG',
  'DELAY',
  'STOP_HEARTBEATS',
  'HOLD_MEMORY',
];
const POINTS: readonly InjectionPoint[] = ['start', 'midway', 'commit'];

function bad(rule: string, why: string): QuarryError {
  return new QuarryError('INVALID_CONFIGURATION', `failure-injection: '${rule}': ${why}`);
}

export function parseFailureInjection(text: string | undefined): FailureInjection {
  if (!text || text.trim() === '') return NO_INJECTION;
  const tasks: TaskRule[] = [];
  const worker: WorkerRule[] = [];
  for (const raw of text
    .split(';')
    .map((r) => r.trim())
    .filter(Boolean)) {
    const kv = new Map<string, string>();
    for (const pair of raw.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw bad(raw, `expected key=value, got '${pair.trim()}'`);
      kv.set(pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim());
    }
    if (kv.has('worker')) {
      const what = kv.get('worker')!.toLowerCase();
      const action = what === 'crash' ? 'CRASH' : what === 'stop-heartbeats' ? 'STOP_HEARTBEATS' : undefined;
      if (!action) throw bad(raw, "worker= must be 'crash' or 'stop-heartbeats'");
      worker.push({ action, afterMs: parseDuration(kv.get('after') ?? '0s', 'failure-injection after') });
      continue;
    }
    const num = (key: string): number | undefined => {
      const v = kv.get(key);
      if (v === undefined || v === '*') return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw bad(raw, `${key} must be a non-negative integer or *`);
      return n;
    };
    const when = (kv.get('when') ?? 'start').toLowerCase() as InjectionPoint;
    if (!POINTS.includes(when)) throw bad(raw, `when must be one of ${POINTS.join(', ')}`);
    const action = (kv.get('action') ?? '').toUpperCase() as TaskAction;
    if (!ACTIONS.includes(action)) throw bad(raw, `action must be one of ${ACTIONS.join(', ')}`);
    const rule: TaskRule = {
      when,
      action,
      ...(kv.has('query') ? { query: kv.get('query')! } : {}),
      ...(num('query-attempt') !== undefined ? { queryAttempt: num('query-attempt')! } : {}),
      ...(num('stage') !== undefined ? { stage: num('stage')! } : {}),
      ...(num('partition') !== undefined ? { partition: num('partition')! } : {}),
      ...(num('attempt') !== undefined ? { attempt: num('attempt')! } : {}),
      ...(kv.has('ms') ? { ms: parseDuration(`${kv.get('ms')}ms`, 'failure-injection ms') } : {}),
      ...(num('bytes-per-row') !== undefined ? { bytesPerRow: num('bytes-per-row')! } : {}),
    };
    if (action === 'HOLD_MEMORY' && (when !== 'start' || !rule.bytesPerRow))
      throw bad(raw, 'HOLD_MEMORY needs when=start and bytes-per-row, a positive integer');
    tasks.push(rule);
  }
  return { tasks, worker };
}

/** The bytes per input row a HOLD_MEMORY rule charges the task (0: none). */
export function heldPerRow(injection: FailureInjection, task: TaskSpec): number {
  return matchingRules(injection, task, 'start').reduce((n, r) => n + (r.bytesPerRow ?? 0), 0);
}

export function matchingRules(
  injection: FailureInjection,
  task: TaskSpec,
  point: InjectionPoint,
): TaskRule[] {
  return injection.tasks.filter(
    (r) =>
      r.when === point &&
      (r.query === undefined || task.queryId.startsWith(r.query)) &&
      (r.queryAttempt === undefined || r.queryAttempt === task.queryAttempt) &&
      (r.stage === undefined || r.stage === task.stageId) &&
      (r.partition === undefined || r.partition === task.partition) &&
      (r.attempt === undefined || r.attempt === task.attempt),
  );
}

const ERROR_CODES: Record<ErrorAction, ErrorCode> = {
  USER_ERROR: 'INJECTED_USER_ERROR',
  INTERNAL_ERROR: 'INJECTED_INTERNAL_ERROR',
  EXTERNAL: 'INJECTED_EXTERNAL_ERROR',
  INSUFFICIENT_RESOURCES: 'INJECTED_INSUFFICIENT_RESOURCES',
};

export function injectedError(action: ErrorAction, task: TaskSpec, point: InjectionPoint): QuarryError {
  return new QuarryError(
    ERROR_CODES[action],
    `Injected ${action} failure of task ${task.taskId} at ${point}`,
  );
}

export function isErrorAction(a: TaskAction): a is ErrorAction {
  return a === 'USER_ERROR' || a === 'INTERNAL_ERROR' || a === 'EXTERNAL' || a === 'INSUFFICIENT_RESOURCES';
}
