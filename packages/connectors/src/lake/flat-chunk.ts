import type { ColumnChunk, SchemaElement } from 'hyparquet';
import type { ColumnBuilder } from './parquet-types.js';
import { decodeHybrid } from './rle-hybrid.js';
import { readStruct, type ThriftStruct } from './thrift-compact.js';
import { plainStrings } from './plain-strings.js';

/**
 * A decoder of flat Parquet column chunks straight into a ColumnBuilder: the lake's own files
 * (numbers PLAIN or dictionary-encoded, strings PLAIN or dictionary-encoded, REQUIRED or OPTIONAL,
 * Snappy or uncompressed, data pages v1 and v2) without hyparquet's value per value conversions and
 * arrays — typed arrays are copied whole, strings are cut from one decoded copy of their page, and
 * dictionary strings are shared by the rows that hold them. A chunk it cannot take (another
 * encoding, codec, nesting, or physical type) is named by `flatChunk` returning undefined, and a page
 * it meets that it cannot decode throws: the caller reads that column with hyparquet instead.
 */
export interface FlatChunk {
  readonly type: FlatType;
  /** Max definition level 1 (the column may hold NULLs), else 0. */
  readonly optional: boolean;
  readonly compressed: boolean;
  readonly rows: number;
  /** The chunk's bytes in its file: from its first page (dictionary or data), this many. */
  readonly start: number;
  readonly length: number;
}

type FlatType = 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY';
type Dense = Int32Array | Float32Array | Float64Array | BigInt64Array | string[];
type Uncompress = (input: Uint8Array, outputLength: number) => Uint8Array;

