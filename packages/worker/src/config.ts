import { readFileSync } from 'node:fs';
import { availableParallelism, hostname, totalmem } from 'node:os';
import { isAbsolute } from 'node:path';
import { PropertyReader, QuarryError, isSafeId, randomSuffix, type Properties } from '@quarry/common';
import type { ExchangeConfig } from '@quarry/exchange';
import {
  INTERNAL_COMMUNICATION_PROPERTY_NAMES,
  internalCommunicationFromProperties,
  type InternalCommunication,
  type NatsAuth,
  type NatsTls,
} from '@quarry/runtime';
import { parseFailureInjection, type FailureInjection } from './failure-injection.js';
import { SPILL_PROPERTY_NAMES, spillConfigFromProperties, type SpillConfig } from './spill-config.js';

/** A worker's configuration, from `config.properties` (Trino names where Trino has them). */
export interface WorkerConfig {
  readonly servers: string;
  readonly prefix: string;
  /** `node.id`: stable across restarts when set; generated otherwise. */
  readonly workerId: string;
  /** `worker.task-slots`: tasks run at once, each in its own thread. Default: the CPU count. */
  readonly slots: number;
  /** `worker.heartbeat-interval`, default 500ms. */
  readonly heartbeatIntervalMs: number;
  /** `task.max-memory`: memory a task may hold in buffers; default 512MB. */
  readonly taskMemoryBytes: number;
  /**
   * Memory for all of the worker's tasks together: the machine's memory (or its cgroup's limit) less
   * `memory.heap-headroom-per-node` (Trino's name; default 30 % of it). Absent: not limited.
   */
  readonly memoryPoolBytes?: number;
  /** Spilling (`spill-enabled`, `spiller-spill-path`, …); absent: {@link DEFAULT_SPILL}. */
  readonly spill?: SpillConfig;
  readonly exchange: ExchangeConfig;
  /** `failure-injection`: rules for tests and chaos drills; none by default (see failure-injection.ts). */
  readonly failureInjection: FailureInjection;
  /** `catalog.config-dir`: one `<catalog>.properties` per catalog (tpch is always there). */
  readonly catalogDir?: string;
  /**
   * `task.cpu-profile-dir` (quarry's own): an absolute directory where each task thread writes the CPU
   * profile of each task it runs, `<dir>/<queryId>/<taskId>.cpuprofile`. Off when absent (the default).
   */
  readonly taskCpuProfileDir?: string;
  /** `metrics.port`: serve Prometheus metrics on this port (0: any free port); off when absent. */
  readonly metricsPort?: number;
  /** NATS credentials and TLS (from flags and NATS_* variables; never logged). */
  readonly nats?: { readonly auth?: NatsAuth; readonly tls?: NatsTls };
  /**
   * `internal-communication.shared-secret` (the coordinator's) or `internal-communication.insecure=true`;
   * the worker refuses to start with neither.
   */
  readonly internalCommunication?: InternalCommunication;
}

export const WORKER_PROPERTY_NAMES = [
  'node.id',
  'worker.task-slots',
  'worker.heartbeat-interval',
  'task.max-memory',
  'task.cpu-profile-dir',
  'memory.heap-headroom-per-node',
  'failure-injection',
  'metrics.port',
  'catalog.config-dir',
  ...SPILL_PROPERTY_NAMES,
  ...INTERNAL_COMMUNICATION_PROPERTY_NAMES,
] as const;

export function workerConfigFromProperties(
  props: Properties,
  base: {
    servers: string;
    prefix: string;
    exchange: ExchangeConfig;
    nats?: { auth?: NatsAuth; tls?: NatsTls };
  },
  source = 'config.properties',
): WorkerConfig {
  const r = new PropertyReader(props, source);
  const workerId =
    r.optionalString('node.id') ??
    `worker-${hostname()
      .replace(/[^A-Za-z0-9_-]/g, '_')
      .slice(0, 32)}-${process.pid}-${randomSuffix(4)}`;
  if (!isSafeId(workerId)) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: node.id='${workerId}' must be letters, digits, '_' or '-'`,
    );
  }
  return {
    ...base,
    workerId,
    slots: r.int('worker.task-slots', availableParallelism(), 1),
    heartbeatIntervalMs: r.duration('worker.heartbeat-interval', '500ms'),
    taskMemoryBytes: r.dataSize('task.max-memory', '512MB'),
    memoryPoolBytes: memoryPool(r, props['memory.heap-headroom-per-node'], source),
    spill: spillConfigFromProperties(props, source),
    failureInjection: parseFailureInjection(r.optionalString('failure-injection')),
    internalCommunication: internalCommunicationFromProperties(props, source),
    ...(props['metrics.port'] !== undefined ? { metricsPort: r.int('metrics.port', 0, 0) } : {}),
    ...(props['catalog.config-dir'] !== undefined ? { catalogDir: props['catalog.config-dir'] } : {}),
    ...cpuProfileDir(r.optionalString('task.cpu-profile-dir'), source),
  };
}

function cpuProfileDir(dir: string | undefined, source: string): { taskCpuProfileDir?: string } {
  if (dir === undefined) return {};
  if (!isAbsolute(dir))
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: task.cpu-profile-dir='${dir}' is invalid: expected an absolute local directory`,
    );
  return { taskCpuProfileDir: dir };
}

/** The machine's memory, or its cgroup's limit when lower (a container's). */
function nodeMemoryBytes(): number {
  try {
    const limit = Number(readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim());
    if (Number.isFinite(limit) && limit > 0) return Math.min(limit, totalmem());
  } catch {
    // no cgroup v2 limit here
  }
  return totalmem();
}

/** The worker's memory pool: node memory less the headroom (30 % of it unless configured). */
function memoryPool(r: PropertyReader, headroom: string | undefined, source: string): number {
  const node = nodeMemoryBytes();
  const reserved =
    headroom === undefined ? Math.round(node * 0.3) : r.dataSize('memory.heap-headroom-per-node', '0B');
  if (reserved >= node)
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: memory.heap-headroom-per-node (${headroom}) leaves no memory for tasks: this node has ${Math.floor(node / 2 ** 20)}MB`,
    );
  return node - reserved;
}
