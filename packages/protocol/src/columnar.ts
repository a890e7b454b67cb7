import { Type } from '@sinclair/typebox';
import { QuarryError } from '@quarry/common';
import { decoderFor, Int, Strict, type MessageOf } from './schema.js';
import { dateText, decimalText } from './external-text.js';
import { ExternalValueSchema, type ExternalValue } from './values.js';

/**
 * Columnar result pages (issue 16): what `query.<id>.results` carries in `data` when asked in
 * format `columnar`, msgpack-encoded. One entry a column, each holding every row of the page:
 *
 * - `number`: `values` are the rows' float64s, little-endian (8 bytes a row); NaN and ±Infinity
 *   stand for the strings `NaN`, `Infinity`, `-Infinity` the row format gives for them;
 * - `boolean`: one byte a row, 1 for true;
 * - `text`: strings, null for NULL (varchar and char, and decimals, dates, timestamps and intervals
 *   already in their external text);
 * - `int`: numbers that are all integers within 32 bits, as int32s, little-endian (4 bytes a row);
 * - `date`: dates as int32 days since 1970-01-01, given as `YYYY-MM-DD`;
 * - `decimal`: decimals of `scale` ≤ 15 as their unscaled integers (float64, all within ±2^53),
 *   given as exact text;
 * - `ascii`: the same as `text` when every string is ASCII, as one run of bytes `text` and each
 *   string's length in bytes in `lengths`, `width` (1, 2 or 4) bytes a length, little-endian —
 *   cheaper to make and read than a string apiece; NULL rows flagged in `nulls` (their string empty);
 * - `values`: external values (arrays, maps, rows, bigints beyond 2^53 as strings).
 *
 * `nulls`, when present, is one byte a row, 1 for NULL (the value slot then holds a placeholder).
 * The values are exactly those of the row format, column by column.
 */

/** Most rows a columnar page carries (pages are cut at about 640 kB well before, most of the time). */
export const MAX_COLUMNAR_PAGE_ROWS = 65_536;
/** Most bytes of a columnar page's `data`: under NATS' default `max_payload` of 1 MiB. */
export const MAX_COLUMNAR_PAGE_BYTES = 1_000_000;

/** Largest scale of a `decimal` column (10^15 and its multiples below 2^53 are exact). */
export const MAX_DECIMAL_SCALE = 15;

const Nulls = Type.Optional(Type.Uint8Array({ maxByteLength: MAX_COLUMNAR_PAGE_ROWS }));

export const ColumnarColumnSchema = Type.Union([
  Strict({
    kind: Type.Literal('number'),
    values: Type.Uint8Array({ maxByteLength: MAX_COLUMNAR_PAGE_ROWS * 8 }),
    nulls: Nulls,
  }),
  Strict({
    kind: Type.Literal('int'),
    values: Type.Uint8Array({ maxByteLength: MAX_COLUMNAR_PAGE_ROWS * 4 }),
    nulls: Nulls,
  }),
  Strict({
    kind: Type.Literal('date'),
    values: Type.Uint8Array({ maxByteLength: MAX_COLUMNAR_PAGE_ROWS * 4 }),
    nulls: Nulls,
  }),
  Strict({
    kind: Type.Literal('decimal'),
    values: Type.Uint8Array({ maxByteLength: MAX_COLUMNAR_PAGE_ROWS * 8 }),
    scale: Int(0, MAX_DECIMAL_SCALE),
    nulls: Nulls,
  }),
  Strict({
    kind: Type.Literal('boolean'),
    values: Type.Uint8Array({ maxByteLength: MAX_COLUMNAR_PAGE_ROWS }),
    nulls: Nulls,
  }),
  Strict({
    kind: Type.Literal('text'),
    values: Type.Array(Type.Union([Type.String(), Type.Null()]), { maxItems: MAX_COLUMNAR_PAGE_ROWS }),
  }),
  Strict({
    kind: Type.Literal('ascii'),
    text: Type.Uint8Array({ maxByteLength: MAX_COLUMNAR_PAGE_BYTES }),
    lengths: Type.Uint8Array({ maxByteLength: MAX_COLUMNAR_PAGE_ROWS * 4 }),
    width: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(4)]),
    nulls: Nulls,
  }),
  Strict({
    kind: Type.Literal('values'),
    values: Type.Array(ExternalValueSchema, { maxItems: MAX_COLUMNAR_PAGE_ROWS }),
  }),
]);
export type ColumnarColumn = MessageOf<typeof ColumnarColumnSchema>;

export const ColumnarPageSchema = Strict({
  rowCount: Int(0, MAX_COLUMNAR_PAGE_ROWS),
  columns: Type.Array(ColumnarColumnSchema, { maxItems: 10_000 }),
});
export type ColumnarPage = MessageOf<typeof ColumnarPageSchema>;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

const decodeShape = decoderFor(ColumnarPageSchema, { name: 'columnar result page' });

/**
 * Checks a decoded columnar page: its shape, and that every column holds `rowCount` rows (a
 * `number` column 8 bytes a row), else INVALID_MESSAGE naming the column.
 */
export function decodeColumnarPage(value: unknown): ColumnarPage {
  const page = decodeShape(value);
  page.columns.forEach((c, i) => {
    const rows = rowsOf(c);
    const nulls = 'nulls' in c && c.nulls !== undefined ? c.nulls.byteLength : page.rowCount;
    if (rows !== page.rowCount || nulls !== page.rowCount || (c.kind === 'ascii' && !lengthsFit(c)))
      throw new QuarryError(
        'INVALID_MESSAGE',
        `Invalid columnar result page: column ${i + 1} holds ${rows} values and ${nulls} null flags for ${page.rowCount} rows`,
      );
  });
  return page;
}

