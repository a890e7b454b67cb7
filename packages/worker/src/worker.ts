import { availableParallelism, hostname, loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger, traceMark, type Logger } from '@quarry/common';
import {
  ClusterAddresses,
  decodeLeaderAnnouncement,
  decodePingRequest,
  isMemberSubject,
  type CancelTasksReply,
  type PingReply,
  type Heartbeat,
  type RunTaskReply,
  type TaskUpdate,
} from '@quarry/cluster-protocol';
import { boundedError } from '@quarry/protocol';
import { abandonTextPoolBuild, createSharedTextPool } from '@quarry/connectors';
import { checkExchange, exchangeFingerprint } from '@quarry/exchange';
import { ActorSystem, membershipFor, serveMetrics, type ActorRef, type MetricsServer } from '@quarry/runtime';
import { WorkerMetrics } from './metrics.js';
import type { WorkerConfig } from './config.js';
import { decodeCommand, type CheckedCommand, type CheckedTask } from './check-task.js';
import { EpochFence } from './epoch-fence.js';
import { FinalReports } from './final-reports.js';
import { SpillBudget } from './spill-budget.js';
import { DEFAULT_SPILL } from './spill-config.js';
import { TaskPool } from './task-pool.js';
import type { TaskSpill, TaskThreadData, ThreadNotice, ThreadResponse } from './thread-messages.js';

/** What a task update says beyond which attempt it is about. */
type TaskOutcome = TaskUpdate extends infer U
  ? U extends TaskUpdate
    ? Omit<U, 'queryId' | 'queryAttempt' | 'taskId' | 'stageId' | 'partition' | 'attempt' | 'workerId'>
    : never
  : never;

/** Progress reports of a running task go to the coordinator at most this often. */
const PROGRESS_REPORT_MS = 1000;
/** How many taken attempts a worker remembers, to answer a repeated hand-over (see `taken`). */
const TAKEN_REMEMBERED = 10_000;

/**
 * The worker actor. Its main thread only talks: it heartbeats, accepts tasks on
 * `worker.<id>.tasks`, and reports their start, progress and outcome on `coordinator.task-status`.
 * Tasks run in the {@link TaskPool}'s threads, so CPU-bound work never delays a heartbeat.
 * Commands of a deposed coordinator are refused ({@link EpochFence}); when a new one takes the lead
 * (`coordinator.leader`), the worker heartbeats at once and sends again its recent final reports.
 * `stop({ drain: true })` (SIGTERM) takes no new tasks, lets running ones finish, then says goodbye.
 */
export class Worker {
  private readonly incarnation = randomUUID();
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private draining = false;
  /** Failure injection: the worker has gone silent. */
  private silent = false;
  private pingActor: ActorRef | undefined;
  /** Where this worker's exchange keeps files, announced in every heartbeat. */
  private fingerprint: string | undefined;
  private get exchangeFingerprint(): string {
    return (this.fingerprint ??= exchangeFingerprint(this.config.exchange));
  }
  /** Running attempts by `<queryId>/<taskId>` (task ids repeat across queries). */
  private readonly running = new Map<string, Promise<void>>();
  private readonly lastReport = new Map<string, number>();
  /**
   * Attempts taken lately (`<queryId>/<taskId>`), oldest first: a hand-over the coordinator sends
   * again because its answer was lost (a broker outage) is answered as taken, never run twice.
   */
  private readonly taken = new Set<string>();
  private readonly injectionTimers: NodeJS.Timeout[] = [];
  private readonly pool: TaskPool;
  private readonly fence: EpochFence;
  private readonly finals = new FinalReports();
  /** Spilled bytes on this worker now, shared with the task threads. */
  private readonly spillBudget: SpillBudget;
  /** This process's own directory under each `spiller-spill-path`: one directory per task attempt inside. */
  private readonly spillRoots: string[];
  private spilledTasks = 0;
  readonly metrics: WorkerMetrics;
  private metricsServer: MetricsServer | undefined;

