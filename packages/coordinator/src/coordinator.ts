import { randomUUID } from 'node:crypto';
import { QuarryError, createLogger, newQueryId, type ErrorData, type Logger } from '@quarry/common';
import { loadCatalogs, type Catalogs } from '@quarry/connectors';
import {
  checkExchange,
  createExchangeManager,
  exchangeCodecFor,
  generateExchangeKey,
  type ExchangeManager,
} from '@quarry/exchange';
import {
  ClusterAddresses,
  decodeHeartbeat,
  decodePingReply,
  decodeTaskUpdate,
  isMemberSubject,
  taskId,
  type Heartbeat,
  type TaskUpdate,
} from '@quarry/cluster-protocol';
import {
  Addresses,
  boundedError,
  decodeCancelRequest,
  decodeClusterInfoRequest,
  decodeQueriesRequest,
  decodeResultsRequest,
  type CancelReply,
  type CancelRequest,
  type QueriesRequest,
  type QueryListing,
  type ResultsPage,
  type ResultsRequest,
  type SubmitReply,
  type TaskRef,
} from '@quarry/protocol';
import {
  ActorSystem,
  ensureStream,
  isNoResponders,
  membershipFor,
  redactUrl,
  speaksFor,
  serveMetrics,
  streamName,
  type MetricsServer,
} from '@quarry/runtime';
import type { CatalogRegistry, Session } from '@quarry/sql';
import { AttemptStore } from './attempt-store.js';
import { Capabilities } from './capabilities.js';
import { clusterInfo, clusterLoad } from './cluster-views.js';
import type { CoordinatorConfig } from './config.js';
import { Intake } from './intake.js';
import { CoordinatorMetrics } from './metrics.js';
import { planQuery } from './planning.js';
import { QueryExecution } from './query.js';
import { QueryControl } from './query-control.js';
import { withSessionRetrySettings } from './retry-policy.js';
import { DEFAULT_TIME_LIMITS, exceededTimeLimit, sessionTimeLimits, type TimeLimits } from './time-limits.js';
import { parseSubmission } from './submission.js';
import { WorkerRegistry } from './worker-registry.js';

const TICK_MS = 100;
const DEFAULT_PROBE_TIMEOUT_MS = 2000;
/** How long the task reports a drained worker sent before leaving get to arrive. */
const LEAVE_GRACE_MS = 3000;
const DEFAULT_REQUIRED_WORKERS_MAX_WAIT_MS = 5 * 60_000;

export interface CoordinatorOptions {
  readonly logger?: Logger;
  readonly catalogs?: CatalogRegistry;
}

/**
 * The coordinator actor: takes submissions, plans them, schedules their tasks on workers, watches
 * workers' heartbeats, records every attempt in Redis, publishes status events and serves results.
 * What happens to a running query is `QueryControl`'s business. One coordinator per cluster.
 */
export class Coordinator {
  readonly id = `coordinator-${randomUUID().slice(0, 8)}`;
  private readonly queries = new Map<string, QueryExecution>();
  private readonly registry: WorkerRegistry;
  private readonly control: QueryControl;
  private timer: NodeJS.Timeout | undefined;
  private loadTimer: NodeJS.Timeout | undefined;
  private intake: Intake | undefined;
  /** Since when no worker (with a slot, not draining) has been in the registry. */
  private noWorkersSince: number | undefined;
  private metricsServer: MetricsServer | undefined;
  readonly metrics: CoordinatorMetrics;
  /** Issues and checks the capabilities that tie a query to the client that submitted it. */
  private readonly capabilities: Capabilities;

