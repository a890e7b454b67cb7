import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { QuarryError } from '@quarry/common';

/**
 * `exchange.base-directories`: a comma-separated list of either S3 locations (`s3://bucket`,
 * `s3://bucket/prefix`; `s3a://` and `s3n://` are read as `s3://`) or local directories (`/data/x`,
 * `file:///data/x`). Normalized to absolute URIs without a trailing slash. One kind only: a list that
 * mixes S3 and local directories is rejected, as is a directory listed twice or nested in another
 * (the cleanup of one would reach into the other).
 */
export type BaseDirectoryScheme = 's3' | 'file';

const PROPERTY = 'exchange.base-directories';
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseBaseDirectories(raw: string, source: string): string[] {
  const dirs = raw
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  if (dirs.length === 0) throw invalid(source, 'is required');
  const uris = dirs.map((d) => normalize(d, source));
  const schemes = new Set(uris.map(schemeOf));
  if (schemes.size > 1) {
    const s3 = uris.find((u) => schemeOf(u) === 's3');
    const local = uris.find((u) => schemeOf(u) === 'file');
    throw invalid(
      source,
      `mixes S3 locations and local directories (${s3} and ${local}): use one kind for all of them`,
    );
  }
  if (new Set(uris).size !== uris.length) throw invalid(source, 'lists a directory twice');
  for (const a of uris) {
    const inner = uris.find((b) => b !== a && b.startsWith(`${a}/`));
    if (inner) throw invalid(source, `lists ${inner}, which lies inside ${a}`);
  }
  return uris;
}

export function schemeOf(uri: string): BaseDirectoryScheme {
  return uri.startsWith('s3://') ? 's3' : 'file';
}

function normalize(dir: string, source: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(dir)?.[1]?.toLowerCase();
  if (scheme === 's3' || scheme === 's3a' || scheme === 's3n') return normalizeS3(dir, source);
  if (scheme !== undefined && scheme !== 'file')
    throw invalid(source, `has an unsupported scheme in '${dir}'`);
  const uri = scheme === 'file' ? dir : pathToFileURL(resolve(dir)).href;
  return uri.replace(/\/+$/, '');
}

function normalizeS3(dir: string, source: string): string {
  const rest = dir.slice(dir.indexOf('://') + 3);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw invalid(
      source,
      `names an invalid bucket in '${dir}' (3–63 lowercase letters, digits, dots and hyphens)`,
    );
  }
  if (prefix !== '' && prefix.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw invalid(source, `has an empty or relative path segment in the prefix of '${dir}'`);
  }
  return prefix === '' ? `s3://${bucket}` : `s3://${bucket}/${prefix}`;
}

function invalid(source: string, why: string): QuarryError {
  return new QuarryError('INVALID_CONFIGURATION', `${source}: ${PROPERTY} ${why}`);
}