  private constructor(
    readonly config: WorkerConfig,
    private readonly system: ActorSystem,
    private readonly logger: Logger,
  ) {
    const spill = config.spill ?? DEFAULT_SPILL;
    // a task keeps its slot until its thread is done: never more tasks at once than threads (×2 to spare)
    this.spillBudget = new SpillBudget(2 * config.slots + 2);
    this.spillRoots = spill.paths.map((p) => join(p, `${config.workerId}-${this.incarnation.slice(0, 8)}`));
    this.metrics = new WorkerMetrics(config.workerId, config.slots, () => this.pool.busy);
    system.invalid.register(this.metrics.registry);
    this.fence = new EpochFence({ logger, onNewer: (epoch) => this.newLeader(epoch) });
    // one TPC-H text pool for all task threads, outside their heaps; built when first needed
    const textPool = createSharedTextPool();
    this.pool = new TaskPool({
      size: config.slots,
      workerData: {
        exchange: config.exchange,
        injection: config.failureInjection,
        catalogDir: config.catalogDir,
        textPool,
        spill,
        spillCounters: this.spillBudget.buffer,
        ...(config.taskCpuProfileDir ? { cpuProfileDir: config.taskCpuProfileDir } : {}),
      } satisfies TaskThreadData,
      // a task's buffers are a part of what its thread's heap holds: three times them, at least 512 MB
      heapMbFor: (memoryBytes) => Math.max(512, Math.ceil((memoryBytes * 3) / (1 << 20))),
      baseMemoryBytes: config.taskMemoryBytes,
      logger,
      onNotice: (notice, spec) => this.notice(notice, spec),
      onExit: (threadId) => abandonTextPoolBuild(textPool, threadId),
    });
  }

  /** The task threads' heap limits, MB. */
  get threadHeapLimitsMb(): number[] {
    return this.pool.heapLimitsMb;
  }

  static async start(config: WorkerConfig, logger?: Logger): Promise<Worker> {
    const log = logger ?? createLogger({ name: 'worker', bindings: { workerId: config.workerId } });
    await checkExchange(config.exchange); // a misconfigured bucket stops the start, naming it
    const membership = membershipFor(config.internalCommunication, {
      role: 'worker',
      sender: config.workerId,
      isInternal: (subject) => isMemberSubject(config.prefix, subject),
      logger: log,
    });
    const system = await ActorSystem.connect({
      servers: config.servers,
      prefix: config.prefix,
      name: config.workerId,
      logger: log,
      ...config.nats,
      ...(membership ? { membership } : {}),
    });
    const worker = new Worker(config, system, log);
    if (membership) worker.metrics.registry.registerMetric(membership.refusals);
    worker.listen();
    if (config.metricsPort !== undefined)
      worker.metricsServer = await serveMetrics(worker.metrics.registry, config.metricsPort, log);
    log.info({ slots: config.slots, prefix: config.prefix }, 'worker started');
    return worker;
  }

  get id(): string {
    return this.config.workerId;
  }

  /** The port of the metrics endpoint, when `metrics.port` is set. */
  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  private listen(): void {
    this.system.spawn(ClusterAddresses.worker(this.id), decodeCommand, (cmd) => this.command(cmd));
    // the failure detector's direct probe: a worker whose heartbeats are late proves it lives
    this.pingActor = this.system.spawn(ClusterAddresses.ping(this.id), decodePingRequest, (): PingReply => ({
      workerId: this.id,
      incarnation: this.incarnation,
    }));
    // a new leader's announcements, signed like every member subject's messages
    this.system.spawn(ClusterAddresses.leader, decodeLeaderAnnouncement, (a) => this.fence.observe(a.epoch));
    this.heartbeat();
    this.timer = setInterval(() => this.heartbeat(), this.config.heartbeatIntervalMs);
    for (const rule of this.config.failureInjection.worker) {
      this.injectionTimers.push(setTimeout(() => this.injected(rule.action, 'timer'), rule.afterMs));
    }
  }

  private heartbeat(leaving = false): void {
    if (this.silent) return;
    const hb: Heartbeat = {
      workerId: this.id,
      incarnation: this.incarnation,
      seq: ++this.seq,
      slots: this.config.slots,
      runningTasks: this.pool.busy,
      tasks: this.pool.running().map((t) => `${t.queryId}/${t.taskId}`),
      draining: this.draining,
      host: hostname(),
      pid: process.pid,
      rssBytes: process.memoryUsage.rss(),
      ...(this.config.memoryPoolBytes !== undefined ? { memoryBytes: this.config.memoryPoolBytes } : {}),
      reservedBytes: this.reservedBytes(),
      load: (loadavg()[0] ?? 0) / availableParallelism(),
      exchange: this.exchangeFingerprint,
      ...(this.fence.newestSeen !== undefined ? { epoch: this.fence.newestSeen } : {}),
      ...(leaving ? { leaving: true } : {}),
    };
    this.system.tell(ClusterAddresses.heartbeat, hb);
  }