const TYPES = new Set<string>(['INT32', 'INT64', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY']);
const ENCODINGS = new Set<string>(['PLAIN', 'PLAIN_DICTIONARY', 'RLE_DICTIONARY', 'RLE', 'BIT_PACKED']);
// Parquet's enums, as page headers carry them
const DATA_PAGE = 0;
const DICTIONARY_PAGE = 2;
const DATA_PAGE_V2 = 3;
const PLAIN = 0;
const PLAIN_DICTIONARY = 2;
const RLE = 3;
const RLE_DICTIONARY = 8;

/** What `FlatChunkDecoder` needs of a chunk, or undefined when it is not one it decodes. */
export function flatChunk(chunk: ColumnChunk, element: SchemaElement, rows: number): FlatChunk | undefined {
  const meta = chunk.meta_data;
  if (!meta || chunk.file_path || element.num_children !== undefined) return undefined;
  if (!TYPES.has(meta.type) || meta.path_in_schema.length !== 1) return undefined;
  if (element.repetition_type === 'REPEATED' || Number(meta.num_values) !== rows) return undefined;
  if (meta.codec !== 'SNAPPY' && meta.codec !== 'UNCOMPRESSED') return undefined;
  if (!meta.encodings.every((e) => ENCODINGS.has(e))) return undefined;
  const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
  return {
    type: meta.type as FlatType,
    optional: element.repetition_type !== 'REQUIRED',
    compressed: meta.codec === 'SNAPPY',
    rows,
    start,
    length: Number(meta.total_compressed_size),
  };
}

export class FlatChunkDecoder {
  private dictionary: Dense | undefined;

  constructor(
    private readonly chunk: FlatChunk,
    private readonly uncompress: Uncompress,
  ) {}

  /** Decodes the chunk's pages from `bytes` into rows [0, chunk.rows) of `builder`. */
  decode(bytes: Uint8Array, builder: ColumnBuilder): void {
    const cursor = { bytes, at: 0 };
    let row = 0;
    while (row < this.chunk.rows) {
      const header = readStruct(cursor);
      const body = bytes.subarray(cursor.at, cursor.at + int(header, 3));
      if (body.length !== int(header, 3)) throw new Error('parquet: page runs past its column chunk');
      cursor.at += body.length;
      const type = int(header, 1);
      if (type === DICTIONARY_PAGE) {
        const dph = struct(header, 7);
        const values = this.inflate(body, int(header, 2));
        this.dictionary = plainValues(values, this.chunk.type, int(dph, 1));
      } else if (type === DATA_PAGE) {
        row += this.pageV1(header, body, { builder, row });
      } else if (type === DATA_PAGE_V2) {
        row += this.pageV2(header, body, { builder, row });
      }
    }
  }

  private pageV1(header: ThriftStruct, body: Uint8Array, to: PageTarget): number {
    const dph = struct(header, 5);
    const count = int(dph, 1);
    const page = this.inflate(body, int(header, 2));
    let at = 0;
    let present: Uint8Array | undefined;
    if (this.chunk.optional) {
      if (int(dph, 3) !== RLE) throw new Error('parquet: definition levels not RLE');
      const length = page.length >= 4 ? readUint32(page, 0) : -1;
      if (length < 0 || 4 + length > page.length) throw new Error('parquet: bad definition levels');
      present = new Uint8Array(count);
      decodeHybrid({ bytes: page, from: 4, end: 4 + length }, 1, present);
      at = 4 + length;
    }
    const nulls = present ? count - countOnes(present) : 0;
    this.put(to, { region: page.subarray(at), encoding: int(dph, 2), count, present, nulls });
    return count;
  }

  private pageV2(header: ThriftStruct, body: Uint8Array, to: PageTarget): number {
    const dph = struct(header, 8);
    const count = int(dph, 1);
    const nulls = int(dph, 2);
    const levelBytes = int(dph, 5);
    if (int(dph, 6) !== 0) throw new Error('parquet: repetition levels in a flat column');
    if (levelBytes > body.length) throw new Error('parquet: bad definition levels');
    let present: Uint8Array | undefined;
    if (this.chunk.optional && nulls > 0) {
      present = new Uint8Array(count);
      decodeHybrid({ bytes: body, from: 0, end: levelBytes }, 1, present);
    }
    const packed = body.subarray(levelBytes);
    const compressed = dph.get(7) !== false && this.chunk.compressed;
    const region = compressed ? this.inflate(packed, int(header, 2) - levelBytes) : packed;
    this.put(to, { region, encoding: int(dph, 4), count, present, nulls });
    return count;
  }

  private put(to: PageTarget, page: PageValues): void {
    const { region, encoding, count, present, nulls } = page;
    let dense: Dense;
    if (encoding === PLAIN) dense = plainValues(region, this.chunk.type, count - nulls);
    else if (encoding === RLE_DICTIONARY || encoding === PLAIN_DICTIONARY) {
      dense = dictionaryValues(region, this.dictionary, count - nulls);
    } else throw new Error(`parquet: encoding ${encoding} not decoded here`);
    if (present && nulls > 0) {
      to.builder.put(to.row, spread(dense, present));
      to.builder.putAbsent(to.row, present);
    } else to.builder.put(to.row, dense);
  }

  private inflate(body: Uint8Array, size: number): Uint8Array {
    if (!this.chunk.compressed) return body;
    const out = this.uncompress(body, size);
    if (out.length !== size) throw new Error('parquet: page size does not match its header');
    return out;
  }
}

interface PageTarget {
  readonly builder: ColumnBuilder;
  readonly row: number;
}

interface PageValues {
  readonly region: Uint8Array;
  readonly encoding: number;
  readonly count: number;
  /** 1 where the row has a value, 0 where it is NULL; undefined when every row has one. */
  readonly present: Uint8Array | undefined;
  readonly nulls: number;
}

const WIDTH: Readonly<Record<Exclude<FlatType, 'BYTE_ARRAY'>, number>> = {
  INT32: 4,
  INT64: 8,
  FLOAT: 4,
  DOUBLE: 8,
};

/**
 * `count` PLAIN values of `type` from the start of `region`: a view of its bytes where they are
 * aligned, else a copy (builders copy the values they are given, so a view is not kept).
 */
function plainValues(region: Uint8Array, type: FlatType, count: number): Dense {
  if (type === 'BYTE_ARRAY') return plainStrings(region, count);
  const width = WIDTH[type];
  if (count * width > region.length) throw new Error('parquet: page holds fewer values than its header says');
  const aligned = region.byteOffset % width === 0;
  const buffer = aligned ? region.buffer : region.slice(0, count * width).buffer;
  const offset = aligned ? region.byteOffset : 0;
  switch (type) {
    case 'INT32':
      return new Int32Array(buffer, offset, count);
    case 'INT64':
      return new BigInt64Array(buffer, offset, count);
    case 'FLOAT':
      return new Float32Array(buffer, offset, count);
    case 'DOUBLE':
      return new Float64Array(buffer, offset, count);
  }
}

/** `count` dictionary indexes (a bit width byte, then RLE / bit-packed runs) looked up. */
function dictionaryValues(region: Uint8Array, dictionary: Dense | undefined, count: number): Dense {
  if (!dictionary) throw new Error('parquet: dictionary-encoded page without a dictionary');
  if (region.length === 0) throw new Error('parquet: empty dictionary-encoded page');
  const indexes = new Int32Array(count);
  decodeHybrid({ bytes: region, from: 1, end: region.length }, region[0]!, indexes);
  if (Array.isArray(dictionary)) return lookUpStrings(dictionary, indexes);
  if (dictionary instanceof BigInt64Array) {
    // through 32-bit halves, not a bigint per value
    const words = new Int32Array(dictionary.buffer, dictionary.byteOffset, dictionary.length * 2);
    return new BigInt64Array(lookUpPairs(words, indexes).buffer);
  }
  return lookUpNumbers(dictionary, indexes);
}

function lookUpStrings(dictionary: readonly string[], indexes: Int32Array): string[] {
  const out = new Array<string>(indexes.length);
  for (let i = 0; i < indexes.length; i++) {
    const v = dictionary[indexes[i]!];
    if (v === undefined) throw new Error(OUT_OF_RANGE);
    out[i] = v;
  }
  return out;
}

function lookUpPairs(words: Int32Array, indexes: Int32Array): Int32Array {
  const out = new Int32Array(indexes.length * 2);
  const size = words.length / 2;
  for (let i = 0; i < indexes.length; i++) {
    const k = indexes[i]!;
    if (k >= size) throw new Error(OUT_OF_RANGE);
    out[2 * i] = words[2 * k]!;
    out[2 * i + 1] = words[2 * k + 1]!;
  }
  return out;
}

function lookUpNumbers(
  dictionary: Int32Array | Float32Array | Float64Array,
  indexes: Int32Array,
): Int32Array | Float32Array | Float64Array {
  const out = new (dictionary.constructor as new (n: number) => typeof dictionary)(indexes.length);
  const size = dictionary.length;
  for (let i = 0; i < indexes.length; i++) {
    const k = indexes[i]!;
    if (k >= size) throw new Error(OUT_OF_RANGE);
    out[i] = dictionary[k]!;
  }
  return out;
}

const OUT_OF_RANGE = 'parquet: dictionary index out of range';

/** Dense values spread over the rows `present` marks (NULL rows get a zero or ''). */
function spread(dense: Dense, present: Uint8Array): Dense {
  const n = present.length;
  const out: Dense = Array.isArray(dense)
    ? new Array<string>(n).fill('')
    : new (dense.constructor as new (n: number) => Exclude<Dense, string[]>)(n);
  let next = 0;
  for (let i = 0; i < n; i++) {
    if (present[i] === 1) (out as unknown as unknown[])[i] = dense[next++];
  }
  if (next !== dense.length) throw new Error('parquet: definition levels do not match the values');
  return out;
}

function countOnes(levels: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < levels.length; i++) n += levels[i]!;
  return n;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function int(s: ThriftStruct, id: number): number {
  const v = s.get(id);
  if (typeof v !== 'number') throw new Error(`parquet: page header lacks field ${id}`);
  return v;
}

function struct(s: ThriftStruct, id: number): ThriftStruct {
  const v = s.get(id);
  if (!(v instanceof Map)) throw new Error(`parquet: page header lacks struct ${id}`);
  return v as ThriftStruct;
}
