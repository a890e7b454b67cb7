import { QuarryError } from '@quarry/common';
import { MAX_DECIMAL_PRECISION, type DataType, type RowField, type TypeKind } from './types.js';

/**
 * Checks a DataType that arrived as data (a plan fragment from the network) and returns a fresh,
 * canonical copy holding only the type's own fields: a known kind, and parameters that are
 * integers in their ranges. Anything else is INVALID_MESSAGE naming `path`.
 */
export function checkDataType(value: unknown, path: string, depth = 0): DataType {
  if (depth > MAX_TYPE_DEPTH) fail(path, `nests deeper than ${MAX_TYPE_DEPTH}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'is not a type');
  const t = value as Record<string, unknown>;
  const kind = t.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(TYPE_CHECKERS, kind))
    fail(
      path,
      `has an unknown type kind ${typeof kind === 'string' ? JSON.stringify(kind.slice(0, 40)) : typeof kind}`,
    );
  return TYPE_CHECKERS[kind as TypeKind](t, path, depth + 1);
}

type TypeChecker = (t: Readonly<Record<string, unknown>>, path: string, depth: number) => DataType;

/** How deeply composite types may nest (Trino has no fixed limit; 32 levels is far beyond use). */
export const MAX_TYPE_DEPTH = 32;

const plain =
  (kind: TypeKind): TypeChecker =>
  () =>
    ({ kind }) as DataType;

/** One checker per kind: a new kind that is not listed here fails to compile. */
const TYPE_CHECKERS: { readonly [K in TypeKind]: TypeChecker } = {
  boolean: plain('boolean'),
  tinyint: plain('tinyint'),
  smallint: plain('smallint'),
  integer: plain('integer'),
  bigint: plain('bigint'),
  real: plain('real'),
  double: plain('double'),
  date: plain('date'),
  interval_day_time: plain('interval_day_time'),
  interval_year_month: plain('interval_year_month'),
  unknown: plain('unknown'),
  decimal: (t, path) => {
    const precision = integerIn(t.precision, 1, MAX_DECIMAL_PRECISION, `${path}.precision`);
    const scale = integerIn(t.scale, 0, precision, `${path}.scale`);
    return { kind: 'decimal', precision, scale };
  },
  varchar: (t, path) =>
    t.length === undefined
      ? { kind: 'varchar' }
      : { kind: 'varchar', length: integerIn(t.length, 0, 2 ** 31 - 1, `${path}.length`) },
  char: (t, path) => ({ kind: 'char', length: integerIn(t.length, 0, 65_536, `${path}.length`) }),
  array: (t, path, depth) => ({ kind: 'array', element: checkDataType(t.element, `${path}.element`, depth) }),
  map: (t, path, depth) => ({
    kind: 'map',
    key: checkDataType(t.key, `${path}.key`, depth),
    value: checkDataType(t.value, `${path}.value`, depth),
  }),
  row: (t, path, depth) => {
    if (!Array.isArray(t.fields) || t.fields.length === 0 || t.fields.length > MAX_ROW_FIELDS)
      fail(`${path}.fields`, `must be a list of 1 to ${MAX_ROW_FIELDS} fields`);
    const fields = (t.fields as unknown[]).map((f, i) => checkField(f, `${path}.fields[${i}]`, depth));
    return { kind: 'row', fields };
  },
  timestamp: (t, path) => ({
    kind: 'timestamp',
    precision: integerIn(t.precision, 0, 12, `${path}.precision`),
  }),
};

const MAX_ROW_FIELDS = 1000;

function checkField(value: unknown, path: string, depth: number): RowField {
  if (typeof value !== 'object' || value === null) fail(path, 'is not a row field');
  const f = value as Record<string, unknown>;
  const type = checkDataType(f.type, `${path}.type`, depth);
  if (f.name === undefined) return { type };
  if (typeof f.name !== 'string' || f.name.length > 1024) fail(`${path}.name`, 'is not a field name');
  return { name: f.name, type };
}

/** An integer in [min, max], or INVALID_MESSAGE naming `path`. */
export function integerIn(value: unknown, min: number, max: number, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    fail(path, `must be an integer in [${min}, ${max}]`);
  return value;
}

function fail(path: string, what: string): never {
  throw new QuarryError('INVALID_MESSAGE', `invalid plan: ${path} ${what}`);
}
