import { createHash } from 'node:crypto';
import { PropertyReader, QuarryError, type Properties } from '@quarry/common';
import {
  hideSecrets,
  protectS3Settings,
  redactS3Settings,
  s3SettingsFromProperties,
  type S3Settings,
} from '@quarry/storage';
import { parseBaseDirectories, schemeOf } from './base-directories.js';

export { parseBaseDirectories } from './base-directories.js';

export const COMPRESSION_CODECS = ['NONE', 'LZ4', 'ZSTD'] as const;
export type CompressionCodec = (typeof COMPRESSION_CODECS)[number];

/** Typed `exchange-manager.properties`, with Trino's property names. */
export interface ExchangeConfig {
  /** Absolute URIs of the base directories (`file:///…` or `s3://bucket[/prefix]`), one kind only. */
  readonly baseDirectories: readonly string[];
  /** `exchange.sink-max-file-size`: a sink rolls over to a new file past this size. */
  readonly sinkMaxFileSize: number;
  /** `exchange.sink-buffer-size`: bytes buffered per output partition before a write. */
  readonly sinkBufferSize: number;
  /**
   * `exchange.sink-inline-max-size` (quarry's own; default {@link DEFAULT_SINK_INLINE_MAX_SIZE},
   * at most {@link MAX_SINK_INLINE_SIZE}, 0 turns it off): a stage's outputs up to this size in
   * all are not written to storage but carried in the task reports and kept with the winners
   * (the coordinator shares it out among the stage's tasks). Read by the coordinator.
   */
  readonly sinkInlineMaxSize?: number | undefined;
  /**
   * `exchange.compression-codec`; `undefined` when not set: the coordinator then decides
   * (see {@link exchangeCodecFor}) and passes the codec to each sink.
   */
  readonly compressionCodec?: CompressionCodec | undefined;
  /**
   * `fault-tolerant-execution.exchange-encryption-enabled` (default true): the coordinator makes a
   * key per query ({@link generateExchangeKey}) and passes it to every sink and reader of the query.
   */
  readonly encryptionEnabled: boolean;
  /**
   * The `exchange.s3.*` properties (`@quarry/storage`'s settings; `uploadPartSize` is
   * `exchange.s3.upload.part-size`), present when the base directories are on S3.
   */
  readonly s3?: S3Settings | undefined;
}

/** Every property read here, for environment overrides (`QUARRY_EXCHANGE_S3_REGION`, …). */
export const EXCHANGE_PROPERTY_NAMES = [
  'exchange-manager.name',
  'exchange.base-directories',
  'exchange.sink-max-file-size',
  'exchange.sink-buffer-size',
  'exchange.sink-inline-max-size',
  'exchange.compression-codec',
  'fault-tolerant-execution.exchange-encryption-enabled',
  'exchange.s3.region',
  'exchange.s3.endpoint',
  'exchange.s3.path-style-access',
  'exchange.s3.aws-access-key',
  'exchange.s3.aws-secret-key',
  'exchange.s3.max-error-retries',
  'exchange.s3.upload.part-size',
] as const;

/** The default of `exchange.sink-inline-max-size`: 64 KiB per stage. */
export const DEFAULT_SINK_INLINE_MAX_SIZE = 64 * 1024;
/** The most `exchange.sink-inline-max-size` may be: inline outputs travel in NATS messages (1 MB). */
export const MAX_SINK_INLINE_SIZE = 256 * 1024;
const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;
const MIN_FILE_BUFFER = 1024;

