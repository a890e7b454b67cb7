import type { Block, Page } from '../page/block.js';
import { takeBlock, takePage } from '../page/block.js';
import type { MarkDistinctNode } from '../plan/nodes.js';
import type { SpillSpace } from '../spi/spill.js';
import { BOOLEAN } from '../types/types.js';
import { GroupByHash } from './group-by-hash.js';
import { checkCancelled, type Operator, type TaskContext } from './operator.js';
import { readSpilled, spillPageBytes } from './spill-pages.js';
import { MAX_SPILL_LEVELS, PartitionedSpill, SPILL_PARTITIONS } from './spill-partitions.js';

/**
 * Marks the first row of each distinct tuple of `distinct` (rows whose mask is not TRUE are unmarked
 * and not counted), remembering the tuples seen in a hash table.
 *
 * With spilling on, when that table passes the task's memory its tuples are written to 16 *seen*
 * files by a hash of the tuple, and every later row that counts to 16 *row* files by the same hash
 * (rows that do not count go out at once, unmarked). Then each partition is done alone: its seen
 * tuples are loaded into a fresh table and its rows marked against it — a tuple's rows and its
 * seen entry are all in one partition. A partition that still does not fit is split again by other
 * hash bits (up to {@link MAX_SPILL_LEVELS} levels). The rows come out in another order, and the
 * marked row of a tuple may be another of its copies — which the aggregation above, the only
 * consumer (`count(DISTINCT x)`), does not mind.
 */
export class MarkDistinctOperator implements Operator {
  constructor(
    private readonly node: MarkDistinctNode,
    private readonly input: Operator,
    private readonly ctx: TaskContext,
  ) {}

  execute(): AsyncIterable<Page> {
    return new Marker(this.node, this.ctx).mark(emptySeen(), this.input.execute(), 0);
  }
}

async function* emptySeen(): AsyncGenerator<Page> {}

/** One level's spill: seen tuples and the rows still to mark, by the same hash partitions. */
interface Split {
  readonly seen: PartitionedSpill;
  readonly rows: PartitionedSpill;
}

class Marker {
  private readonly keyTypes;
  private readonly types;

  constructor(
    private readonly node: MarkDistinctNode,
    private readonly ctx: TaskContext,
  ) {
    this.types = node.input.outputs.map((c) => c.type);
    this.keyTypes = node.distinct.map((c) => this.types[c]!);
  }

  /** The rows marked against the tuples of `seen` (pages of the key columns) and each other. */
  async *mark(seen: AsyncIterable<Page>, rows: AsyncIterable<Page>, level: number): AsyncGenerator<Page> {
    const { ctx, node } = this;
    const hash = new GroupByHash(this.keyTypes);
    const keyChannels = node.distinct.map((_, i) => i);
    let split: Split | undefined;
    let reserved = 0;
    try {
      for await (const page of seen) {
        checkCancelled(ctx.signal);
        if (split) await split.seen.add(page);
        else
          hash.groupIds(
            keyChannels.map((c) => page.blocks[c]!),
            page.rowCount,
          );
        [split, reserved] = await this.overflow(hash, { split, reserved, level });
      }
      for await (const page of rows) {
        checkCancelled(ctx.signal);
        const counted = this.counted(page);
        if (split) {
          yield* this.passOn(page, counted, split);
          continue;
        }
        yield this.marked(hash, page, counted);
        [split, reserved] = await this.overflow(hash, { split, reserved, level });
      }
    } finally {
      ctx.memory.update(reserved, 0);
    }
    if (split) yield* this.markParts(split, level + 1);
  }

