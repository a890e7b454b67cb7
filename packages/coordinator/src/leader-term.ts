import { QuarryError, newQueryId, traceMark, type Logger } from '@quarry/common';
import type { ExchangeManager } from '@quarry/exchange';
import {
  ClusterAddresses,
  decodeHeartbeat,
  decodeTaskUpdate,
  type Heartbeat,
  type LeaderAnnouncement,
  type TaskUpdate,
} from '@quarry/cluster-protocol';
import {
  Addresses,
  decodeCancelRequest,
  decodeClusterInfoRequest,
  decodeQueriesRequest,
  decodeResultsRequest,
} from '@quarry/protocol';
import {
  PlainPublisher,
  StreamPublisher,
  speaksFor,
  streamName,
  type ActorSystem,
  type StoredPublisher,
} from '@quarry/runtime';
import type { CatalogRegistry, Session } from '@quarry/sql';
import type { AttemptStore } from './attempt-store.js';
import { Capabilities } from './capabilities.js';
import { ensureStreams } from './connect.js';
import { ClientRequests } from './client-requests.js';
import { clusterInfo, clusterLoad } from './cluster-views.js';
import type { CoordinatorConfig } from './config.js';
import { Intake } from './intake.js';
import type { Leadership } from './leadership.js';
import type { CoordinatorMetrics } from './metrics.js';
import { QueryJournal } from './query-journal.js';
import { Adoptions, finishTakeover, rebuildQueries, type RecoveryDeps } from './recovery.js';
import type { PlannerPool } from './planner-pool.js';
import { QueryStarts } from './query-starts.js';
import { QueryActor, type QueryDriver } from './query.js';
import type { RestoredPhase } from './query-lifecycle.js';
import { QueryControl } from './query-control.js';
import { placeTasks } from './placement.js';
import { sessionTaskMemory } from './task-memory.js';
import { withSessionRetrySettings } from './retry-policy.js';
import { DEFAULT_TIME_LIMITS, exceededTimeLimit } from './time-limits.js';
import { queryExchange, sessionLimits } from './query-setup.js';
import { WorkerRegistry } from './worker-registry.js';
import { DEFAULT_PROBE_TIMEOUT_MS, WorkerLiveness } from './workers.js';

/** What a leader's term is made of: the coordinator's parts, and a NATS connection of its own. */
export interface TermParts {
  readonly id: string;
  readonly epoch: number;
  readonly config: CoordinatorConfig;
  readonly system: ActorSystem;
  readonly store: AttemptStore;
  readonly exchange: ExchangeManager;
  readonly catalogs: CatalogRegistry;
  /** The coordinator's planner threads (they outlive terms). */
  readonly planner: PlannerPool;
  readonly logger: Logger;
  readonly leadership: Leadership;
  readonly metrics: CoordinatorMetrics;
}

const TICK_MS = 100;
const ANNOUNCE_MS = 1000;
/** Longest a new term waits for its planner threads to load before it takes submissions. */
const PLANNER_WARM_MAX_MS = 10_000;
/** How long a closing term waits for its last status events to be stored. */
const EVENTS_FLUSH_MS = 2000;

/**
 * One coordinator's term as the cluster's leader (coordinator.ts holds the lease and opens and
 * closes terms): takes submissions, plans them, schedules their tasks on workers, watches workers'
 * heartbeats, records every transition in Redis under its epoch, publishes status events and serves
 * results. It begins by rebuilding the queries an earlier leader left (recovery.ts). What happens
 * to a running query is `QueryControl`'s business.
 */
export class LeaderTerm {
  readonly id: string;
  readonly epoch: number;
  readonly queries = new Map<string, QueryActor>();
  readonly registry: WorkerRegistry;
  private readonly control: QueryControl;
  /** What each query actor hands its tasks' work to. */
  private readonly driver: QueryDriver;
  private readonly journal: QueryJournal;
  private timer: NodeJS.Timeout | undefined;
  private loadTimer: NodeJS.Timeout | undefined;
  private announceTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** During a takeover: the adopted attempts still to be confirmed by their workers' heartbeats. */
  private adoptions: Adoptions | undefined;
  /** Whether the cluster keeps status events in a JetStream stream (a new leader reads the last one's number). */
  eventsStream = false;
  /** Where the queries' status events go: the events stream when there is one, plain NATS otherwise. */
  private events: StoredPublisher;
  private intake: Intake | undefined;
  private readonly workers: WorkerLiveness;
  private readonly clients: ClientRequests;
  private readonly starts: QueryStarts;
  private readonly planner: PlannerPool;
  private readonly metrics: CoordinatorMetrics;
  private readonly leadership: Leadership;
  /** Issues and checks the capabilities that tie a query to the client that submitted it. */
  private readonly capabilities: Capabilities;

