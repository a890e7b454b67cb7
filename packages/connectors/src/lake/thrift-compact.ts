/**
 * A reader of Thrift's compact protocol, enough for Parquet page headers: a struct is read into a
 * map of field id to value, where integers are numbers, booleans booleans, nested structs maps, and
 * binaries, lists, sets and maps are skipped (`undefined`). Bad input throws.
 */
export type ThriftStruct = Map<number, unknown>;

/** Bytes and a read position, advanced by the readers below. */
export interface ByteCursor {
  readonly bytes: Uint8Array;
  at: number;
}

const STOP = 0;
const TRUE = 1;
const FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;
const MAX_DEPTH = 16;

/** Reads one struct from the cursor, leaving it after the struct's STOP. */
export function readStruct(cursor: ByteCursor, depth = 0): ThriftStruct {
  if (depth > MAX_DEPTH) throw new Error('thrift: structs nested too deep');
  const fields: ThriftStruct = new Map();
  let id = 0;
  for (;;) {
    const header = byteAt(cursor);
    const type = header & 0x0f;
    if (type === STOP) return fields;
    const delta = header >> 4;
    id = delta === 0 ? zigzag(readVarint(cursor)) : id + delta;
    fields.set(id, readValue(cursor, type, depth));
  }
}

function readValue(cursor: ByteCursor, type: number, depth: number): unknown {
  switch (type) {
    case TRUE:
      return true;
    case FALSE:
      return false;
    case BYTE:
      return byteAt(cursor);
    case I16:
    case I32:
    case I64:
      return zigzag(readVarint(cursor));
    case DOUBLE:
      skip(cursor, 8);
      return undefined;
    case BINARY:
      skip(cursor, readVarint(cursor));
      return undefined;
    case LIST:
    case SET:
      skipList(cursor, depth);
      return undefined;
    case MAP:
      skipMap(cursor, depth);
      return undefined;
    case STRUCT:
      return readStruct(cursor, depth + 1);
    default:
      throw new Error(`thrift: unknown field type ${type}`);
  }
}

function skipList(cursor: ByteCursor, depth: number): void {
  const header = byteAt(cursor);
  const size = header >> 4 === 15 ? readVarint(cursor) : header >> 4;
  const type = header & 0x0f;
  // booleans in a collection take a byte each
  for (let i = 0; i < size; i++) {
    if (type === TRUE || type === FALSE) skip(cursor, 1);
    else readValue(cursor, type, depth + 1);
  }
}

function skipMap(cursor: ByteCursor, depth: number): void {
  const size = readVarint(cursor);
  if (size === 0) return;
  const types = byteAt(cursor);
  for (let i = 0; i < size; i++) {
    readCollectionValue(cursor, types >> 4, depth);
    readCollectionValue(cursor, types & 0x0f, depth);
  }
}

function readCollectionValue(cursor: ByteCursor, type: number, depth: number): void {
  if (type === TRUE || type === FALSE) skip(cursor, 1);
  else readValue(cursor, type, depth + 1);
}

/** An unsigned varint of up to 64 bits as a number (exact up to 2^53). */
function readVarint(cursor: ByteCursor): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const b = byteAt(cursor);
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return value;
    scale *= 128;
  }
  throw new Error('thrift: varint longer than 10 bytes');
}

function zigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

function byteAt(cursor: ByteCursor): number {
  if (cursor.at >= cursor.bytes.length) throw new Error('thrift: struct runs past its bytes');
  return cursor.bytes[cursor.at++]!;
}

function skip(cursor: ByteCursor, n: number): void {
  if (cursor.at + n > cursor.bytes.length) throw new Error('thrift: value runs past its bytes');
  cursor.at += n;
}
