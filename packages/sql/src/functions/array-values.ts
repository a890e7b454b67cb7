import { QuarryError } from '@quarry/common';
import { sortCompare, sqlCompare, sqlEquals, valueKey, type MapValue } from '../types/composite.js';
import { typeToString, VARCHAR, type DataType } from '../types/types.js';
import { toExternal } from '../types/values.js';
import { caster } from './casts.js';

/**
 * The runtime of the array, map and row functions: plain functions over native values (see
 * `types/composite.ts`), bound into generated code by reference. Errors are Trino's.
 */

function invalid(message: string): QuarryError {
  return new QuarryError('INVALID_FUNCTION_ARGUMENT', message);
}

/** `a[i]`: 1-based; out of range is an error, as in Trino. */
export function arraySubscript(a: readonly unknown[], index: number | bigint): unknown {
  const i = Number(index);
  if (i === 0) throw invalid('SQL array indices start at 1');
  if (i < 0) throw invalid(`Array subscript is negative: ${i}`);
  if (i > a.length)
    throw invalid(`Array subscript must be less than or equal to array length: ${i} > ${a.length}`);
  return a[i - 1] ?? null;
}

/** `element_at(a, i)`: NULL out of range; a negative index counts from the end. */
export function arrayElementAt(a: readonly unknown[], index: number | bigint): unknown {
  const i = Number(index);
  if (i === 0) throw invalid('SQL array indices start at 1');
  const at = i > 0 ? i - 1 : a.length + i;
  return at >= 0 && at < a.length ? (a[at] ?? null) : null;
}

function mapIndex(type: DataType, m: MapValue, key: unknown): number {
  const t = type as DataType & { kind: 'map' };
  for (let i = 0; i < m.keys.length; i++) if (sqlEquals(t.key, m.keys[i], key) === true) return i;
  return -1;
}

/** `m[k]`: a missing key is an error, as in Trino. */
export function mapSubscript(type: DataType, m: MapValue, key: unknown): unknown {
  const i = mapIndex(type, m, key);
  if (i < 0) {
    const t = type as DataType & { kind: 'map' };
    throw invalid(`Key not present in map: ${String(toExternal(t.key, key))}`);
  }
  return m.values[i] ?? null;
}

export function mapElementAt(type: DataType, m: MapValue, key: unknown): unknown {
  const i = mapIndex(type, m, key);
  return i < 0 ? null : (m.values[i] ?? null);
}

/** `MAP(keys, values)`. */
export function makeMap(type: DataType, keys: readonly unknown[], values: readonly unknown[]): MapValue {
  const t = type as DataType & { kind: 'map' };
  if (keys.length !== values.length) throw invalid('Key and value arrays must be the same length');
  const seen = new Set<string>();
  for (const k of keys) {
    if (k === null) throw invalid('map key cannot be null');
    const key = valueKey(t.key, k);
    if (seen.has(key)) throw invalid(`Duplicate map keys (${String(toExternal(t.key, k))}) are not allowed`);
    seen.add(key);
  }
  return { keys: [...keys], values: [...values] };
}

/** `contains(a, x)`: true if found; NULL when not found and the array has a NULL. */
export function arrayContains(type: DataType, a: readonly unknown[], x: unknown): boolean | null {
  let unknown = false;
  for (const e of a) {
    if (e === null) unknown = true;
    else {
      const r = sqlEquals(type, e, x);
      if (r === true) return true;
      if (r === null) unknown = true;
    }
  }
  return unknown ? null : false;
}

export function arrayDistinct(type: DataType, a: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const e of a) {
    const k = valueKey(type, e);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(e);
    }
  }
  return out;
}

/** `array_sort(a)`: ascending, NULLs last. */
export function arraySort(type: DataType, a: readonly unknown[]): unknown[] {
  return [...a].sort((x, y) => sortCompare(type, x, y));
}

/** `array_max`/`array_min`: NULL when the array is empty or has a NULL element. */
export function arrayExtreme(type: DataType, a: readonly unknown[], sign: number): unknown {
  let best: unknown = null;
  for (const e of a) {
    if (e === null) return null;
    if (best === null || sign * (sqlCompare(type, e, best) ?? 0) > 0) best = e;
  }
  return best;
}

/** `array_join(a, delimiter[, nullReplacement])`: NULL elements are skipped unless replaced. */
export function arrayJoin(
  type: DataType,
  a: readonly unknown[],
  delimiter: string,
  nulls: string | null,
): string {
  const toText = caster(type, VARCHAR);
  if (!toText) throw invalid(`Input type ${typeToString(type)} not supported`);
  const parts: string[] = [];
  for (const e of a) {
    if (e === null) {
      if (nulls !== null) parts.push(nulls);
    } else parts.push(toText(e as never) as string);
  }
  return parts.join(delimiter);
}

export function concatArrays(...arrays: (readonly unknown[] | null)[]): unknown[] | null {
  if (arrays.some((a) => a === null)) return null;
  return ([] as unknown[]).concat(...(arrays as unknown[][]));
}

/** `=`, `<>`, `<`, … of composite values (NULL where NULL elements leave it undecided). */
export function compareComposite(type: DataType, op: string, a: unknown, b: unknown): boolean | null {
  if (op === 'eq' || op === 'ne') {
    const r = sqlEquals(type, a, b);
    return r === null ? null : op === 'eq' ? r : !r;
  }
  const c = sqlCompare(type, a, b);
  if (c === null) return null;
  switch (op) {
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
    case 'gt':
      return c > 0;
    default:
      return c >= 0;
  }
}
