import type { Logger } from 'pino';

/**
 * The wall clock with sub-millisecond precision, comparable across the threads and processes of
 * one host (each thread's `performance.timeOrigin` is its own start, in the same epoch time).
 */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A point on a query's timeline (`npm run bench -- latency --timeline` prints them): logged at
 * level `trace` with its name in `mark` and its time in `at` (ms since the epoch, fractional),
 * beside the logger's bindings (queryId, taskId). Costs a level check when tracing is off.
 */
export function traceMark(logger: Logger, mark: string, fields?: Record<string, unknown>): void {
  if (!logger.isLevelEnabled('trace')) return;
  logger.trace({ ...fields, mark, at: preciseNow() });
}
