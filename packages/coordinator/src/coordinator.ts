import { randomUUID } from 'node:crypto';
import { QuarryError, createLogger, newQueryId, type ErrorData, type Logger } from '@quarry/common';
import { defaultCatalogs } from '@quarry/connectors';
import { createExchangeManager, type ExchangeManager } from '@quarry/exchange';
import {
  Addresses,
  taskId,
  type ClusterInfo,
  type Heartbeat,
  type ResultsPage,
  type ResultsRequest,
  type RunTaskReply,
  type SubmitReply,
  type TaskSpec,
  type TaskUpdate,
  type WorkerCommand,
} from '@quarry/protocol';
import { ActorSystem } from '@quarry/runtime';
import {
  PlannerMetadata,
  parseStatement,
  planDistributed,
  typeToString,
  type CatalogRegistry,
  type DistributedPlan,
  type PlanNode,
  type Session,
  type Split,
} from '@quarry/sql';
import { AttemptStore } from './attempt-store.js';
import type { CoordinatorConfig } from './config.js';
import { QueryExecution } from './query.js';
import { ResultCursor } from './results.js';
import { QueryScheduler, type TaskRecord } from './scheduler.js';
import { parseSubmission } from './submission.js';
import { WorkerRegistry } from './worker-registry.js';

const TICK_MS = 100;
const DISPATCH_TIMEOUT_MS = 5000;
const MAX_HASH_PARTITIONS = 50;

export interface CoordinatorOptions {
  readonly logger?: Logger;
  readonly catalogs?: CatalogRegistry;
}

/**
 * The coordinator actor: takes submissions, plans them, schedules their tasks on workers, records
 * every attempt in Redis, publishes status events and serves results. One per cluster.
 */
