import { PropertyReader, QuarryError, type Properties } from '@quarry/common';
import {
  INTERNAL_COMMUNICATION_PROPERTY_NAMES,
  internalCommunicationFromProperties,
  type InternalCommunication,
  type NatsAuth,
  type NatsTls,
} from '@quarry/runtime';
import type { ExchangeConfig } from '@quarry/exchange';
import { DEFAULT_MAX_STAGE_COUNT } from '@quarry/sql';
import { TIME_LIMIT_PROPERTY_NAMES, type TimeLimits } from './time-limits.js';
import { RETRY_PROPERTY_NAMES, retrySettingsFromProperties, type RetrySettings } from './retry-policy.js';
import {
  SPECULATION_PROPERTY_NAMES,
  speculationFromProperties,
  type SpeculationSettings,
} from './speculation.js';

/** The coordinator's configuration, from `config.properties` (Trino names where Trino has them). */
export interface CoordinatorConfig {
  readonly servers: string;
  readonly prefix: string;
  readonly redisUrl: string;
  readonly exchange: ExchangeConfig;
  /** False when the exchange is the built-in temporary directory: retry policy TASK then refuses to run. */
  readonly exchangeConfigured: boolean;
  /** `retry-policy` and its limits and delays (Trino's properties). */
  readonly retry: RetrySettings;
  /** `task.progress-timeout`: a running task whose row counts stop moving this long is failed. Default 5m. */
  readonly taskProgressTimeoutMs: number;
  /**
   * `failure-detector.heartbeat-timeout`: a worker silent this long is suspected and probed directly;
   * it is dead when nobody listens on its subject (at once) or the probe goes unanswered. Default 1s.
   */
  readonly heartbeatTimeoutMs: number;
  /** `failure-detector.probe-timeout`: how long a suspected worker has to answer its probe. Default 2s. */
  readonly probeTimeoutMs?: number;
  /**
   * `coordinator.lease-timeout`: the leader's lease in Redis lasts this long unless renewed (every
   * third of it); a standby takes over once it lapses. Default 1.5s, so that a `kill -9` of the
   * leader is taken over within 2 s.
   */
  readonly leaseTimeoutMs?: number;
  /** `query.max-run-time`, `query.max-planning-time`, `query.max-execution-time` (Trino's defaults when absent). */
  readonly timeLimits?: TimeLimits;
  /**
   * `query-manager.required-workers-max-wait` (Trino's, default 5m): a running query with no worker to
   * run on fails with NO_NODES_AVAILABLE once the cluster has had none this long.
   */
  readonly requiredWorkersMaxWaitMs?: number;
  /**
   * `access-control.admin-token`: a token that reads, cancels and lists any query (operators' tools);
   * none by default. Best given as `${ENV:NAME}` or QUARRY_ACCESS_CONTROL_ADMIN_TOKEN, never logged.
   */
  readonly adminToken?: string;
  /** `query.events.include-sql` (default false): status events are public, so they carry no SQL unless set. */
  readonly eventsIncludeSql?: boolean;
  /**
   * Speculative attempts of slow tasks under retry policy TASK (Flink's settings, speculation.ts);
   * off when absent.
   */
  readonly speculation?: SpeculationSettings;
  /** `query.max-stage-count` (Trino's, default 150): a plan with more stages is refused. */
  readonly maxStageCount?: number;
  /**
   * `query.max-concurrent-queries-per-user`: a user's queries beyond this many planning or running
   * wait in QUEUED and start, oldest first, as theirs end. 0 (the default): no cap.
   */
  readonly maxConcurrentQueriesPerUser?: number;
  /** `coordinator.planner-threads`: statements parsed and planned at once, each in its own thread. Default 2. */
  readonly plannerThreads?: number;
  /**
   * `coordinator.planner-heap-size`: each planner thread's heap limit; planning that needs more fails
   * its query with EXCEEDED_LOCAL_MEMORY_LIMIT and the thread is replaced. Default 1GB.
   */
  readonly plannerHeapBytes?: number;
  /** `query.max-length`: longest SQL text accepted, in characters. Default 1,000,000. */
  readonly queryMaxLength: number;
  /** `query.hash-partition-count`: tasks of hash-partitioned stages; 0 = the cluster's task slots (max 50). */
  readonly hashPartitionCount: number;
  /** `task.max-memory`: memory each task may hold in buffers. Default 512MB. */
  readonly taskMemoryBytes: number;
  /**
   * `fault-tolerant-execution-task-memory-growth-factor` (Trino's, default 3.0): after an attempt
   * runs out of memory, the task's next attempt may hold this many times more.
   */
  readonly taskMemoryGrowthFactor?: number;
  /**
   * `query.max-memory-per-node` (default 2GB, at least `task.max-memory`): the most a task's
   * memory grows to.
   */
  readonly maxTaskMemoryBytes?: number;
  /**
   * `fault-tolerant-execution-task-memory-estimation-quantile` (Trino's, default 0.9): a task starts
   * from this quantile of what its stage's finished tasks needed, scaled by input (memory-estimate.ts).
   */
  readonly taskMemoryEstimationQuantile?: number;
  /**
   * `node-scheduler.allowed-no-matching-node-period` (Trino's, default 2m): how long a task whose
   * memory no worker has, even idle, waits for one before its query fails with NO_NODES_AVAILABLE.
   */
  readonly allowedNoMatchingNodeMs?: number;
  /** `query.client.timeout`: how long an unread result is kept. Default 5m. */
  readonly resultRetentionMs: number;
  /** `query.min-expire-age`: how long Redis keeps a finished query's records. Default 15m. */
  readonly recordRetentionMs: number;
  /** `metrics.port`: serve Prometheus metrics on this port (0: any free port); off when absent. */
  readonly metricsPort?: number;
  /** NATS credentials and TLS (from flags and NATS_* variables; never logged). */
  readonly nats?: { readonly auth?: NatsAuth; readonly tls?: NatsTls };
  /** `redis.tls-ca-file`: CA for `rediss://` URLs whose server certificate is not publicly trusted. */
  readonly redisTlsCaFile?: string;
  /** `catalog.config-dir`: one `<catalog>.properties` per catalog (tpch is always there). */
  readonly catalogDir?: string;
  /** `query.events-retention`: status events are kept (replayable) this long. Default 1h. */
  readonly eventsRetentionMs: number;
  /** `query.result-page-rows`: rows per result page. Default 1000. */
  readonly resultPageRows: number;
  /**
   * `internal-communication.shared-secret` (signs internal messages, seals task secrets) or
   * `internal-communication.insecure=true`; the coordinator refuses to start with neither.
   */
  readonly internalCommunication?: InternalCommunication;
}

