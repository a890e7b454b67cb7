import { QuarryError } from '@quarry/common';
import { physicalKind, typeToString, type Block, type BlockValues, type DataType } from '@quarry/sql';
import type { DecodedArray, SchemaElement } from 'hyparquet';

/**
 * Quarry types in Parquet, chosen so that other readers (DuckDB, Spark, Trino) see the same SQL
 * types: tinyint/smallint as INT32 with INT_8/INT_16, decimals as INT32 (p ≤ 9), INT64 (p ≤ 18) or a
 * 16-byte FIXED_LEN_BYTE_ARRAY with the DECIMAL annotation and their exact unscaled values, dates as
 * INT32 DATE, timestamps as INT64 TIMESTAMP(MICROS, not adjusted to UTC), varchar and char as UTF-8
 * strings. Every column is OPTIONAL. Integer widths use the converted type only: the writer's
 * INTEGER logical type is not read by DuckDB.
 *
 * Reading, the annotations are stripped from the file's schema before decoding so the reader hands
 * back physical values (exact unscaled decimals, days, microseconds), which are converted here.
 */
export function parquetSchema(columns: readonly { name: string; type: DataType }[]): SchemaElement[] {
  return [
    { name: 'schema', num_children: columns.length },
    ...columns.map((c) => ({ name: c.name, repetition_type: 'OPTIONAL' as const, ...element(c.type) })),
  ];
}

function element(type: DataType): Omit<SchemaElement, 'name'> {
  switch (type.kind) {
    case 'boolean':
      return { type: 'BOOLEAN' };
    case 'tinyint':
      return { type: 'INT32', converted_type: 'INT_8' };
    case 'smallint':
      return { type: 'INT32', converted_type: 'INT_16' };
    case 'integer':
      return { type: 'INT32' };
    case 'bigint':
      return { type: 'INT64' };
    case 'real':
      return { type: 'FLOAT' };
    case 'double':
      return { type: 'DOUBLE' };
    case 'decimal': {
      const { precision, scale } = type;
      const logical_type = { type: 'DECIMAL' as const, precision, scale };
      const annotation = { converted_type: 'DECIMAL' as const, precision, scale, logical_type };
      if (precision <= 9) return { type: 'INT32', ...annotation };
      if (precision <= 18) return { type: 'INT64', ...annotation };
      return { type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, ...annotation };
    }
    case 'varchar':
    case 'char':
      return { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
    case 'date':
      return { type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } };
    case 'timestamp':
      return { type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } };
    case 'interval_day_time':
    case 'interval_year_month':
    case 'unknown':
      throw unsupported(type);
  }
}

/** Throws NOT_SUPPORTED for a column type lake tables cannot hold. */
export function checkLakeType(name: string, type: DataType): void {
  try {
    element(type);
  } catch (e) {
    if (e instanceof QuarryError) throw new QuarryError(e.code, `${e.message} (column '${name}')`);
    throw e;
  }
}

function unsupported(type: DataType): QuarryError {
  return new QuarryError('NOT_SUPPORTED', `lake tables cannot store type ${typeToString(type)}`);
}

/**
 * A block's values as the Parquet writer takes them for a column of `type` (the block has the same
 * layout): rich JS values, `null` for NULL.
 */
export function writerColumn(block: Block, type: DataType): DecodedArray {
  const { values, nulls, length } = block;
  const out = new Array<unknown>(length);
  const kind = physicalKind(type);
  const at = (i: number) => values[i]!;
  for (let i = 0; i < length; i++) {
    if (nulls !== undefined && nulls[i] === 1) {
      out[i] = null;
      continue;
    }
    const v = at(i);
    if (kind === 'bool') out[i] = v === 1;
    else if (kind === 'long' || type.kind === 'timestamp') out[i] = toBigInt(v as number | bigint);
    else out[i] = v;
  }
  return out;
}

function toBigInt(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(Number.isInteger(v) ? v : Math.round(v));
}

/** The file's schema with logical annotations removed, so values decode as stored (see above). */
export function physicalSchema(schema: readonly SchemaElement[]): SchemaElement[] {
  return schema.map((e) => {
    if (e.type === undefined || e.type === 'BYTE_ARRAY') return e;
    const { converted_type: _c, logical_type: _l, ...rest } = e;
    return rest;
  });
}

/** Rows `[from, to)` of a decoded column as a block of `type`. */
export function readerBlock(type: DataType, data: ArrayLike<unknown>, from: number, to: number): Block {
  const n = to - from;
  let nulls: Uint8Array | undefined;
  const isNull = (v: unknown, i: number): boolean => {
    if (v !== null && v !== undefined) return false;
    nulls ??= new Uint8Array(n);
    nulls[i] = 1;
    return true;
  };
  let values: BlockValues;
  switch (physicalKind(type)) {
    case 'bool': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = data[from + i];
        if (!isNull(v, i)) out[i] = v ? 1 : 0;
      }
      values = out;
      break;
    }
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = data[from + i];
        if (!isNull(v, i)) out[i] = v as number;
      }
      values = out;
      break;
    }
    case 'float64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = data[from + i];
        if (!isNull(v, i)) out[i] = Number(v as number | bigint);
      }
      values = out;
      break;
    }
    case 'string': {
      const out = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const v = data[from + i];
        out[i] = isNull(v, i) ? '' : (v as string);
      }
      values = out;
      break;
    }
    case 'long':
      values = longValues(data, from, n, isNull);
      break;
  }
  return { type, length: n, values, nulls };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Exact integers: a Float64Array while all are within ±2^53, else bigint[]. */
function longValues(
  data: ArrayLike<unknown>,
  from: number,
  n: number,
  isNull: (v: unknown, i: number) => boolean,
): BlockValues {
  const narrow = new Float64Array(n);
  let wide: bigint[] | undefined;
  for (let i = 0; i < n; i++) {
    const v = data[from + i];
    if (isNull(v, i)) {
      if (wide) wide[i] = 0n;
      continue;
    }
    if (typeof v === 'number') {
      if (wide) wide[i] = BigInt(v);
      else narrow[i] = v;
      continue;
    }
    const big = typeof v === 'bigint' ? v : fromTwosComplement(v as Uint8Array);
    if (!wide && big <= MAX_SAFE && big >= -MAX_SAFE) {
      narrow[i] = Number(big);
      continue;
    }
    if (!wide) wide = Array.from(narrow.subarray(0, i), (x) => BigInt(x));
    wide[i] = big;
  }
  return wide ?? narrow;
}

/** A big-endian two's complement integer (Parquet's FIXED_LEN_BYTE_ARRAY decimals). */
function fromTwosComplement(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return bytes[0]! & 0x80 ? v - (1n << BigInt(bytes.length * 8)) : v;
}
