import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster, type LocalClusterOptions } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { silentLogger, type Logger } from '@quarry/common';
import { Coordinator, type CoordinatorConfig } from '@quarry/coordinator';
import { localExchangeConfig, type ExchangeConfig } from '@quarry/exchange';
import { NO_INJECTION, Worker, type WorkerConfig } from '@quarry/worker';
import { startServers, track, untrack, uniquePrefix, type TestServers } from './servers.js';

/** A cluster of real processes (coordinator and workers spawned from the CLI), for fault tests. */
export async function startProcessCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const cluster = await LocalCluster.start(options);
  track({ kill: () => cluster.stop() });
  for (const p of [cluster.coordinator, ...cluster.workers]) if (p) track(p);
  return cluster;
}

export interface InProcessCluster {
  readonly servers: TestServers;
  readonly prefix: string;
  readonly coordinator: Coordinator;
  readonly workers: Worker[];
  readonly exchangeDir: string;
  readonly client: QuarryClient;
  /** What coordinator and workers sign internal messages with (tests forge with it, or without). */
  readonly sharedSecret: string;
  addWorker(overrides?: Partial<WorkerConfig>): Promise<Worker>;
  stop(): Promise<void>;
}

export interface InProcessOptions {
  readonly workers: number;
  readonly slots?: number;
  readonly coordinator?: Partial<CoordinatorConfig>;
  readonly worker?: Partial<WorkerConfig>;
  readonly logger?: Logger;
  /** Reuse servers (several clusters on one pair of servers, each with its own prefix). */
  readonly servers?: TestServers;
  /**
   * Over the local exchange's defaults, for every member: `{ sinkInlineMaxSize: 0 }` spools every
   * output to a file (for tests that lose or inspect files).
   */
  readonly exchange?: Partial<ExchangeConfig>;
}

/** What coordinator and workers of an in-process cluster share. */
interface SharedSettings {
  readonly servers: TestServers;
  readonly prefix: string;
  readonly exchange: CoordinatorConfig['exchange'];
  readonly internalCommunication: CoordinatorConfig['internalCommunication'];
}

/**
 * The coordinator's configuration for tests: retry policy NONE (tests set their own), short
 * heartbeat timeout, 256 MiB per task; `overrides` last.
 */
function coordinatorConfig(
  shared: SharedSettings,
  overrides?: Partial<CoordinatorConfig>,
): CoordinatorConfig {
  return {
    servers: shared.servers.nats.url,
    prefix: shared.prefix,
    redisUrl: shared.servers.redis.url,
    exchange: shared.exchange,
    exchangeConfigured: true,
    retry: {
      policy: 'NONE',
      queryRetryAttempts: 4,
      taskRetryAttemptsPerTask: 4,
      initialDelayMs: 100,
      maxDelayMs: 1000,
      scaleFactor: 2,
    },
    taskProgressTimeoutMs: 60_000,
    heartbeatTimeoutMs: 1500,
    queryMaxLength: 1_000_000,
    hashPartitionCount: 0,
    taskMemoryBytes: 256 * 1024 * 1024,
    resultRetentionMs: 60_000,
    recordRetentionMs: 60_000,
    resultPageRows: 1000,
    eventsRetentionMs: 600_000,
    internalCommunication: shared.internalCommunication,
    ...overrides,
  };
}

/**
 * Coordinator and workers as objects in the test process, over private servers: fast to start,
 * for tests that need no process to die. Tasks still run in worker threads.
 */
export async function startInProcessCluster(options: InProcessOptions): Promise<InProcessCluster> {
  const servers = options.servers ?? (await startServers());
  const prefix = uniquePrefix();
  const exchangeDir = mkdtempSync(join(tmpdir(), 'quarry-exchange-'));
  const exchange = { ...localExchangeConfig(exchangeDir), ...options.exchange };
  const logger = options.logger ?? silentLogger();
  // signing on, as in every real cluster: a fresh secret per cluster
  const sharedSecret = randomBytes(32).toString('base64url');
  const internalCommunication = { sharedSecret };
  const shared: SharedSettings = { servers, prefix, exchange, internalCommunication };
  const coordinator = await Coordinator.start(coordinatorConfig(shared, options.coordinator), { logger });
  const workers: Worker[] = [];
  let seq = 0;
  const addWorker = async (overrides: Partial<WorkerConfig> = {}) => {
    const w = await Worker.start(
      {
        servers: servers.nats.url,
        prefix,
        workerId: `w${++seq}`,
        slots: options.slots ?? 2,
        heartbeatIntervalMs: 250,
        taskMemoryBytes: 256 * 1024 * 1024,
        exchange,
        failureInjection: NO_INJECTION,
        internalCommunication,
        ...options.worker,
        ...overrides,
      },
      logger,
    );
    workers.push(w);
    return w;
  };
  for (let i = 0; i < options.workers; i++) await addWorker();
  const client = await QuarryClient.connect({ servers: servers.nats.url, prefix });
  const handle = {
    kill: async () => {
      await Promise.allSettled(workers.map((w) => w.stop()));
      await coordinator.stop().catch(() => {});
    },
  };
  track(handle);
  return {
    servers,
    prefix,
    coordinator,
    workers,
    exchangeDir,
    client,
    sharedSecret,
    addWorker,
    async stop() {
      untrack(handle);
      await client.close().catch(() => {});
      await Promise.allSettled(workers.map((w) => w.stop()));
      await coordinator.stop().catch(() => {});
      if (!options.servers) await servers.stop();
      rmSync(exchangeDir, { recursive: true, force: true });
    },
  };
}
