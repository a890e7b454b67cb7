import { QuarryError } from '@quarry/common';

/**
 * SQL types, as Trino names them. Each type has one physical layout in a {@link Block}
 * (see `page/block.ts`); the layout is chosen by {@link physicalKind}.
 */
export type DataType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'tinyint' }
  | { readonly kind: 'smallint' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'real' }
  | { readonly kind: 'double' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'varchar'; readonly length?: number }
  | { readonly kind: 'char'; readonly length: number }
  | { readonly kind: 'date' }
  /** Microseconds since the epoch, without time zone. */
  | { readonly kind: 'timestamp'; readonly precision: number }
  /** Milliseconds. */
  | { readonly kind: 'interval_day_time' }
  /** Months. */
  | { readonly kind: 'interval_year_month' }
  /** The type of a bare NULL: coerces to anything. */
  | { readonly kind: 'unknown' }
  /** Composite types (see `composite.ts`): values are JS arrays, {@link MapValue}s and field arrays. */
  | { readonly kind: 'array'; readonly element: DataType }
  | { readonly kind: 'map'; readonly key: DataType; readonly value: DataType }
  | { readonly kind: 'row'; readonly fields: readonly RowField[] };

/** A map's native value: distinct non-NULL keys and their values, in insertion order (`composite.ts`). */
export interface MapValue {
  readonly keys: readonly unknown[];
  readonly values: readonly unknown[];
}

/** A field of a row type; anonymous fields (`row(integer, varchar)`) have no name. */
export interface RowField {
  readonly name?: string;
  readonly type: DataType;
}

export type TypeKind = DataType['kind'];

export const BOOLEAN: DataType = { kind: 'boolean' };
export const TINYINT: DataType = { kind: 'tinyint' };
export const SMALLINT: DataType = { kind: 'smallint' };
export const INTEGER: DataType = { kind: 'integer' };
export const BIGINT: DataType = { kind: 'bigint' };
export const REAL: DataType = { kind: 'real' };
export const DOUBLE: DataType = { kind: 'double' };
export const VARCHAR: DataType = { kind: 'varchar' };
export const DATE: DataType = { kind: 'date' };
export const TIMESTAMP: DataType = { kind: 'timestamp', precision: 3 };
export const INTERVAL_DAY_TIME: DataType = { kind: 'interval_day_time' };
export const INTERVAL_YEAR_MONTH: DataType = { kind: 'interval_year_month' };
export const UNKNOWN: DataType = { kind: 'unknown' };

export const MAX_DECIMAL_PRECISION = 38;

export function decimalType(precision: number, scale: number): DataType {
  if (!Number.isInteger(precision) || precision < 1 || precision > MAX_DECIMAL_PRECISION) {
    throw new QuarryError('INVALID_LITERAL', `DECIMAL precision must be in range [1, 38]: ${precision}`);
  }
  if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
    throw new QuarryError(
      'INVALID_LITERAL',
      `DECIMAL scale must be in range [0, precision (${precision})]: ${scale}`,
    );
  }
  return { kind: 'decimal', precision, scale };
}

export function varcharType(length?: number): DataType {
  return length === undefined ? VARCHAR : { kind: 'varchar', length };
}

export function charType(length: number): DataType {
  return { kind: 'char', length };
}

export function typeToString(t: DataType): string {
  switch (t.kind) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'varchar':
      return t.length === undefined ? 'varchar' : `varchar(${t.length})`;
    case 'char':
      return `char(${t.length})`;
    case 'timestamp':
      return `timestamp(${t.precision})`;
    case 'interval_day_time':
      return 'interval day to second';
    case 'interval_year_month':
      return 'interval year to month';
    case 'array':
      return `array(${typeToString(t.element)})`;
    case 'map':
      return `map(${typeToString(t.key)}, ${typeToString(t.value)})`;
    case 'row':
      return `row(${t.fields.map((f) => (f.name === undefined ? '' : `${quoteFieldName(f.name)} `) + typeToString(f.type)).join(', ')})`;
    default:
      return t.kind;
  }
}

/** A row field name as Trino prints it: bare when it is a plain lower-case identifier, else quoted. */
function quoteFieldName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function isComposite(t: DataType): boolean {
  return t.kind === 'array' || t.kind === 'map' || t.kind === 'row';
}

export function arrayType(element: DataType): DataType {
  return { kind: 'array', element };
}

export function mapType(key: DataType, value: DataType): DataType {
  return { kind: 'map', key, value };
}

export function rowType(fields: readonly RowField[]): DataType {
  return { kind: 'row', fields };
}

export function typesEqual(a: DataType, b: DataType): boolean {
  return typeToString(a) === typeToString(b);
}

export function isIntegral(t: DataType): boolean {
  return t.kind === 'tinyint' || t.kind === 'smallint' || t.kind === 'integer' || t.kind === 'bigint';
}

export function isNumeric(t: DataType): boolean {
  return isIntegral(t) || t.kind === 'real' || t.kind === 'double' || t.kind === 'decimal';
}

export function isString(t: DataType): boolean {
  return t.kind === 'varchar' || t.kind === 'char';
}

/** Whether `<` applies: arrays and rows of orderable types are, maps are not (as Trino). */
export function isOrderable(t: DataType): boolean {
  if (t.kind === 'array') return isOrderable(t.element);
  if (t.kind === 'row') return t.fields.every((f) => isOrderable(f.type));
  return t.kind !== 'unknown' && t.kind !== 'map';
}

/** Whether `=` applies: maps compare by entries, but their keys and values must be comparable. */
export function isComparable(t: DataType): boolean {
  if (t.kind === 'array') return isComparable(t.element);
  if (t.kind === 'map') return isComparable(t.key) && isComparable(t.value);
  if (t.kind === 'row') return t.fields.every((f) => isComparable(f.type));
  return true;
}

/**
 * How values of a type are laid out in memory:
 * - `int32`: Int32Array (tinyint, smallint, integer, date as days since epoch, interval year to month as months);
 * - `float64`: Float64Array (double, real, timestamp µs, interval day to second ms);
 * - `long`: Float64Array of exact integers (bigint; decimal as its unscaled value), or `bigint[]` when a value
 *   is beyond ±2^53 — see `page/block.ts`;
 * - `bool`: Uint8Array of 0/1; `string`: string[];
 * - `object`: one JS value a row (array, map and row types: see `composite.ts`); on the wire these
 *   are columnar, offsets plus child columns (`page/serde.ts`).
 */
export type PhysicalKind = 'int32' | 'float64' | 'long' | 'bool' | 'string' | 'object';

export function physicalKind(t: DataType): PhysicalKind {
  switch (t.kind) {
    case 'boolean':
    case 'unknown':
      return 'bool';
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'date':
    case 'interval_year_month':
      return 'int32';
    case 'bigint':
    case 'decimal':
      return 'long';
    case 'real':
    case 'double':
    case 'timestamp':
    case 'interval_day_time':
      return 'float64';
    case 'varchar':
    case 'char':
      return 'string';
    case 'array':
    case 'map':
    case 'row':
      return 'object';
  }
}

/** Integer ranges of the fixed-width integer types, for overflow checks. */
export const INTEGER_RANGES = {
  tinyint: [-128, 127],
  smallint: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  bigint: [-9223372036854775808n, 9223372036854775807n],
} as const;
