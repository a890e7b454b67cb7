import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PropertyReader, QuarryError, type Properties } from '@quarry/common';
import { normalizeLocation } from './external-location.js';
import { hideSecrets, redactS3Settings, s3SettingsFromProperties, type S3Settings } from '@quarry/storage';

/** Typed properties of a `connector.name=lake` catalog (see docs/CONFIGURATION.md). */
export interface LakeConfig {
  /** `lake.root`, as an absolute URI without a trailing slash: `s3://bucket[/prefix]` or `file:///…`. */
  readonly root: string;
  /** `lake.s3.*`; present when the root is on S3. Credentials never show in JSON or `inspect`. */
  readonly s3: S3Settings | undefined;
  /** `lake.parquet.row-group-rows`: rows per Parquet row group (and so per split). */
  readonly rowGroupRows: number;
  /** `lake.target-max-file-size`: a writer starts a new file once its current one is this large. */
  readonly targetMaxFileSize: number;
  /**
   * `lake.external-location-prefixes`: where registered and external tables may read files
   * (comma-separated, normalized URIs on the root's storage); none by default: see
   * `external-location.ts`.
   */
  readonly externalLocationPrefixes: readonly string[];
}

/** Every property a lake catalog reads; any other property in its file is an error. */
export const LAKE_PROPERTY_NAMES = [
  'lake.root',
  'lake.s3.endpoint',
  'lake.s3.region',
  'lake.s3.path-style-access',
  'lake.s3.aws-access-key',
  'lake.s3.aws-secret-key',
  'lake.s3.max-error-retries',
  'lake.parquet.row-group-rows',
  'lake.target-max-file-size',
  'lake.external-location-prefixes',
] as const;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function lakeConfigFromProperties(
  props: Properties,
  source: string,
  env: NodeJS.ProcessEnv = process.env,
): LakeConfig {
  const r = new PropertyReader(props, source);
  const rawRoot = r.optionalString('lake.root')?.trim();
  if (rawRoot === undefined || rawRoot === '') {
    throw invalid(source, 'lake.root is required (s3://bucket/prefix or an absolute local path)');
  }
  const root = normalizeRoot(rawRoot, source);
  const rowGroupRows = r.int('lake.parquet.row-group-rows', 100_000, 1);
  const targetMaxFileSize = r.dataSize('lake.target-max-file-size', '1GB');
  if (targetMaxFileSize < 1024) {
    throw invalid(source, `lake.target-max-file-size is invalid: expected at least 1024 bytes`);
  }
  const s3 = root.startsWith('s3://')
    ? s3SettingsFromProperties(props, {
        prefix: 'lake.s3',
        source,
        usedFor: 'an S3 root',
        uploadPartSize: 8 * 1024 * 1024,
        env,
      })
    : undefined;
  const externalLocationPrefixes = externalPrefixes(r.optionalString('lake.external-location-prefixes'), {
    root,
    source,
  });
  return protect({ root, s3, rowGroupRows, targetMaxFileSize, externalLocationPrefixes });
}

function externalPrefixes(raw: string | undefined, at: { root: string; source: string }): string[] {
  const items = (raw ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return items.map((item) => {
    let uri: string;
    try {
      uri = normalizeLocation(item, 'prefix');
    } catch (e) {
      throw invalid(at.source, `lake.external-location-prefixes: ${(e as Error).message}`);
    }
    if (uri.startsWith('s3://') !== at.root.startsWith('s3://'))
      throw invalid(
        at.source,
        `lake.external-location-prefixes: '${item}' is not on the storage of lake.root (${at.root})`,
      );
    return uri;
  });
}

function normalizeRoot(raw: string, source: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === 's3' || scheme === 's3a' || scheme === 's3n') {
    const rest = raw.slice(raw.indexOf('://') + 3).replace(/\/+$/, '');
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (!BUCKET.test(bucket) || bucket.includes('..')) {
      throw invalid(source, `lake.root='${raw}' is invalid: '${bucket}' is not an S3 bucket name`);
    }
    return `s3://${rest}`;
  }
  if (scheme === 'file') return raw.replace(/\/+$/, '');
  if (scheme !== undefined) {
    throw invalid(source, `lake.root='${raw}' is invalid: only s3:// and local directories are supported`);
  }
  if (!isAbsolute(raw)) {
    throw invalid(source, `lake.root='${raw}' is invalid: a local directory must be an absolute path`);
  }
  return pathToFileURL(raw).href.replace(/\/+$/, '');
}

function invalid(source: string, message: string): QuarryError {
  return new QuarryError('INVALID_CONFIGURATION', `${source}: ${message}`);
}

/** The configuration as it may be shown: credentials replaced by `***`. */
export function redactLakeConfig(config: LakeConfig): Record<string, unknown> {
  const { s3, ...rest } = config;
  return s3 ? { ...rest, s3: redactS3Settings(s3) } : { ...rest };
}

/** JSON and `util.inspect` of the configuration, and of its `s3` part, hide the credentials. */
function protect(config: LakeConfig): LakeConfig {
  return hideSecrets(config, () => redactLakeConfig(config));
}
