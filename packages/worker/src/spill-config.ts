import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { PropertyReader, QuarryError, type Properties } from '@quarry/common';
import { COMPRESSION_CODECS, type CompressionCodec } from '@quarry/exchange';

/** How a worker's tasks spill (Trino's property names; see docs/CONFIGURATION.md). */
export interface SpillConfig {
  /** `spill-enabled` (true): the default of session property `spill_enabled`. */
  readonly enabled: boolean;
  /** `spiller-spill-path`: local directories for spill files, tasks spread over them in turn. */
  readonly paths: readonly string[];
  /** `max-spill-per-node` (100GB): spill files of all tasks of this worker at once. */
  readonly maxPerNodeBytes: number;
  /** `query-max-spill-per-node` (100GB): spill files of one query's tasks on this worker at once. */
  readonly maxPerQueryBytes: number;
  /** `spill-compression-codec` (LZ4). */
  readonly codec: CompressionCodec;
  /** `spill-encryption-enabled` (true): each task's files under a key of its own, kept in memory only. */
  readonly encrypted: boolean;
}

export const SPILL_PROPERTY_NAMES = [
  'spill-enabled',
  'spiller-spill-path',
  'max-spill-per-node',
  'query-max-spill-per-node',
  'spill-compression-codec',
  'spill-encryption-enabled',
] as const;

/** The defaults: on, under the OS temporary directory, LZ4, encrypted, 100GB a node and a query. */
export const DEFAULT_SPILL: SpillConfig = {
  enabled: true,
  paths: [join(tmpdir(), 'quarry-spill')],
  maxPerNodeBytes: 100 * 1024 ** 3,
  maxPerQueryBytes: 100 * 1024 ** 3,
  codec: 'LZ4',
  encrypted: true,
};

export function spillConfigFromProperties(props: Properties, source: string): SpillConfig {
  const r = new PropertyReader(props, source);
  const raw = r.optionalString('spiller-spill-path');
  const paths = raw === undefined ? DEFAULT_SPILL.paths : raw.split(',').map((p) => p.trim());
  for (const p of paths) {
    if (!isAbsolute(p)) {
      throw new QuarryError(
        'INVALID_CONFIGURATION',
        `${source}: spiller-spill-path='${raw}' is invalid: expected absolute local directories, separated by commas`,
      );
    }
  }
  return {
    enabled: r.boolean('spill-enabled', DEFAULT_SPILL.enabled),
    paths,
    maxPerNodeBytes: r.dataSize('max-spill-per-node', '100GB'),
    maxPerQueryBytes: r.dataSize('query-max-spill-per-node', '100GB'),
    codec: r.oneOf('spill-compression-codec', COMPRESSION_CODECS, DEFAULT_SPILL.codec),
    encrypted: r.boolean('spill-encryption-enabled', DEFAULT_SPILL.encrypted),
  };
}