  private constructor(
    readonly config: CoordinatorConfig,
    private readonly system: ActorSystem,
    private readonly store: AttemptStore,
    private readonly exchange: ExchangeManager,
    private readonly catalogs: CatalogRegistry,
    private readonly logger: Logger,
  ) {
    this.capabilities = Capabilities.create({
      sharedSecret: config.internalCommunication?.sharedSecret,
      adminToken: config.adminToken,
    });
    this.registry = new WorkerRegistry({
      suspectAfterMs: config.heartbeatTimeoutMs,
      sweepIntervalMs: TICK_MS,
      // a probe's own outcome normally comes first; this only catches a probe that never reported
      probeDeadlineMs: (config.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS) * 2 + 1000,
    });
    this.metrics = new CoordinatorMetrics(() => this.queries.values(), this.registry, this.id);
    if (system.membership) this.metrics.registry.registerMetric(system.membership.refusals);
    system.invalid.register(this.metrics.registry);
    this.control = new QueryControl({
      config,
      system,
      store,
      exchange,
      registry: this.registry,
      catalogs,
      logger,
      schedule: () => this.schedule(),
      forget: (q) => this.forget(q),
      spooled: (bytes) => this.metrics.spooledBytes.inc(bytes),
    });
  }

  static async start(config: CoordinatorConfig, options: CoordinatorOptions = {}): Promise<Coordinator> {
    const logger = options.logger ?? createLogger({ name: 'coordinator' });
    await checkExchange(config.exchange); // a misconfigured bucket stops the start, naming it
    const membership = membershipFor(config.internalCommunication, {
      role: 'coordinator',
      sender: 'coordinator',
      isInternal: (subject) => isMemberSubject(config.prefix, subject),
      logger,
    });
    const system = await ActorSystem.connect({
      servers: config.servers,
      prefix: config.prefix,
      name: 'coordinator',
      logger,
      ...config.nats,
      ...(membership ? { membership } : {}),
    });
    const store = AttemptStore.connect(
      config.redisUrl,
      config.prefix,
      Math.ceil(config.recordRetentionMs / 1000),
      {
        ...(config.redisTlsCaFile ? { tlsCaFile: config.redisTlsCaFile } : {}),
      },
    );
    try {
      await store.redis.ping();
    } catch (e) {
      await store.close();
      await system.close();
      throw new QuarryError(
        'ATTEMPT_STORE_ERROR',
        `Cannot reach Redis at ${redactUrl(config.redisUrl)}: ${(e as Error).message}`,
      );
    }
    const c = new Coordinator(
      config,
      system,
      store,
      createExchangeManager(config.exchange),
      options.catalogs ?? loadCatalogs(config.catalogDir),
      logger,
    );
    await c.listen();
    if (config.metricsPort !== undefined)
      c.metricsServer = await serveMetrics(c.metrics.registry, config.metricsPort, logger);
    logger.info(
      { prefix: config.prefix, retryPolicy: config.retry.policy, exchange: config.exchange.baseDirectories },
      'coordinator started',
    );
    return c;
  }

  /** The port of the metrics endpoint, when `metrics.port` is set. */
  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  private async listen(): Promise<void> {
    const prefix = this.config.prefix;
    // Status events are kept for a while, so that a late subscriber can replay a query's history.
    await ensureStream(
      this.system.nc,
      {
        name: streamName(prefix, 'EVENTS'),
        subjects: [`${prefix}.query.*.status`],
        retention: 'limits',
        maxAgeMs: this.config.eventsRetentionMs,
      },
      this.logger,
    );
    const durable = await ensureStream(
      this.system.nc,
      {
        name: streamName(prefix, 'SUBMISSIONS'),
        subjects: [`${prefix}.query.submit`],
        retention: 'workqueue',
        maxAgeMs: 24 * 3_600_000,
        duplicateWindowMs: 120_000,
      },
      this.logger,
    );
    this.intake = new Intake({
      system: this.system,
      logger: this.logger,
      maxBytes: this.config.queryMaxLength * 4 + 64 * 1024,
      submit: (raw, size) => this.submit(raw, size),
      // an unreadable submission still gets an id and a FAILED event, for clients that only publish
      refused: (err) => {
        this.system.invalid.refused(this.system.subject(Addresses.submit), 'submitter', err);
        return this.control.fail(this.newQuery(newQueryId(), '', {}), err);
      },
      stream: durable ? streamName(prefix, 'SUBMISSIONS') : undefined,
    });
    await this.intake.start();
    // every message is decoded through its schema before a handler sees it (see ActorSystem), and a
    // member speaks only for itself: a heartbeat or task report names the worker that signed it
    const { system } = this;
    system.spawn(
      ClusterAddresses.heartbeat,
      decodeHeartbeat,
      speaksFor(
        (hb: Heartbeat) => hb.workerId,
        (hb) => this.heartbeat(hb),
      ),
    );
    system.spawn(
      ClusterAddresses.taskStatus,
      decodeTaskUpdate,
      speaksFor(
        (u: TaskUpdate) => u.workerId,
        (u) => this.taskUpdate(u),
      ),
    );
    system.spawn('query.*.results', decodeResultsRequest, (req, ctx) => this.results(ctx.subject, req), {
      acceptJson: true,
      sequential: false,
    });
    system.spawn('query.*.cancel', decodeCancelRequest, (req, ctx) => this.cancel(ctx.subject, req), {
      acceptJson: true,
    });
    system.spawn(
      Addresses.clusterInfo,
      decodeClusterInfoRequest,
      () => clusterInfo(this.id, this.registry, this.queries.values()),
      { acceptJson: true },
    );
    system.spawn(Addresses.queries, decodeQueriesRequest, (req) => this.recentQueries(req), {
      acceptJson: true,
    });
    this.timer = setInterval(() => this.guarded('tick', () => this.tick()), TICK_MS);
    void this.watchConnection().catch((e) => this.logger.warn({ err: e }, 'connection watch ended'));
    this.loadTimer = setInterval(
      () =>
        this.guarded('cluster load', () =>
          system.tell(Addresses.clusterLoad, clusterLoad(this.registry, this.queries.values())),
        ),
      1000,
    );
  }

