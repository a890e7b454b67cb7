import { QuarryError } from '@quarry/common';

/**
 * The one gate between data and storage paths. Every path component that comes from data — query
 * ids, exchange ids, task partitions and attempts, schema and table names — passes through here
 * before a URI is built from it, so a name from a message or a statement can never climb out of
 * its directory (`..`), start another one (`/`, `\`), end a C string (NUL), smuggle an encoded
 * character (`%2e%2e`) or name a hidden file.
 *
 * Allowed: 1 to {@link MAX_SEGMENT_LENGTH} characters of `A–Z a–z 0–9 _ . -`, not starting with `.`
 * and holding no `..`; or a non-negative safe integer. Anything else is a `QuarryError`
 * (`INVALID_ARGUMENTS`, never retried) naming the component and showing the value escaped.
 */
export const MAX_SEGMENT_LENGTH = 128;

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** `value` as a path component, or a `QuarryError` saying which component (`what`) is refused. */
export function pathSegment(what: string, value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return String(value);
    throw refused(what, value, 'a number here must be a non-negative integer');
  }
  if (typeof value !== 'string') throw refused(what, value, `it is a ${typeof value}, not a string`);
  if (value.length === 0) throw refused(what, value, 'it is empty');
  if (value.length > MAX_SEGMENT_LENGTH) {
    throw refused(what, value, `it is longer than ${MAX_SEGMENT_LENGTH} characters`);
  }
  if (!SEGMENT.test(value) || value.includes('..')) {
    throw refused(
      what,
      value,
      "use letters, digits, '_', '-' and '.', not starting with '.' and without '..'",
    );
  }
  return value;
}

/** Whether {@link pathSegment} would accept `value`. */
export function isPathSegment(value: unknown): boolean {
  try {
    pathSegment('', value);
    return true;
  } catch {
    return false;
  }
}

function refused(what: string, value: unknown, why: string): QuarryError {
  let shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  return new QuarryError('INVALID_ARGUMENTS', `${what} ${shown} cannot be a storage path component: ${why}`);
}
