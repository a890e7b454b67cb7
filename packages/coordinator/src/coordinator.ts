import { randomUUID } from 'node:crypto';
import { QuarryError, createLogger, newQueryId, type Logger } from '@quarry/common';
import { loadCatalogs, type Catalogs } from '@quarry/connectors';
import {
  createExchangeManager,
  exchangeCodecFor,
  generateExchangeKey,
  type ExchangeManager,
} from '@quarry/exchange';
import {
  ClusterAddresses,
  decodeHeartbeat,
  decodeTaskUpdate,
  type Heartbeat,
  type TaskUpdate,
} from '@quarry/cluster-protocol';
import {
  Addresses,
  decodeCancelRequest,
  decodeClusterInfoRequest,
  decodeQueriesRequest,
  decodeResultsRequest,
  type SubmitReply,
} from '@quarry/protocol';
import { ActorSystem, speaksFor, serveMetrics, streamName, type MetricsServer } from '@quarry/runtime';
import type { CatalogRegistry, Session } from '@quarry/sql';
import { AttemptStore } from './attempt-store.js';
import { Capabilities } from './capabilities.js';
import { connectCoordinator, ensureStreams } from './connect.js';
import { ClientRequests } from './client-requests.js';
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
import { DEFAULT_PROBE_TIMEOUT_MS, WorkerLiveness } from './workers.js';

/** What a coordinator is made of (see `Coordinator.start`). */
interface CoordinatorParts {
  readonly config: CoordinatorConfig;
  readonly system: ActorSystem;
  readonly store: AttemptStore;
  readonly exchange: ExchangeManager;
  readonly catalogs: CatalogRegistry;
  readonly logger: Logger;
}

const TICK_MS = 100;

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
  private readonly workers: WorkerLiveness;
  private readonly clients: ClientRequests;
  private metricsServer: MetricsServer | undefined;
  readonly metrics: CoordinatorMetrics;
  /** Issues and checks the capabilities that tie a query to the client that submitted it. */
  private readonly capabilities: Capabilities;

  readonly config: CoordinatorConfig;
  private readonly system: ActorSystem;
  private readonly store: AttemptStore;
  private readonly exchange: ExchangeManager;
  private readonly catalogs: CatalogRegistry;
  private readonly logger: Logger;

  private constructor(parts: CoordinatorParts) {
    const { config, system, store, exchange, catalogs, logger } = parts;
    this.config = config;
    this.system = system;
    this.store = store;
    this.exchange = exchange;
    this.catalogs = catalogs;
    this.logger = logger;
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
    this.clients = new ClientRequests({
      queries: this.queries,
      capabilities: this.capabilities,
      store,
      control: this.control,
      forget: (q) => this.forget(q),
    });
    this.workers = new WorkerLiveness({
      config,
      system,
      registry: this.registry,
      control: this.control,
      metrics: this.metrics,
      logger,
      queries: () => this.queries.values(),
      schedule: () => this.schedule(),
    });
  }

  static async start(config: CoordinatorConfig, options: CoordinatorOptions = {}): Promise<Coordinator> {
    const logger = options.logger ?? createLogger({ name: 'coordinator' });
    const { system, store } = await connectCoordinator(config, logger);
    const c = new Coordinator({
      config,
      system,
      store,
      exchange: createExchangeManager(config.exchange),
      catalogs: options.catalogs ?? loadCatalogs(config.catalogDir),
      logger,
    });
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
    const durable = await ensureStreams(this.system, this.config, this.logger);
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
        (hb) => this.workers.heartbeat(hb),
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
    system.spawn(
      'query.*.results',
      decodeResultsRequest,
      (req, ctx) => this.clients.results(ctx.subject, req),
      {
        acceptJson: true,
        sequential: false,
      },
    );
    system.spawn('query.*.cancel', decodeCancelRequest, (req, ctx) => this.clients.cancel(ctx.subject, req), {
      acceptJson: true,
    });
    system.spawn(
      Addresses.clusterInfo,
      decodeClusterInfoRequest,
      () => clusterInfo(this.id, this.registry, this.queries.values()),
      { acceptJson: true },
    );
    system.spawn(Addresses.queries, decodeQueriesRequest, (req) => this.clients.recentQueries(req), {
      acceptJson: true,
    });
    this.timer = setInterval(() => this.guarded('tick', () => this.tick()), TICK_MS);
    void this.workers.watchConnection().catch((e) => this.logger.warn({ err: e }, 'connection watch ended'));
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
    const q = new QueryExecution({
      id,
      sql,
      session,
      retry,
      timeLimits,
      system: this.system,
      logger: this.logger.child({ queryId: id }),
      observer: (e) => this.metrics.observe(e),
    });
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
    const now = Date.now();
    this.workers.sweep(now);
    for (const q of this.queries.values()) {
      const starved = this.workers.starved(q, now);
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
