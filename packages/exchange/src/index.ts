export * from './spi.js';
export * from './config.js';
export * from './format.js';
export * from './layout.js';
export * from './filesystem-exchange.js';
export * from './lost-input.js';
export { generateExchangeKey } from './encryption.js';
export * from './spill-files.js';

import { QuarryError } from '@quarry/common';
import { schemeOf } from './base-directories.js';
import type { ExchangeConfig } from './config.js';
import { FileSystemExchange } from './filesystem-exchange.js';
import { LocalStorage, S3Storage } from '@quarry/storage';
import type { ExchangeManager, GcReport } from './spi.js';

/**
 * The exchange manager for a configuration: S3 storage when the base directories are `s3://`
 * (with `config.s3`, or defaults for an S3 reached through the AWS environment), local otherwise.
 */
export function createExchangeManager(config: ExchangeConfig): ExchangeManager {
  const schemes = new Set(config.baseDirectories.map(schemeOf));
  if (schemes.size > 1) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `exchange.base-directories mixes S3 locations and local directories: use one kind for all of them`,
    );
  }
  const first = config.baseDirectories[0];
  if (first === undefined || schemeOf(first) === 'file')
    return new FileSystemExchange(new LocalStorage(), config);
  const s3 = config.s3 ?? {
    region: process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
    endpoint: undefined,
    pathStyleAccess: false,
    awsAccessKey: undefined,
    awsSecretKey: undefined,
    maxErrorRetries: 10,
    uploadPartSize: 5 * 1024 * 1024,
  };
  return new FileSystemExchange(S3Storage.fromSettings(s3), config);
}

/**
 * The start-up check of coordinator and workers: every base directory of the configuration can be
 * used ({@link ExchangeManager.checkBaseDirectories}), so a missing bucket, wrong credentials or an
 * endpoint host that does not resolve stops the process at once with `STORAGE_UNAVAILABLE` naming
 * the bucket, instead of failing every task attempt later.
 */
export async function checkExchange(config: ExchangeConfig): Promise<void> {
  const manager = createExchangeManager(config);
  try {
    await manager.checkBaseDirectories();
  } finally {
    await manager.close();
  }
}

/**
 * `quarry exchange gc --older-than 24h`: removes, in every base directory of the configuration,
 * each query whose newest file is older than `olderThanMs` (see {@link ExchangeManager.gc} for the
 * contract), then releases the storage connections.
 */
export async function gcExchange(config: ExchangeConfig, olderThanMs: number): Promise<GcReport> {
  const manager = createExchangeManager(config);
  try {
    return await manager.gc(olderThanMs);
  } finally {
    await manager.close();
  }
}
