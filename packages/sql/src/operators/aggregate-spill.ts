import type { Page } from '../page/block.js';
import { slicePage, takePage } from '../page/block.js';
import type { AggregateNode } from '../plan/nodes.js';
import type { SpillFile, SpillSpace, SpillWriter } from '../spi/spill.js';
import { GroupTable, stateLayout } from './group-table.js';
import { hashRows } from './hash.js';
import { PAGE_ROWS, checkCancelled, type TaskContext } from './operator.js';
import { averageRowBytes, readSpilled, rowsFor, spillPageBytes, writeRows } from './spill-pages.js';

/** Spill partitions per level: 16, by 4 bits of a hash of the grouping keys. */
const PARTITION_BITS = 4;
export const SPILL_PARTITIONS = 1 << PARTITION_BITS;
/**
 * Levels of partitioning: a partition still too large for memory is split again by other bits, up
 * to 16^4 = 65 536 parts of the groups; past that the task fails with EXCEEDED_LOCAL_MEMORY_LIMIT.
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

/**
 * The spilling half of hash aggregation, by hash partition: when the groups pass the task's memory,
 * their intermediate states (keys, then each aggregate's state columns) are split by a hash of the
 * keys into 16 spill files and the table starts empty again. At the end each partition is read back
 * alone and its states merged (`addIntermediate`) into a fresh table — a group's states are all in
 * one partition, so its result is complete — and emitted before the next partition is read. A
 * partition that still does not fit is split again, by other hash bits, into 16 files of the next
 * level, and so on ({@link MAX_SPILL_LEVELS}).
 *
 * Chosen over spilling sorted runs of states and merging them: no sort of the states, the merge of a
 * partition is the final step's own code, and the memory a partition needs shrinks by 16 per level
 * whatever the key types; the price is that output is not ordered by key (nothing asks it to be).
 */
export class SpillingAggregation {
  private readonly layout: ReturnType<typeof stateLayout>;
  private readonly pageBytes: number;
  private top: PartitionedSpill | undefined;

  constructor(
    private readonly node: AggregateNode,
    private readonly ctx: TaskContext & { readonly spill: SpillSpace },
  ) {
    this.layout = stateLayout(node, node.groupBy.length);
    this.pageBytes = spillPageBytes(ctx.memory.limitBytes);
  }

  get spilled(): boolean {
    return this.top !== undefined;
  }

  /** Writes every group of `table` to the spill partitions (the caller then starts a new table). */
  async add(table: GroupTable): Promise<void> {
    this.top ??= this.partitioned(0);
    await this.top.add(table.statePage());
  }

  /** The aggregation's output, partition by partition; files are deleted as they are read. */
  async *merged(): AsyncGenerator<Page> {
    const files = (await this.top?.finish()) ?? [];
    this.top = undefined;
    try {
      for (const file of files) if (file) yield* this.mergePartition(file, 0);
    } finally {
      await Promise.all(files.map((f) => f?.delete()));
    }
  }

  private async *mergePartition(file: SpillFile, level: number): AsyncGenerator<Page> {
    const { ctx, layout } = this;
    let table = new GroupTable(this.node);
    let child: PartitionedSpill | undefined;
    let reserved = 0;
    for await (const page of readSpilled(file, layout.types)) {
      checkCancelled(ctx.signal);
      table.addStates(page, layout.keys, layout.states);
      let bytes = table.bytes();
      // at the deepest level the update below fails the task: the partition cannot be split further
      if (!ctx.memory.fits(reserved, bytes) && level + 1 < MAX_SPILL_LEVELS) {
        child ??= this.partitioned(level + 1);
        await child.add(table.statePage());
        table = new GroupTable(this.node);
        bytes = table.bytes();
      }
      reserved = ctx.memory.update(reserved, bytes);
    }
    await file.delete();
    if (child) {
      await child.add(table.statePage());
      ctx.memory.update(reserved, 0);
      const parts = await child.finish();
      try {
        for (const part of parts) if (part) yield* this.mergePartition(part, level + 1);
      } finally {
        await Promise.all(parts.map((f) => f?.delete()));
      }
      return;
    }
    const out = this.node.step === 'partial' ? table.statePage() : table.resultPage();
    ctx.memory.update(reserved, 0);
    for (let start = 0; start < out.rowCount; start += PAGE_ROWS)
      yield slicePage(out, start, Math.min(out.rowCount, start + PAGE_ROWS));
  }

  private partitioned(level: number): PartitionedSpill {
    return new PartitionedSpill(this.ctx.spill, {
      level,
      keyCount: this.node.groupBy.length,
      pageBytes: this.pageBytes,
    });
  }
}

/** Pages of group states written to one spill file per hash partition of one level. */
class PartitionedSpill {
  private readonly writers: (SpillWriter | undefined)[] = new Array(SPILL_PARTITIONS).fill(undefined);

  constructor(
    private readonly space: SpillSpace,
    private readonly options: {
      readonly level: number;
      readonly keyCount: number;
      readonly pageBytes: number;
    },
  ) {}

  async add(page: Page): Promise<void> {
    const n = page.rowCount;
    if (n === 0) return;
    const keys = page.blocks.slice(0, this.options.keyCount);
    const parts = spillPartitions(hashRows(keys, n), n, this.options.level);
    const counts = new Int32Array(SPILL_PARTITIONS);
    for (let i = 0; i < n; i++) counts[parts[i]!]!++;
    const positions = Array.from(counts, (c) => new Int32Array(c));
    const fill = new Int32Array(SPILL_PARTITIONS);
    for (let i = 0; i < n; i++) positions[parts[i]!]![fill[parts[i]!]!++] = i;
    const rows = rowsFor(this.options.pageBytes, averageRowBytes(page));
    for (let p = 0; p < SPILL_PARTITIONS; p++) {
      if (counts[p] === 0) continue;
      const writer = (this.writers[p] ??= this.space.create());
      await writeRows(writer, takePage(page, positions[p]!), { rows });
    }
  }

  /** The partitions' files (undefined for a partition that got no group). */
  async finish(): Promise<(SpillFile | undefined)[]> {
    return Promise.all(this.writers.map((w) => w?.finish()));
  }
}
