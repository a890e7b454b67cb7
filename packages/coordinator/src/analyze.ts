import { explainPlan } from '@quarry/sql';
import type { QueryScheduler, TaskRecord } from './scheduler.js';

/**
 * EXPLAIN ANALYZE's answer: the distributed plan that ran, each stage headed by what its tasks did —
 * tasks and failed attempts, rows in and out, bytes spooled, wall time (summed over tasks, and the
 * slowest task), the largest memory a task held, bytes spilled to local files (when any) — from the
 * winning attempts' reports; with VERBOSE, a line per task as well.
 */
export function explainAnalyzed(
  scheduler: QueryScheduler,
  summary: { elapsedMs: number; retryPolicy: string; queryAttempt: number; rowsWritten?: number },
): string {
  const verbose = scheduler.plan.analyze?.verbose ?? false;
  const header = [
    `Query ran in ${seconds(summary.elapsedMs)} under retry policy ${summary.retryPolicy}` +
      (summary.queryAttempt > 0 ? ` (query attempt ${summary.queryAttempt + 1})` : '') +
      (summary.rowsWritten !== undefined ? `; ${count(summary.rowsWritten)} rows written` : ''),
  ];
  const plan = explainPlan(scheduler.plan, (stageId) => {
    const stage = scheduler.stages.get(stageId);
    if (!stage) return [];
    const lines = [stageLine(stage.tasks)];
    if (verbose) for (const t of stage.tasks) lines.push(`  ${taskLine(t)}`);
    return lines;
  });
  return [...header, plan].join('\n');
}

function stageLine(tasks: readonly TaskRecord[]): string {
  const stats = tasks.map((t) => t.winner?.stats);
  const sum = (f: (s: NonNullable<(typeof stats)[number]>) => number) =>
    stats.reduce((n, s) => n + (s ? f(s) : 0), 0);
  const max = (f: (s: NonNullable<(typeof stats)[number]>) => number) =>
    stats.reduce((n, s) => Math.max(n, s ? f(s) : 0), 0);
  const failures = tasks.reduce((n, t) => n + t.failures, 0);
  const retried = tasks.filter((t) => t.failures > 0).length;
  const spilled = sum((s) => s.spilledBytes ?? 0);
  return [
    `tasks: ${tasks.length}` +
      (failures > 0 ? ` (${retried} retried, ${failures} failed attempt${failures === 1 ? '' : 's'})` : ''),
    `rows in ${count(sum((s) => s.rowsIn))}, out ${count(sum((s) => s.rowsOut))}`,
    `spooled ${bytes(sum((s) => s.bytesOut))}`,
    `wall ${seconds(sum((s) => s.wallMs))} (slowest task ${seconds(max((s) => s.wallMs))})`,
    `peak task memory ${bytes(max((s) => s.peakMemoryBytes))}`,
    ...(spilled > 0 ? [`spilled ${bytes(spilled)}`] : []),
  ].join(' · ');
}

function taskLine(t: TaskRecord): string {
  const w = t.winner;
  const where = w ? `attempt ${w.attempt} on ${w.workerId}` : `no finished attempt (${t.status})`;
  const s = w?.stats;
  const detail = s
    ? `: rows in ${count(s.rowsIn)}, out ${count(s.rowsOut)}, spooled ${bytes(s.bytesOut)}, wall ${seconds(s.wallMs)}, memory ${bytes(s.peakMemoryBytes)}` +
      (s.spilledBytes ? `, spilled ${bytes(s.spilledBytes)}` : '')
    : '';
  return `task ${t.stageId}.${t.partition} ${where}${t.failures > 0 ? ` after ${t.failures} failed` : ''}${detail}`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}
