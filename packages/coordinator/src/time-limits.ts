import { QuarryError, parseDuration } from '@quarry/common';
import type { QueryState } from '@quarry/protocol';

/**
 * Trino's time limits on a query, all in milliseconds: `query.max-run-time` counts from submission
 * (queueing and planning included), `query.max-planning-time` the planning alone, and
 * `query.max-execution-time` the time since the query started running on workers. A session may
 * lower a limit (`query_max_run_time`, `query_max_planning_time`, `query_max_execution_time`),
 * never raise it.
 */
export interface TimeLimits {
  readonly maxRunMs: number;
  readonly maxPlanningMs: number;
  readonly maxExecutionMs: number;
}

/** Trino's defaults: 100 days, 10 minutes, 100 days. */
export const DEFAULT_TIME_LIMITS: TimeLimits = {
  maxRunMs: 100 * 86_400_000,
  maxPlanningMs: 10 * 60_000,
  maxExecutionMs: 100 * 86_400_000,
};

export const TIME_LIMIT_PROPERTY_NAMES = [
  'query.max-run-time',
  'query.max-planning-time',
  'query.max-execution-time',
] as const;

const SESSION_NAMES: Record<keyof TimeLimits, string> = {
  maxRunMs: 'query_max_run_time',
  maxPlanningMs: 'query_max_planning_time',
  maxExecutionMs: 'query_max_execution_time',
};

/** The cluster's limits, lowered by a query's session properties where they say so. */
export function sessionTimeLimits(
  cluster: TimeLimits,
  session: Readonly<Record<string, string>>,
): TimeLimits {
  const out: Record<keyof TimeLimits, number> = { ...cluster };
  for (const key of Object.keys(SESSION_NAMES) as (keyof TimeLimits)[]) {
    const raw = session[SESSION_NAMES[key]];
    if (raw !== undefined)
      out[key] = Math.min(cluster[key], parseDuration(raw, `session property ${SESSION_NAMES[key]}`));
  }
  return out;
}

/** What a query's clock looks like to the limits. */
export interface QueryClock {
  readonly state: QueryState;
  readonly created: number;
  readonly planningStarted?: number | undefined;
  readonly executionStarted?: number | undefined;
}

/** The limit a query has gone past at `now`, as Trino words it; undefined while within all of them. */
export function exceededTimeLimit(q: QueryClock, limits: TimeLimits, now: number): QuarryError | undefined {
  if (q.state === 'FINISHED' || q.state === 'FAILED') return undefined;
  if (now - q.created > limits.maxRunMs) return exceeded('run', limits.maxRunMs, 'query.max-run-time');
  if (
    q.state === 'PLANNING' &&
    q.planningStarted !== undefined &&
    now - q.planningStarted > limits.maxPlanningMs
  )
    return exceeded('planning', limits.maxPlanningMs, 'query.max-planning-time');
  if (
    q.state === 'RUNNING' &&
    q.executionStarted !== undefined &&
    now - q.executionStarted > limits.maxExecutionMs
  )
    return exceeded('execution', limits.maxExecutionMs, 'query.max-execution-time');
  return undefined;
}

function exceeded(what: string, limitMs: number, property: string): QuarryError {
  return new QuarryError(
    'EXCEEDED_TIME_LIMIT',
    `Query exceeded the maximum ${what} time limit of ${(limitMs / 1000).toFixed(2)}s (${property})`,
  );
}
