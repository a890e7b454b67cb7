/**
 * The tpch bench's `--profile` report: the CPU profiles the workers wrote for each timed query
 * (`<dir>/<queryId>/<taskId>.cpuprofile`, worker property `task.cpu-profile-dir`), summed per query
 * by category (bench/_profile.ts), as a table, the busiest functions, and totals for the JSON line.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CATEGORIES,
  addBreakdown,
  breakdown,
  emptyBreakdown,
  topFunctions,
  type Breakdown,
  type Category,
  type CpuProfile,
} from './_profile.js';
import { round, table } from './_support.js';

/** One timed query run whose profiles are read: its label (`q01 NONE`), query id and wall time. */
export interface ProfiledRun {
  readonly label: string;
  readonly queryId: string | undefined;
  readonly wallMs: number | undefined;
}

interface RunProfile {
  readonly run: ProfiledRun;
  readonly tasks: number;
  /** The tasks' profiled time, summed (each task from its start to its end). */
  readonly taskMs: number;
  readonly byCategory: Breakdown;
  readonly top: Map<string, { ms: number; category: Category }>;
}

function readRun(dir: string, run: ProfiledRun): RunProfile {
  const queryDir = run.queryId === undefined ? undefined : join(dir, run.queryId);
  const files =
    queryDir && existsSync(queryDir) ? readdirSync(queryDir).filter((f) => f.endsWith('.cpuprofile')) : [];
  const byCategory = emptyBreakdown();
  const top = new Map<string, { ms: number; category: Category }>();
  for (const f of files) {
    const profile = JSON.parse(readFileSync(join(queryDir!, f), 'utf8')) as CpuProfile;
    addBreakdown(byCategory, breakdown(profile));
    topFunctions(profile, top);
  }
  const taskMs = CATEGORIES.reduce((s, c) => s + byCategory[c], 0);
  return { run, tasks: files.length, taskMs, byCategory, top };
}

const cell = (ms: number, total: number) =>
  `${Math.round(ms)} ${total > 0 ? Math.round((100 * ms) / total) : 0}%`;

/**
 * Prints, per run, where its tasks' time went (ms and % of the tasks' time per category), and the
 * functions with the most self time; returns the totals over all runs, for the JSON line.
 */
export function reportProfiles(options: {
  dir: string;
  runs: readonly ProfiledRun[];
  /** Task slots of the cluster: `in tasks` is the tasks' time over wall time × slots. */
  slots: number;
}): Record<string, unknown> {
  const runs = options.runs.map((r) => readRun(options.dir, r));
  console.log(
    `\nwhere the time goes (CPU profiles of the task threads, self time by category, ms and % of the ` +
      `tasks' time; 'in tasks': the tasks' time over wall time × ${options.slots} slots; profiles: ${options.dir})\n`,
  );
  console.log(
    table(
      ['run', 'wall ms', 'tasks', 'task ms', 'in tasks', ...CATEGORIES],
      runs.map((p) => [
        p.run.label,
        p.run.wallMs === undefined ? 'failed' : Math.round(p.run.wallMs),
        p.tasks,
        Math.round(p.taskMs),
        p.run.wallMs ? `${Math.round((100 * p.taskMs) / (p.run.wallMs * options.slots))}%` : '-',
        ...CATEGORIES.map((c) => cell(p.byCategory[c], p.taskMs)),
      ]),
    ),
  );
  console.log('\nmost self time per run (ms, category):');
  for (const p of runs) {
    const top = [...p.top].sort((a, b) => b[1].ms - a[1].ms).slice(0, 5);
    console.log(
      `  ${p.run.label}: ${top.map(([fn, e]) => `${fn} ${Math.round(e.ms)} (${e.category})`).join('; ')}`,
    );
  }
  const total = runs.reduce((into, p) => addBreakdown(into, p.byCategory), emptyBreakdown());
  const taskMs = CATEGORIES.reduce((s, c) => s + total[c], 0);
  return {
    dir: options.dir,
    tasks: runs.reduce((s, p) => s + p.tasks, 0),
    taskMs: Math.round(taskMs),
    ms: Object.fromEntries(CATEGORIES.map((c) => [c, Math.round(total[c])])),
    pct: Object.fromEntries(CATEGORIES.map((c) => [c, taskMs > 0 ? round((100 * total[c]) / taskMs, 1) : 0])),
  };
}
