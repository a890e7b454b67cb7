export * from './spi.js';
export * from './storage.js';
export * from './config.js';
export * from './format.js';
export * from './filesystem-exchange.js';
export { LocalStorage } from './local/local-storage.js';

import { FileSystemExchange } from './filesystem-exchange.js';
import type { ExchangeConfig } from './config.js';
import { LocalStorage } from './local/local-storage.js';
import type { ExchangeManager } from './spi.js';

/** The exchange manager for a configuration: picks the storage backend from the base directories' scheme. */
export function createExchangeManager(config: ExchangeConfig): ExchangeManager {
  return new FileSystemExchange(new LocalStorage(), config);
}
