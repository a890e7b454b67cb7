import { randomUUID } from 'node:crypto';
import { createLogger, parseDataSize, type Logger } from '@quarry/common';
import { loadCatalogs, type Catalogs } from '@quarry/connectors';
import { createExchangeManager, type ExchangeManager } from '@quarry/exchange';
import { serveMetrics, type MetricsServer } from '@quarry/runtime';
import type { CatalogRegistry } from '@quarry/sql';
import type { AttemptStore } from './attempt-store.js';
import type { CoordinatorConfig } from './config.js';
import { connectStore, connectSystem, redisPersistence } from './connect.js';
import { LeaderTerm } from './leader-term.js';
import { Leadership } from './leadership.js';
import { CoordinatorMetrics } from './metrics.js';
import { PlannerPool } from './planner-pool.js';
import { WithSystemCatalog } from './system/system-connector.js';
import { DEFAULT_PLANNER_HEAP, DEFAULT_PLANNER_THREADS } from './config.js';

export interface CoordinatorOptions {
  readonly logger?: Logger;
  readonly catalogs?: CatalogRegistry;
}

const DEFAULT_LEASE_TIMEOUT_MS = 1500;

/**
 * A coordinator process. Any number run side by side; one leads, through a lease in Redis
 * (leadership.ts), and the others stand by, watching the lease. The leader's work is a
 * `LeaderTerm`: opened when this coordinator takes the lease (it first takes over the queries an
 * earlier leader left), closed when it loses it. A standby subscribes to nothing: clients reach
 * whichever coordinator leads. Metrics are served the whole time, and say whether it leads.
 */
export class Coordinator {
  readonly id = `coordinator-${randomUUID().slice(0, 8)}`;
  readonly metrics: CoordinatorMetrics;
  private readonly leadership: Leadership;
  private term: LeaderTerm | undefined;
  /** Terms open and close one after the other. */
  private terms: Promise<void> = Promise.resolve();
  private metricsServer: MetricsServer | undefined;
  private stopping = false;

  private constructor(
    readonly config: CoordinatorConfig,
    private readonly parts: {
      store: AttemptStore;
      exchange: ExchangeManager;
      catalogs: CatalogRegistry;
      planner: PlannerPool;
      logger: Logger;
    },
  ) {
    this.metrics = new CoordinatorMetrics(
      () => this.term?.queries.values() ?? [],
      () => this.term?.registry,
      this.id,
    );
    this.leadership = new Leadership({
      redis: parts.store.redis,
      prefix: config.prefix,
      coordinatorId: this.id,
      leaseTimeoutMs: config.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS,
      logger: parts.logger,
      elected: (epoch) => this.queue(() => this.openTerm(epoch)),
      deposed: () => this.queue(() => this.closeTerm()),
    });
    parts.planner.onRestart = (reason) => this.metrics.plannerRestarts.inc({ reason });
    parts.store.fenced.onStale = () =>
      this.leadership.depose('Redis refused a write: a newer leader took over');
  }