/** Defaults of `coordinator.planner-threads` and `coordinator.planner-heap-size`. */
export const DEFAULT_PLANNER_THREADS = 2;
export const DEFAULT_PLANNER_HEAP = '1GB';

/** Defaults of `fault-tolerant-execution-task-memory-growth-factor` and `query.max-memory-per-node`. */
export const DEFAULT_TASK_MEMORY_GROWTH_FACTOR = 3;
export const DEFAULT_MAX_TASK_MEMORY = '2GB';

export const COORDINATOR_PROPERTY_NAMES = [
  ...RETRY_PROPERTY_NAMES,
  ...SPECULATION_PROPERTY_NAMES,
  'task.progress-timeout',
  'redis.url',
  'failure-detector.heartbeat-timeout',
  'failure-detector.probe-timeout',
  'coordinator.lease-timeout',
  'query.max-length',
  ...TIME_LIMIT_PROPERTY_NAMES,
  'query-manager.required-workers-max-wait',
  'query.max-stage-count',
  'query.max-concurrent-queries-per-user',
  'coordinator.planner-threads',
  'coordinator.planner-heap-size',
  'access-control.admin-token',
  'query.events.include-sql',
  'query.hash-partition-count',
  'task.max-memory',
  'fault-tolerant-execution-task-memory-growth-factor',
  'query.max-memory-per-node',
  'fault-tolerant-execution-task-memory-estimation-quantile',
  'node-scheduler.allowed-no-matching-node-period',
  'query.client.timeout',
  'query.min-expire-age',
  'query.result-page-rows',
  'query.events-retention',
  'metrics.port',
  'redis.tls-ca-file',
  'catalog.config-dir',
  ...INTERNAL_COMMUNICATION_PROPERTY_NAMES,
] as const;

