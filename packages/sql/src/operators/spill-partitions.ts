import type { Page } from '../page/block.js';
import { takePage } from '../page/block.js';
import type { SpillFile, SpillSpace, SpillWriter } from '../spi/spill.js';
import { hashRows } from './hash.js';
import { averageRowBytes, rowsFor, writeRows } from './spill-pages.js';

/** Spill partitions per level: 16, by 4 bits of a hash of the keys. */
const PARTITION_BITS = 4;
export const SPILL_PARTITIONS = 1 << PARTITION_BITS;
/**
 * Levels of partitioning: a partition still too large for memory is split again by other bits, up
 * to 16^4 = 65 536 parts of the rows; what to do past that is the operator's business.
 */
export const MAX_SPILL_LEVELS = 4;
/** One seed per level, so that each level splits by bits unrelated to the last (and to the exchange's). */
const LEVEL_SEEDS = [0x2545f491, 0x6b43a9b5, 0x1b873593, 0x7feb352d];

/** The spill partition of each row at a level, from its key hash. */
export function spillPartitions(hashes: Int32Array, n: number, level: number): Uint8Array {
  const seed = LEVEL_SEEDS[level]!;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let h = (hashes[i]! ^ seed) | 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    out[i] = (h ^ (h >>> 16)) >>> (32 - PARTITION_BITS);
  }
  return out;
}

/** One partition's file and the rows in it. */
export interface SpilledPart {
  readonly file: SpillFile;
  readonly rows: number;
}

/**
 * Pages written to one spill file per hash partition of one level, by the hash of the `keys`
 * columns (`hashRows`, so that equal keys of a join's two sides meet in the same partition). Without
 * keys every row goes to partition 0.
 */
export class PartitionedSpill {
  private readonly writers: (SpillWriter | undefined)[] = new Array(SPILL_PARTITIONS).fill(undefined);
  private readonly rows = new Array<number>(SPILL_PARTITIONS).fill(0);

  constructor(
    private readonly space: SpillSpace,
    private readonly options: {
      readonly level: number;
      readonly keys: readonly number[];
      readonly pageBytes: number;
    },
  ) {}

  async add(page: Page): Promise<void> {
    const n = page.rowCount;
    if (n === 0) return;
    const rows = rowsFor(this.options.pageBytes, averageRowBytes(page));
    const { keys, level } = this.options;
    if (keys.length === 0) {
      this.rows[0]! += n;
      await writeRows((this.writers[0] ??= this.space.create()), page, { rows });
      return;
    }
    const parts = spillPartitions(
      hashRows(
        keys.map((k) => page.blocks[k]!),
        n,
      ),
      n,
      level,
    );
    const counts = new Int32Array(SPILL_PARTITIONS);
    for (let i = 0; i < n; i++) counts[parts[i]!]!++;
    const positions = Array.from(counts, (c) => new Int32Array(c));
    const fill = new Int32Array(SPILL_PARTITIONS);
    for (let i = 0; i < n; i++) positions[parts[i]!]![fill[parts[i]!]!++] = i;
    for (let p = 0; p < SPILL_PARTITIONS; p++) {
      if (counts[p] === 0) continue;
      this.rows[p]! += counts[p]!;
      const writer = (this.writers[p] ??= this.space.create());
      await writeRows(writer, takePage(page, positions[p]!), { rows });
    }
  }

  /** The partitions' files (undefined for a partition that got no row). */
  async finish(): Promise<(SpilledPart | undefined)[]> {
    return Promise.all(
      this.writers.map(async (w, p) => (w ? { file: await w.finish(), rows: this.rows[p]! } : undefined)),
    );
  }
}