  private command(cmd: CheckedCommand): RunTaskReply | CancelTasksReply {
    const stale = this.fence.admit(cmd);
    if (stale !== undefined) {
      this.metrics.staleCommands.inc({ command: cmd.type });
      return cmd.type === 'run' ? { accepted: false, reason: stale } : { cancelled: 0 };
    }
    switch (cmd.type) {
      case 'run':
        return this.accept(cmd.task);
      case 'cancel': {
        const ids = cmd.taskIds ? new Set(cmd.taskIds) : undefined;
        return {
          cancelled: this.pool.cancel((t) => t.queryId === cmd.queryId && (!ids || ids.has(t.taskId))),
        };
      }
    }
  }

  private accept(sealed: CheckedTask): RunTaskReply {
    const key = attemptKey(sealed);
    if (this.taken.has(key)) return { accepted: true };
    if (this.draining) return { accepted: false, reason: 'worker is draining' };
    if (!this.memoryFits(sealed.memoryLimitBytes))
      return { accepted: false, reason: 'not enough memory free' };
    const task = this.unsealed(sealed);
    traceMark(this.logger, 'task handed over', { queryId: task.queryId, taskId: task.taskId });
    const spill = this.taskSpill(task);
    const outcome = this.pool.run(task, spill);
    if (!outcome) {
      this.spillBudget.end(task.queryId, spill.lease);
      return { accepted: false, reason: 'no free task slot' };
    }
    const log = this.logger.child({
      queryId: task.queryId,
      stageId: task.stageId,
      taskId: task.taskId,
      attempt: task.attempt,
    });
    log.debug('task started');
    this.taken.add(key);
    if (this.taken.size > TAKEN_REMEMBERED) this.taken.delete(this.taken.values().next().value!);
    this.report(task, { state: 'RUNNING' });
    // the first progress report a second from now: a task that ends sooner reports only its end
    this.lastReport.set(key, Date.now());
    const done = outcome.then(async (r) => {
      traceMark(log, 'thread answered');
      // reported first: the outcome does not wait for the spill directory's removal
      this.finish(task, r, log);
      await this.endSpill(task, spill);
    });
    this.running.set(key, done);
    void done.finally(() => {
      this.running.delete(key);
      this.lastReport.delete(key);
    });
    return { accepted: true };
  }

  /** The memory limits of the running tasks, summed (heartbeats report it). */
  private reservedBytes(): number {
    return this.pool.running().reduce((n, t) => n + t.memoryLimitBytes, 0);
  }

  /**
   * Whether a task given `bytes` fits beside the running ones in the worker's memory pool. A task
   * larger than the whole pool fits nowhere here: the coordinator waits for a worker that has room
   * rather than overcommit this one.
   */
  private memoryFits(bytes: number): boolean {
    const pool = this.config.memoryPoolBytes;
    return pool === undefined || this.reservedBytes() + bytes <= pool;
  }

  /** Where a task may spill: its own directory (the roots taken in turn) and its counter slots. */
  private taskSpill(task: CheckedTask): TaskSpill {
    const root = this.spillRoots[this.spilledTasks++ % this.spillRoots.length]!;
    return {
      directory: join(root, `${task.queryId}.${task.taskId}`),
      lease: this.spillBudget.lease(task.queryId),
    };
  }

  /**
   * The task's thread is done with it: its spill directory goes (the thread deleted it, unless it
   * was terminated mid-task) and whatever its counters still hold is given back.
   */
  private async endSpill(task: CheckedTask, spill: TaskSpill): Promise<void> {
    await rm(spill.directory, { recursive: true, force: true }).catch((err: unknown) =>
      this.logger.warn({ err, taskId: task.taskId }, 'cannot remove spill directory'),
    );
    this.spillBudget.end(task.queryId, spill.lease);
  }