  /** Runs a timer's work; what it throws is logged, never left to kill the process. */
  private guarded(what: string, work: () => void): void {
    try {
      work();
    } catch (e) {
      this.logger.error({ err: e }, `${what} failed`);
    }
  }

  // --- intake ------------------------------------------------------------------------------------

  private async submit(raw: unknown, size: number): Promise<SubmitReply> {
    let sub;
    try {
      sub = parseSubmission(raw, this.config.queryMaxLength);
    } catch (e) {
      this.system.invalid.refused(this.system.subject(Addresses.submit), 'submitter', e);
      const sql = typeof (raw as { sql?: unknown })?.sql === 'string' ? (raw as { sql: string }).sql : '';
      await this.control.fail(this.newQuery(newQueryId(), sql, {}), e);
      throw e;
    }
    const capability = this.capabilities.issue(
      sub.queryId,
      sub.clientSecret ?? Capabilities.randomClientSecret(),
    );
    const capabilityHash = Capabilities.hash(capability);
    // a query id this cluster has seen (maybe before a coordinator restart) runs once: a retry of the
    // same submission (same client secret) gets the same answer, anyone else is refused
    const existing = this.queries.get(sub.queryId);
    const claim = existing
      ? { claimed: false, capabilityHash: existing.capabilityHash }
      : await this.store.claimQuery(sub.queryId, capabilityHash);
    if (!claim.claimed) {
      this.capabilities.check(sub.queryId, claim.capabilityHash, { capability }, 'resubmitting');
      return { queryId: sub.queryId, capability };
    }
    let q: QueryExecution;
    try {
      q = this.newQuery(sub.queryId, sub.sql, sub.session);
    } catch (e) {
      await this.control.fail(this.newQuery(sub.queryId, sub.sql, {}), e);
      throw e;
    }
    q.capabilityHash = capabilityHash;
    q.logger.debug({ bytes: size }, 'query submitted');
    await this.store
      .createQuery(q.id, { sql: q.sql, retryPolicy: q.retry.policy, created: q.created })
      .catch((e) => q.logger.warn({ err: e }, 'cannot record query'));
    q.emit({ type: 'QUEUED', ...(this.config.eventsIncludeSql ? { sql: q.sql } : {}) });
    try {
      await planQuery(q, {
        catalogs: this.catalogs,
        slots: this.registry.totalSlots(),
        hashPartitionCount: this.config.hashPartitionCount,
        ...(this.config.maxStageCount !== undefined ? { maxStageCount: this.config.maxStageCount } : {}),
      });
    } catch (e) {
      await this.control.fail(q, e);
      throw e;
    }
    // planning yields to the event loop: the query may have been cancelled or timed out meanwhile
    if (q.done) return { queryId: q.id, capability };
    const late = exceededTimeLimit(q, q.timeLimits, Date.now());
    if (late) {
      await this.control.fail(q, late);
      return { queryId: q.id, capability };
    }
    q.state = 'RUNNING';
    q.executionStarted = Date.now();
    q.emitProgress();
    this.schedule();
    return { queryId: q.id, capability };
  }

