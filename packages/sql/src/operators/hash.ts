import type { Block } from '../page/block.js';
import { physicalKind } from '../types/types.js';
import { normalizeLong } from '../types/values.js';
import { valueKey } from '../types/composite.js';

/**
 * Row hashes over key columns, the same for a value whatever its block layout (a `long` hashes the
 * same in a Float64Array or as a bigint, an integer the same as int32 or long). Used for hash
 * partitioning, join tables and distinct marking, so equal keys always meet.
 */
export const HASH_SEED = 0x9e3779b9 | 0;
const NULL_HASH = 0x5bd1e995;

/** Hashes rows [0, n) of the blocks into `out` (reused when long enough). */
export function hashRows(blocks: readonly Block[], n: number, out?: Int32Array): Int32Array {
  const hashes = out && out.length >= n ? out : new Int32Array(n);
  hashes.fill(HASH_SEED, 0, n);
  for (const b of blocks) mixColumn(hashes, b, n);
  return hashes;
}

function mixColumn(hashes: Int32Array, block: Block, n: number): void {
  const kind = physicalKind(block.type);
  const nulls = block.nulls;
  const values = block.values;
  if (kind === 'object') {
    for (let i = 0; i < n; i++) {
      const h =
        nulls !== undefined && nulls[i] === 1 ? NULL_HASH : hashString(valueKey(block.type, values[i]));
      hashes[i] = fmix(Math.imul(hashes[i]! ^ h, 0x01000193));
    }
    return;
  }
  if (kind === 'string') {
    const strings = values as string[];
    for (let i = 0; i < n; i++) {
      const h = nulls !== undefined && nulls[i] === 1 ? NULL_HASH : hashString(strings[i]!);
      hashes[i] = fmix(Math.imul(hashes[i]! ^ h, 0x01000193));
    }
    return;
  }
  if (Array.isArray(values)) {
    for (let i = 0; i < n; i++) {
      let h: number;
      if (nulls !== undefined && nulls[i] === 1) h = NULL_HASH;
      else {
        const v = normalizeLong(values[i] as bigint);
        h = typeof v === 'bigint' ? hashString(v.toString()) : hashNumber(v);
      }
      hashes[i] = fmix(Math.imul(hashes[i]! ^ h, 0x01000193));
    }
    return;
  }
  const nums = values as Float64Array | Int32Array | Uint8Array;
  for (let i = 0; i < n; i++) {
    const h = nulls !== undefined && nulls[i] === 1 ? NULL_HASH : hashNumber(nums[i]!);
    hashes[i] = fmix(Math.imul(hashes[i]! ^ h, 0x01000193));
  }
}

export function hashNumber(v: number): number {
  if (Number.isInteger(v)) {
    const lo = v | 0;
    const hi = Math.floor(v / 4294967296) | 0;
    return fmix(lo ^ Math.imul(hi, 0x27d4eb2d));
  }
  return hashString(String(v));
}

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** 1 where some key of the row is NULL, or undefined when no key has nulls. */
export function anyNull(blocks: readonly Block[], n: number): Uint8Array | undefined {
  let out: Uint8Array | undefined;
  for (const b of blocks) {
    if (b.nulls === undefined) continue;
    out ??= new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i]! |= b.nulls[i]!;
  }
  return out;
}

/** Whether row `a` of `left` and row `b` of `right` have equal keys (no NULLs expected). */
export type RowEquality = (a: number, b: number) => boolean;

/** Compares key columns of two pages by value (`long` numbers and bigints compare by value). */
export function rowEquality(left: readonly Block[], right: readonly Block[]): RowEquality {
  const parts = left.map((l, k) => {
    const lv = l.values as ArrayLike<unknown>;
    const rv = right[k]!.values as ArrayLike<unknown>;
    const loose = physicalKind(l.type) === 'long';
    if (physicalKind(l.type) === 'object') {
      // composite keys join when not distinct: their canonical texts are equal
      const type = l.type;
      return (a: number, b: number) => valueKey(type, lv[a]) === valueKey(type, rv[b]);
    }
    return loose ? (a: number, b: number) => lv[a] == rv[b] : (a: number, b: number) => lv[a] === rv[b];
  });
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [p, q] = parts as [RowEquality, RowEquality];
    return (a, b) => p(a, b) && q(a, b);
  }
  return (a, b) => {
    for (const p of parts) if (!p(a, b)) return false;
    return true;
  };
}

/** Smallest power of two ≥ max(16, 2n). */
export function tableSize(n: number): number {
  let size = 16;
  while (size < n * 2) size *= 2;
  return size;
}
