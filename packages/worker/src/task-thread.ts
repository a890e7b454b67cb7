import { parentPort, workerData } from 'node:worker_threads';
import { QuarryError } from '@quarry/common';
import { loadCatalogs, useSharedTextPool } from '@quarry/connectors';
import { createExchangeManager, lostInputOf, protectExchangeConfig } from '@quarry/exchange';
import type { CheckedTask as TaskSpec } from './check-task.js';
import { injectedError, isErrorAction, matchingRules } from './failure-injection.js';
import { runTask } from './task-runner.js';
import type { TaskThreadData, ThreadMessage, ThreadRequest } from './thread-messages.js';

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
const PROGRESS_EVERY_MS = 500;

const post = (m: ThreadMessage) => port.postMessage(m);

port.on('message', (msg: ThreadRequest) => {
  if (msg.type === 'cancel') {
    running.get(msg.taskId)?.abort();
    return;
  }
  void execute(msg.task);
});

async function execute(task: TaskSpec): Promise<void> {
  const controller = new AbortController();
  running.set(task.taskId, controller);
  let lastProgress = 0;
  try {
    const result = await runTask(task, {
      catalogs,
      exchange,
      signal: controller.signal,
      checkpoint: (point) => inject(task, point, controller.signal),
      onProgress: (rowsIn, rowsOut) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        post({ type: 'progress', taskId: task.taskId, rowsIn, rowsOut });
      },
    });
    post({ type: 'finished', taskId: task.taskId, outputs: result.outputs, stats: result.stats });
  } catch (e) {
    const lostInput = lostInputOf(e);
    post({
      type: 'failed',
      taskId: task.taskId,
      error: QuarryError.wrap(e).toData(),
      ...(lostInput ? { lostInput } : {}),
    });
  } finally {
    running.delete(task.taskId);
  }
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
        await new Promise((r) => setTimeout(r, rule.ms ?? 1000));
        break;
      case 'HANG':
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        throw new QuarryError('USER_CANCELED', `Task ${task.taskId} was cancelled while hanging (injected)`);
    }
  }
}
