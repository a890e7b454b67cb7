import type { Page } from '../page/block.js';
import { slicePage } from '../page/block.js';
import type { AggregateNode } from '../plan/nodes.js';
import type { SpillFile, SpillSpace } from '../spi/spill.js';
import { GroupTable, stateLayout } from './group-table.js';
import { PAGE_ROWS, checkCancelled, type TaskContext } from './operator.js';
import { readSpilled, spillPageBytes } from './spill-pages.js';
import { MAX_SPILL_LEVELS, PartitionedSpill } from './spill-partitions.js';

/**
 * The spilling half of hash aggregation, by hash partition: when the groups pass the task's memory,
 * their intermediate states (keys, then each aggregate's state columns) are split by a hash of the
 * keys into 16 spill files and the table starts empty again. At the end each partition is read back
 * alone and its states merged (`addIntermediate`) into a fresh table — a group's states are all in
 * one partition, so its result is complete — and emitted before the next partition is read. A
 * partition that still does not fit is split again, by other hash bits, into 16 files of the next
 * level, and so on ({@link MAX_SPILL_LEVELS}; past that the task fails with
 * EXCEEDED_LOCAL_MEMORY_LIMIT).
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
    const files = ((await this.top?.finish()) ?? []).map((p) => p?.file);
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
      const parts = (await child.finish()).map((p) => p?.file);
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
      keys: this.node.groupBy.map((_, i) => i),
      pageBytes: this.pageBytes,
    });
  }
}
