/**
 * dbgen's text pool: 300 MiB of pseudo-English sentences generated once from the grammar in dists.dss,
 * from which every comment column takes a random slice (random offset, random length). The pool is
 * built on first use (about a second) and then kept for the life of the process: comments are slices
 * of it, so they share its memory.
 */
import { RandomStream } from './random.js';
import { buildTextPool } from './text-pool-builder.js';

export const TEXT_POOL_SIZE = 300 * 1024 * 1024;

let pool: string | undefined;

/** The text pool, built on first call. */
export function textPool(): string {
  if (pool === undefined) {
    const bytes = buildTextPool(TEXT_POOL_SIZE);
    pool = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  }
  return pool;
}

/**
 * A comment column: per text, one draw for the offset into the pool and one for the length, the length
 * uniform in [0.4, 1.6] × the column's average length (dbgen's `TEXT` macro).
 */
export class TextStream {
  private readonly random: RandomStream;
  private readonly pool: string;
  private readonly minLength: number;
  private readonly maxLength: number;

  constructor(seed: number, averageLength: number, textsPerRow: number, firstRow: number) {
    this.random = new RandomStream(seed, 2 * textsPerRow, firstRow);
    this.pool = textPool();
    this.minLength = Math.trunc(averageLength * 0.4);
    this.maxLength = Math.trunc(averageLength * 1.6);
  }

  next(): string {
    const offset = this.random.int(0, TEXT_POOL_SIZE - this.maxLength);
    const length = this.random.int(this.minLength, this.maxLength);
    return this.pool.substring(offset, offset + length);
  }

  endRow(): void {
    this.random.endRow();
  }
}
