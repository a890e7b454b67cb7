import { QuarryError } from '@quarry/common';
import {
  physicalKind,
  typeToString,
  type Block,
  type DataType,
  type MapValue,
  type PhysicalKind,
} from '@quarry/sql';
import type { DecodedArray, SchemaElement } from 'hyparquet';

/**
 * Quarry types in Parquet, chosen so that other readers (DuckDB, Spark, Trino) see the same SQL
 * types: tinyint/smallint as INT32 with INT_8/INT_16, decimals as INT32 (p ≤ 9), INT64 (p ≤ 18) or a
 * 16-byte FIXED_LEN_BYTE_ARRAY with the DECIMAL annotation and their exact unscaled values, dates as
 * INT32 DATE, timestamps as INT64 TIMESTAMP(MICROS, not adjusted to UTC), varchar and char as UTF-8
 * strings. A column is REQUIRED in a file whose rows hold no NULL in it (the writer decides per file;
 * readers decode such columns straight to typed arrays), OPTIONAL otherwise. Integer widths use the converted type only: the writer's
 * INTEGER logical type is not read by DuckDB. Composite types are groups (`columnElements`), their
 * leaves typed as above.
 *
 * Reading, the annotations are stripped from the file's schema before decoding so the reader hands
 * back physical values (exact unscaled decimals, days, microseconds), which are converted here
 * (composite columns: in `parquet-nested.ts`). Groups keep their LIST and MAP annotations.
 */
export function parquetSchema(
  columns: readonly { name: string; type: DataType }[],
  required: readonly boolean[] = [],
): SchemaElement[] {
  return [
    { name: 'schema', num_children: columns.length },
    ...columns.flatMap((c, i) => columnElements(c.name, c.type, required[i] ? 'REQUIRED' : 'OPTIONAL')),
  ];
}

/**
 * A column's elements, depth first. Composite types nest as the Parquet format's LogicalTypes say
 * (what DuckDB, Spark and Trino write and read): `array(T)` as a LIST group of three levels
 * (`<column> (LIST) { repeated group list { optional T element } }`), `map(K, V)` as a MAP group
 * (`<column> (MAP) { repeated group key_value { required K key; optional V value } }`), `row(…)` as
 * a group of its fields (`fieldNames`). Below the column every value is OPTIONAL (elements, fields,
 * map values may be NULL) except map keys, which never are.
 */
function columnElements(name: string, type: DataType, repetition: Repetition): SchemaElement[] {
  switch (type.kind) {
    case 'array':
      return [
        {
          name,
          repetition_type: repetition,
          num_children: 1,
          converted_type: 'LIST',
          logical_type: { type: 'LIST' },
        },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        ...columnElements('element', type.element, 'OPTIONAL'),
      ];
    case 'map':
      return [
        {
          name,
          repetition_type: repetition,
          num_children: 1,
          converted_type: 'MAP',
          logical_type: { type: 'MAP' },
        },
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        ...columnElements('key', type.key, 'REQUIRED'),
        ...columnElements('value', type.value, 'OPTIONAL'),
      ];
    case 'row': {
      const names = fieldNames(type);
      return [
        { name, repetition_type: repetition, num_children: type.fields.length },
        ...type.fields.flatMap((f, i) => columnElements(names[i]!, f.type, 'OPTIONAL')),
      ];
    }
    default:
      return [{ name, repetition_type: repetition, ...element(type) }];
  }
}

type Repetition = 'REQUIRED' | 'OPTIONAL';

const FIELD_NAMES = new WeakMap<DataType, readonly string[]>();

/**
 * The Parquet names of a row type's fields: its own names, `_<n>` (1-based) for an anonymous field,
 * and `<name>_<n>` for a name already taken (names in a group must be distinct). Readers of the
 * lake's own files match fields by position, so only other engines see these names.
 */
