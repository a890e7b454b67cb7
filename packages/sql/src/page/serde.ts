import { endianness } from 'node:os';
import { QuarryError } from '@quarry/common';
import { physicalKind, typeToString, type DataType } from '../types/types.js';
import type { MapValue } from '../types/composite.js';
import { BlockBuilder, valueAt, type Block, type BlockValues, type Page } from './block.js';

/**
 * The page wire format, version 1 (little-endian throughout):
 *
 *   page   := u8 version=1 | u32 rowCount | u16 columnCount | column*
 *   column := u8 layout | u8 flags | [nulls: ceil(rowCount/8) bytes, bit i of byte i>>3 set = row i null]
 *             | values
 *   layout 0 bool     values := rowCount bytes of 0/1
 *   layout 1 int32    values := rowCount × i32
 *   layout 2 float64  values := rowCount × f64
 *   layout 3 long     values := rowCount × f64 (exact integers)
 *   layout 4 wide     values := text encoding below, each value in decimal digits
 *   layout 5 string   values := u32 byteLength | (rowCount+1) × u32 offsets | UTF-8 bytes
 *   layout 6 array    values := (rowCount+1) × u32 offsets | column (the elements, offsets[rowCount] rows)
 *   layout 7 map      values := (rowCount+1) × u32 offsets | column (keys) | column (values)
 *   layout 8 row      values := u16 fieldCount | column* (one per field, rowCount rows each)
 *   flags: bit 0 has-nulls, bit 1 (string/wide) all bytes ASCII.
 *
 * Composite columns are columnar on the wire, as Trino's array/map/row blocks are: offsets into a
 * child column of all elements; a NULL array has an empty range, a NULL row NULL fields.
 *
 * Types are not written: the reader knows the schema from the plan and checks each column's layout
 * against it. Checksums, compression and encryption are the exchange's business, one level up.
 */
export const PAGE_FORMAT_VERSION = 1;

const LAYOUT = {
  bool: 0,
  int32: 1,
  float64: 2,
  long: 3,
  wide: 4,
  string: 5,
  array: 6,
  map: 7,
  row: 8,
} as const;
const FLAG_NULLS = 1;
const FLAG_ASCII = 2;

if (endianness() !== 'LE') throw new Error('quarry pages assume a little-endian machine');

export function serializePage(page: Page): Buffer {
  const parts: Uint8Array[] = [];
  const head = Buffer.alloc(7);
  head.writeUInt8(PAGE_FORMAT_VERSION, 0);
  head.writeUInt32LE(page.rowCount, 1);
  head.writeUInt16LE(page.blocks.length, 5);
  parts.push(head);
  for (const block of page.blocks) writeColumn(block, page.rowCount, parts);
  return Buffer.concat(parts);
}

function writeColumn(block: Block, n: number, parts: Uint8Array[]): void {
  const kind = physicalKind(block.type);
  if (kind === 'object') {
    writeComposite(block, n, parts);
    return;
  }
  const wide = kind === 'long' && Array.isArray(block.values);
  const layout = wide ? LAYOUT.wide : LAYOUT[kind];
  let flags = block.nulls !== undefined ? FLAG_NULLS : 0;
  let body: Uint8Array[];
  if (kind === 'string' || wide) {
    const strings = wide ? (block.values as bigint[]).map(String) : (block.values as string[]);
    const encoded = encodeStrings(strings, n);
    if (encoded.ascii) flags |= FLAG_ASCII;
    body = encoded.parts;
  } else {
    const v = block.values as Int32Array | Float64Array | Uint8Array;
    body = [new Uint8Array(v.buffer, v.byteOffset, n * v.BYTES_PER_ELEMENT)];
  }
  parts.push(Uint8Array.of(layout, flags));
  if (block.nulls !== undefined) parts.push(packBits(block.nulls, n));
  parts.push(...body);
}

