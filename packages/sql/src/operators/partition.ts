import type { Block, Page } from '../page/block.js';
import { takePage } from '../page/block.js';
import { physicalKind } from '../types/types.js';
import { normalizeLong } from '../types/values.js';

/**
 * Hash partitioning of a stage's output: rows with equal keys go to the same partition, whatever
 * the block layout (a value hashes the same in a Float64Array or as a bigint).
 */
export function partitionPage(
  page: Page,
  channels: readonly number[],
  partitionCount: number,
): (Page | undefined)[] {
  const out: (Page | undefined)[] = new Array(partitionCount).fill(undefined);
  if (partitionCount === 1) {
    out[0] = page;
    return out;
  }
  const n = page.rowCount;
  const hashes = new Uint32Array(n).fill(0x9e3779b9);
  for (const c of channels) mixColumn(hashes, page.blocks[c]!, n);
  const counts = new Int32Array(partitionCount);
  const parts = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = hashes[i]! % partitionCount;
    parts[i] = p;
    counts[p]!++;
  }
  const positions = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(partitionCount);
  for (let i = 0; i < n; i++) {
    const p = parts[i]!;
    positions[p]![fill[p]!++] = i;
  }
  for (let p = 0; p < partitionCount; p++) if (counts[p]! > 0) out[p] = takePage(page, positions[p]!);
  return out;
}

function mixColumn(hashes: Uint32Array, block: Block, n: number): void {
  const kind = physicalKind(block.type);
  const nulls = block.nulls;
  for (let i = 0; i < n; i++) {
    let h: number;
    if (nulls !== undefined && nulls[i] === 1) h = 0x5bd1e995;
    else if (kind === 'string') h = hashString(block.values[i] as string);
    else {
      let v = block.values[i] as number | bigint;
      if (typeof v === 'bigint') v = normalizeLong(v);
      h = typeof v === 'bigint' ? hashString(v.toString()) : hashNumber(v);
    }
    hashes[i] = Math.imul(hashes[i]! ^ h, 0x01000193) >>> 0;
    hashes[i] = fmix(hashes[i]!);
  }
}

function hashNumber(v: number): number {
  if (Number.isInteger(v)) {
    const lo = v | 0;
    const hi = Math.floor(v / 4294967296) | 0;
    return fmix(lo ^ Math.imul(hi, 0x27d4eb2d));
  }
  return hashString(String(v));
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
