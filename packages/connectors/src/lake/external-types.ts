import { QuarryError } from '@quarry/common';
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  REAL,
  SMALLINT,
  TIMESTAMP,
  TINYINT,
  VARCHAR,
  arrayType,
  decimalType,
  mapType,
  rowType,
  typeToString,
  typesEqual,
  type DataType,
} from '@quarry/sql';
import { parquetSchema, type SchemaElement, type SchemaTree } from 'hyparquet';
import type { LakeColumn } from './metadata.js';
import { compositeShape, nativeLeaf, type LeafRead } from './parquet-nested.js';

/**
 * The SQL types of Parquet columns other writers made (DuckDB, Spark, pandas/pyarrow), as DuckDB
 * reads them: signed integers by width (INT_8/INT_16 or the INTEGER logical type), unsigned ones
 * one size wider (UINT_64 is not read), FLOAT as real, DOUBLE, DECIMAL in INT32/INT64/fixed-length
 * bytes, UTF-8 strings (STRING, UTF8, ENUM) as varchar, DATE, and TIMESTAMP in millis, micros or
 * nanos — or INT96, Spark's default — when not adjusted to UTC, as timestamp(6) (nanos are
 * truncated; millis read as timestamp(3); a column declared with another precision is rounded to it).
 * Groups read as composite types (`compositeType`): LIST as array, MAP as map, other groups as
 * rows, to any depth, their leaves as above. Anything else — binary, time, timestamps with a time
 * zone, JSON, UUID, repeated fields outside a LIST — is refused naming the column.
 *
 * Values are read as stored (the reader strips the annotations, see `parquet-types.ts`), so a
 * column may need a conversion to the engine's layout: {@link ExternalColumn.convert}.
 */
export interface ExternalColumn {
  readonly type: DataType;
  /** Maps a decoded chunk (raw physical values, `null` for NULL) to the engine's layout. */
  readonly convert?: (data: ArrayLike<unknown>) => ArrayLike<unknown>;
}

/** The top-level columns of a Parquet schema (the schema's root is element 0), as schema trees. */
export function topLevelColumns(schema: readonly SchemaElement[]): SchemaTree[] {
  return parquetSchema({ schema: schema as SchemaElement[] }).children;
}

/** The column's SQL type and conversion; throws NOT_SUPPORTED naming `where` and the column. */
export function externalColumn(node: SchemaTree, where: string): ExternalColumn {
  const found = node.children.length > 0 ? compositeType(node) : mapElement(node.element);
  if (typeof found === 'string') {
    throw new QuarryError(
      'NOT_SUPPORTED',
      `lake: column '${node.path.join('.')}' of ${where} has ${found}, which lake tables cannot read`,
    );
  }
  return found;
}

/**
 * A group's SQL type (`compositeShape` of `parquet-nested.ts`): LIST as array, MAP as map, any
 * other group as a row of its fields, named as in the file; leaves as for top-level columns.
 */
function compositeType(node: SchemaTree): ExternalColumn | string {
  const shape = compositeShape(node);
  if (typeof shape === 'string') return shape;
  const typeOf = (n: SchemaTree): DataType | string => {
    const found = n.children.length > 0 ? compositeType(n) : mapElement(n.element);
    return typeof found === 'string' ? found : found.type;
  };
  const first = (types: (DataType | string)[], make: (ts: DataType[]) => DataType) =>
    types.find((t) => typeof t === 'string') ?? { type: make(types as DataType[]) };
  switch (shape.kind) {
    case 'list':
      return first([typeOf(shape.element)], ([e]) => arrayType(e!));
    case 'map':
      return first([typeOf(shape.key), typeOf(shape.value)], ([k, v]) => mapType(k!, v!));
    case 'row':
      return first(shape.fields.map(typeOf), (ts) =>
        rowType(ts.map((type, i) => ({ name: shape.fields[i]!.element.name, type }))),
      );
  }
}

/**
 * How a leaf of a composite column of another writer's file reads: its conversion to the engine's
 * layout (as for a top-level column), then to the native value (`nativeLeaf`).
 */
export function externalLeaf(element: SchemaElement, type: DataType): LeafRead {
  const native = nativeLeaf(type);
  const found = mapElement({ ...element, repetition_type: 'OPTIONAL' });
  const convert = typeof found === 'string' ? undefined : atPrecision(found, type).convert;
  return convert ? (v) => native(convert([v])[0]) : native;
}

function mapElement(e: SchemaElement): ExternalColumn | string {
  if (e.repetition_type === 'REPEATED') return 'a repeated field without a LIST annotation';
  const logical = e.logical_type;
  const converted = e.converted_type;
  if (logical?.type === 'DECIMAL' || converted === 'DECIMAL') {
    const precision = logical?.type === 'DECIMAL' ? logical.precision : (e.precision ?? 0);
    const scale = logical?.type === 'DECIMAL' ? logical.scale : (e.scale ?? 0);
    if (e.type === 'BYTE_ARRAY' || precision < 1 || precision > 38) return `decimal(${precision},${scale})`;
    return { type: decimalType(precision, scale) };
  }
  switch (e.type) {
    case 'BOOLEAN':
      return { type: BOOLEAN };
    case 'INT32':
      return int32(e);
    case 'INT64':
      return int64(e);
    case 'INT96':
      // decoded through RAW_PARSERS (external-files.ts): already microseconds
      return { type: MICROS, convert: (d) => timestamps(d, (v) => v) };
    case 'FLOAT':
      return { type: REAL };
    case 'DOUBLE':
      return { type: DOUBLE };
    case 'BYTE_ARRAY': {
      const text =
        converted === 'UTF8' ||
        converted === 'ENUM' ||
        logical?.type === 'STRING' ||
        logical?.type === 'ENUM';
      return text ? { type: VARCHAR } : `type ${describe(e)}`;
    }
    default:
      return `type ${describe(e)}`;
  }
}

