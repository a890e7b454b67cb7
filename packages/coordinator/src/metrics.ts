import { Counter, Gauge, type Registry } from 'prom-client';
import type { QueryEvent } from '@quarry/protocol';
import { newRegistry } from '@quarry/runtime';
import type { QueryExecution } from './query.js';
import type { WorkerRegistry } from './worker-registry.js';

/**
 * The coordinator's Prometheus metrics: counters fed by the status events it publishes, gauges read
 * from its state when scraped.
 */
export class CoordinatorMetrics {
  readonly registry: Registry;
  private readonly queriesEnded: Counter;
  private readonly attempts: Counter;
  private readonly taskRetries: Counter;
  private readonly queryRetries: Counter;
  private readonly workersLost: Counter;
  private readonly probesAnswered: Counter;
  readonly spooledBytes: Counter;
  private readonly leaderChanges: Counter;
  private readonly takeoverSeconds: Gauge;
  private readonly adoptedTasks: Counter;
  private readonly lostTasks: Counter;
  private readonly speculative: Counter;
  /** 1 while this coordinator leads, 0 while it stands by. */
  readonly leading: Gauge;
  /** Planner threads replaced, by reason (planner-pool.ts). */
  readonly plannerRestarts: Counter;

  constructor(
    queries: () => Iterable<QueryExecution>,
    workers: () => WorkerRegistry | undefined,
    coordinatorId: string,
  ) {
    const registry = (this.registry = newRegistry({ role: 'coordinator', instance: coordinatorId }));
    const r = [registry];
    this.queriesEnded = new Counter({
      name: 'quarry_queries_total',
      help: 'Queries ended, by final state',
      labelNames: ['state'],
      registers: r,
    });
    this.attempts = new Counter({
      name: 'quarry_task_attempts_total',
      help: 'Task attempts, by outcome (started, finished, failed)',
      labelNames: ['outcome'],
      registers: r,
    });
    this.taskRetries = new Counter({
      name: 'quarry_task_retries_total',
      help: 'Task retries (retry policy TASK), by error type',
      labelNames: ['error_type'],
      registers: r,
    });
    this.queryRetries = new Counter({
      name: 'quarry_query_retries_total',
      help: 'Query retries (retry policy QUERY), by error type',
      labelNames: ['error_type'],
      registers: r,
    });
    this.leaderChanges = new Counter({
      name: 'quarry_coordinator_terms_total',
      help: 'Times this coordinator took the lease and became the leader',
      registers: r,
    });
    this.plannerRestarts = new Counter({
      name: 'quarry_coordinator_planner_restarts_total',
      help: 'Planner threads replaced: aborted (a query cancelled or past query.max-planning-time while planned), out-of-memory, crashed',
      labelNames: ['reason'],
      registers: r,
    });
    this.leading = new Gauge({
      name: 'quarry_coordinator_leader',
      help: 'Whether this coordinator leads (1) or stands by (0)',
      registers: r,
    });
    this.takeoverSeconds = new Gauge({
      name: 'quarry_coordinator_takeover_seconds',
      help: 'How long the last takeover took: from the lease to the adopted tasks checked',
      registers: r,
    });
    this.adoptedTasks = new Counter({
      name: 'quarry_coordinator_adopted_tasks_total',
      help: 'Running tasks of an earlier leader that this coordinator adopted when it took over',
      registers: r,
    });
    this.lostTasks = new Counter({
      name: 'quarry_coordinator_lost_tasks_total',
      help: 'Tasks an earlier leader had started that no worker ran any more at the takeover (run again)',
      registers: r,
    });
    this.workersLost = new Counter({
      name: 'quarry_workers_lost_total',
      help: 'Workers declared dead by the failure detector',
      registers: r,
    });
    this.probesAnswered = new Counter({
      name: 'quarry_worker_probes_answered_total',
      help: 'Silent workers the failure detector suspected that answered its direct probe (false alarms avoided)',
      registers: r,
    });
    this.spooledBytes = new Counter({
      name: 'quarry_spooled_bytes_total',
      help: 'Bytes written to the exchange by winning task attempts',
      registers: r,
    });
    this.speculative = speculativeAttempts(registry);
    registerStateGauges(registry, queries, workers);
  }

