export * from './subjects.js';
export * from './messages.js';

/** `<stage>.<partition>.<attempt>`: unique per attempt within a query, readable in logs. */
export function taskId(stageId: number, partition: number, attempt: number): string {
  return `${stageId}.${partition}.${attempt}`;
}