  /** Registers a query; a session with bad retry settings throws (the caller fails the query). */
  private newQuery(id: string, sql: string, props: Readonly<Record<string, string>>): QueryExecution {
    const retry = withSessionRetrySettings(this.config.retry, props);
    const timeLimits = sessionLimits(this.config.timeLimits ?? DEFAULT_TIME_LIMITS, props);
    const session: Session = {
      ...(props['catalog'] ? { catalog: props['catalog'] } : {}),
      ...(props['schema'] ? { schema: props['schema'] } : {}),
      properties: props,
      now: new Date(),
      queryId: id,
      retryPolicy: retry.policy,
    };
    const q = new QueryExecution(
      id,
      sql,
      session,
      retry,
      timeLimits,
      this.system,
      this.logger.child({ queryId: id }),
      (e) => this.metrics.observe(e),
    );
    const key = this.config.exchange.encryptionEnabled ? generateExchangeKey() : undefined;
    const codec = exchangeCodecFor(this.config.exchange, retry.policy);
    q.exchange = { codec, ...(key ? { secretKey: key } : {}) };
    // the key crosses NATS only sealed: a subscriber without the shared secret learns nothing
    const sealed = key && this.system.membership ? this.system.membership.seal(key, id) : key;
    q.taskExchange = { codec, ...(sealed ? { secretKey: sealed } : {}) };
    this.queries.set(id, q);
    if (retry.policy === 'TASK' && !this.config.exchangeConfigured) {
      throw new QuarryError(
        'EXCHANGE_MANAGER_NOT_CONFIGURED',
        'retry_policy=TASK needs an exchange manager, and this cluster has none configured (exchange-manager.properties)',
      );
    }
    return q;
  }

  // --- scheduling --------------------------------------------------------------------------------

  private tick(): void {
    const { suspects, dead } = this.registry.sweep();
    for (const d of dead) this.workerLost(d.id, d.silentForMs);
    for (const s of suspects) void this.probe(s.id);
    const now = Date.now();
    if (this.registry.totalSlots() > 0) this.noWorkersSince = undefined;
    else this.noWorkersSince ??= now;
    for (const q of this.queries.values()) {
      const starved = this.starved(q, now);
      if (starved) {
        void this.control.fail(q, starved);
        continue;
      }
      const late = exceededTimeLimit(q, q.timeLimits, now);
      if (late) void this.control.fail(q, late);
      else if (q.state === 'RUNNING') this.control.checkProgress(q, now);
    }
    this.schedule();
  }

  /**
   * The error for a running query that has had no worker to run on for longer than
   * `query-manager.required-workers-max-wait` (counted from when the cluster lost its last worker or
   * the query started, whichever is later), as Trino words it; undefined otherwise.
   */
  private starved(q: QueryExecution, now: number): QuarryError | undefined {
    if (this.noWorkersSince === undefined || q.state !== 'RUNNING') return undefined;
    const waitMs = this.config.requiredWorkersMaxWaitMs ?? DEFAULT_REQUIRED_WORKERS_MAX_WAIT_MS;
    if (now - Math.max(this.noWorkersSince, q.executionStarted ?? q.created) <= waitMs) return undefined;
    return new QuarryError(
      'NO_NODES_AVAILABLE',
      `Insufficient active worker nodes. Waited ${(waitMs / 1000).toFixed(2)}s for at least 1 worker, but none is active (query-manager.required-workers-max-wait)`,
    );
  }

