import { Worker as Thread, type ResourceLimits } from 'node:worker_threads';
import { QuarryError, type Logger } from '@quarry/common';
import type { CheckedTask as TaskSpec } from './check-task.js';
import type {
  TaskSpill,
  ThreadMessage,
  ThreadNotice,
  ThreadRequest,
  ThreadResponse,
} from './thread-messages.js';

interface Slot {
  thread: Thread;
  /** The thread's heap limit (V8's old generation), MB. */
  readonly heapMb: number;
  task: { spec: TaskSpec; resolve: (r: ThreadResponse) => void } | undefined;
  /** Set by a cancel the thread did not honour in time: it is then terminated. */
  killTimer: NodeJS.Timeout | undefined;
  /** Why the thread is being terminated, for the task's error. */
  killReason: QuarryError | undefined;
}

/** A cancelled task that has not stopped after this long loses its thread. */
const CANCEL_GRACE_MS = 5000;

/**
 * A fixed set of task threads, one task each at a time. A thread that dies (a crash, or running
 * out of its heap) fails its task — out of memory as INSUFFICIENT_RESOURCES — and is replaced; the
 * worker process lives on. A cancelled task that does not stop in time is stopped by terminating
 * its thread.
 */
export interface TaskPoolOptions {
  /** How many threads, each running one task at a time. */
  readonly size: number;
  /** Given to every thread as its `workerData`. */
  readonly workerData: unknown;
  /** A thread's heap limit (MB) for tasks that may hold this much memory. */
  readonly heapMbFor: (memoryBytes: number) => number;
  /** The memory of tasks the threads are first made for. */
  readonly baseMemoryBytes: number;
  readonly logger: Logger;
  /** Told each notice a thread sends about its task. */
  readonly onNotice?: (notice: ThreadNotice, spec: TaskSpec) => void;
  /** Told the id of each thread that exits, after its task (if any) has been failed. */
  readonly onExit?: (threadId: number) => void;
}

export class TaskPool {
  private readonly slots: Slot[] = [];
  private closed = false;
  private readonly workerData: unknown;
  private readonly heapMbFor: (memoryBytes: number) => number;
  private readonly logger: Logger;
  private readonly onNotice: (notice: ThreadNotice, spec: TaskSpec) => void;
  private readonly onExit: (threadId: number) => void;

  constructor(options: TaskPoolOptions) {
    this.workerData = options.workerData;
    this.heapMbFor = options.heapMbFor;
    this.logger = options.logger;
    this.onNotice = options.onNotice ?? (() => {});
    this.onExit = options.onExit ?? (() => {});
    const heapMb = this.heapMbFor(options.baseMemoryBytes);
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn(heapMb));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Each thread's heap limit, MB (a thread made for a task given more memory has a larger one). */
  get heapLimitsMb(): number[] {
    return this.slots.map((s) => s.heapMb);
  }

  get busy(): number {
    return this.slots.filter((s) => s.task !== undefined).length;
  }

  running(): TaskSpec[] {
    return this.slots.flatMap((s) => (s.task ? [s.task.spec] : []));
  }

  /**
   * Runs a task in a free thread, spilling where `spill` says; resolves with its outcome (never
   * rejects) once the thread is done with it. Undefined when no thread is free.
   */
  run(spec: TaskSpec, spill?: TaskSpill): Promise<ThreadResponse> | undefined {
    let slot = this.slots.find((s) => s.task === undefined);
    if (!slot || this.closed) return undefined;
    // a task given more memory than the thread was made for (its memory grew after running out)
    // gets a new thread with a heap to match; the idle one is let go
    const heapMb = this.heapMbFor(spec.memoryLimitBytes);
    if (heapMb > slot.heapMb) {
      const bigger = this.spawn(heapMb);
      this.slots[this.slots.indexOf(slot)] = bigger;
      void slot.thread.terminate();
      slot = bigger;
    }
    const chosen = slot;
    return new Promise((resolve) => {
      chosen.task = { spec, resolve };
      chosen.thread.postMessage({
        type: 'run',
        task: spec,
        ...(spill ? { spill } : {}),
      } satisfies ThreadRequest);
    });
  }

  cancel(predicate: (spec: TaskSpec) => boolean): number {
    let n = 0;
    for (const s of this.slots) {
      if (!s.task || !predicate(s.task.spec)) continue;
      const taskId = s.task.spec.taskId;
      s.thread.postMessage({ type: 'cancel', taskId } satisfies ThreadRequest);
      s.killTimer ??= setTimeout(() => {
        if (s.task?.spec.taskId !== taskId) return;
        this.logger.warn({ taskId }, 'cancelled task did not stop: terminating its thread');
        s.killReason = new QuarryError(
          'USER_CANCELED',
          `Task ${taskId} was cancelled (its thread was stopped)`,
        );
        void s.thread.terminate();
      }, CANCEL_GRACE_MS);
      n++;
    }
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.slots) if (s.killTimer) clearTimeout(s.killTimer);
    await Promise.all(this.slots.map((s) => s.thread.terminate()));
  }

  private spawn(heapMb: number): Slot {
    const resourceLimits: ResourceLimits = { maxOldGenerationSizeMb: heapMb };
    const thread = new Thread(new URL('./task-thread.js', import.meta.url), {
      workerData: this.workerData,
      resourceLimits,
    });
    const slot: Slot = { thread, heapMb, task: undefined, killTimer: undefined, killReason: undefined };
    // read now: a thread that has stopped reports -1
    const threadId = thread.threadId;
    let lastError: string | undefined;
    thread.on('message', (msg: ThreadMessage) => {
      const task = slot.task;
      if (!task || task.spec.taskId !== msg.taskId) return;
      if (msg.type === 'progress' || msg.type === 'inject') {
        this.onNotice(msg, task.spec);
        return;
      }
      this.release(slot);
      task.resolve(msg);
    });
    thread.on('error', (err) => {
      lastError = (err as NodeJS.ErrnoException).code ?? err.message;
      this.logger.error({ err }, 'task thread failed');
    });
    thread.on('exit', (code) => {
      const task = slot.task;
      const reason = slot.killReason;
      this.release(slot);
      if (task) {
        const error =
          reason ??
          (lastError === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new QuarryError(
                'EXCEEDED_LOCAL_MEMORY_LIMIT',
                `Task ${task.spec.taskId} ran out of memory in its thread`,
              )
            : new QuarryError(
                'GENERIC_INTERNAL_ERROR',
                `Task thread exited (code ${code}) while running ${task.spec.taskId}`,
              ));
        task.resolve({ type: 'failed', taskId: task.spec.taskId, error: error.toData() });
      }
      this.onExit(threadId);
      if (!this.closed) {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots[i] = this.spawn(slot.heapMb);
      }
    });
    return slot;
  }

  private release(slot: Slot): void {
    slot.task = undefined;
    slot.killReason = undefined;
    if (slot.killTimer) clearTimeout(slot.killTimer);
    slot.killTimer = undefined;
  }
}