  /** The spec with its exchange key opened: it crosses NATS sealed with the cluster's shared secret. */
  private unsealed(task: CheckedTask): CheckedTask {
    const m = this.system.membership;
    const key = task.exchange.secretKey;
    if (!m || !key) return task;
    return { ...task, exchange: { ...task.exchange, secretKey: m.open(key, task.queryId) } };
  }

  private notice(n: ThreadNotice, task: CheckedTask): void {
    if (n.type === 'inject') return this.injected(n.action, task.taskId);
    const now = Date.now();
    if (now - (this.lastReport.get(attemptKey(task)) ?? 0) < PROGRESS_REPORT_MS) return;
    this.lastReport.set(attemptKey(task), now);
    this.report(task, {
      state: 'RUNNING',
      stats: { rowsIn: n.rowsIn, rowsOut: n.rowsOut, bytesOut: 0, wallMs: 0, peakMemoryBytes: 0 },
    });
  }

  private injected(action: 'CRASH' | 'STOP_HEARTBEATS', cause: string): void {
    this.logger.warn({ action, cause }, 'failure injection');
    if (action === 'STOP_HEARTBEATS') {
      // as cut off from the network: no heartbeats, and no answer to probes either
      this.silent = true;
      this.pingActor?.stop();
    } else process.kill(process.pid, 'SIGKILL');
  }

  private finish(task: CheckedTask, r: ThreadResponse, log: Logger): void {
    traceMark(log, 'reporting');
    this.metrics.tasks.inc({ outcome: r.type });
    this.metrics.spilledBytes.inc((r.type === 'finished' ? r.stats.spilledBytes : r.spilledBytes) ?? 0);
    if (r.type === 'finished') {
      this.metrics.spooledBytes.inc(r.stats.bytesOut);
      log.debug({ stats: r.stats }, 'task finished');
      this.report(task, { state: 'FINISHED', outputs: r.outputs, stats: r.stats });
    } else {
      log.warn({ error: r.error }, 'task failed');
      this.report(task, {
        state: 'FAILED',
        error: boundedError(r.error),
        ...(r.lostInput && r.lostInput.length <= 4096 ? { lostInput: r.lostInput } : {}),
      });
    }
    this.heartbeat();
  }

  private report(task: CheckedTask, update: TaskOutcome): void {
    const msg: TaskUpdate = {
      queryId: task.queryId,
      queryAttempt: task.queryAttempt,
      taskId: task.taskId,
      stageId: task.stageId,
      partition: task.partition,
      attempt: task.attempt,
      workerId: this.id,
      ...update,
    };
    this.system.tell(ClusterAddresses.taskStatus, msg);
    this.finals.add(msg);
  }

  /**
   * A coordinator has taken the lead under a newer epoch: it learns of this worker at once, and
   * reads again the outcomes its predecessor may have missed (it ignores those it knows). Running
   * tasks go on; their progress reports reach whoever leads.
   */
  private newLeader(epoch: number): void {
    if (this.silent) return;
    const finals = this.finals.recent();
    this.logger.info(
      { epoch, resent: finals.length },
      'new coordinator epoch: heartbeat and final reports sent again',
    );
    // the reports first: the new leader takes a task its worker's first heartbeat does not list as
    // running for lost, unless a final report of it came before (one connection keeps the order)
    for (const update of finals) this.system.tell(ClusterAddresses.taskStatus, update);
    this.heartbeat();
  }

  /** Stops taking tasks; with `drain`, lets running ones finish first; then leaves the cluster. */
  async stop(options: { drain?: boolean } = {}): Promise<void> {
    this.draining = true;
    this.heartbeat();
    if (options.drain && this.running.size > 0) {
      this.logger.info({ tasks: this.running.size }, 'draining: waiting for running tasks');
      await Promise.all(this.running.values());
    }
    if (this.timer) clearInterval(this.timer);
    for (const t of this.injectionTimers) clearTimeout(t);
    this.heartbeat(true);
    await this.pool.close();
    await Promise.all(this.spillRoots.map((d) => rm(d, { recursive: true, force: true }).catch(() => {})));
    await this.metricsServer?.close();
    await this.system.close();
    this.logger.info('worker stopped');
  }
}

/** An attempt's key on this worker: task ids repeat across queries. */
function attemptKey(task: { readonly queryId: string; readonly taskId: string }): string {
  return `${task.queryId}/${task.taskId}`;
}
