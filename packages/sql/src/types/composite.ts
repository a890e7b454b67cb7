import { QuarryError } from '@quarry/common';
import { typeToString, type DataType, type MapValue } from './types.js';
import { compareVarchar, normalizeLong, type Long } from './values.js';

/**
 * Native values of the composite types, as blocks of the `object` layout hold them (one JS value a
 * row) and as scalar functions see them:
 * - `array(T)`: a JS array of T's native values, `null` for a NULL element;
 * - `map(K, V)`: a {@link MapValue}, keys distinct and never NULL, in insertion order;
 * - `row(…)`: a JS array of the field values, in field order.
 * Values are immutable once built: functions return new ones.
 */
export type { MapValue };

export function isMapValue(v: unknown): v is MapValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'keys' in v && 'values' in v;
}

/**
 * A text that is the same for two values exactly when they are not distinct (NULLs equal, -0 and 0
 * equal, a bigint equal to the number of the same value): keys for grouping, hashing and joins.
 */
export function valueKey(type: DataType, v: unknown): string {
  if (v === null || v === undefined) return 'N';
  switch (type.kind) {
    case 'array':
      return `[${(v as unknown[]).map((e) => valueKey(type.element, e)).join(',')}]`;
    case 'row':
      return `(${(v as unknown[]).map((e, i) => valueKey(type.fields[i]?.type ?? type, e)).join(',')})`;
    case 'map': {
      const m = v as MapValue;
      const entries = m.keys.map((k, i) => `${valueKey(type.key, k)}:${valueKey(type.value, m.values[i])}`);
      return `{${entries.sort().join(',')}}`;
    }
    case 'varchar':
    case 'char':
      return JSON.stringify(v);
    case 'bigint':
    case 'decimal': {
      const n = typeof v === 'bigint' ? normalizeLong(v) : (v as number);
      return String(n);
    }
    case 'boolean':
      return v === true || v === 1 ? 't' : 'f';
    default:
      return Object.is(v, -0) ? '0' : String(v);
  }
}

/**
 * SQL `=` of two non-NULL values: true, false, or null when NULL elements leave it undecided
 * (`ARRAY[1, NULL] = ARRAY[1, NULL]` is NULL; `ARRAY[1, NULL] = ARRAY[2, NULL]` is false).
 */
export function sqlEquals(type: DataType, a: unknown, b: unknown): boolean | null {
  switch (type.kind) {
    case 'array':
      return equalLists(a as unknown[], b as unknown[], () => type.element);
    case 'row':
      return equalLists(a as unknown[], b as unknown[], (i) => type.fields[i]!.type);
    case 'map':
      return equalMaps(type, a as MapValue, b as MapValue);
    case 'varchar':
    case 'char':
      return a === b;
    default:
      // loose equality: a long may be a number on one side and a bigint on the other
      return a == b;
  }
}

function equalLists(
  a: readonly unknown[],
  b: readonly unknown[],
  typeAt: (i: number) => DataType,
): boolean | null {
  if (a.length !== b.length) return false;
  let unknown = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === null || y === null) {
      unknown = true;
      continue;
    }
    const r = sqlEquals(typeAt(i), x, y);
    if (r === false) return false;
    if (r === null) unknown = true;
  }
  return unknown ? null : true;
}

function equalMaps(type: DataType & { kind: 'map' }, a: MapValue, b: MapValue): boolean | null {
  if (a.keys.length !== b.keys.length) return false;
  const index = new Map(b.keys.map((k, i) => [valueKey(type.key, k), i]));
  let unknown = false;
  for (let i = 0; i < a.keys.length; i++) {
    const j = index.get(valueKey(type.key, a.keys[i]));
    if (j === undefined) return false;
    const x = a.values[i];
    const y = b.values[j];
    if (x === null || y === null) unknown = true;
    else {
      const r = sqlEquals(type.value, x, y);
      if (r === false) return false;
      if (r === null) unknown = true;
    }
  }
  return unknown ? null : true;
}

/**
 * SQL `<` ordering of two non-NULL values of an orderable type: negative, 0, positive; null when a
 * NULL field decides a row comparison. Arrays with a NULL element where it matters are an error, as in
 * Trino.
 */
export function sqlCompare(type: DataType, a: unknown, b: unknown): number | null {
  if (type.kind === 'array') {
    const x = a as unknown[];
    const y = b as unknown[];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] === null || y[i] === null)
        throw new QuarryError(
          'NOT_SUPPORTED',
          'Array comparison not supported for arrays with null elements',
        );
      const c = sqlCompare(type.element, x[i], y[i]);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  if (type.kind === 'row') {
    const x = a as unknown[];
    const y = b as unknown[];
    for (let i = 0; i < type.fields.length; i++) {
      if (x[i] === null || y[i] === null) return null;
      const c = sqlCompare(type.fields[i]!.type, x[i], y[i]);
      if (c !== 0) return c;
    }
    return 0;
  }
  if (type.kind === 'map')
    throw new QuarryError('TYPE_MISMATCH', `Type ${typeToString(type)} is not orderable`);
  return compareScalars(type, a, b);
}

/**
 * A total order for sorting (ORDER BY, array_sort): NULLs last, then as {@link sqlCompare} with
 * NaN above every double.
 */
export function sortCompare(type: DataType, a: unknown, b: unknown): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (type.kind === 'array' || type.kind === 'row') {
    const x = a as unknown[];
    const y = b as unknown[];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const t = type.kind === 'array' ? type.element : type.fields[i]!.type;
      const c = sortCompare(t, x[i], y[i]);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  if (type.kind === 'map')
    return valueKey(type, a) < valueKey(type, b) ? -1 : valueKey(type, a) > valueKey(type, b) ? 1 : 0;
  return compareScalars(type, a, b);
}

function compareScalars(type: DataType, a: unknown, b: unknown): number {
  if (type.kind === 'varchar' || type.kind === 'char')
    return Math.sign(compareVarchar(a as string, b as string));
  if (type.kind === 'boolean') return Number(a) - Number(b);
  const x = a as Long;
  const y = b as Long;
  if (x < y) return -1;
  if (x > y) return 1;
  if (x !== x || y !== y) return x !== x ? (y !== y ? 0 : 1) : -1; // NaN sorts above everything
  return 0;
}

/** The columns a collection of type `type` unnests into (see {@link UnnestNode}). */
export function unnestTypes(type: DataType): readonly DataType[] | undefined {
  if (type.kind === 'map') return [type.key, type.value];
  if (type.kind !== 'array') return undefined;
  const element = type.element;
  return element.kind === 'row' ? element.fields.map((f) => f.type) : [element];
}