  /** Hands runnable tasks to workers with free slots, oldest query first. */
  private schedule(): void {
    const now = Date.now();
    for (const q of this.queries.values()) {
      if (q.state !== 'RUNNING' || !q.scheduler) continue;
      for (const task of q.scheduler.runnable(now)) {
        const worker = this.registry.pick(task.avoid);
        if (!worker) return;
        this.control.dispatch(q, task, worker.id);
      }
    }
  }

  // --- workers -----------------------------------------------------------------------------------

  private heartbeat(hb: Heartbeat): void {
    if (hb.leaving) {
      if (this.registry.has(hb.workerId)) {
        this.logger.info({ workerId: hb.workerId }, 'worker left (drained)');
        this.registry.remove(hb.workerId);
        // A drained worker reported every task before saying goodbye, but on another subject: those
        // reports may still be on their way. What still looks running there is failed only after a
        // grace period, and only as the attempts seen now (a finished one then stays finished).
        const refs = this.runningRefs(hb.workerId);
        if (refs.length > 0)
          setTimeout(
            () =>
              this.failRefs(refs, {
                code: 'REMOTE_HOST_GONE',
                type: 'EXTERNAL',
                message: `Worker ${hb.workerId} left`,
              }),
            LEAVE_GRACE_MS,
          ).unref();
      }
      return;
    }
    if (this.registry.heartbeat(hb)) {
      this.logger.info(
        { workerId: hb.workerId, slots: hb.slots, host: hb.host, pid: hb.pid },
        'worker joined',
      );
      this.schedule();
    }
  }

  /**
   * Asks a silent worker directly whether it lives. "No responders" is proof of death (its connection,
   * and so its subscription, is gone); no answer in time is death unless the coordinator itself
   * stalled meanwhile (the detector then has it probed again).
   */
  private async probe(workerId: string): Promise<void> {
    const sentAt = Date.now();
    const timeout = this.config.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    this.logger.info({ workerId }, 'worker silent: probing it');
    let lost: { id: string; silentForMs: number } | undefined;
    try {
      const reply = await this.system.ask(ClusterAddresses.ping(workerId), {}, timeout, decodePingReply);
      lost = this.registry.probeAnswered(workerId, reply.incarnation);
      if (!lost) this.metrics.probeAnswered();
    } catch (e) {
      lost = isNoResponders(e)
        ? this.registry.probeGone(workerId)
        : this.registry.probeUnanswered(workerId, sentAt);
    }
    if (lost) this.workerLost(lost.id, lost.silentForMs);
  }

  /** Follows the broker connection: while it is down nobody is judged, and the gap is forgiven. */
  private async watchConnection(): Promise<void> {
    for await (const s of this.system.nc.status()) {
      if (s.type === 'disconnect') this.registry.pauseDetection();
      else if (s.type === 'reconnect') this.registry.resumeDetection();
    }
  }

  private workerLost(workerId: string, silentForMs: number): void {
    this.logger.warn({ workerId, silentForMs }, 'worker lost: heartbeats stopped');
    this.metrics.workerLost();
    for (const q of this.queries.values()) {
      const running = q.scheduler?.runningOn(workerId) ?? [];
      if (q.state !== 'RUNNING' || running.length === 0) continue;
      const tasks = running.map((t) => ({
        taskId: taskId(t.stageId, t.partition, t.current!.attempt, q.queryAttempt),
        queryAttempt: q.queryAttempt,
        stageId: t.stageId,
        partition: t.partition,
        attempt: t.current!.attempt,
        workerId,
      }));
      q.emit({ type: 'WORKER_LOST', workerId, silentForMs, tasks });
    }
    this.failTasksOn(workerId, {
      code: 'REMOTE_HOST_GONE',
      type: 'EXTERNAL',
      message: `Worker ${workerId} stopped heartbeating (silent for ${silentForMs} ms)`,
    });
  }

  private failTasksOn(workerId: string, error: ErrorData): void {
    this.failRefs(this.runningRefs(workerId), error);
  }

