import { parentPort, workerData } from 'node:worker_threads';
import { QuarryError, createLogger, traceMark } from '@quarry/common';
import { loadCatalogs, useSharedTextPool } from '@quarry/connectors';
import { LocalSpillSpace, createExchangeManager, lostInputOf, protectExchangeConfig } from '@quarry/exchange';
import type { CheckedTask as TaskSpec } from './check-task.js';
import { TaskProfiler } from './cpu-profile.js';
import { heldPerRow, injectedError, isErrorAction, matchingRules } from './failure-injection.js';
import { SharedSpillLimits } from './spill-budget.js';
import { runTask } from './task-runner.js';
import type {
  TaskSpill,
  TaskThreadData,
  ThreadMessage,
  ThreadRequest,
  ThreadResponse,
} from './thread-messages.js';

/**
 * A task thread: runs one task at a time for the worker's main thread, which keeps the event loop
 * free for heartbeats and control messages however hard the tasks compute.
 */
const port = parentPort;
if (!port) throw new Error('task-thread must run in a worker thread');

const config = workerData as TaskThreadData;
useSharedTextPool(config.textPool);
const catalogs = loadCatalogs(config.catalogDir);
// the config lost its redaction crossing to this thread: protect the credentials again before anything logs it
const exchange = createExchangeManager(protectExchangeConfig(config.exchange));
const running = new Map<string, AbortController>();
// opened as the thread starts, when its profile's start is cheapest (cpu-profile.ts)
const profiler = config.cpuProfileDir
  ? TaskProfiler.open(config.cpuProfileDir).catch((e: Error) => {
      process.emitWarning(`no CPU profiles in this task thread: ${e.message}`);
      return undefined;
    })
  : undefined;
const PROGRESS_EVERY_MS = 500;
/** Only trace marks are logged here (`QUARRY_LOG_LEVEL=trace`); the main thread logs the rest. */
const logger = createLogger({ name: 'task-thread' });

const post = (m: ThreadMessage) => port.postMessage(m);

port.on('message', (msg: ThreadRequest) => {
  if (msg.type === 'cancel') {
    running.get(msg.taskId)?.abort();
    return;
  }
  void execute(msg.task, msg.spill);
});

async function execute(task: TaskSpec, setup: TaskSpill | undefined): Promise<void> {
  const controller = new AbortController();
  running.set(task.taskId, controller);
  const profiling = profiler ? await startProfile(task) : undefined;
  let outcome: ThreadResponse;
  try {
    outcome = await attempt(task, setup, controller);
  } finally {
    running.delete(task.taskId);
  }
  // the profile is on disk before the task reports: a finished query has all of its profiles
  if (profiling) await profiling.stop(task).catch((e: Error) => warnProfile(task, e));
  post(outcome);
  profiling?.rotate();
}

/** Runs the task; resolves with its outcome, never rejects. */
async function attempt(
  task: TaskSpec,
  setup: TaskSpill | undefined,
  controller: AbortController,
): Promise<ThreadResponse> {
  let lastProgress = 0;
  const spill = spillSpace(task, setup);
  const log = logger.isLevelEnabled('trace')
    ? logger.child({ queryId: task.queryId, taskId: task.taskId })
    : undefined;
  const mark = log ? (name: string) => traceMark(log, name) : undefined;
  mark?.('thread took task');
  try {
    const result = await runTask(task, {
      catalogs,
      exchange,
      signal: controller.signal,
      ...(spill ? { spill } : {}),
      ...(mark ? { mark } : {}),
      checkpoint: (point) => inject(task, point, controller.signal),
      heldPerInputRow: heldPerRow(config.injection, task),
      onProgress: (rowsIn, rowsOut) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        post({ type: 'progress', taskId: task.taskId, rowsIn, rowsOut });
      },
    });
    return { type: 'finished', taskId: task.taskId, outputs: result.outputs, stats: result.stats };
  } catch (e) {
    const lostInput = lostInputOf(e);
    return {
      type: 'failed',
      taskId: task.taskId,
      error: QuarryError.wrap(e).toData(),
      spilledBytes: spill?.bytesWritten ?? 0,
      ...(lostInput ? { lostInput } : {}),
    };
  }
}

/** Starts the task's CPU profile when `task.cpu-profile-dir` is set; the profiler when one runs. */
async function startProfile(task: TaskSpec): Promise<TaskProfiler | undefined> {
  const p = await profiler;
  return p?.start(task) ? p : undefined;
}

/** A profile that cannot be written costs the task nothing: a warning on stderr says so. */
function warnProfile(task: TaskSpec, e: Error): void {
  process.emitWarning(`no CPU profile of task ${task.queryId}/${task.taskId}: ${e.message}`);
}

/**
 * The task's spill files, when it may spill: session `spill_enabled` (in the spec), else the worker's
 * `spill-enabled`; counted against the worker's shared spill limits.
 */
function spillSpace(task: TaskSpec, setup: TaskSpill | undefined): LocalSpillSpace | undefined {
  const { spill } = config;
  if (!setup || !(task.spillEnabled ?? spill.enabled)) return undefined;
  return new LocalSpillSpace({
    directory: setup.directory,
    codec: spill.codec,
    encrypted: spill.encrypted,
    limits: new SharedSpillLimits(config.spillCounters, setup.lease, {
      perNode: spill.maxPerNodeBytes,
      perQuery: spill.maxPerQueryBytes,
    }),
  });
}

/** Waits `ms`, or less when `signal` aborts; true when it aborted. */
function delayed(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      { once: true },
    );
  });
}

/** Acts on the failure-injection rules that match this task at this point. */
async function inject(
  task: TaskSpec,
  point: 'start' | 'midway' | 'commit',
  signal: AbortSignal,
): Promise<void> {
  for (const rule of matchingRules(config.injection, task, point)) {
    if (isErrorAction(rule.action)) throw injectedError(rule.action, task, point);
    switch (rule.action) {
      case 'CRASH':
      case 'STOP_HEARTBEATS':
        post({ type: 'inject', taskId: task.taskId, action: rule.action });
        if (rule.action === 'CRASH') await new Promise(() => {});
        break;
      case 'DELAY':
        // a cancel ends the wait: a delayed attempt that lost its race must free its slot
        if (await delayed(rule.ms ?? 1000, signal))
          throw new QuarryError(
            'USER_CANCELED',
            `Task ${task.taskId} was cancelled while delayed (injected)`,
          );
        break;
      case 'HOLD_MEMORY':
        // charged as input rows arrive (task-runner.ts)
        break;
      case 'HANG':
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        throw new QuarryError('USER_CANCELED', `Task ${task.taskId} was cancelled while hanging (injected)`);
    }
  }
}