  /** A speculative attempt finished first: the slow attempt was cancelled. */
  speculationWon(): void {
    this.speculative.inc({ outcome: 'won' });
  }

  /** Counts what a query's status events say happened. */
  observe(e: QueryEvent): void {
    switch (e.type) {
      case 'RUNNING':
        if (e.task?.state === 'RUNNING') this.attempts.inc({ outcome: 'started' });
        if (e.task?.state === 'FINISHED') this.attempts.inc({ outcome: 'finished' });
        return;
      case 'TASK_FAILED':
        this.attempts.inc({ outcome: 'failed' });
        return;
      case 'TASK_SPECULATING':
        this.speculative.inc({ outcome: 'started' });
        return;
      case 'TASK_RETRYING':
        this.taskRetries.inc({ error_type: e.error.type });
        return;
      case 'QUERY_RETRYING':
        this.queryRetries.inc({ error_type: e.error.type });
        return;
      case 'FINISHED':
      case 'FAILED':
        this.queriesEnded.inc({ state: e.type });
        return;
      default:
        return;
    }
  }

  workerLost(): void {
    this.workersLost.inc();
  }

  /** A term as leader began and took over what the last leader left. */
  tookOver(t: { adopted: number; lost: number; tookMs: number }): void {
    this.leaderChanges.inc();
    this.takeoverSeconds.set(t.tookMs / 1000);
    this.adoptedTasks.inc(t.adopted);
    this.lostTasks.inc(t.lost);
  }

  probeAnswered(): void {
    this.probesAnswered.inc();
  }
}

function speculativeAttempts(registry: Registry): Counter {
  return new Counter({
    name: 'quarry_speculative_attempts_total',
    help: 'Speculative attempts of slow tasks: started, and won (finished before the slow attempt)',
    labelNames: ['outcome'],
    registers: [registry],
  });
}

/** Gauges read from the coordinator's state when scraped: queries, tasks, workers, heartbeats, stalls. */
function registerStateGauges(
  registry: Registry,
  queries: () => Iterable<QueryExecution>,
  workers: () => WorkerRegistry | undefined,
): void {
  const r = [registry];
  new Gauge({
    name: 'quarry_coordinator_stalls_total',
    help: "Stalls of the coordinator's own process that the failure detector discounted",
    registers: r,
    collect() {
      this.set(workers()?.stalls ?? 0);
    },
  });
  new Gauge({
    name: 'quarry_queries',
    help: 'Queries in the coordinator, by state',
    labelNames: ['state'],
    registers: r,
    collect() {
      const counts: Record<string, number> = { QUEUED: 0, PLANNING: 0, RUNNING: 0 };
      for (const q of queries()) if (q.state in counts) counts[q.state]!++;
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'quarry_tasks',
    help: 'Tasks of running queries, by state (queued: waiting for inputs, a slot or a retry delay)',
    labelNames: ['state'],
    registers: r,
    collect() {
      let queued = 0;
      let running = 0;
      for (const q of queries()) {
        if (q.state !== 'RUNNING' || !q.scheduler) continue;
        for (const s of q.scheduler.stages.values()) {
          queued += s.tasks.filter((t) => t.status === 'PENDING').length;
          running += s.tasks.filter((t) => t.status === 'RUNNING').length;
        }
      }
      this.set({ state: 'queued' }, queued);
      this.set({ state: 'running' }, running);
    },
  });
  new Gauge({
    name: 'quarry_workers',
    help: 'Workers in the registry, by state (blocked: kept from new tasks for a while, counted in its state too)',
    labelNames: ['state'],
    registers: r,
    collect() {
      const list = workers()?.list() ?? [];
      this.set({ state: 'active' }, list.filter((w) => !w.heartbeat.draining).length);
      this.set({ state: 'draining' }, list.filter((w) => w.heartbeat.draining).length);
      this.set({ state: 'blocked' }, workers()?.blocklist.list().length ?? 0);
    },
  });
  new Gauge({
    name: 'quarry_worker_heartbeat_age_seconds',
    help: 'Time since each worker last heartbeated',
    labelNames: ['worker'],
    registers: r,
    collect() {
      this.reset();
      for (const w of workers()?.list() ?? []) this.set({ worker: w.id }, w.heartbeatAgeMs / 1000);
    },
  });
}