export class Coordinator {
  readonly id = `coordinator-${randomUUID().slice(0, 8)}`;
  private readonly queries = new Map<string, QueryExecution>();
  private readonly registry: WorkerRegistry;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly config: CoordinatorConfig,
    private readonly system: ActorSystem,
    private readonly store: AttemptStore,
    private readonly exchange: ExchangeManager,
    private readonly catalogs: CatalogRegistry,
    private readonly logger: Logger,
  ) {
    this.registry = new WorkerRegistry(config.heartbeatTimeoutMs);
  }

  static async start(config: CoordinatorConfig, options: CoordinatorOptions = {}): Promise<Coordinator> {
    const logger = options.logger ?? createLogger({ name: 'coordinator' });
    const system = await ActorSystem.connect({
      servers: config.servers,
      prefix: config.prefix,
      name: 'coordinator',
      logger,
    });
    const store = AttemptStore.connect(
      config.redisUrl,
      config.prefix,
      Math.ceil(config.recordRetentionMs / 1000),
    );
    try {
      await store.redis.ping();
    } catch (e) {
      await store.close();
      await system.close();
      throw new QuarryError(
        'ATTEMPT_STORE_ERROR',
        `Cannot reach Redis at ${config.redisUrl}: ${(e as Error).message}`,
      );
    }
    const c = new Coordinator(
      config,
      system,
      store,
      createExchangeManager(config.exchange),
      options.catalogs ?? defaultCatalogs(),
      logger,
    );
    c.listen();
    logger.info({ prefix: config.prefix, exchange: config.exchange.baseDirectories }, 'coordinator started');
    return c;
  }

  private listen(): void {
    const maxBytes = this.config.queryMaxLength * 4 + 64 * 1024;
    this.system.spawn('query.submit', (msg: unknown, ctx) => this.submit(msg, ctx.size), {
      acceptJson: true,
      maxMessageBytes: maxBytes,
      // an unreadable submission still gets an id and a FAILED event, for clients that only publish
      onRefused: (err) => void this.failQuery(this.newQuery(newQueryId(), '', {}), err),
    });
    this.system.spawn('worker.heartbeat', (hb: Heartbeat) => this.heartbeat(hb));
    this.system.spawn('coordinator.task-status', (u: TaskUpdate) => this.taskUpdate(u));
    this.system.spawn('query.*.results', (req: ResultsRequest, ctx) => this.results(ctx.subject, req), {
      acceptJson: true,
      sequential: false,
    });
    this.system.spawn(Addresses.clusterInfo, () => this.info());
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  // --- intake ------------------------------------------------------------------------------------

  private async submit(raw: unknown, size: number): Promise<SubmitReply> {
    let sub;
    try {
      sub = parseSubmission(raw, this.config.queryMaxLength);
    } catch (e) {
      // No usable submission: still give the failure an id and an event, so publish-only clients see it.
      const q = this.newQuery(
        newQueryId(),
        typeof (raw as { sql?: unknown })?.sql === 'string' ? (raw as { sql: string }).sql : '',
        {},
      );
      await this.failQuery(q, e);
      throw e;
    }
    const existing = this.queries.get(sub.queryId);
    if (existing) return { queryId: existing.id };
    const q = this.newQuery(sub.queryId, sub.sql, sub.session);
    q.logger.debug({ bytes: size }, 'query submitted');
    await this.store
      .createQuery(q.id, { sql: q.sql, retryPolicy: 'NONE', created: q.created })
      .catch((e) => q.logger.warn({ err: e }, 'cannot record query'));
    q.emit({ type: 'QUEUED', sql: q.sql });
    try {
      await this.plan(q);
    } catch (e) {
      await this.failQuery(q, e);
      throw e;
    }
    q.state = 'RUNNING';
    q.emitProgress();
    this.schedule();
    return { queryId: q.id };
  }

  private newQuery(id: string, sql: string, props: Readonly<Record<string, string>>): QueryExecution {
    const session: Session = {
      ...(props['catalog'] ? { catalog: props['catalog'] } : {}),
      ...(props['schema'] ? { schema: props['schema'] } : {}),
      properties: props,
      now: new Date(),
    };
    const q = new QueryExecution(id, sql, session, this.system, this.logger.child({ queryId: id }));
    this.queries.set(id, q);
    return q;
  }

  private async plan(q: QueryExecution): Promise<void> {
    q.state = 'PLANNING';
    q.emit({ type: 'PLANNING' });
    const statement = parseStatement(q.sql);
    const metadata = await PlannerMetadata.load(statement, this.catalogs, q.session);
    const plan = planDistributed(statement, metadata);
    const slots = Math.max(1, this.registry.totalSlots());
    const splits = await this.splits(plan, slots);
    const partitions =
      sessionInt(q.session, 'hash_partition_count') ??
      (this.config.hashPartitionCount || Math.min(MAX_HASH_PARTITIONS, slots));
    q.scheduler = new QueryScheduler(plan, splits, partitions);
    q.columns = plan.columns.map((c) => ({ name: c.name, type: typeToString(c.type) }));
    q.logger.debug({ stages: plan.fragments.length, partitions }, 'query planned');
  }

  /** Splits of each source stage, grouped into one list per task. */
  private async splits(plan: DistributedPlan, slots: number): Promise<Map<number, Split[][]>> {
    const out = new Map<number, Split[][]>();
    for (const f of plan.fragments) {
      if (f.distribution !== 'source') continue;
      const scan = findScan(f.root);
      if (!scan) continue;
      const connector = this.catalogs.get(scan.table.catalog);
      if (!connector) throw new QuarryError('CATALOG_NOT_FOUND', `Catalog '${scan.table.catalog}' not found`);
      const splits = await connector.splits(scan.table, { targetSplits: slots });
      const tasks = Math.max(1, Math.min(splits.length, slots));
      const groups: Split[][] = Array.from({ length: tasks }, () => []);
      splits.forEach((s, i) => groups[i % tasks]!.push(s));
      out.set(f.id, groups);
    }
    return out;
  }

  // --- scheduling --------------------------------------------------------------------------------

  private tick(): void {
    for (const dead of this.registry.sweep()) this.workerLost(dead.id, dead.silentForMs);
    this.schedule();
  }

  /** Hands runnable tasks to workers with free slots, oldest query first. */
  private schedule(): void {
    for (const q of this.queries.values()) {
      if (q.state !== 'RUNNING' || !q.scheduler) continue;
      for (const task of q.scheduler.runnable()) {
        const worker = this.registry.pick();
        if (!worker) return;
        this.dispatch(q, task, worker.id);
      }
    }
  }

  private dispatch(q: QueryExecution, task: TaskRecord, workerId: string): void {
    const scheduler = q.scheduler!;
    const attempt = scheduler.start(task, workerId, Date.now());
    this.registry.assign(workerId);
    const stage = scheduler.stage(task.stageId);
    const spec: TaskSpec = {
      queryId: q.id,
      taskId: taskId(task.stageId, task.partition, attempt),
      stageId: task.stageId,
      partition: task.partition,
      attempt,
      fragment: stage.fragment,
      splits: task.splits,
      inputs: scheduler.inputsFor(task),
      output: { exchangeId: `s${task.stageId}`, partitionCount: stage.outputPartitions },
      memoryLimitBytes: this.config.taskMemoryBytes,
    };
    q.mailbox.post(async () => {
      await this.store
        .startAttempt(q.id, task.stageId, task.partition, attempt, workerId)
        .catch((e) => q.logger.warn({ err: e }, 'cannot record attempt'));
      let reply: RunTaskReply;
      try {
        reply = await this.system.ask<RunTaskReply>(
          Addresses.worker(workerId),
          { type: 'run', task: spec } satisfies WorkerCommand,
          DISPATCH_TIMEOUT_MS,
        );
      } catch (e) {
        this.registry.release(workerId);
        await this.taskFailed(
          q,
          task.stageId,
          task.partition,
          attempt,
          workerId,
          QuarryError.wrap(e, 'REMOTE_HOST_GONE').toData(),
        );
        return;
      }
      if (!reply.accepted) {
        q.logger.debug({ workerId, reason: reply.reason }, 'worker refused task');
        this.registry.release(workerId);
        scheduler.unstart(task, attempt);
        await this.store
          .failAttempt(q.id, task.stageId, task.partition, attempt, {
            code: 'NO_NODES_AVAILABLE',
            type: 'INSUFFICIENT_RESOURCES',
            message: `refused: ${reply.reason ?? ''}`,
          })
          .catch(() => {});
        return;
      }
      q.emitProgress({
        taskId: spec.taskId,
        stageId: task.stageId,
        partition: task.partition,
        attempt,
        workerId,
        state: 'RUNNING',
      });
    });
  }

  // --- task and worker events --------------------------------------------------------------------

  private heartbeat(hb: Heartbeat): void {
    if (this.registry.heartbeat(hb)) {
      this.logger.info(
        { workerId: hb.workerId, slots: hb.slots, host: hb.host, pid: hb.pid },
        'worker joined',
      );
      this.schedule();
    }
  }

  private taskUpdate(u: TaskUpdate): void {
    const q = this.queries.get(u.queryId);
    if (!q?.scheduler) return;
    if (u.state === 'RUNNING') return;
    q.mailbox.post(async () => {
      if (u.state === 'FINISHED') await this.taskFinished(q, u);
      else
        await this.taskFailed(
          q,
          u.stageId,
          u.partition,
          u.attempt,
          u.workerId,
          u.error ?? {
            code: 'GENERIC_INTERNAL_ERROR',
            type: 'INTERNAL_ERROR',
            message: 'task failed without an error',
          },
        );
    });
  }

  private async taskFinished(q: QueryExecution, u: TaskUpdate): Promise<void> {
    const scheduler = q.scheduler!;
    if (scheduler.finished(u.stageId, u.partition, u.attempt, u.outputs ?? [], u.stats) === 'stale') {
      q.logger.debug({ taskId: u.taskId, workerId: u.workerId }, 'ignoring stale task report');
      return;
    }
    this.registry.release(u.workerId);
    await this.store
      .finishAttempt(q.id, u.stageId, u.partition, u.attempt, u.stats)
      .catch((e) => q.logger.warn({ err: e }, 'cannot record attempt'));
    q.emitProgress({
      taskId: u.taskId,
      stageId: u.stageId,
      partition: u.partition,
      attempt: u.attempt,
      workerId: u.workerId,
      state: 'FINISHED',
    });
    if (scheduler.done) await this.queryFinished(q);
    else this.schedule();
  }

  private async taskFailed(
    q: QueryExecution,
    stageId: number,
    partition: number,
    attempt: number,
    workerId: string,
    error: ErrorData,
  ): Promise<void> {
    const scheduler = q.scheduler!;
    if (scheduler.failed(stageId, partition, attempt) === 'stale') return;
    this.registry.release(workerId);
    await this.store
      .failAttempt(q.id, stageId, partition, attempt, error)
      .catch((e) => q.logger.warn({ err: e }, 'cannot record attempt'));
    q.emitProgress({
      taskId: taskId(stageId, partition, attempt),
      stageId,
      partition,
      attempt,
      workerId,
      state: 'FAILED',
    });
    // Retry policy NONE: the first task failure fails the query.
    await this.failQuery(q, QuarryError.fromData(error));
  }

  private workerLost(workerId: string, silentForMs: number): void {
    this.logger.warn({ workerId, silentForMs }, 'worker lost: heartbeats stopped');
    const error: ErrorData = {
      code: 'REMOTE_HOST_GONE',
      type: 'EXTERNAL',
      message: `Worker ${workerId} stopped heartbeating (silent for ${silentForMs} ms)`,
    };
    for (const q of this.queries.values()) {
      if (q.state !== 'RUNNING' || !q.scheduler) continue;
      for (const t of q.scheduler.runningOn(workerId)) {
        const attempt = t.current!.attempt;
        q.mailbox.post(() => this.taskFailed(q, t.stageId, t.partition, attempt, workerId, error));
      }
    }
  }

  private async queryFinished(q: QueryExecution): Promise<void> {
    const root = q.scheduler!.rootTask();
    const types = q.scheduler!.plan.columns.map((c) => c.type);
    q.cursor = new ResultCursor(this.exchange, root.winner?.outputs ?? [], types, this.config.resultPageRows);
    q.finish(root.winner?.stats?.rowsOut ?? 0);
    await this.store
      .endQuery(q.id, 'FINISHED', q.elapsedMs)
      .catch((e) => q.logger.warn({ err: e }, 'cannot record query end'));
    await this.cleanup(q, false);
  }

  private async failQuery(q: QueryExecution, e: unknown): Promise<void> {
    if (q.fail(e)) await this.cleanup(q, true);
  }

  /**
   * Deletes a query's spooled data: everything at once when it failed; when it finished, the
   * intermediate stages now and the result once it was read or `query.client.timeout` passed.
   */
  private async cleanup(q: QueryExecution, all: boolean): Promise<void> {
    if (all) {
      await this.store.endQuery(q.id, 'FAILED', q.elapsedMs, q.error).catch(() => {});
      for (const w of this.registry.list()) {
        this.system
          .ask(Addresses.worker(w.id), { type: 'cancel', queryId: q.id } satisfies WorkerCommand, 2000)
          .catch(() => {});
      }
      // give cancelled tasks a moment to abort their sinks, then remove what is left
      setTimeout(
        () =>
          void this.exchange
            .deleteQuery(q.id)
            .catch((e) => q.logger.warn({ err: e }, 'cannot delete spooled data')),
        1000,
      ).unref();
      setTimeout(() => this.forget(q), this.config.resultRetentionMs).unref();
    } else {
      const rootId = q.scheduler!.plan.rootId;
      for (const s of q.scheduler!.stages.values()) {
        if (s.fragment.id === rootId) continue;
        for (const t of s.tasks) {
          if (t.winner) {
            const id = {
              queryId: q.id,
              exchangeId: `s${s.fragment.id}`,
              exchangeOrdinal: s.fragment.id,
              taskPartition: t.partition,
              attempt: t.winner.attempt,
            };
            await this.exchange
              .deleteAttempt(id)
              .catch((e) => q.logger.warn({ err: e }, 'cannot delete spooled data'));
          }
        }
      }
      setTimeout(() => this.forget(q), this.config.resultRetentionMs).unref();
    }
  }

  /** Drops a finished query and its remaining data. */
  private forget(q: QueryExecution): void {
    if (!this.queries.has(q.id)) return;
    this.queries.delete(q.id);
    void this.exchange
      .deleteQuery(q.id)
      .catch((e) => q.logger.warn({ err: e }, 'cannot delete spooled data'));
  }

  // --- results and info --------------------------------------------------------------------------

  private async results(subject: string, req: ResultsRequest): Promise<ResultsPage> {
    const queryId = subject.split('.').at(-2) ?? '';
    const q = this.queries.get(queryId);
    if (!q)
      throw new QuarryError('QUERY_NOT_FOUND', `Query ${queryId} not found (unknown, or its result expired)`);
    const token = Number(req?.token ?? 0);
    if (!Number.isInteger(token) || token < 0)
      throw new QuarryError('INVALID_SUBMISSION', `Invalid result token: ${String(req?.token)}`);
    if (q.state === 'FAILED') throw QuarryError.fromData(q.error!);
    if (q.state !== 'FINISHED' || !q.cursor)
      return { queryId, state: q.state, columns: q.columns, rows: [], nextToken: token };
    const cursor = q.cursor;
    const page = await q.mailbox.run(() => cursor.page(token));
    if (page.next === null) setTimeout(() => this.forget(q), 10_000).unref();
    return { queryId, state: q.state, columns: q.columns, rows: page.rows, nextToken: page.next };
  }

  private info(): ClusterInfo {
    const queries = [...this.queries.values()];
    return {
      coordinatorId: this.id,
      workers: this.registry.list().map((w) => ({
        workerId: w.id,
        slots: w.heartbeat.slots,
        runningTasks: w.assigned,
        draining: w.heartbeat.draining,
        heartbeatAgeMs: w.heartbeatAgeMs,
        host: w.heartbeat.host,
        pid: w.heartbeat.pid,
      })),
      queries: {
        running: queries.filter((q) => q.state === 'RUNNING').length,
        queued: queries.filter((q) => q.state === 'QUEUED' || q.state === 'PLANNING').length,
      },
    };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.system.close();
    await this.store.close();
    this.logger.info('coordinator stopped');
  }
}

function findScan(node: PlanNode): Extract<PlanNode, { kind: 'TableScan' }> | undefined {
  if (node.kind === 'TableScan') return node;
  return 'input' in node ? findScan(node.input) : undefined;
}

function sessionInt(session: Session, name: string): number | undefined {
  const raw = session.properties[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new QuarryError(
      'INVALID_SESSION_PROPERTY',
      `Session property ${name}='${raw}' is invalid: expected an integer in [1, 1000]`,
    );
  }
  return n;
}