function encodeStrings(strings: readonly string[], n: number): { parts: Uint8Array[]; ascii: boolean } {
  const joined = n === strings.length ? strings.join('') : strings.slice(0, n).join('');
  let bytes = Buffer.from(joined, 'utf8');
  const ascii = bytes.length === joined.length;
  const offsets = new Uint32Array(n + 1);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const s = strings[i]!;
    pos += ascii ? s.length : Buffer.byteLength(s, 'utf8');
    offsets[i + 1] = pos;
  }
  // Lone surrogates at string boundaries pair up when joined: encode the strings one by one then.
  if (pos !== bytes.length) bytes = Buffer.concat(strings.slice(0, n).map((s) => Buffer.from(s, 'utf8')));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(bytes.length, 0);
  return { parts: [len, new Uint8Array(offsets.buffer), bytes], ascii };
}

function packBits(nulls: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >>> 3);
  for (let i = 0; i < n; i++) if (nulls[i] === 1) out[i >>> 3]! |= 1 << (i & 7);
  return out;
}

/** Reads a page written by {@link serializePage}; `types` is the schema the plan expects. */
export function deserializePage(bytes: Uint8Array, types: readonly DataType[]): Page {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const r = new Reader(buf);
  const version = r.u8();
  if (version !== PAGE_FORMAT_VERSION) throw corrupt(`unsupported page format version ${version}`);
  const rowCount = r.u32();
  const columnCount = r.u16();
  if (columnCount !== types.length) {
    throw corrupt(`page has ${columnCount} columns, the plan expects ${types.length}`);
  }
  const blocks = types.map((t) => readColumn(r, t, rowCount));
  if (r.pos !== buf.length) throw corrupt(`${buf.length - r.pos} trailing bytes after page`);
  return { blocks, rowCount };
}

function readColumn(r: Reader, type: DataType, n: number): Block {
  const layout = r.u8();
  const flags = r.u8();
  const kind = physicalKind(type);
  const expected =
    kind === 'long' ? [LAYOUT.long, LAYOUT.wide] : [kind === 'object' ? compositeLayout(type) : LAYOUT[kind]];
  if (!expected.includes(layout as never)) {
    throw corrupt(`column layout ${layout} does not match type ${typeToString(type)}`);
  }
  // Math.ceil, not `(n + 7) >>> 3`: a corrupt row count near 2^32 must not wrap to zero bytes
  const nulls = flags & FLAG_NULLS ? unpackBits(r.bytes(Math.ceil(n / 8)), n) : undefined;
  let values: BlockValues;
  switch (layout) {
    case LAYOUT.bool:
      values = r.copy(n, Uint8Array);
      break;
    case LAYOUT.int32:
      values = r.copy(n, Int32Array);
      break;
    case LAYOUT.float64:
    case LAYOUT.long:
      values = r.copy(n, Float64Array);
      break;
    case LAYOUT.string:
      values = readStrings(r, n, (flags & FLAG_ASCII) !== 0);
      break;
    case LAYOUT.array:
    case LAYOUT.map:
    case LAYOUT.row:
      values = readComposite(r, type, n);
      break;
    default:
      values = readStrings(r, n, true).map(parseWide);
  }
  return { type, length: n, values, nulls };
}

function compositeLayout(type: DataType): number {
  if (type.kind === 'array' || type.kind === 'map' || type.kind === 'row') return LAYOUT[type.kind];
  throw corrupt(`type ${typeToString(type)} has no composite layout`);
}

/** Child columns of a composite column: what goes below its offsets. */
function writeComposite(block: Block, n: number, parts: Uint8Array[]): void {
  const type = block.type;
  const values = block.values as unknown[];
  const present = (i: number) => block.nulls === undefined || block.nulls[i] !== 1;
  parts.push(Uint8Array.of(compositeLayout(type), block.nulls !== undefined ? FLAG_NULLS : 0));
  if (block.nulls !== undefined) parts.push(packBits(block.nulls, n));
  if (type.kind === 'row') {
    const head = Buffer.alloc(2);
    head.writeUInt16LE(type.fields.length, 0);
    parts.push(head);
    type.fields.forEach((f, c) => {
      const b = new BlockBuilder(f.type, n);
      for (let i = 0; i < n; i++) b.append(present(i) ? (values[i] as unknown[])[c] : null);
      writeColumn(b.build(), n, parts);
    });
    return;
  }
  const offsets = new Uint32Array(n + 1);
  const lists = (i: number): readonly (readonly unknown[])[] => {
    if (!present(i)) return [];
    const v = values[i];
    return type.kind === 'map' ? [(v as MapValue).keys, (v as MapValue).values] : [v as unknown[]];
  };
  const children = (
    type.kind === 'map' ? [type.key, type.value] : [type.kind === 'array' ? type.element : type]
  ).map((t) => new BlockBuilder(t, n));
  for (let i = 0; i < n; i++) {
    const ls = lists(i);
    ls.forEach((l, c) => {
      for (const e of l) children[c]!.append(e);
    });
    offsets[i + 1] = offsets[i]! + (ls[0]?.length ?? 0);
  }
  parts.push(new Uint8Array(offsets.buffer));
  for (const c of children) writeColumn(c.build(), c.length, parts);
}

