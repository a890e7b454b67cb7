import type { Page } from '../page/block.js';
import { takePage } from '../page/block.js';
import { hashRows } from './hash.js';

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
  const hashes = hashRows(
    channels.map((c) => page.blocks[c]!),
    n,
  );
  const counts = new Int32Array(partitionCount);
  const parts = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = (hashes[i]! >>> 0) % partitionCount;
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
