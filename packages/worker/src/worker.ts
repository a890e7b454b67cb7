import { hostname, loadavg, availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { createLogger, type Logger } from '@quarry/common';
import {
  Addresses,
  type Heartbeat,
  type RunTaskReply,
  type TaskSpec,
  type TaskUpdate,
  type WorkerCommand,
} from '@quarry/protocol';
import { ActorSystem } from '@quarry/runtime';
import type { WorkerConfig } from './config.js';
import { TaskPool } from './task-pool.js';
import type { ThreadResponse } from './thread-messages.js';

/**
 * The worker actor. Its main thread only talks: it heartbeats, accepts tasks on
 * `worker.<id>.tasks`, and reports their outcome on `coordinator.task-status`. Tasks run in the
 * {@link TaskPool}'s threads, so CPU-bound work never delays a heartbeat.
 */
export class Worker {
  private readonly incarnation = randomUUID();
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private draining = false;
  private readonly running = new Map<string, Promise<void>>();

  private constructor(
    readonly config: WorkerConfig,
    private readonly system: ActorSystem,
    private readonly pool: TaskPool,
    private readonly logger: Logger,
  ) {}

  static async start(config: WorkerConfig, logger?: Logger): Promise<Worker> {
    const log = logger ?? createLogger({ name: 'worker', bindings: { workerId: config.workerId } });
    const system = await ActorSystem.connect({
      servers: config.servers,
      prefix: config.prefix,
      name: config.workerId,
      logger: log,
    });
    const heapMb = Math.max(512, Math.ceil((config.taskMemoryBytes * 3) / (1 << 20)));
    const pool = new TaskPool(
      config.slots,
      { exchange: config.exchange },
      { maxOldGenerationSizeMb: heapMb },
      log,
    );
    const worker = new Worker(config, system, pool, log);
    worker.listen();
    log.info({ slots: config.slots, prefix: config.prefix }, 'worker started');
    return worker;
  }

  get id(): string {
    return this.config.workerId;
  }

  private listen(): void {
    this.system.spawn<WorkerCommand, RunTaskReply | { cancelled: number }>(Addresses.worker(this.id), (cmd) =>
      this.command(cmd),
    );
    this.heartbeat();
    this.timer = setInterval(() => this.heartbeat(), this.config.heartbeatIntervalMs);
  }

  private heartbeat(): void {
    const hb: Heartbeat = {
      workerId: this.id,
      incarnation: this.incarnation,
      seq: ++this.seq,
      slots: this.config.slots,
      runningTasks: this.pool.busy,
      draining: this.draining,
      host: hostname(),
      pid: process.pid,
      rssBytes: process.memoryUsage.rss(),
      load: (loadavg()[0] ?? 0) / availableParallelism(),
    };
    this.system.tell(Addresses.heartbeat, hb);
  }

  private command(cmd: WorkerCommand): RunTaskReply | { cancelled: number } {
    switch (cmd.type) {
      case 'run':
        return this.accept(cmd.task);
      case 'cancel':
        return {
          cancelled: this.pool.cancel(
            (t) => t.queryId === cmd.queryId && (cmd.taskId === undefined || t.taskId === cmd.taskId),
          ),
        };
    }
  }

  private accept(task: TaskSpec): RunTaskReply {
    if (this.draining) return { accepted: false, reason: 'worker is draining' };
    const outcome = this.pool.run(task);
    if (!outcome) return { accepted: false, reason: 'no free task slot' };
    const log = this.logger.child({
      queryId: task.queryId,
      stageId: task.stageId,
      taskId: task.taskId,
      attempt: task.attempt,
    });
    log.debug('task started');
    this.report(task, { state: 'RUNNING' });
    const done = outcome.then((r) => this.finish(task, r, log));
    this.running.set(task.taskId, done);
    void done.finally(() => this.running.delete(task.taskId));
    return { accepted: true };
  }

  private finish(task: TaskSpec, r: ThreadResponse, log: Logger): void {
    if (r.type === 'finished') {
      log.debug({ stats: r.stats }, 'task finished');
      this.report(task, { state: 'FINISHED', outputs: r.outputs, stats: r.stats });
    } else {
      log.warn({ error: r.error }, 'task failed');
      this.report(task, { state: 'FAILED', error: r.error });
    }
    this.heartbeat();
  }

  private report(task: TaskSpec, update: Pick<TaskUpdate, 'state' | 'outputs' | 'stats' | 'error'>): void {
    const msg: TaskUpdate = {
      queryId: task.queryId,
      taskId: task.taskId,
      stageId: task.stageId,
      partition: task.partition,
      attempt: task.attempt,
      workerId: this.id,
      ...update,
    };
    this.system.tell(Addresses.taskStatus, msg);
  }

  /** Stops taking tasks, lets running ones finish (unless `force`), then leaves. */
  async stop(options: { drain?: boolean } = {}): Promise<void> {
    this.draining = true;
    this.heartbeat();
    if (options.drain) await Promise.all(this.running.values());
    if (this.timer) clearInterval(this.timer);
    await this.pool.close();
    await this.system.close();
    this.logger.info('worker stopped');
  }
}
