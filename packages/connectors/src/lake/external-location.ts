import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QuarryError } from '@quarry/common';

/**
 * Locations of files a lake catalog reads but does not own (registered and external tables).
 * A location is normalized before it is compared: `s3a://`/`s3n://` become `s3://`, a local
 * path becomes a `file://` URI, trailing slashes go; a location with an empty, `.` or `..`
 * segment, a backslash, a query or a fragment is refused outright rather than resolved, so no
 * spelling reaches past a prefix. The catalog reads only locations under one of its
 * `lake.external-location-prefixes` (compared segment by segment: `s3://b/data` allows
 * `s3://b/data/x`, not `s3://b/database`), never under its own `lake.root` (another table's
 * files), and only on the storage of its root (S3 with the catalog's endpoint and credentials, or
 * the local disk). With no prefixes configured, the catalog reads no external locations.
 * Local directories are read through symbolic links: allowed directories should hold none that
 * lead elsewhere.
 */
export interface LocationPolicy {
  readonly catalog: string;
  readonly root: string;
  readonly prefixes: readonly string[];
}

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The normalized URI of a location, or an INVALID_ARGUMENTS error saying what is wrong with it. */
export function normalizeLocation(raw: string, what = 'location'): string {
  const text = raw.trim();
  const bad = (why: string) =>
    new QuarryError('INVALID_ARGUMENTS', `lake: ${what} '${raw}' is invalid: ${why}`);
  if (text === '') throw bad('it is empty');
  if (/[\\?#\0]/.test(text)) throw bad('it may not contain a backslash, ?, # or NUL');
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  let uri: string;
  if (scheme === 's3' || scheme === 's3a' || scheme === 's3n') {
    uri = `s3://${text.slice(text.indexOf('://') + 3)}`;
  } else if (scheme === 'file') {
    let path: string;
    try {
      path = fileURLToPath(text);
    } catch (e) {
      throw bad(`not a file URI (${(e as Error).message})`);
    }
    checkSegments(text.slice('file://'.length), bad);
    uri = pathToFileURL(path).href;
  } else if (scheme !== undefined) {
    throw bad('only s3:// locations and local paths are supported');
  } else if (!isAbsolute(text)) {
    throw bad('a local path must be absolute');
  } else {
    checkSegments(text, bad);
    uri = pathToFileURL(text).href;
  }
  uri = uri.replace(/\/+$/, '');
  if (uri.startsWith('s3://')) {
    const rest = uri.slice('s3://'.length);
    if (rest === '') throw bad('it names no bucket');
    checkSegments(rest, bad);
  }
  return uri;
}

function checkSegments(path: string, bad: (why: string) => QuarryError): void {
  const segments = path.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  for (const s of segments) {
    if (s === '' && segments.length > 1) throw bad('it has an empty path segment');
    let decoded = s;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      // not percent-encoded: checked as written
    }
    if (s === '.' || s === '..' || decoded === '.' || decoded === '..')
      throw bad("'.' and '..' segments are not allowed");
  }
}

/** Whether `uri` is `prefix` or below it. */
function isUnder(uri: string, prefix: string): boolean {
  return uri === prefix || uri.startsWith(`${prefix}/`);
}

/**
 * The normalized location if the catalog may read it; ACCESS_DENIED naming the catalog property
 * otherwise.
 */
export function allowedLocation(policy: LocationPolicy, raw: string): string {
  const uri = normalizeLocation(raw);
  const denied = (why: string) =>
    new QuarryError('ACCESS_DENIED', `lake: catalog '${policy.catalog}' may not read '${raw}': ${why}`);
  if (policy.prefixes.length === 0)
    throw denied('it reads no external locations (set lake.external-location-prefixes)');
  if (isUnder(uri, policy.root) || isUnder(policy.root, uri))
    throw denied(`it is inside or above the catalog's own directory ${policy.root}`);
  if (!policy.prefixes.some((p) => isUnder(uri, p)))
    throw denied(`it is not under lake.external-location-prefixes (${policy.prefixes.join(', ')})`);
  return uri;
}