export function fieldNames(type: DataType & { kind: 'row' }): readonly string[] {
  let names = FIELD_NAMES.get(type);
  if (names) return names;
  const taken = new Set<string>();
  names = type.fields.map((f, i) => {
    let n = f.name ?? `_${i + 1}`;
    while (taken.has(n)) n = `${n}_${i + 1}`;
    taken.add(n);
    return n;
  });
  FIELD_NAMES.set(type, names);
  return names;
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
    case 'array':
    case 'map':
    case 'row':
      throw unsupported(type);
  }
}

/** Throws NOT_SUPPORTED for a column type lake tables cannot hold. */
export function checkLakeType(name: string, type: DataType): void {
  try {
    columnElements(name, type, 'OPTIONAL');
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
 * layout): rich JS values, `null` for NULL; composite values as `writerValue` makes them.
 */
export function writerColumn(block: Block, type: DataType): DecodedArray {
  const { values, nulls, length } = block;
  const out = new Array<unknown>(length);
  const kind = physicalKind(type);
  const big = kind === 'long' || type.kind === 'timestamp';
  for (let i = 0; i < length; i++) {
    if (nulls !== undefined && nulls[i] === 1) {
      out[i] = null;
      continue;
    }
    const v = values[i]!;
    if (kind === 'bool') out[i] = v === 1;
    else if (big) out[i] = toBigInt(v as number | bigint);
    else if (kind === 'object') out[i] = writerValue(type, v);
    else out[i] = v;
  }
  return out;
}

/**
 * One value as the Parquet writer takes it: booleans as booleans, 64-bit integers, decimals and
 * timestamps as bigints; arrays as arrays, maps as arrays of `{ key, value }` entries, rows as
 * objects keyed by `fieldNames` (without a prototype, so any field name is a plain key).
 */
export function writerValue(type: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'array':
      return (v as readonly unknown[]).map((e) => writerValue(type.element, e));
    case 'map': {
      const m = v as MapValue;
      return m.keys.map((k, i) => ({
        key: writerValue(type.key, k),
        value: writerValue(type.value, m.values[i]),
      }));
    }
    case 'row': {
      const names = fieldNames(type);
      const fields = v as readonly unknown[];
      const out = Object.create(null) as Record<string, unknown>;
      type.fields.forEach((f, i) => (out[names[i]!] = writerValue(f.type, fields[i])));
      return out;
    }
    default: {
      const kind = physicalKind(type);
      if (kind === 'bool') return v === true || v === 1;
      if (kind === 'long' || type.kind === 'timestamp') return toBigInt(v as number | bigint);
      return v;
    }
  }
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

const TWO_32 = 4294967296;
/** High words of 64-bit integers whose value is within ±2^53. */
const SAFE_HIGH = 1 << 21;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * One column of a row group in the engine's layout, filled from the decoder's chunks as they
 * arrive and handed out as blocks. REQUIRED columns decode to typed arrays, which are copied in
 * whole (64-bit integers through their 32-bit halves, no bigint per value); OPTIONAL ones to
 * arrays with nulls, converted value by value. `long` values stay a Float64Array while every value
 * is within ±2^53 and become bigint[] from the first that is not.
 */
export class ColumnBuilder {
  private readonly kind: PhysicalKind;
  private values: Uint8Array | Int32Array | Float64Array | string[] | bigint[] | unknown[];
  private nulls: Uint8Array | undefined;

  constructor(
    readonly type: DataType,
    readonly length: number,
  ) {
    this.kind = physicalKind(type);
    switch (this.kind) {
      case 'bool':
        this.values = new Uint8Array(length);
        break;
      case 'int32':
        this.values = new Int32Array(length);
        break;
      case 'float64':
      case 'long':
        this.values = new Float64Array(length);
        break;
      case 'string':
        this.values = new Array<string>(length).fill('');
        break;
      case 'object':
        // composite values, assembled whole (`parquet-nested.ts`)
        this.values = new Array<unknown>(length).fill(null);
        break;
    }
  }

  /** Values of rows `[offset, offset + data.length)`; rows outside the column are ignored. */
  put(offset: number, data: ArrayLike<unknown>): void {
    const from = Math.max(0, -offset);
    const to = Math.min(data.length, this.length - offset);
    if (from >= to) return;
    const values = this.values;
    if (data instanceof BigInt64Array && values instanceof Float64Array) {
      this.putInt64(offset + from, data.subarray(from, to), values);
      return;
    }
    if (
      (data instanceof Float64Array || data instanceof Float32Array || data instanceof Int32Array) &&
      (values instanceof Float64Array || values instanceof Int32Array)
    ) {
      values.set(data.subarray(from, to), offset + from);
      return;
    }
    if (this.kind === 'string' && Array.isArray(data)) {
      this.putStrings(offset, data as readonly unknown[], to);
      return;
    }
    for (let i = from; i < to; i++) this.putOne(offset + i, data[i]);
  }

  /** Marks NULL the rows `offset + i` where `present[i]` is 0 (rows outside the column are ignored). */
  putAbsent(offset: number, present: Uint8Array): void {
    const to = Math.min(present.length, this.length - offset);
    for (let i = Math.max(0, -offset); i < to; i++) {
      if (present[i] === 0) (this.nulls ??= new Uint8Array(this.length))[offset + i] = 1;
    }
  }

  /** Rows `[from, to)` as a block: views of this builder's arrays, not copies. */
  block(from: number, to: number): Block {
    const values = this.values;
    const nulls = this.nulls?.subarray(from, to);
    return {
      type: this.type,
      length: to - from,
      values: Array.isArray(values) ? values.slice(from, to) : values.subarray(from, to),
      nulls: nulls?.includes(1) ? nulls : undefined,
    } as Block;
  }

  /**
   * Rows `[offset, offset + data.length)`, all inside the column, into `out` (this.values) while they
   * fit a double exactly; a value beyond makes `putOne` widen the column, and the rows go again.
   */
  private putInt64(offset: number, data: BigInt64Array, out: Float64Array): void {
    // little-endian halves: the low word unsigned, the high word signed
    const words = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
    for (let i = 0; i < data.length; i++) {
      const high = words[2 * i + 1]!;
      if (high >= SAFE_HIGH || high < -SAFE_HIGH) {
        this.putOne(offset + i, data[i]);
        continue;
      }
      out[offset + i] = high * TWO_32 + (words[2 * i]! >>> 0);
    }
    if (this.values !== out) for (let i = 0; i < data.length; i++) this.putOne(offset + i, data[i]);
  }

  /** Strings (or NULLs) of `data[from, to)` at `offset + i`, without `putOne`'s dispatch per value. */
  private putStrings(offset: number, data: readonly unknown[], to: number): void {
    const out = this.values as string[];
    for (let i = Math.max(0, -offset); i < to; i++) {
      const v = data[i];
      if (typeof v === 'string') out[offset + i] = v;
      else this.putOne(offset + i, v);
    }
  }

  private putOne(row: number, v: unknown): void {
    if (v === null || v === undefined) {
      (this.nulls ??= new Uint8Array(this.length))[row] = 1;
      return;
    }
    const values = this.values;
    switch (this.kind) {
      case 'bool':
        (values as Uint8Array)[row] = v ? 1 : 0;
        return;
      case 'int32':
        (values as Int32Array)[row] = v as number;
        return;
      case 'string':
      case 'object':
        (values as string[])[row] = v as string;
        return;
      case 'float64':
        (values as Float64Array)[row] = Number(v as number | bigint);
        return;
      case 'long': {
        const big =
          typeof v === 'number' ? v : typeof v === 'bigint' ? v : fromTwosComplement(v as Uint8Array);
        if (values instanceof Float64Array) {
          if (typeof big === 'number' || (big <= MAX_SAFE && big >= -MAX_SAFE)) {
            values[row] = Number(big);
            return;
          }
          this.values = Array.from(values, (x) => BigInt(x));
        }
        (this.values as bigint[])[row] = BigInt(big);
      }
    }
  }
}

/** A big-endian two's complement integer (Parquet's FIXED_LEN_BYTE_ARRAY decimals). */
export function fromTwosComplement(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return bytes[0]! & 0x80 ? v - (1n << BigInt(bytes.length * 8)) : v;
}