function rowsOf(c: ColumnarColumn): number {
  switch (c.kind) {
    case 'number':
      return c.values.byteLength / 8;
    case 'int':
    case 'date':
      return c.values.byteLength / 4;
    case 'decimal':
      return c.values.byteLength / 8;
    case 'boolean':
      return c.values.byteLength;
    case 'ascii':
      return c.lengths.byteLength / c.width;
    case 'text':
    case 'values':
      return c.values.length;
  }
}

/** The lengths add up to the text's length (that the text is ASCII is checked as it is read). */
function lengthsFit(c: AsciiColumn): boolean {
  let total = 0;
  for (const n of lengthsOf(c)) total += n;
  return total === c.text.byteLength;
}

type AsciiColumn = Extract<ColumnarColumn, { kind: 'ascii' }>;

function lengthsOf(c: AsciiColumn): Uint8Array | Uint16Array | Uint32Array {
  if (c.width === 1) return c.lengths;
  const out =
    c.width === 2 ? new Uint16Array(c.lengths.byteLength / 2) : new Uint32Array(c.lengths.byteLength / 4);
  new Uint8Array(out.buffer).set(c.lengths);
  return out;
}

/** One column's values as the row format gives them (a number column copied to aligned memory). */
export function columnValues(column: ColumnarColumn, rowCount: number): readonly ExternalValue[] {
  switch (column.kind) {
    case 'text':
    case 'values':
      return column.values;
    case 'ascii': {
      // valid UTF-8 with one char a byte is ASCII: then lengths in bytes are lengths in chars
      const text = UTF8.decode(column.text);
      if (text.length !== column.text.byteLength)
        throw new QuarryError(
          'INVALID_MESSAGE',
          'Invalid columnar result page: an ascii column holds other bytes',
        );
      const lengths = lengthsOf(column);
      const nulls = column.nulls;
      const out = new Array<ExternalValue>(rowCount);
      for (let i = 0, at = 0; i < rowCount; i++) {
        const end = at + lengths[i]!;
        out[i] = nulls !== undefined && nulls[i] === 1 ? null : text.slice(at, end);
        at = end;
      }
      return out;
    }
    case 'boolean': {
      const out = new Array<ExternalValue>(rowCount);
      const { values, nulls } = column;
      for (let i = 0; i < rowCount; i++) out[i] = nulls?.[i] === 1 ? null : values[i] === 1;
      return out;
    }
    case 'date':
      return dates(column.values, rowCount, column.nulls);
    case 'decimal':
      return decimals(column, rowCount);
    case 'int': {
      const ints = new Int32Array(rowCount);
      new Uint8Array(ints.buffer).set(column.values);
      const out = new Array<ExternalValue>(rowCount);
      const nulls = column.nulls;
      for (let i = 0; i < rowCount; i++) out[i] = nulls !== undefined && nulls[i] === 1 ? null : ints[i]!;
      return out;
    }
    case 'number': {
      const f = new Float64Array(rowCount);
      new Uint8Array(f.buffer).set(column.values);
      const out = new Array<ExternalValue>(rowCount);
      const nulls = column.nulls;
      for (let i = 0; i < rowCount; i++) {
        const v = f[i]!;
        out[i] = nulls !== undefined && nulls[i] === 1 ? null : Number.isFinite(v) ? v : String(v);
      }
      return out;
    }
  }
}

/** Dates repeat (a result's span few thousand days): each day's text is made once, kept for the next pages. */
const DATES = new Map<number, string>();
const MAX_DATES = 100_000;

function dates(bytes: Uint8Array, rowCount: number, nulls: Uint8Array | undefined): ExternalValue[] {
  const days = new Int32Array(rowCount);
  new Uint8Array(days.buffer).set(bytes);
  const seen = DATES.size > MAX_DATES ? (DATES.clear(), DATES) : DATES;
  const out = new Array<ExternalValue>(rowCount);
  for (let i = 0; i < rowCount; i++) {
    if (nulls !== undefined && nulls[i] === 1) out[i] = null;
    else {
      const d = days[i]!;
      let text = seen.get(d);
      if (text === undefined) seen.set(d, (text = dateText(d)));
      out[i] = text;
    }
  }
  return out;
}

function decimals(column: Extract<ColumnarColumn, { kind: 'decimal' }>, rowCount: number): ExternalValue[] {
  const f = new Float64Array(rowCount);
  new Uint8Array(f.buffer).set(column.values);
  const { nulls, scale } = column;
  const unit = 10 ** scale;
  const out = new Array<ExternalValue>(rowCount);
  for (let i = 0; i < rowCount; i++) {
    const v = f[i]!;
    if (nulls !== undefined && nulls[i] === 1) out[i] = null;
    else if (!Number.isSafeInteger(v))
      throw new QuarryError(
        'INVALID_MESSAGE',
        `Invalid columnar result page: decimal ${v} is not an integer within 2^53`,
      );
    else out[i] = decimalText(v, scale, unit);
  }
  return out;
}

/** A columnar page as row arrays, the row format's `rows`. */
export function columnarRows(page: ColumnarPage): ExternalValue[][] {
  const n = page.rowCount;
  const cols = page.columns.map((c) => columnValues(c, n));
  const width = cols.length;
  const rows = new Array<ExternalValue[]>(n);
  for (let i = 0; i < n; i++) {
    const row = new Array<ExternalValue>(width);
    for (let c = 0; c < width; c++) row[c] = cols[c]![i]!;
    rows[i] = row;
  }
  return rows;
}
