import {
  MAX_DECIMAL_SCALE,
  type ColumnarColumn,
  type ColumnarPage,
  type ExternalValue,
} from '@quarry/protocol';
import {
  formatDecimal,
  toExternal,
  valueAt,
  type Block,
  type DataType,
  type Long,
  type Page,
} from '@quarry/sql';

/**
 * A page of the result as a columnar result page (`@quarry/protocol`'s columnar.ts): numbers,
 * dates and decimals as bytes (the client formats dates and decimals), ASCII text as one run of
 * bytes, the rest as strings or external values; each column reads back exactly as the values the
 * row format gives.
 */
export function columnarPage(page: Page, types: readonly DataType[]): ColumnarPage {
  return { rowCount: page.rowCount, columns: page.blocks.map((b, i) => columnOf(b, types[i]!)) };
}

function columnOf(block: Block, type: DataType): ColumnarColumn {
  const n = block.length;
  switch (type.kind) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'real':
    case 'double':
      return numberColumn(block);
    case 'bigint':
      // a wide block holds bigints, some beyond 2^53: those travel as text
      return Array.isArray(block.values) ? externalColumn(block, type) : numberColumn(block);
    case 'boolean':
      return { kind: 'boolean', values: copy(block.values as Uint8Array), ...nullsOf(block) };
    case 'varchar':
    case 'char':
      return textColumn(textValues(block));
    case 'date': {
      const days = block.values as Int32Array;
      return { kind: 'date', values: bytesOf(days), ...nullsOf(block) };
    }
    case 'decimal':
      // unscaled values beyond 2^53 (a wide block), or scales past what doubles divide exactly: text
      if (!(block.values instanceof Float64Array) || type.scale > MAX_DECIMAL_SCALE)
        return textColumn(decimalTexts(block, type.scale));
      return { kind: 'decimal', values: bytesOf(block.values), scale: type.scale, ...nullsOf(block) };
    case 'timestamp':
    case 'interval_day_time':
    case 'interval_year_month': {
      const values = new Array<string | null>(n);
      for (let i = 0; i < n; i++) values[i] = toExternal(type, valueAt(block, i)) as string | null;
      return textColumn(values);
    }
    case 'unknown':
    case 'array':
    case 'map':
    case 'row':
      return externalColumn(block, type);
  }
}

/**
 * Strings as one ASCII run and their lengths when they are all ASCII (the UTF-8 length of the run
 * equals its number of chars), else one string apiece.
 */
function textColumn(values: (string | null)[]): ColumnarColumn {
  const n = values.length;
  let nulls: Uint8Array | undefined;
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) (nulls ??= new Uint8Array(n))[i] = 1;
    else if (v.length > longest) longest = v.length;
  }
  const joined = nulls ? values.map((v) => v ?? '').join('') : values.join('');
  if (Buffer.byteLength(joined, 'utf8') !== joined.length) return { kind: 'text', values };
  const width = longest < 0x100 ? 1 : longest < 0x10000 ? 2 : 4;
  const lengths = width === 1 ? new Uint8Array(n) : width === 2 ? new Uint16Array(n) : new Uint32Array(n);
  for (let i = 0; i < n; i++) lengths[i] = values[i]?.length ?? 0;
  return {
    kind: 'ascii',
    text: Buffer.from(joined, 'latin1'),
    lengths: new Uint8Array(lengths.buffer),
    width,
    ...(nulls ? { nulls } : {}),
  };
}

/** Numbers as int32s when the block is of int32s, else as float64s. */
function numberColumn(block: Block): ColumnarColumn {
  const v = block.values;
  if (v instanceof Int32Array)
    return { kind: 'int', values: new Uint8Array(v.buffer, v.byteOffset, v.byteLength), ...nullsOf(block) };
  const f = v as Float64Array;
  const ints = asInt32s(f);
  if (ints) return { kind: 'int', values: new Uint8Array(ints.buffer), ...nullsOf(block) };
  return { kind: 'number', values: new Uint8Array(f.buffer, f.byteOffset, f.byteLength), ...nullsOf(block) };
}

/** The values as int32s when every one is an int32 (and none is -0), else undefined. */
function asInt32s(f: Float64Array): Int32Array | undefined {
  for (let i = 0; i < f.length; i++) {
    const x = f[i]!;
    if ((x | 0) !== x || (x === 0 && 1 / x < 0)) return undefined;
  }
  return Int32Array.from(f);
}

function externalColumn(block: Block, type: DataType): ColumnarColumn {
  const values = new Array<ExternalValue>(block.length);
  for (let i = 0; i < block.length; i++) values[i] = toExternal(type, valueAt(block, i));
  return { kind: 'values', values };
}

function textValues(block: Block): (string | null)[] {
  const strings = block.values as string[];
  const nulls = block.nulls;
  if (!nulls) return strings;
  const out = new Array<string | null>(block.length);
  for (let i = 0; i < block.length; i++) out[i] = nulls[i] === 1 ? null : strings[i]!;
  return out;
}

function decimalTexts(block: Block, scale: number): (string | null)[] {
  const out = new Array<string | null>(block.length);
  for (let i = 0; i < block.length; i++)
    out[i] = block.nulls?.[i] === 1 ? null : formatDecimal(block.values[i] as Long, scale);
  return out;
}

function bytesOf(v: Int32Array | Float64Array): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function nullsOf(block: Block): { nulls?: Uint8Array } {
  return block.nulls ? { nulls: copy(block.nulls) } : {};
}

function copy(bytes: Uint8Array): Uint8Array {
  return bytes.slice();
}
