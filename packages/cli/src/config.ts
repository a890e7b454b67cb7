import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  QuarryError,
  checkKnownProperties,
  readPropertiesFile,
  withEnvOverrides,
  type Properties,
} from '@quarry/common';
import {
  COORDINATOR_PROPERTY_NAMES,
  coordinatorConfigFromProperties,
  type CoordinatorConfig,
} from '@quarry/coordinator';
import {
  EXCHANGE_PROPERTY_NAMES,
  exchangeConfigFromProperties,
  localExchangeConfig,
  type ExchangeConfig,
} from '@quarry/exchange';
import { WORKER_PROPERTY_NAMES, workerConfigFromProperties, type WorkerConfig } from '@quarry/worker';
import {
  TRINO_HTTP_PROPERTY_NAMES,
  trinoHttpConfigFromProperties,
  type TrinoHttpConfig,
} from '@quarry/trino-http';
import { natsSecurity, natsServers, prefixOf, type CommonFlags } from './connection.js';
import { TRINO_CONFIG_IGNORED, TRINO_EXCHANGE_IGNORED } from './trino-properties.js';

/*
 * Configuration as Trino lays it out: a directory (`--config-dir`, `QUARRY_CONFIG_DIR`, or `./etc`
 * when present) holding `config.properties` and `exchange-manager.properties`. Environment
 * variables override files (`QUARRY_<PROPERTY>`, e.g. QUARRY_TASK_MAX_MEMORY), flags override both.
 */

/**
 * What each file may hold: coordinators and workers share `config.properties`, so either's names are
 * known there; Trino's own names are accepted and ignored; anything else stops the process.
 */
const KNOWN = {
  'config.properties': {
    read: [
      ...new Set<string>([
        ...COORDINATOR_PROPERTY_NAMES,
        ...WORKER_PROPERTY_NAMES,
        ...TRINO_HTTP_PROPERTY_NAMES,
      ]),
    ],
    ...TRINO_CONFIG_IGNORED,
  },
  'exchange-manager.properties': { read: EXCHANGE_PROPERTY_NAMES, ...TRINO_EXCHANGE_IGNORED },
} as const;

const SHARED_SECRET = 'internal-communication.shared-secret';

/**
 * The cluster's shared secret, over config.properties: `--shared-secret-file`, else
 * `$QUARRY_SHARED_SECRET_FILE`, else `$QUARRY_SHARED_SECRET` (besides the property's own
 * `$QUARRY_INTERNAL_COMMUNICATION_SHARED_SECRET`).
 */