export function exchangeConfigFromProperties(
  props: Properties,
  source = 'exchange-manager.properties',
  env: NodeJS.ProcessEnv = process.env,
): ExchangeConfig {
  const r = new PropertyReader(props, source);
  const name = r.string('exchange-manager.name', 'filesystem');
  if (name !== 'filesystem') {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: exchange-manager.name=${name} is unknown (only 'filesystem' exists)`,
    );
  }
  const baseDirectories = parseBaseDirectories(r.optionalString('exchange.base-directories') ?? '', source);
  const codec = props['exchange.compression-codec'];
  return protectExchangeConfig({
    baseDirectories,
    sinkMaxFileSize: fileBufferSize(r, 'exchange.sink-max-file-size', '1GB', source),
    sinkBufferSize: fileBufferSize(r, 'exchange.sink-buffer-size', '1MB', source),
    sinkInlineMaxSize: inlineMaxSize(r, source),
    compressionCodec:
      codec === undefined ? undefined : r.oneOf('exchange.compression-codec', COMPRESSION_CODECS, 'NONE'),
    encryptionEnabled: r.boolean('fault-tolerant-execution.exchange-encryption-enabled', true),
    s3: baseDirectories.some((d) => schemeOf(d) === 's3') ? s3Settings(r, props, source, env) : undefined,
  });
}

function s3Settings(
  r: PropertyReader,
  props: Properties,
  source: string,
  env: NodeJS.ProcessEnv,
): S3Settings {
  const partSize = r.dataSize('exchange.s3.upload.part-size', '5MB');
  if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: exchange.s3.upload.part-size=${props['exchange.s3.upload.part-size']} is invalid: S3 parts are 5MB to 5GB`,
    );
  }
  return s3SettingsFromProperties(props, {
    prefix: 'exchange.s3',
    source,
    usedFor: 'S3 base directories',
    uploadPartSize: partSize,
    env,
  });
}

function inlineMaxSize(r: PropertyReader, source: string): number {
  const name = 'exchange.sink-inline-max-size';
  const n = r.dataSize(name, `${DEFAULT_SINK_INLINE_MAX_SIZE / 1024}kB`);
  if (n > MAX_SINK_INLINE_SIZE) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: ${name} is invalid: expected at most ${MAX_SINK_INLINE_SIZE / 1024}kB (inline outputs travel in messages)`,
    );
  }
  return n;
}

/** A data size property that must be at least MIN_FILE_BUFFER bytes. */
function fileBufferSize(r: PropertyReader, name: string, fallback: string, source: string): number {
  const n = r.dataSize(name, fallback);
  if (n < MIN_FILE_BUFFER) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: ${name} is invalid: expected at least ${MIN_FILE_BUFFER} bytes`,
    );
  }
  return n;
}

/** The embedded default: one local directory, encryption on, the codec left to the coordinator. */
export function localExchangeConfig(dir: string): ExchangeConfig {
  return protectExchangeConfig({
    baseDirectories: parseBaseDirectories(dir, 'local exchange'),
    sinkMaxFileSize: 1 << 30,
    sinkBufferSize: 1 << 20,
    encryptionEnabled: true,
  });
}

/**
 * The codec sinks use when the configuration names none: LZ4 under retry policy TASK (every stage
 * boundary is spooled and read back, so fewer bytes pay off), none otherwise. For the coordinator.
 */
export function exchangeCodecFor(
  config: ExchangeConfig,
  retryPolicy: 'NONE' | 'QUERY' | 'TASK',
): CompressionCodec {
  return config.compressionCodec ?? (retryPolicy === 'TASK' ? 'LZ4' : 'NONE');
}

/** The configuration as it may be shown: credentials replaced by `***`. */
export function redactExchangeConfig(config: ExchangeConfig): Record<string, unknown> {
  const { s3, ...rest } = config;
  return s3 ? { ...rest, s3: redactS3Settings(s3) } : { ...rest };
}

/**
 * A copy whose JSON and `util.inspect` forms hide the credentials (`@quarry/storage`'s
 * `hideSecrets`, on the configuration and on its `s3` part). A structured clone — what a worker
 * thread receives in `workerData` — loses them: protect the clone again before it can be logged.
 */
export function protectExchangeConfig(config: ExchangeConfig): ExchangeConfig {
  const s3 = config.s3 ? protectS3Settings(config.s3) : undefined;
  const copy: ExchangeConfig = { ...config, ...(s3 ? { s3 } : {}) };
  return hideSecrets(copy, () => redactExchangeConfig(copy));
}

/**
 * Where an exchange's files live, as a short hash: the base directories (in order: they are chosen
 * round-robin) and the S3 endpoint and region. Coordinator and workers must agree on it, or a task's
 * output would be written where its consumers cannot read it; a worker announces it in its
 * heartbeats and a coordinator with another one refuses it. Credentials are not part of it.
 */
export function exchangeFingerprint(config: ExchangeConfig): string {
  const where = {
    baseDirectories: config.baseDirectories,
    endpoint: config.s3?.endpoint ?? null,
    region: config.s3 ? config.s3.region : null,
  };
  return createHash('sha256').update(JSON.stringify(where)).digest('base64url').slice(0, 22);
}