function int32(e: SchemaElement): ExternalColumn | string {
  const logical = e.logical_type;
  if (e.converted_type === 'DATE' || logical?.type === 'DATE') return { type: DATE };
  const width = logical?.type === 'INTEGER' ? logical.bitWidth : intWidth(e.converted_type);
  const signed = logical?.type === 'INTEGER' ? logical.isSigned : !e.converted_type?.startsWith('UINT');
  if (width === undefined) return e.converted_type || logical ? `type ${describe(e)}` : { type: INTEGER };
  if (signed) return { type: width === 8 ? TINYINT : width === 16 ? SMALLINT : INTEGER };
  if (width === 8) return { type: SMALLINT };
  if (width === 16) return { type: INTEGER };
  // UINT_32 arrives as signed 32-bit values
  return { type: BIGINT, convert: (d) => mapValues(d, (v) => (v as number) >>> 0) };
}

function int64(e: SchemaElement): ExternalColumn | string {
  const logical = e.logical_type;
  if (logical?.type === 'TIMESTAMP') {
    if (logical.isAdjustedToUTC) return 'type timestamp with time zone';
    return timestampColumn(logical.unit);
  }
  if (e.converted_type === 'TIMESTAMP_MICROS') return timestampColumn('MICROS');
  if (e.converted_type === 'TIMESTAMP_MILLIS') return timestampColumn('MILLIS');
  const width = logical?.type === 'INTEGER' ? logical.bitWidth : intWidth(e.converted_type);
  const signed = logical?.type === 'INTEGER' ? logical.isSigned : !e.converted_type?.startsWith('UINT');
  if ((width === undefined && !e.converted_type && !logical) || (width === 64 && signed))
    return { type: BIGINT };
  return `type ${describe(e)}`;
}

/** Timestamps in micros or nanos read as timestamp(6), in millis as timestamp(3). */
const MICROS: DataType = { kind: 'timestamp', precision: 6 };

function timestampColumn(unit: string): ExternalColumn {
  switch (unit) {
    case 'MILLIS':
      return { type: TIMESTAMP, convert: (d) => timestamps(d, (v) => v * 1000n) };
    case 'NANOS':
      return { type: MICROS, convert: (d) => timestamps(d, (v) => floorDiv(v, 1000n)) };
    default:
      return { type: MICROS };
  }
}

/**
 * A file's timestamps read as a column declared with another precision: rounded (half up) to it,
 * as a cast would.
 */
function atPrecision(column: ExternalColumn, type: DataType): ExternalColumn {
  if (type.kind !== 'timestamp' || column.type.kind !== 'timestamp') return column;
  if (type.precision >= column.type.precision) return { ...column, type };
  const unit = 10 ** (6 - type.precision);
  const round = (d: ArrayLike<unknown>) =>
    mapValues(column.convert ? column.convert(d) : d, (v) => Math.floor(Number(v) / unit + 0.5) * unit);
  return { type, convert: round };
}

function intWidth(converted: SchemaElement['converted_type']): number | undefined {
  const m = /^U?INT_(8|16|32|64)$/.exec(converted ?? '');
  return m ? Number(m[1]) : undefined;
}

function describe(e: SchemaElement): string {
  const annotation = e.logical_type?.type ?? e.converted_type;
  return annotation ? `${e.type} (${annotation})` : String(e.type);
}

function mapValues(data: ArrayLike<unknown>, f: (v: unknown) => unknown): unknown[] {
  const out = new Array<unknown>(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    out[i] = v === null || v === undefined ? null : f(v);
  }
  return out;
}

/** 64-bit timestamps to the engine's microseconds (a double). */
function timestamps(data: ArrayLike<unknown>, toMicros: (v: bigint) => bigint): unknown[] {
  return mapValues(data, (v) => Number(toMicros(typeof v === 'bigint' ? v : BigInt(v as number))));
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * The table's columns read from one file's schema: each named column must be a top-level column
 * of the file (names compare case-insensitively, as SQL identifiers) with the same type. Returns,
 * per table column, the file's column name and its reading.
 */
export function matchColumns(
  schema: readonly SchemaElement[],
  columns: readonly LakeColumn[],
  where: string,
): { fileName: string; element: SchemaElement; column: ExternalColumn }[] {
  const byName = new Map(topLevelColumns(schema).map((n) => [n.element.name.toLowerCase(), n]));
  return columns.map((c) => {
    const node = byName.get(c.name.toLowerCase());
    if (!node)
      throw new QuarryError(
        'TYPE_MISMATCH',
        `lake: ${where} has no column '${c.name}' (it has ${[...byName.keys()].join(', ') || 'none'})`,
      );
    const column = atPrecision(externalColumn(node, where), c.type);
    if (!typesEqual(column.type, c.type)) {
      throw new QuarryError(
        'TYPE_MISMATCH',
        `lake: column '${c.name}' is ${typeToString(c.type)} in the table but ${typeToString(column.type)} in ${where}`,
      );
    }
    return { fileName: node.element.name, element: node.element, column };
  });
}

/** The columns a file defines, in its order, names lower-cased; duplicates are refused. */
export function columnsOfFile(schema: readonly SchemaElement[], where: string): LakeColumn[] {
  const seen = new Set<string>();
  return topLevelColumns(schema).map((node) => {
    const name = node.element.name.toLowerCase();
    if (seen.has(name))
      throw new QuarryError('NOT_SUPPORTED', `lake: ${where} has two columns named '${name}'`);
    seen.add(name);
    return { name, type: externalColumn(node, where).type };
  });
}
