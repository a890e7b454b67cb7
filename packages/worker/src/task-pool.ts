import { Worker as Thread, type ResourceLimits } from 'node:worker_threads';
import { QuarryError, type Logger } from '@quarry/common';
import type { TaskSpec } from '@quarry/protocol';
import type { ThreadRequest, ThreadResponse } from './thread-messages.js';

interface Slot {
  thread: Thread;
  task: { spec: TaskSpec; resolve: (r: ThreadResponse) => void } | undefined;
}

/**
 * A fixed set of task threads, one task each at a time. A thread that dies (a crash, or running
 * out of its heap) fails its task — out of memory as INSUFFICIENT_RESOURCES — and is replaced; the
 * worker process lives on.
 */
export class TaskPool {
  private readonly slots: Slot[] = [];
  private closed = false;

  constructor(
    size: number,
    private readonly workerData: unknown,
    private readonly resourceLimits: ResourceLimits,
    private readonly logger: Logger,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  get busy(): number {
    return this.slots.filter((s) => s.task !== undefined).length;
  }

  runningTaskIds(): string[] {
    return this.slots.flatMap((s) => (s.task ? [s.task.spec.taskId] : []));
  }

  /** Runs a task in a free thread; resolves with its outcome (never rejects). Undefined when no thread is free. */
  run(spec: TaskSpec): Promise<ThreadResponse> | undefined {
    const slot = this.slots.find((s) => s.task === undefined);
    if (!slot || this.closed) return undefined;
    return new Promise((resolve) => {
      slot.task = { spec, resolve };
      slot.thread.postMessage({ type: 'run', task: spec } satisfies ThreadRequest);
    });
  }

  cancel(predicate: (spec: TaskSpec) => boolean): number {
    let n = 0;
    for (const s of this.slots) {
      if (s.task && predicate(s.task.spec)) {
        s.thread.postMessage({ type: 'cancel', taskId: s.task.spec.taskId } satisfies ThreadRequest);
        n++;
      }
    }
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.thread.terminate()));
  }

  private spawn(): Slot {
    const thread = new Thread(new URL('./task-thread.js', import.meta.url), {
      workerData: this.workerData,
      resourceLimits: this.resourceLimits,
    });
    const slot: Slot = { thread, task: undefined };
    thread.on('message', (msg: ThreadResponse) => {
      const task = slot.task;
      if (!task || task.spec.taskId !== msg.taskId) return;
      slot.task = undefined;
      task.resolve(msg);
    });
    thread.on('error', (err) => {
      lastError.set(thread, (err as NodeJS.ErrnoException).code ?? err.message);
      this.logger.error({ err }, 'task thread failed');
    });
    thread.on('exit', (code) => {
      const task = slot.task;
      slot.task = undefined;
      if (task) {
        const oom = /ERR_WORKER_OUT_OF_MEMORY/.test(String(lastError.get(thread) ?? ''));
        const error = oom
          ? new QuarryError(
              'EXCEEDED_LOCAL_MEMORY_LIMIT',
              `Task ${task.spec.taskId} ran out of memory in its thread`,
            )
          : new QuarryError(
              'GENERIC_INTERNAL_ERROR',
              `Task thread exited (code ${code}) while running ${task.spec.taskId}`,
            );
        task.resolve({ type: 'failed', taskId: task.spec.taskId, error: error.toData() });
      }
      if (!this.closed) {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots[i] = this.spawn();
      }
    });
    return slot;
  }
}

const lastError = new WeakMap<Thread, string>();