  readonly config: CoordinatorConfig;
  private readonly system: ActorSystem;
  private readonly store: AttemptStore;
  private readonly exchange: ExchangeManager;
  private readonly logger: Logger;

  constructor(parts: TermParts) {
    const { config, system, store, exchange, catalogs, logger } = parts;
    this.id = parts.id;
    this.epoch = parts.epoch;
    this.leadership = parts.leadership;
    this.metrics = parts.metrics;
    this.config = config;
    this.system = system;
    this.events = new PlainPublisher(system.nc);
    this.store = store;
    this.exchange = exchange;
    this.logger = logger;
    this.journal = new QueryJournal(store);
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
    this.control = new QueryControl({
      config,
      system,
      store,
      exchange,
      registry: this.registry,
      metrics: this.metrics,
      catalogs,
      logger,
      schedule: () => this.schedule(),
      forget: (q) => this.forget(q),
      spooled: (bytes) => this.metrics.spooledBytes.inc(bytes),
      journal: this.journal,
      // the term's own epoch, also while its lease is unsure: workers and the Redis scripts fence it,
      // and a command without one is refused as stale (the term then stood down for no reason)
      epoch: () => this.epoch,
      mayAct: () => this.mayAct(),
      stale: (reason) => this.leadership.depose(reason),
    });
    this.driver = {
      update: (q, u) => this.control.update(q, u),
      fail: (q, e) => this.control.fail(q, e),
      forget: (q) => this.forget(q),
    };
    this.clients = new ClientRequests({
      queries: this.queries,
      capabilities: this.capabilities,
      store,
    });
    this.planner = parts.planner;
    this.starts = new QueryStarts({
      config,
      system,
      store,
      capabilities: this.capabilities,
      control: this.control,
      registry: this.registry,
      catalogs,
      planner: parts.planner,
      logger,
      queries: this.queries,
      newQuery: (id, sql, props) => this.newQuery(id, sql, props),
      mayAct: () => this.mayAct(),
      open: () => !this.closed,
      schedule: () => this.schedule(),
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

  /** Listens on the coordinator's subjects, tells the workers who leads, and takes over what an earlier leader left. */
  async open(): Promise<void> {
    this.eventsStream = await ensureStreams(this.system, this.config, this.logger);
    // stored with acknowledgement, and sent again through a broker outage: a replay has no hole
    if (this.eventsStream)
      this.events = new StreamPublisher(this.system.nc, this.logger, { idPrefix: `${this.epoch}:` });
    const recovery: RecoveryDeps = {
      term: this,
      journal: this.journal,
      store: this.store,
      control: this.control,
      registry: this.registry,
      exchange: this.exchange,
      graceMs: Math.max(1500, 2 * this.config.heartbeatTimeoutMs),
      logger: this.logger,
    };
    // planner threads load while the queries are rebuilt; submissions are taken once they have
    // (or after PLANNER_WARM_MAX_MS), so that no first statement's reply waits for a thread to load
    const warming = this.planner.warm();
    // the queries are back before any report is read: none finds its query missing
    const rebuilt = await rebuildQueries(recovery);
    this.adoptions = new Adoptions(recovery, rebuilt.running);
    await this.listen(warming);
    // queries the last leader left waiting (or had not finished planning) start as admission allows
    this.starts.admit();
    this.announce();
    this.announceTimer = setInterval(() => this.guarded('announcement', () => this.announce()), ANNOUNCE_MS);
    this.schedule();
    this.metrics.tookOver(await finishTakeover(recovery, rebuilt, this.adoptions));
    this.adoptions = undefined;
  }

  /** Whether this term still speaks for the cluster: open, and its lease valid by its own clock. */
  mayAct(): boolean {
    return !this.closed && this.leadership.isLeader();
  }

  get systemForEvents(): ActorSystem {
    return this.system;
  }

  /** Tells workers (and standbys) who leads, under which epoch. */
  private announce(): void {
    if (!this.leadership.isLeader()) return;
    const message: LeaderAnnouncement = { coordinatorId: this.id, epoch: this.epoch, time: Date.now() };
    this.system.tell(ClusterAddresses.leader, message);
  }

  private async listen(warming: Promise<void>): Promise<void> {
    const prefix = this.config.prefix;
    const durable = this.eventsStream;
    this.intake = new Intake({
      system: this.system,
      logger: this.logger,
      maxBytes: this.config.queryMaxLength * 4 + 64 * 1024,
      submit: (raw, size, recorded) => this.starts.submit(raw, size, recorded),
      // an unreadable submission still gets an id and a FAILED event, for clients that only publish
      refused: (err) => {
        this.system.invalid.refused(this.system.subject(Addresses.submit), 'submitter', err);
        return this.control.fail(this.newQuery(newQueryId(), '', {}), err);
      },
      stream: durable ? streamName(prefix, 'SUBMISSIONS') : undefined,
    });
    // every message is decoded through its schema before a handler sees it (see ActorSystem), and a
    // member speaks only for itself: a heartbeat or task report names the worker that signed it
    const { system } = this;
    system.spawn(
      ClusterAddresses.heartbeat,
      decodeHeartbeat,
      speaksFor(
        (hb: Heartbeat) => hb.workerId,
        (hb) => {
          this.workers.heartbeat(hb);
          this.adoptions?.heard(hb.workerId, hb.epoch);
        },
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
      async () => ({
        ...clusterInfo(this.id, this.registry, this.queries.values()),
        coordinators: await this.leadership.coordinators().catch(() => []),
      }),
      { acceptJson: true },
    );
    system.spawn(Addresses.queries, decodeQueriesRequest, (req) => this.clients.recentQueries(req), {
      acceptJson: true,
    });
    await Promise.race([warming, new Promise((r) => setTimeout(r, PLANNER_WARM_MAX_MS).unref())]);
    if (this.closed) return; // stepped down meanwhile: the next leader takes the submissions
    await this.intake.start();
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

  // --- queries ---------------------------------------------------------------------------------

  /**
   * Registers a query; a session with bad retry settings throws (the caller fails the query).
   * `restored`: when it was submitted, its exchange key and the phase it was in, for a query an
   * earlier leader ran.
   */
  newQuery(
    id: string,
    sql: string,
    props: Readonly<Record<string, string>>,
    restored?: { created: number; taskKey: Uint8Array | undefined; phase: RestoredPhase },
  ): QueryActor {
    const retry = withSessionRetrySettings(this.config.retry, props);
    const timeLimits = sessionLimits(this.config.timeLimits ?? DEFAULT_TIME_LIMITS, props);
    sessionTaskMemory(props); // a bad value fails the query now, not at its first task
    const session: Session = {
      ...(props['catalog'] ? { catalog: props['catalog'] } : {}),
      ...(props['schema'] ? { schema: props['schema'] } : {}),
      properties: props,
      now: new Date(),
      queryId: id,
      retryPolicy: retry.policy,
      ...(restored ? { resumed: true } : {}),
    };
    const q = new QueryActor({
      id,
      sql,
      session,
      retry,
      timeLimits,
      system: this.system,
      events: this.events,
      logger: this.logger.child({ queryId: id }),
      journal: this.journal,
      driver: this.driver,
      observer: (e) => this.metrics.observe(e),
      mayAct: () => this.mayAct(),
      ...(restored ? { created: restored.created, phase: restored.phase } : {}),
    });
    Object.assign(
      q,
      queryExchange(this.config.exchange, this.system.membership, { id, policy: retry.policy }, restored),
    );
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
    // the failure detector keeps its cadence whatever the lease says: it measures this process's own
    // pauses by it, and forgives the workers' silence during one
    this.workers.sweep(now);
    // a leader whose lease ran out (a long pause, Redis slow) acts no more until it has renewed it
    if (!this.leadership.isLeader()) return this.leadership.renewSoon();
    for (const q of this.queries.values()) q.releaseHeldEvents();
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
    this.starts.admit();
    this.schedule();
  }

  /** Places runnable tasks, then speculative attempts, on workers with free slots (placement.ts). */
  schedule(): void {
    placeTasks(
      { queries: this.queries.values(), registry: this.registry, control: this.control },
      {
        now: Date.now(),
        speculation: this.config.speculation,
        noMatchingNodeMs: this.config.allowedNoMatchingNodeMs,
      },
    );
  }

  private taskUpdate(u: TaskUpdate): void {
    // the worker's final report frees its slot, whatever became of the query or the attempt
    if (u.state !== 'RUNNING') this.registry.release(u.workerId, `${u.queryId}/${u.taskId}`);
    const q = this.queries.get(u.queryId);
    if (q) traceMark(q.logger, 'report in', { taskId: u.taskId, state: u.state });
    q?.report(u);
  }

  /** Drops a finished or failed query and whatever of its data is left. */
  private forget(q: QueryActor): void {
    if (this.queries.get(q.id) !== q || !this.mayAct()) return;
    this.queries.delete(q.id);
    void this.store.forgetQuery(q.id).catch((e) => q.logger.warn({ err: e }, 'cannot forget query'));
    void this.exchange
      .deleteQuery(q.id)
      .catch((e) => q.logger.warn({ err: e }, 'cannot delete spooled data'));
  }

  /**
   * Ends the term: no more listening, timers or events. The queries stay in Redis for whoever leads
   * next; tasks keep running on the workers. The NATS connection is closed; the rest is the coordinator's.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.loadTimer) clearInterval(this.loadTimer);
    if (this.announceTimer) clearInterval(this.announceTimer);
    await this.intake?.stop().catch(() => {});
    // the last events (a query's FINISHED, say) are stored before the connection goes
    await this.events.flush(EVENTS_FLUSH_MS);
    this.events.close();
    await this.system.close();
  }
}
