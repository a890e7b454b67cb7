import type { PropertyReader } from '@quarry/common';
import { children, type PlanNode } from '@quarry/sql/internal';
import type { StageRecord, TaskRecord } from './scheduler.js';

/**
 * Speculative execution of stragglers, after Flink's batch speculative execution (Trino has none):
 * once a share of a stage's tasks has finished, their median run time times a multiplier is the
 * stage's baseline; a task still running past it — its baseline scaled up by how much more input it
 * has than the finished ones, so that a skewed task is not taken for a slow one — gets a second
 * attempt on another worker. Whichever attempt finishes first wins; the other is cancelled and its
 * files deleted, and the slow one's worker is kept from new tasks for a while (blocklist.ts).
 */
export interface SpeculationSettings {
  /** `execution.batch.speculative.enabled` (Flink's name; default false). */
  readonly enabled: boolean;
  /** `slow-task-detector.execution-time.baseline-ratio`: share of a stage's tasks finished before any is judged (0.75). */
  readonly baselineRatio: number;
  /** `slow-task-detector.execution-time.baseline-multiplier`: the baseline is the median run time times this (1.5). */
  readonly baselineMultiplier: number;
  /** `slow-task-detector.execution-time.baseline-lower-bound`: the baseline is never shorter (1s). */
  readonly baselineLowerBoundMs: number;
  /** `execution.batch.speculative.block-slow-node-duration`: how long a slow task's worker gets no new tasks (1m). */
  readonly blockSlowNodeMs: number;
}

export const SPECULATION_PROPERTY_NAMES = [
  'execution.batch.speculative.enabled',
  'execution.batch.speculative.block-slow-node-duration',
  'slow-task-detector.execution-time.baseline-ratio',
  'slow-task-detector.execution-time.baseline-multiplier',
  'slow-task-detector.execution-time.baseline-lower-bound',
] as const;

export const SPECULATION_OFF: SpeculationSettings = {
  enabled: false,
  baselineRatio: 0.75,
  baselineMultiplier: 1.5,
  baselineLowerBoundMs: 1000,
  blockSlowNodeMs: 60_000,
};

export function speculationFromProperties(r: PropertyReader): SpeculationSettings {
  const ratio = r.number(
    'slow-task-detector.execution-time.baseline-ratio',
    SPECULATION_OFF.baselineRatio,
    0,
  );
  return {
    enabled: r.boolean('execution.batch.speculative.enabled', false),
    // a ratio above 1 could never be reached: it is read as "all of them"
    baselineRatio: Math.min(1, ratio),
    baselineMultiplier: r.number(
      'slow-task-detector.execution-time.baseline-multiplier',
      SPECULATION_OFF.baselineMultiplier,
      1,
    ),
    baselineLowerBoundMs: r.duration('slow-task-detector.execution-time.baseline-lower-bound', '1s'),
    blockSlowNodeMs: r.duration('execution.batch.speculative.block-slow-node-duration', '1m'),
  };
}

export interface SlowTask {
  readonly task: TaskRecord;
  /** How long its current attempt has run. */
  readonly elapsedMs: number;
  /** What it was measured against: the stage's baseline scaled by its input. */
  readonly baselineMs: number;
}

/**
 * The stage's running tasks that deserve a backup attempt now. `inputOf` weighs a task's input
 * (bytes of its input files, or its splits): a task with more input than the finished ones' median
 * is given proportionally longer. Tasks that write to a table, tasks with a backup already, and
 * attempts adopted from an earlier leader (their start is unknown) are never judged.
 */
export function slowTasks(
  stage: StageRecord,
  inputOf: (t: TaskRecord) => number,
  now: number,
  s: SpeculationSettings,
): SlowTask[] {
  if (!s.enabled || writes(stage.fragment.root)) return [];
  const finished = stage.tasks.filter((t) => t.winner?.ranMs !== undefined);
  if (finished.length === 0 || finished.length < Math.ceil(s.baselineRatio * stage.tasks.length)) return [];
  const medianMs = median(finished.map((t) => t.winner!.ranMs!));
  const medianInput = median(finished.map(inputOf));
  const baseline = Math.max(s.baselineLowerBoundMs, medianMs * s.baselineMultiplier);
  const out: SlowTask[] = [];
  for (const task of stage.tasks) {
    const c = task.current;
    if (task.status !== 'RUNNING' || !c || c.adopted || task.backup) continue;
    const weight = medianInput > 0 ? Math.max(1, inputOf(task) / medianInput) : 1;
    const baselineMs = baseline * weight;
    const elapsedMs = now - c.startedAt;
    if (elapsedMs > baselineMs) out.push({ task, elapsedMs, baselineMs });
  }
  return out;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Whether a fragment writes to a table: its writers' staged files are not meant to race. */
function writes(node: PlanNode): boolean {
  return node.kind === 'TableWriter' || children(node).some(writes);
}
