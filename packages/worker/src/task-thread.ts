import { parentPort, workerData } from 'node:worker_threads';
import { QuarryError } from '@quarry/common';
import { defaultCatalogs } from '@quarry/connectors';
import { createExchangeManager, type ExchangeConfig } from '@quarry/exchange';
import type { TaskSpec } from '@quarry/protocol';
import { runTask } from './task-runner.js';
import type { ThreadRequest, ThreadResponse } from './thread-messages.js';

/**
 * A task thread: runs one task at a time for the worker's main thread, which keeps the event loop
 * free for heartbeats and control messages however hard the tasks compute.
 */
const port = parentPort;
if (!port) throw new Error('task-thread must run in a worker thread');

const config = workerData as { exchange: ExchangeConfig };
const catalogs = defaultCatalogs();
const exchange = createExchangeManager(config.exchange);
const running = new Map<string, AbortController>();

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
  let response: ThreadResponse;
  try {
    const result = await runTask(task, { catalogs, exchange, signal: controller.signal });
    response = { type: 'finished', taskId: task.taskId, outputs: result.outputs, stats: result.stats };
  } catch (e) {
    const err = QuarryError.wrap(e);
    response = { type: 'failed', taskId: task.taskId, error: err.toData() };
  } finally {
    running.delete(task.taskId);
  }
  port!.postMessage(response);
}
