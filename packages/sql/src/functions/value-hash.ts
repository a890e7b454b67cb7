import type { Block } from '../page/block.js';
import { valueKey, type PhysicalKind } from '../types/index.js';

/**
 * 32-bit hashes of column values for the distinct-count sketches (`distinct-sketch.ts`). Sketches
 * are kept in lake table metadata and merged across files written at different times, so these
 * hashes are part of that format: changing any of them needs a new sketch tag.
 *
 * Values that compare equal in SQL hash alike: a `long` value hashes the same whether the block
 * holds it as a number or as a bigint (wide blocks), -0 as 0, every NaN as one value; strings by
 * their UTF-16 code units. The mixing is MurmurHash3's (x86, 32-bit) over 32-bit words, with the
 * value's byte length as the length.
 */
const SEED = 0x5157_4c31;
/** Decimals beyond 64 bits hash their decimal text, apart from everything else. */
const WIDE_SEED = 0x5157_4c32;
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const TWO_32 = 4294967296;
const NAN_LOW = 0;
const NAN_HIGH = 0x7ff80000;

const scratch = new DataView(new ArrayBuffer(8));

function mix(h: number, word: number): number {
  let k = Math.imul(word, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, bytes: number): number {
  h ^= bytes;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashInt32(v: number): number {
  return finish(mix(SEED, v), 4);
}

/** A 64-bit two's complement integer given as its low (unsigned) and high (signed) words. */
function hashWords(low: number, high: number): number {
  return finish(mix(mix(SEED, low), high), 8);
}

/** An exact integer (a `long` value), as a number within ±2^53 or a bigint. */
export function hashLong(v: number | bigint): number {
  if (typeof v === 'number') return hashWords(v >>> 0, Math.floor(v / TWO_32) | 0);
  if (BigInt.asIntN(64, v) !== v) return hashString(v.toString(), WIDE_SEED);
  return hashWords(Number(BigInt.asUintN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
}

export function hashFloat64(v: number): number {
  if (Number.isNaN(v)) return hashWords(NAN_LOW, NAN_HIGH);
  scratch.setFloat64(0, v === 0 ? 0 : v, true);
  return hashWords(scratch.getUint32(0, true), scratch.getInt32(4, true));
}

export function hashString(s: string, seed = SEED): number {
  let h = seed;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) h = mix(h, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
  if (i < n) h = mix(h, s.charCodeAt(i));
  return finish(h, 2 * n);
}

/** Adds the hash of every non-null value of a block whose layout is `kind` to `sink`. */
export function hashBlock(block: Block, kind: PhysicalKind, sink: { add(hash: number): void }): void {
  const { length, nulls } = block;
  switch (kind) {
    case 'int32':
    case 'bool': {
      const values = block.values as Int32Array | Uint8Array;
      for (let i = 0; i < length; i++) if (nulls?.[i] !== 1) sink.add(hashInt32(values[i]!));
      return;
    }
    case 'long': {
      const values = block.values as Float64Array | bigint[];
      for (let i = 0; i < length; i++) if (nulls?.[i] !== 1) sink.add(hashLong(values[i]!));
      return;
    }
    case 'float64': {
      const values = block.values as Float64Array;
      for (let i = 0; i < length; i++) if (nulls?.[i] !== 1) sink.add(hashFloat64(values[i]!));
      return;
    }
    case 'string': {
      const values = block.values as string[];
      for (let i = 0; i < length; i++) if (nulls?.[i] !== 1) sink.add(hashString(values[i]!));
      return;
    }
    case 'object': {
      const values = block.values as unknown[];
      for (let i = 0; i < length; i++)
        if (nulls?.[i] !== 1) sink.add(hashString(valueKey(block.type, values[i])));
      return;
    }
  }
}

/** The hash of row `i` of a block whose layout is `kind` (the row must not be NULL). */
export function hashAt(block: Block, kind: PhysicalKind, i: number): number {
  switch (kind) {
    case 'int32':
    case 'bool':
      return hashInt32((block.values as Int32Array | Uint8Array)[i]!);
    case 'long':
      return hashLong((block.values as Float64Array | bigint[])[i]!);
    case 'float64':
      return hashFloat64((block.values as Float64Array)[i]!);
    case 'string':
      return hashString((block.values as string[])[i]!);
    case 'object':
      return hashString(valueKey(block.type, (block.values as unknown[])[i]));
  }
}
