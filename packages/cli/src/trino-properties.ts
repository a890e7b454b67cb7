import type { KnownProperties } from '@quarry/common';

/**
 * Trino's own properties that its files commonly hold and quarry has no use for: accepted and
 * ignored, so that a Trino deployment's `config.properties` and `exchange-manager.properties` load
 * unchanged. Anything else quarry does not read stops the process (see `checkKnownProperties`).
 * Names whose meaning quarry would silently change (a different exchange backend, say) are not here.
 */
export const TRINO_CONFIG_IGNORED: Pick<KnownProperties, 'ignored' | 'ignoredPrefixes'> = {
  ignored: [
    'coordinator',
    'node-scheduler.include-coordinator',
    'discovery.uri',
    'discovery-server.enabled',
    'query.max-memory',
    'query.max-total-memory',
    'query.max-total-memory-per-node',
    'query.low-memory-killer.policy',
    'task.low-memory-killer.policy',
    'node.environment',
    'node.data-dir',
    'node.internal-address',
    'exchange.deduplication-buffer-size',
    'fault-tolerant-execution-target-task-input-size',
    'fault-tolerant-execution-target-task-split-count',
    'fault-tolerant-execution-task-memory',
    'fault-tolerant-execution-max-task-split-count',
    'shutdown.grace-period',
    'catalog.management',
    'plugin.dir',
  ],
  ignoredPrefixes: ['http-server.', 'http-client.', 'jmx.', 'log.', 'web-ui.', 'memory.', 'optimizer.'],
};

export const TRINO_EXCHANGE_IGNORED: Pick<KnownProperties, 'ignored' | 'ignoredPrefixes'> = {
  ignored: [
    'exchange.max-page-storage-size',
    'exchange.source-concurrent-readers',
    'exchange.source-max-files-per-reader',
    'exchange.max-output-partition-count',
    'exchange.file-listing-parallelism',
    'exchange.s3.storage-class',
    'exchange.s3.async-client-concurrency',
    'exchange.s3.async-client-max-pending-connection-acquires',
    'exchange.s3.connection-acquisition-timeout',
  ],
};
