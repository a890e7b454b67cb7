import { PropertyReader, QuarryError, type ErrorData, type Properties } from '@quarry/common';

/**
 * Retry policies as Trino's `retry-policy`: NONE (a failure fails the query), QUERY (the whole query
 * runs again), TASK (only the failed task runs again, its inputs read from spooled data). Limits count
 * retries: with `task-retry-attempts-per-task=4` a task runs at most 1 + 4 times, as in Trino.
 * USER_ERROR failures are never retried.
 */
export type RetryPolicyName = 'NONE' | 'QUERY' | 'TASK';

export interface RetrySettings {
  readonly policy: RetryPolicyName;
  /** `query-retry-attempts` (4). */
  readonly queryRetryAttempts: number;
  /** `task-retry-attempts-per-task` (4). */
  readonly taskRetryAttemptsPerTask: number;
  /** `retry-initial-delay` (10s). */
  readonly initialDelayMs: number;
  /** `retry-max-delay` (1m). */
  readonly maxDelayMs: number;
  /** `retry-delay-scale-factor` (2.0). */
  readonly scaleFactor: number;
}

export const RETRY_PROPERTY_NAMES = [
  'retry-policy',
  'query-retry-attempts',
  'task-retry-attempts-per-task',
  'retry-initial-delay',
  'retry-max-delay',
  'retry-delay-scale-factor',
] as const;

const POLICIES = ['NONE', 'QUERY', 'TASK'] as const;

export function retrySettingsFromProperties(props: Properties, source = 'config.properties'): RetrySettings {
  const r = new PropertyReader(props, source);
  return {
    policy: r.oneOf('retry-policy', POLICIES, 'NONE'),
    queryRetryAttempts: r.int('query-retry-attempts', 4, 0),
    taskRetryAttemptsPerTask: r.int('task-retry-attempts-per-task', 4, 0),
    initialDelayMs: r.duration('retry-initial-delay', '10s'),
    maxDelayMs: r.duration('retry-max-delay', '1m'),
    scaleFactor: r.number('retry-delay-scale-factor', 2.0, 1),
  };
}

/** Session properties override the cluster's settings for one query (Trino's session names). */
export function withSessionRetrySettings(
  base: RetrySettings,
  session: Readonly<Record<string, string>>,
): RetrySettings {
  const props: Record<string, string> = {};
  const map: Record<string, (typeof RETRY_PROPERTY_NAMES)[number]> = {
    retry_policy: 'retry-policy',
    query_retry_attempts: 'query-retry-attempts',
    task_retry_attempts_per_task: 'task-retry-attempts-per-task',
    retry_initial_delay: 'retry-initial-delay',
    retry_max_delay: 'retry-max-delay',
    retry_delay_scale_factor: 'retry-delay-scale-factor',
  };
  for (const [sessionName, property] of Object.entries(map)) {
    const v = session[sessionName];
    if (v !== undefined) props[property] = v;
  }
  if (Object.keys(props).length === 0) return base;
  try {
    const parsed = retrySettingsFromProperties(props, 'session');
    const given = (p: string) => props[p] !== undefined;
    return {
      policy: given('retry-policy') ? parsed.policy : base.policy,
      queryRetryAttempts: given('query-retry-attempts') ? parsed.queryRetryAttempts : base.queryRetryAttempts,
      taskRetryAttemptsPerTask: given('task-retry-attempts-per-task')
        ? parsed.taskRetryAttemptsPerTask
        : base.taskRetryAttemptsPerTask,
      initialDelayMs: given('retry-initial-delay') ? parsed.initialDelayMs : base.initialDelayMs,
      maxDelayMs: given('retry-max-delay') ? parsed.maxDelayMs : base.maxDelayMs,
      scaleFactor: given('retry-delay-scale-factor') ? parsed.scaleFactor : base.scaleFactor,
    };
  } catch (e) {
    throw new QuarryError(
      'INVALID_SESSION_PROPERTY',
      (e as Error).message.replace('session: ', 'session property '),
      { cause: e },
    );
  }
}

/** The wait before retry number `failures` (1 for the first retry): initial × scale^(failures−1), capped. */
export function backoffMs(s: RetrySettings, failures: number): number {
  // whole milliseconds: the delay travels in status events, whose schema wants an integer
  return Math.round(Math.min(s.maxDelayMs, s.initialDelayMs * s.scaleFactor ** Math.max(0, failures - 1)));
}

export type FailureDecision =
  | { readonly action: 'retry-task'; readonly delayMs: number }
  | { readonly action: 'retry-query'; readonly delayMs: number }
  | { readonly action: 'fail'; readonly error: ErrorData };

/**
 * What to do about a failed task attempt. `taskFailures` and `queryFailures` count failures so far,
 * this one included. A lost worker's tasks are retried at once, elsewhere: the backoff is meant for
 * failures that may repeat (a flapping store, a resource shortage), not for a machine that is gone.
 */
export function decideOnFailure(
  s: RetrySettings,
  error: ErrorData,
  counts: { readonly taskFailures: number; readonly queryFailures: number; readonly taskName: string },
): FailureDecision {
  if (s.policy === 'NONE' || error.type === 'USER_ERROR') return { action: 'fail', error };
  const hostGone = error.code === 'REMOTE_HOST_GONE';
  if (s.policy === 'TASK') {
    if (counts.taskFailures <= s.taskRetryAttemptsPerTask) {
      return { action: 'retry-task', delayMs: hostGone ? 0 : backoffMs(s, counts.taskFailures) };
    }
    return {
      action: 'fail',
      error: {
        ...error,
        message: `Task ${counts.taskName} failed ${counts.taskFailures} times (task-retry-attempts-per-task=${s.taskRetryAttemptsPerTask}); last error: ${error.message}`,
      },
    };
  }
  if (counts.queryFailures <= s.queryRetryAttempts) {
    return { action: 'retry-query', delayMs: hostGone ? 0 : backoffMs(s, counts.queryFailures) };
  }
  return {
    action: 'fail',
    error: {
      ...error,
      message: `Query failed ${counts.queryFailures} times (query-retry-attempts=${s.queryRetryAttempts}); last error: ${error.message}`,
    },
  };
}
