import { QuarryError, type Logger } from '@quarry/common';
import { isMemberSubject } from '@quarry/cluster-protocol';
import { checkExchange } from '@quarry/exchange';
import { ActorSystem, ensureStream, membershipFor, redactUrl, streamName } from '@quarry/runtime';
import { AttemptStore } from './attempt-store.js';
import type { CoordinatorConfig } from './config.js';

/**
 * The Redis a coordinator keeps its lease and records in, checked to answer; and its exchange,
 * checked (a misconfigured bucket stops the start, naming it). Both come before any term as leader.
 */
export async function connectStore(config: CoordinatorConfig): Promise<AttemptStore> {
  await checkExchange(config.exchange);
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
    throw new QuarryError(
      'ATTEMPT_STORE_ERROR',
      `Cannot reach Redis at ${redactUrl(config.redisUrl)}: ${(e as Error).message}`,
    );
  }
  return store;
}

/** A NATS connection that signs as a cluster member: one per term as leader. */
export async function connectSystem(config: CoordinatorConfig, logger: Logger): Promise<ActorSystem> {
  const membership = membershipFor(config.internalCommunication, {
    role: 'coordinator',
    sender: 'coordinator',
    isInternal: (subject) => isMemberSubject(config.prefix, subject),
    logger,
  });
  return ActorSystem.connect({
    servers: config.servers,
    prefix: config.prefix,
    name: 'coordinator',
    logger,
    ...config.nats,
    ...(membership ? { membership } : {}),
  });
}

/**
 * The cluster's JetStream streams: status events kept for a while (a late subscriber replays a
 * query's history), and submissions kept until a coordinator runs them. False without JetStream.
 */
export async function ensureStreams(
  system: ActorSystem,
  config: CoordinatorConfig,
  logger: Logger,
): Promise<boolean> {
  const prefix = config.prefix;
  await ensureStream(
    system.nc,
    {
      name: streamName(prefix, 'EVENTS'),
      subjects: [`${prefix}.query.*.status`],
      retention: 'limits',
      maxAgeMs: config.eventsRetentionMs,
      // events are published with acknowledgement and sent again until stored (StreamPublisher)
      acknowledge: true,
      duplicateWindowMs: 120_000,
    },
    logger,
  );
  return ensureStream(
    system.nc,
    {
      name: streamName(prefix, 'SUBMISSIONS'),
      subjects: [`${prefix}.query.submit`],
      retention: 'workqueue',
      maxAgeMs: 24 * 3_600_000,
      duplicateWindowMs: 120_000,
    },
    logger,
  );
}

/**
 * Whether Redis keeps its data across a restart (an append-only file, or RDB snapshots): without
 * it, the claims of query ids and the records of running queries are lost with a Redis restart,
 * and an old query id could run again. Undefined when Redis does not say (CONFIG refused).
 */
export async function redisPersistence(
  redis: AttemptStore['redis'],
): Promise<{ persistent: boolean; detail: string } | undefined> {
  try {
    const [, aof] = (await redis.config('GET', 'appendonly')) as [string, string];
    const [, save] = (await redis.config('GET', 'save')) as [string, string];
    const persistent = aof === 'yes' || save.trim() !== '';
    return { persistent, detail: `appendonly=${aof}, save='${save}'` };
  } catch {
    return undefined;
  }
}
