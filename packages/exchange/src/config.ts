import { PropertyReader, QuarryError, type Properties } from '@quarry/common';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

/** Typed `exchange-manager.properties`, with Trino's property names. */
export interface ExchangeConfig {
  /** Absolute URIs of the base directories (`file:///…`), spooled output is spread over them. */
  readonly baseDirectories: readonly string[];
  /** `exchange.sink-max-file-size`: a sink rolls over to a new file past this size. */
  readonly sinkMaxFileSize: number;
  /** `exchange.sink-buffer-size`: bytes buffered per output partition before a write. */
  readonly sinkBufferSize: number;
}

export const EXCHANGE_PROPERTY_NAMES = [
  'exchange-manager.name',
  'exchange.base-directories',
  'exchange.sink-max-file-size',
  'exchange.sink-buffer-size',
] as const;

export function exchangeConfigFromProperties(
  props: Properties,
  source = 'exchange-manager.properties',
): ExchangeConfig {
  const r = new PropertyReader(props, source);
  const name = r.string('exchange-manager.name', 'filesystem');
  if (name !== 'filesystem') {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: exchange-manager.name=${name} is unknown (only 'filesystem' exists)`,
    );
  }
  const raw = r.optionalString('exchange.base-directories');
  if (!raw || raw.trim() === '') {
    throw new QuarryError('INVALID_CONFIGURATION', `${source}: exchange.base-directories is required`);
  }
  return {
    baseDirectories: parseBaseDirectories(raw, source),
    sinkMaxFileSize: r.dataSize('exchange.sink-max-file-size', '1GB'),
    sinkBufferSize: r.dataSize('exchange.sink-buffer-size', '1MB'),
  };
}

export function parseBaseDirectories(raw: string, source: string): string[] {
  const dirs = raw
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  const uris = dirs.map((d) => {
    if (d.startsWith('s3://') || d.startsWith('s3a://') || d.startsWith('s3n://')) {
      throw new QuarryError(
        'INVALID_CONFIGURATION',
        `${source}: exchange.base-directories: S3 locations (${d}) are not supported yet; use a local directory`,
      );
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(d) && !d.startsWith('file://')) {
      throw new QuarryError(
        'INVALID_CONFIGURATION',
        `${source}: exchange.base-directories: unsupported scheme in '${d}'`,
      );
    }
    const uri = d.startsWith('file://') ? d : pathToFileURL(resolve(d)).href;
    return uri.replace(/\/+$/, '');
  });
  if (new Set(uris).size !== uris.length) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: exchange.base-directories lists a directory twice`,
    );
  }
  return uris;
}

/** The embedded default: one local directory. */
export function localExchangeConfig(dir: string): ExchangeConfig {
  return {
    baseDirectories: parseBaseDirectories(dir, 'local exchange'),
    sinkMaxFileSize: 1 << 30,
    sinkBufferSize: 1 << 20,
  };
}
