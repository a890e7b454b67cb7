export * from './subjects.js';
export * from './messages.js';

/**
 * `<stage>.<partition>.<attempt>`, prefixed `q<n>.` for query attempt n > 0: unique per task attempt
 * within a query, readable in logs.
 */
export function taskId(stageId: number, partition: number, attempt: number, queryAttempt = 0): string {
  return `${queryAttempt > 0 ? `q${queryAttempt}.` : ''}${stageId}.${partition}.${attempt}`;
}

/** The exchange a stage writes to: `s<stage>`, or `q<n>s<stage>` for query attempt n > 0. */
export function exchangeIdFor(stageId: number, queryAttempt = 0): string {
  return `${queryAttempt > 0 ? `q${queryAttempt}` : ''}s${stageId}`;
}