  /**
   * Spills the table's tuples when it passes the memory and spilling is on (and levels are left);
   * else accounts its bytes (failing the task past the limit).
   */
  private async overflow(
    hash: GroupByHash,
    at: { readonly split: Split | undefined; readonly reserved: number; readonly level: number },
  ): Promise<[Split | undefined, number]> {
    const { ctx } = this;
    if (at.split) return [at.split, at.reserved];
    const bytes = hash.bytes();
    // a table of a few tuples is not worth splitting: the memory is used elsewhere
    const worth = hash.groupCount >= SPILL_PARTITIONS && at.level < MAX_SPILL_LEVELS;
    if (ctx.spill && worth && !ctx.memory.fits(at.reserved, bytes)) {
      const split = this.split(ctx.spill, at.level);
      await split.seen.add({ blocks: hash.keyBlocks(), rowCount: hash.groupCount });
      return [split, ctx.memory.update(at.reserved, 0)];
    }
    return [undefined, ctx.memory.update(at.reserved, bytes)];
  }

  private split(spill: SpillSpace, level: number): Split {
    const pageBytes = spillPageBytes(this.ctx.memory.limitBytes);
    return {
      seen: new PartitionedSpill(spill, { level, keys: this.node.distinct.map((_, i) => i), pageBytes }),
      rows: new PartitionedSpill(spill, { level, keys: this.node.distinct, pageBytes }),
    };
  }

  /** The positions of rows whose mask is TRUE; undefined when there is no mask (all count). */
  private counted(page: Page): Int32Array | undefined {
    const { mask } = this.node;
    if (mask === undefined) return undefined;
    const m = page.blocks[mask]!;
    const positions = new Int32Array(page.rowCount);
    let k = 0;
    for (let i = 0; i < page.rowCount; i++)
      if (m.values[i] === 1 && (m.nulls === undefined || m.nulls[i] !== 1)) positions[k++] = i;
    return positions.subarray(0, k);
  }

  /** The page with its marks: TRUE on counted rows whose tuple the table had not seen. */
  private marked(hash: GroupByHash, page: Page, positions: Int32Array | undefined): Page {
    const n = page.rowCount;
    const marks = new Uint8Array(n);
    let keys = this.node.distinct.map((c) => page.blocks[c]!);
    if (positions) keys = keys.map((b) => takeBlock(b, positions));
    const count = positions ? positions.length : n;
    const before = hash.groupCount;
    const ids = hash.groupIds(keys, count);
    let seen = before;
    for (let j = 0; j < count; j++) {
      // ids are dense and assigned in row order: a new group has the next id
      if (ids[j]! >= seen) {
        marks[positions ? positions[j]! : j] = 1;
        seen = ids[j]! + 1;
      }
    }
    return withMarks(page, marks);
  }

  /** While spilling: counted rows to the row files, the others out at once, unmarked. */
  private async *passOn(page: Page, counted: Int32Array | undefined, split: Split): AsyncGenerator<Page> {
    if (!counted) {
      await split.rows.add(page);
      return;
    }
    await split.rows.add(takePage(page, counted));
    const others = new Int32Array(page.rowCount - counted.length);
    let k = 0;
    for (let i = 0, c = 0; i < page.rowCount; i++) {
      if (c < counted.length && counted[c] === i) c++;
      else others[k++] = i;
    }
    if (k > 0) yield withMarks(takePage(page, others), new Uint8Array(k));
  }

  /** Each partition of a split marked alone; files are deleted once read. */
  private async *markParts(split: Split, level: number): AsyncGenerator<Page> {
    const seen = await split.seen.finish();
    const rows = await split.rows.finish();
    try {
      for (let p = 0; p < rows.length; p++) {
        const r = rows[p];
        const s = seen[p];
        if (!r) continue;
        const seenPages = s ? readSpilled(s.file, this.keyTypes) : emptySeen();
        yield* this.mark(seenPages, readSpilled(r.file, this.types), level);
        await Promise.all([s?.file.delete(), r.file.delete()]);
      }
    } finally {
      await Promise.all([...seen, ...rows].map((part) => part?.file.delete()));
    }
  }
}

function withMarks(page: Page, marks: Uint8Array): Page {
  const mark: Block = { type: BOOLEAN, length: marks.length, values: marks, nulls: undefined };
  return { blocks: [...page.blocks, mark], rowCount: page.rowCount };
}
