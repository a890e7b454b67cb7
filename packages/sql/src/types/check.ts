import { QuarryError } from '@quarry/common';
import { MAX_DECIMAL_PRECISION, type DataType, type TypeKind } from './types.js';

/**
 * Checks a DataType that arrived as data (a plan fragment from the network) and returns a fresh,
 * canonical copy holding only the type's own fields: a known kind, and parameters that are
 * integers in their ranges. Anything else is INVALID_MESSAGE naming `path`.
 */
export function checkDataType(value: unknown, path: string): DataType {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'is not a type');
  const t = value as Record<string, unknown>;
  const kind = t.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(TYPE_CHECKERS, kind))
    fail(
      path,
      `has an unknown type kind ${typeof kind === 'string' ? JSON.stringify(kind.slice(0, 40)) : typeof kind}`,
    );
  return TYPE_CHECKERS[kind as TypeKind](t, path);
}

type TypeChecker = (t: Readonly<Record<string, unknown>>, path: string) => DataType;

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
  timestamp: (t, path) => ({
    kind: 'timestamp',
    precision: integerIn(t.precision, 0, 12, `${path}.precision`),
  }),
};

/** An integer in [min, max], or INVALID_MESSAGE naming `path`. */
export function integerIn(value: unknown, min: number, max: number, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    fail(path, `must be an integer in [${min}, ${max}]`);
  return value;
}

function fail(path: string, what: string): never {
  throw new QuarryError('INVALID_MESSAGE', `invalid plan: ${path} ${what}`);
}