function withSharedSecret(props: Record<string, string>, flags: CommonFlags): void {
  const file = flags.sharedSecretFile ?? process.env['QUARRY_SHARED_SECRET_FILE'];
  if (file) {
    try {
      props[SHARED_SECRET] = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new QuarryError(
        'INVALID_CONFIGURATION',
        `Cannot read the shared secret file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      );
    }
    return;
  }
  const env = process.env['QUARRY_SHARED_SECRET'];
  if (env) props[SHARED_SECRET] = env;
}

function configDir(flags: CommonFlags): string | undefined {
  const dir = flags.configDir ?? process.env['QUARRY_CONFIG_DIR'];
  if (dir) return dir;
  return existsSync('etc/config.properties') ? 'etc' : undefined;
}

/** Trino's default: `etc/catalog` next to config.properties (the catalogs default to tpch alone). */
function catalogDir(flags: CommonFlags): string | undefined {
  const dir = configDir(flags);
  return dir && existsSync(join(dir, 'catalog')) ? join(dir, 'catalog') : undefined;
}

/** The catalog directory the servers would use: `catalog.config-dir` in config.properties, or etc/catalog. */
export function catalogConfigDir(flags: CommonFlags): string | undefined {
  const dir = configDir(flags);
  const file = dir ? readChecked(join(dir, 'config.properties'), 'config.properties', true) : {};
  const props = withEnvOverrides(file, COORDINATOR_PROPERTY_NAMES);
  return props['catalog.config-dir'] ?? catalogDir(flags);
}

function read(flags: CommonFlags, file: keyof typeof KNOWN): Properties {
  const dir = configDir(flags);
  return dir ? readChecked(join(dir, file), file, flags.configDir === undefined) : {};
}

/** A configuration file, refused at once if it holds a property nobody reads. */
function readChecked(path: string, file: keyof typeof KNOWN, optional: boolean): Properties {
  const props = readPropertiesFile(path, { optional });
  checkKnownProperties(props, path, KNOWN[file]);
  return props;
}

/** The exchange, and whether one was configured (rather than the built-in temporary directory). */
export function exchangeConfig(flags: CommonFlags): {
  exchange: ExchangeConfig;
  exchangeConfigured: boolean;
} {
  if (flags.exchangeDir)
    return { exchange: localExchangeConfig(flags.exchangeDir), exchangeConfigured: true };
  const props = withEnvOverrides(read(flags, 'exchange-manager.properties'), EXCHANGE_PROPERTY_NAMES);
  if (props['exchange.base-directories'] === undefined) {
    return { exchange: localExchangeConfig(join(tmpdir(), 'quarry-exchange')), exchangeConfigured: false };
  }
  return { exchange: exchangeConfigFromProperties(props), exchangeConfigured: true };
}

export function coordinatorConfig(
  flags: CommonFlags & { redis?: string; retryPolicy?: string },
): CoordinatorConfig {
  const props: Record<string, string> = {
    ...withEnvOverrides(read(flags, 'config.properties'), COORDINATOR_PROPERTY_NAMES),
  };
  if (flags.redis) props['redis.url'] = flags.redis;
  else if (process.env['REDIS_URL'] && props['redis.url'] === undefined)
    props['redis.url'] = process.env['REDIS_URL'];
  if (flags.retryPolicy) props['retry-policy'] = flags.retryPolicy;
  withSharedSecret(props, flags);
  if (flags.metricsPort) props['metrics.port'] = flags.metricsPort;
  const catalogs = props['catalog.config-dir'] ?? catalogDir(flags);
  if (catalogs) props['catalog.config-dir'] = catalogs;
  return coordinatorConfigFromProperties(props, {
    servers: natsServers(flags),
    prefix: prefixOf(flags),
    ...exchangeConfig(flags),
    nats: natsSecurity(flags),
  });
}

/** The coordinator's Trino HTTP gateway (`http-server.*`, `password-authenticator.config-files`). */
export function trinoHttpConfig(flags: CommonFlags): TrinoHttpConfig {
  const props = withEnvOverrides(read(flags, 'config.properties'), TRINO_HTTP_PROPERTY_NAMES);
  const dir = configDir(flags);
  return trinoHttpConfigFromProperties(props, {
    ...(dir ? { configDir: dir, source: join(dir, 'config.properties') } : {}),
  });
}

export function workerConfig(flags: CommonFlags & { id?: string; slots?: string }): WorkerConfig {
  const props: Record<string, string> = {
    ...withEnvOverrides(read(flags, 'config.properties'), WORKER_PROPERTY_NAMES),
  };
  if (flags.id) props['node.id'] = flags.id;
  if (flags.slots) props['worker.task-slots'] = flags.slots;
  withSharedSecret(props, flags);
  if (flags.metricsPort) props['metrics.port'] = flags.metricsPort;
  const catalogs = props['catalog.config-dir'] ?? catalogDir(flags);
  if (catalogs) props['catalog.config-dir'] = catalogs;
  return workerConfigFromProperties(props, {
    servers: natsServers(flags),
    prefix: prefixOf(flags),
    exchange: exchangeConfig(flags).exchange,
    nats: natsSecurity(flags),
  });
}

export { natsSecurity, natsServers, prefixOf, type CommonFlags } from './connection.js';