function readComposite(r: Reader, type: DataType, n: number): unknown[] {
  const out = new Array<unknown>(n).fill(null);
  if (type.kind === 'row') {
    const count = r.u16();
    if (count !== type.fields.length)
      throw corrupt(`row column has ${count} fields, the plan expects ${type.fields.length}`);
    const fields = type.fields.map((f) => readColumn(r, f.type, n));
    for (let i = 0; i < n; i++) out[i] = fields.map((b) => valueAt(b, i));
    return out;
  }
  const offsets = r.copy(n + 1, Uint32Array);
  if (offsets[0] !== 0) throw corrupt('composite offsets do not start at 0');
  for (let i = 0; i < n; i++) if (offsets[i + 1]! < offsets[i]!) throw corrupt('composite offsets decrease');
  const total = offsets[n]!;
  const childTypes =
    type.kind === 'map' ? [type.key, type.value] : type.kind === 'array' ? [type.element] : [];
  const children = childTypes.map((t) => readColumn(r, t, total));
  const slice = (b: Block, s: number, e: number) => {
    const l = new Array<unknown>(e - s);
    for (let j = s; j < e; j++) l[j - s] = valueAt(b, j);
    return l;
  };
  for (let i = 0; i < n; i++) {
    const s = offsets[i]!;
    const e = offsets[i + 1]!;
    out[i] =
      type.kind === 'map'
        ? ({ keys: slice(children[0]!, s, e), values: slice(children[1]!, s, e) } satisfies MapValue)
        : slice(children[0]!, s, e);
  }
  return out;
}

function readStrings(r: Reader, n: number, ascii: boolean): string[] {
  const byteLength = r.u32();
  const offsets = r.copy(n + 1, Uint32Array);
  const data = r.bytes(byteLength);
  const out = new Array<string>(n);
  const encoding = ascii ? 'latin1' : 'utf8';
  for (let i = 0; i < n; i++) {
    const s = offsets[i]!;
    const e = offsets[i + 1]!;
    if (e < s || e > byteLength) throw corrupt('string offsets out of range');
    out[i] = data.toString(encoding, s, e);
  }
  return out;
}

function parseWide(digits: string): bigint {
  if (!/^-?\d+$/.test(digits)) throw corrupt('wide column value is not an integer');
  return BigInt(digits);
}

function unpackBits(bits: Uint8Array, n: number): Uint8Array | undefined {
  const out = new Uint8Array(n);
  let any = 0;
  for (let i = 0; i < n; i++) any |= out[i] = (bits[i >>> 3]! >>> (i & 7)) & 1;
  return any ? out : undefined;
}

function corrupt(detail: string): QuarryError {
  return new QuarryError('EXCHANGE_CORRUPTED', `Corrupt page: ${detail}`);
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** Copies n elements into a fresh, aligned typed array (checking the bytes exist before allocating). */
  copy<T extends Int32Array | Float64Array | Uint8Array | Uint32Array>(
    n: number,
    ctor: { new (n: number): T; BYTES_PER_ELEMENT: number },
  ): T {
    const src = this.bytes(n * ctor.BYTES_PER_ELEMENT);
    const out = new ctor(n);
    new Uint8Array(out.buffer).set(src);
    return out;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw corrupt('page ends early');
  }
}