export function coordinatorConfigFromProperties(
  props: Properties,
  base: {
    servers: string;
    prefix: string;
    exchange: ExchangeConfig;
    exchangeConfigured: boolean;
    nats?: { auth?: NatsAuth; tls?: NatsTls };
  },
  source = 'config.properties',
): CoordinatorConfig {
  const r = new PropertyReader(props, source);
  const retry = retrySettingsFromProperties(props, source);
  if (retry.policy === 'TASK' && !base.exchangeConfigured) {
    throw new QuarryError(
      'EXCHANGE_MANAGER_NOT_CONFIGURED',
      `${source}: retry-policy=TASK needs an exchange manager: configure exchange-manager.properties (exchange-manager.name=filesystem, exchange.base-directories=…) or pass --exchange-dir`,
    );
  }
  const taskMemoryBytes = r.dataSize('task.max-memory', '512MB');
  const maxTaskMemoryBytes = r.dataSize('query.max-memory-per-node', DEFAULT_MAX_TASK_MEMORY);
  if (maxTaskMemoryBytes < taskMemoryBytes) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: query.max-memory-per-node (${props['query.max-memory-per-node'] ?? DEFAULT_MAX_TASK_MEMORY}) must be at least task.max-memory (${props['task.max-memory'] ?? '512MB'})`,
    );
  }
  return {
    ...base,
    retry,
    taskMemoryGrowthFactor: r.number(
      'fault-tolerant-execution-task-memory-growth-factor',
      DEFAULT_TASK_MEMORY_GROWTH_FACTOR,
      1,
    ),
    maxTaskMemoryBytes,
    taskMemoryEstimationQuantile: quantile(r, source),
    allowedNoMatchingNodeMs: r.duration('node-scheduler.allowed-no-matching-node-period', '2m'),
    taskProgressTimeoutMs: r.duration('task.progress-timeout', '5m'),
    redisUrl: r.string('redis.url', 'redis://127.0.0.1:6379'),
    heartbeatTimeoutMs: r.duration('failure-detector.heartbeat-timeout', '1s'),
    probeTimeoutMs: r.duration('failure-detector.probe-timeout', '2s'),
    leaseTimeoutMs: r.duration('coordinator.lease-timeout', '1.5s'),
    queryMaxLength: r.int('query.max-length', 1_000_000, 1),
    requiredWorkersMaxWaitMs: r.duration('query-manager.required-workers-max-wait', '5m'),
    maxStageCount: r.int('query.max-stage-count', DEFAULT_MAX_STAGE_COUNT, 1),
    maxConcurrentQueriesPerUser: r.int('query.max-concurrent-queries-per-user', 0, 0),
    plannerThreads: r.int('coordinator.planner-threads', DEFAULT_PLANNER_THREADS, 1),
    plannerHeapBytes: plannerHeap(r, source),
    eventsIncludeSql: r.boolean('query.events.include-sql', false),
    speculation: speculationFromProperties(r),
    ...(props['access-control.admin-token'] !== undefined ? { adminToken: adminToken(props, source) } : {}),
    timeLimits: {
      maxRunMs: r.duration('query.max-run-time', '100d'),
      maxPlanningMs: r.duration('query.max-planning-time', '10m'),
      maxExecutionMs: r.duration('query.max-execution-time', '100d'),
    },
    hashPartitionCount: r.int('query.hash-partition-count', 0, 0),
    taskMemoryBytes,
    resultRetentionMs: r.duration('query.client.timeout', '5m'),
    recordRetentionMs: r.duration('query.min-expire-age', '15m'),
    resultPageRows: r.int('query.result-page-rows', 1000, 1),
    eventsRetentionMs: r.duration('query.events-retention', '1h'),
    internalCommunication: internalCommunicationFromProperties(props, source),
    ...(props['metrics.port'] !== undefined ? { metricsPort: r.int('metrics.port', 0, 0) } : {}),
    ...(props['redis.tls-ca-file'] !== undefined ? { redisTlsCaFile: props['redis.tls-ca-file'] } : {}),
    ...(props['catalog.config-dir'] !== undefined ? { catalogDir: props['catalog.config-dir'] } : {}),
  };
}

/** `fault-tolerant-execution-task-memory-estimation-quantile`: a fraction in [0, 1]. */
function quantile(r: PropertyReader, source: string): number {
  const q = r.number('fault-tolerant-execution-task-memory-estimation-quantile', 0.9, 0);
  if (q > 1)
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: fault-tolerant-execution-task-memory-estimation-quantile must be between 0 and 1, not ${q}`,
    );
  return q;
}

/** `coordinator.planner-heap-size`: at least 32MB, since a thread needs that much to load the planner. */
function plannerHeap(r: PropertyReader, source: string): number {
  const bytes = r.dataSize('coordinator.planner-heap-size', DEFAULT_PLANNER_HEAP);
  if (bytes < 32 * 1024 * 1024)
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: coordinator.planner-heap-size must be at least 32MB (a planner thread needs that much to start)`,
    );
  return bytes;
}

/** The admin token, long enough to be a secret (never echoed in errors). */
function adminToken(props: Properties, source: string): string {
  const token = props['access-control.admin-token']!.trim();
  if (!/^[A-Za-z0-9_~.+/=-]{16,256}$/.test(token))
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: access-control.admin-token must be 16 to 256 characters of letters, digits and _~.+/=-`,
    );
  return token;
}