  /** The task attempts the coordinator believes run on a worker now. */
  private runningRefs(workerId: string): { q: QueryExecution; ref: TaskRef }[] {
    const out: { q: QueryExecution; ref: TaskRef }[] = [];
    for (const q of this.queries.values()) {
      if (q.state !== 'RUNNING' || !q.scheduler) continue;
      for (const t of q.scheduler.runningOn(workerId)) {
        const attempt = t.current!.attempt;
        out.push({
          q,
          ref: {
            taskId: taskId(t.stageId, t.partition, attempt, q.queryAttempt),
            queryAttempt: q.queryAttempt,
            stageId: t.stageId,
            partition: t.partition,
            attempt,
            workerId,
          },
        });
      }
    }
    return out;
  }

  /** Fails these attempts (an attempt that has ended meanwhile is left as it ended). */
  private failRefs(refs: readonly { q: QueryExecution; ref: TaskRef }[], error: ErrorData): void {
    for (const { q, ref } of refs) q.mailbox.post(() => this.control.taskFailed(q, ref, error));
  }

  private taskUpdate(u: TaskUpdate): void {
    // the worker's final report frees its slot, whatever became of the query or the attempt
    if (u.state !== 'RUNNING') this.registry.release(u.workerId, `${u.queryId}/${u.taskId}`);
    const q = this.queries.get(u.queryId);
    if (q) q.mailbox.post(() => this.control.update(q, u));
  }

  /** Drops a finished or failed query and whatever of its data is left. */
  private forget(q: QueryExecution): void {
    if (this.queries.get(q.id) !== q) return;
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
    this.capabilities.check(queryId, q.capabilityHash, req, 'the results');
    const token = req.token ?? 0;
    if (q.state === 'FAILED') throw QuarryError.fromData(q.error!);
    if (q.state !== 'FINISHED' || !q.cursor)
      return { queryId, state: q.state, columns: q.columns, rows: [], nextToken: token };
    const cursor = q.cursor;
    const page = await q.mailbox.run(() => cursor.page(token));
    // after the last page: keep the query a little longer (a retry of that page), then drop it
    if (page.next === null) setTimeout(() => this.forget(q), 10_000).unref();
    return { queryId, state: q.state, columns: q.columns, rows: page.rows, nextToken: page.next };
  }

  /** `query.<id>.cancel`: fails a running query with USER_CANCELED. */
  private async cancel(subject: string, req: CancelRequest): Promise<CancelReply> {
    const queryId = subject.split('.').at(-2) ?? '';
    const q = this.queries.get(queryId);
    if (!q) throw new QuarryError('QUERY_NOT_FOUND', `Query ${queryId} not found`);
    this.capabilities.check(queryId, q.capabilityHash, req, 'canceling');
    if (q.done) return { canceled: false, state: q.state };
    await q.mailbox.run(() => this.control.fail(q, new QuarryError('USER_CANCELED', 'Query was canceled')));
    return { canceled: true, state: q.state };
  }

  /**
   * `coordinator.queries`: the most recent queries and their states, from Redis: all of them for an
   * admin token, else those whose capabilities the asker presents (its own).
   */
  private async recentQueries(req: QueriesRequest): Promise<QueryListing> {
    const limit = req.limit ?? 20;
    const own = this.capabilities.isAdmin(req.adminToken)
      ? undefined
      : new Set((req.capabilities ?? []).map((c) => Capabilities.hash(c)));
    const queries = await this.store.recentQueries(limit, own);
    // a recorded error may be longer than the listing's schema lets a client read: cut it
    return { queries: queries.map((q) => (q.error ? { ...q, error: boundedError(q.error) } : q)) };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.loadTimer) clearInterval(this.loadTimer);
    await this.intake?.stop();
    await this.metricsServer?.close();
    await this.exchange.close();
    await (this.catalogs as Partial<Catalogs>).close?.();
    await this.system.close();
    await this.store.close();
    this.logger.info('coordinator stopped');
  }
}

/** A session's time limits; a malformed duration is the session property's error. */
function sessionLimits(cluster: TimeLimits, props: Readonly<Record<string, string>>): TimeLimits {
  try {
    return sessionTimeLimits(cluster, props);
  } catch (e) {
    throw new QuarryError('INVALID_SESSION_PROPERTY', (e as Error).message, { cause: e });
  }
}