  /**
   * Starts a coordinator: it leads at once when no other does (and then resolves once its term is
   * open and the queries of an earlier leader are taken over), or stands by.
   */
  static async start(config: CoordinatorConfig, options: CoordinatorOptions = {}): Promise<Coordinator> {
    const logger = options.logger ?? createLogger({ name: 'coordinator' });
    const store = await connectStore(config);
    // what a term will need, checked now: a missing shared secret or an unreachable NATS stops the
    // start with its error, even for a coordinator that only stands by
    try {
      await (await connectSystem(config, logger)).close();
    } catch (e) {
      await store.close();
      throw e;
    }
    // the system catalog reads the coordinator's state, once there is a coordinator
    const built: { c?: Coordinator } = {};
    const catalogs = new WithSystemCatalog(options.catalogs ?? loadCatalogs(config.catalogDir), {
      store,
      term: () => built.c?.term,
      coordinators: async () => (built.c ? built.c.leadership.coordinators() : []),
    });
    const c = new Coordinator(config, {
      store,
      exchange: createExchangeManager(config.exchange),
      catalogs,
      planner: new PlannerPool({
        size: config.plannerThreads ?? DEFAULT_PLANNER_THREADS,
        heapMb: Math.ceil(
          (config.plannerHeapBytes ?? parseDataSize(DEFAULT_PLANNER_HEAP, 'coordinator.planner-heap-size')) /
            (1024 * 1024),
        ),
        catalogs,
        logger,
      }),
      logger,
    });
    built.c = c;
    const persistence = await redisPersistence(store.redis);
    if (!persistence?.persistent)
      logger.warn(
        { redis: persistence?.detail ?? 'CONFIG GET refused' },
        persistence
          ? 'Redis keeps no data across a restart: after one, running queries cannot be taken over and an old query id could run again; run it with --appendonly yes'
          : 'cannot tell whether Redis keeps its data across a restart (CONFIG GET refused); it must, with --appendonly yes, or a Redis restart loses running queries',
      );
    if (config.metricsPort !== undefined)
      c.metricsServer = await serveMetrics(c.metrics.registry, config.metricsPort, logger);
    await c.leadership.start();
    await c.terms;
    logger.info(
      {
        coordinatorId: c.id,
        role: c.term ? 'leader' : 'standby',
        prefix: config.prefix,
        retryPolicy: config.retry.policy,
        exchange: config.exchange.baseDirectories,
      },
      'coordinator started',
    );
    return c;
  }

  /** The port of the metrics endpoint, when `metrics.port` is set. */
  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  /** Whether this coordinator leads now. */
  get leading(): boolean {
    return this.term !== undefined && this.leadership.isLeader();
  }

  /** The epoch it leads under, while it leads. */
  get epoch(): number | undefined {
    return this.leading ? this.term?.epoch : undefined;
  }

  private queue(work: () => Promise<void>): void {
    this.terms = this.terms.then(work).catch(async (e) => {
      // a leader that cannot open its term (NATS unreachable, say) must not sit on the lease
      this.parts.logger.error({ err: e }, 'term change failed');
      this.leadership.depose('the term could not be opened');
      await this.closeTerm();
    });
  }

  private async openTerm(epoch: number): Promise<void> {
    if (this.stopping || !this.leadership.isLeader()) return;
    const { store, exchange, catalogs, planner, logger } = this.parts;
    store.fenced.fence(epoch);
    const system = await connectSystem(this.config, logger);
    if (system.membership) this.metrics.registry.registerMetric(system.membership.refusals);
    system.invalid.register(this.metrics.registry);
    const term = new LeaderTerm({
      id: this.id,
      epoch,
      config: this.config,
      system,
      store,
      exchange,
      catalogs,
      planner,
      logger,
      leadership: this.leadership,
      metrics: this.metrics,
    });
    this.term = term;
    this.metrics.leading.set(1);
    await term.open();
  }

  private async closeTerm(): Promise<void> {
    const term = this.term;
    this.term = undefined;
    this.metrics.leading.set(0);
    if (!term) return;
    this.parts.logger.warn({ epoch: term.epoch }, 'no longer leading: standing by');
    await term.close().catch((e) => this.parts.logger.warn({ err: e }, 'closing the term failed'));
    for (const name of ['quarry_invalid_messages_total', 'quarry_unauthenticated_messages_total'])
      this.metrics.registry.removeSingleMetric(name);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.leadership.stop();
    this.queue(() => this.closeTerm());
    await this.terms;
    await this.metricsServer?.close();
    await this.parts.planner.close();
    await this.parts.exchange.close();
    await (this.parts.catalogs as Partial<Catalogs>).close?.();
    await this.parts.store.close();
    this.parts.logger.info('coordinator stopped');
  }
}
