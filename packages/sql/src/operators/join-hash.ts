import type { Block, Page } from '../page/block.js';
import { anyNull, hashRows, rowEquality, tableSize, type RowEquality } from './hash.js';

/**
 * The build side of a join as one columnar page plus a chained hash index over its key columns:
 * `heads[bucket]` is the first row of a chain, `next[row]` the following one, `hashes[row]` the
 * row's key hash (checked before comparing keys). Rows with a NULL key are not indexed: they never
 * match, but stay in the page for outer joins.
 */
export class JoinHash {
  readonly heads: Int32Array;
  readonly next: Int32Array;
  readonly hashes: Int32Array;
  readonly shift: number;
  readonly keyBlocks: readonly Block[];

  constructor(
    readonly page: Page,
    keys: readonly number[],
  ) {
    const n = page.rowCount;
    this.keyBlocks = keys.map((k) => page.blocks[k]!);
    this.hashes = hashRows(this.keyBlocks, n);
    const size = tableSize(n);
    this.shift = 32 - Math.log2(size);
    this.heads = new Int32Array(size).fill(-1);
    this.next = new Int32Array(n);
    const nulls = anyNull(this.keyBlocks, n);
    const heads = this.heads;
    const next = this.next;
    // insert in reverse so that chains list rows in input order
    for (let r = n - 1; r >= 0; r--) {
      if (nulls !== undefined && nulls[r] === 1) continue;
      const b = this.bucket(this.hashes[r]!);
      next[r] = heads[b]!;
      heads[b] = r;
    }
  }

  /** The bucket of a hash: high bits of a multiplicative mix, independent of the partitioning bits. */
  bucket(hash: number): number {
    return Math.imul(hash, 0x9e3779b1) >>> this.shift;
  }

  /** Probe-side helper: the first indexed build row whose hash equals `hash` (keys still to compare), or -1. */
  first(hash: number): number {
    return this.heads[this.bucket(hash)]!;
  }

  /** An equality test between this table's key rows and a probe page's key blocks. */
  equality(probeKeys: readonly Block[]): RowEquality {
    return rowEquality(this.keyBlocks, probeKeys);
  }

  bytes(): number {
    return this.heads.byteLength + this.next.byteLength + this.hashes.byteLength;
  }
}
