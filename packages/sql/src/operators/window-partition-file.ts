import type { Block, Page } from '../page/block.js';
import { BlockBuilder, blockBytes, concatPages, isNull, pageBytes, slicePage } from '../page/block.js';
import { createAccumulator } from '../functions/aggregates.js';
import { serializePage } from '../page/serde.js';
import type { WindowNode } from '../plan/nodes.js';
import type { SpillFile, SpillSpace } from '../spi/spill.js';
import { DOUBLE, type DataType } from '../types/types.js';
import type { TaskContext } from './operator.js';
import { averageRowBytes, readSpilled, rowsFor, spillPageBytes } from './spill-pages.js';
import { boundaries, PEERS } from './window-stream.js';

/** Chunks a spilled partition keeps in memory at once (the current row's, its frame's ends). */
const CACHED_CHUNKS = 4;

/**
 * Where each added column of a spilled partition's rows is: after the input's columns come the
 * peer group's ordinal in the partition (0, 1, …) and, per function with IGNORE NULLS, how many
 * of its argument's values up to and including the row are not null. Both never decrease along the
 * partition, so "the row where the next peer group starts" or "the k-th non-null value after row i"
 * is a binary search.
 */
export interface PartitionColumns {
  readonly inputs: number;
  readonly group: number;
  /** By function index: the column counting non-null values of its first argument. */
  readonly nonNulls: ReadonlyMap<number, number>;
}

export function partitionColumns(node: WindowNode): PartitionColumns {
  const inputs = node.input.outputs.length;
  const nonNulls = new Map<number, number>();
  node.functions.forEach((call, k) => {
    if (call.ignoreNulls) nonNulls.set(k, inputs + 1 + nonNulls.size);
  });
  return { inputs, group: inputs, nonNulls };
}

/**
 * Writes the sorted rows of one window partition, in order, to spill files of a fixed number of
 * rows each (chunks, about a sixteenth of the task's memory), adding the columns of
 * `PartitionColumns`. While writing it keeps, per chunk, its first row (to find the chunk of a
 * row by its values) and each aggregate's intermediate state over the chunk (to aggregate a frame
 * over whole chunks without reading them) — all the partition needs in memory.
 */
export class PartitionWriter {
  private readonly columns: PartitionColumns;
  private readonly types: DataType[];
  private readonly chunks: Chunk[] = [];
  private pending: Page[] = [];
  private pendingRows = 0;
  private chunkRows = 0;
  private previous: Page | undefined;
  private group = -1;
  private readonly counts: number[];
  private reserved = 0;
  private rows = 0;

  constructor(
    private readonly node: WindowNode,
    private readonly ctx: TaskContext & { readonly spill: SpillSpace },
  ) {
    this.columns = partitionColumns(node);
    const inputTypes = node.input.outputs.map((c) => c.type);
    this.types = [...inputTypes, DOUBLE, ...[...this.columns.nonNulls.keys()].map(() => DOUBLE)];
    this.counts = [...this.columns.nonNulls.keys()].map(() => 0);
  }

  /** Appends rows of the partition (the input's columns), in order. */
  async add(page: Page): Promise<void> {
    if (page.rowCount === 0) return;
    const inputTypes = this.types.slice(0, this.columns.inputs);
    const starts = boundaries({ types: inputTypes, previous: this.previous, page }, [], this.node.orderBy);
    this.previous = slicePage(page, page.rowCount - 1, page.rowCount);
    const group = new BlockBuilder(DOUBLE, page.rowCount);
    const counters = [...this.columns.nonNulls.keys()].map((k) => {
      const arg = page.blocks[this.node.functions[k]!.args[0]!]!;
      return { arg, out: new BlockBuilder(DOUBLE, page.rowCount) };
    });
    for (let i = 0; i < page.rowCount; i++) {
      if (starts[i]! & PEERS) this.group++;
      group.append(this.group);
      counters.forEach((c, j) => {
        if (!isNull(c.arg, i)) this.counts[j]!++;
        c.out.append(this.counts[j]);
      });
    }
    const full = {
      blocks: [...page.blocks, group.build(), ...counters.map((c) => c.out.build())],
      rowCount: page.rowCount,
    };
    if (this.chunkRows === 0)
      this.chunkRows = rowsFor(spillPageBytes(this.ctx.memory.limitBytes), averageRowBytes(full));
    this.pending.push(full);
    this.pendingRows += full.rowCount;
    this.hold(this.reserved + pageBytes(full));
    while (this.pendingRows >= this.chunkRows) await this.flush(this.chunkRows);
  }

  /** The partition, readable; the writer is done. */
  async finish(): Promise<SpilledPartition> {
    if (this.pendingRows > 0) await this.flush(this.pendingRows);
    const index = this.chunks.reduce((s, c) => s + c.bytes, 0);
    this.release();
    const { chunks, rows, chunkRows, types, ctx } = this;
    return new SpilledPartition({ chunks, rows, chunkRows, types, ctx, index });
  }

  /** Gives back the memory held (on finishing, the partition's index passes to the `SpilledPartition`). */
  release(): void {
    this.hold(0);
  }

  /** Deletes the chunks written so far (when the writer is abandoned). */
  async abandon(): Promise<void> {
    this.release();
    for (const c of this.chunks) await c.file.delete();
  }

  private async flush(count: number): Promise<void> {
    // the first `count` pending rows, copying no more than them
    const parts: Page[] = [];
    let taken = 0;
    while (taken < count) {
      const page = this.pending.shift()!;
      const m = Math.min(page.rowCount, count - taken);
      parts.push(m === page.rowCount ? page : slicePage(page, 0, m));
      if (m < page.rowCount) this.pending.unshift(slicePage(page, m, page.rowCount));
      taken += m;
    }
    const chunk = parts.length === 1 ? parts[0]! : concatPages(this.types, parts);
    const writer = this.ctx.spill.create();
    await writer.write(serializePage(chunk));
    const file = await writer.finish();
    const first = slicePage(chunk, 0, 1);
    const states = this.node.functions.map((call) => {
      // (a frame from the partition's start only grows: its rows are added as they come)
      if (!call.aggregate || call.frame.start.type === 'UNBOUNDED_PRECEDING') return undefined;
      const acc = createAccumulator(call.fn, call.argTypes);
      acc.addInput(
        new Int32Array(count),
        1,
        call.args.map((c) => chunk.blocks[c]!),
        count,
      );
      return acc.intermediate(1);
    });
    const bytes =
      pageBytes(first) + states.reduce((s, b) => s + (b?.reduce((t, x) => t + blockBytes(x), 0) ?? 0), 0);
    this.chunks.push({ file, first, states, bytes });
    this.rows += count;
    this.pendingRows -= count;
    this.hold(
      this.pending.reduce((s, p) => s + pageBytes(p), 0) + this.chunks.reduce((s, c) => s + c.bytes, 0),
    );
  }

  private hold(bytes: number): void {
    this.reserved = this.ctx.memory.update(this.reserved, bytes);
  }
}

interface Chunk {
  readonly file: SpillFile;
  /** The chunk's first row. */
  readonly first: Page;
  /** By function: an aggregate's intermediate state over the chunk's rows (unless its frames only grow). */
  readonly states: readonly (Block[] | undefined)[];
  /** Bytes of `first` and `states` (held in memory). */
  readonly bytes: number;
}

/** A row of a spilled partition: position `at` of `page`. */
export interface RowRef {
  readonly page: Page;
  readonly at: number;
}

/**
 * One window partition in spill files, read back by row number: the chunk of a row is read whole
 * (a few chunks are kept, least recently used first out), so rows near each other — the current
 * row, its frame's ends, rows `lead` looks at — cost one read per chunk as the rows advance.
 */
export class SpilledPartition {
  readonly rows: number;
  readonly chunkRows: number;
  readonly types: readonly DataType[];
  private readonly chunks: readonly Chunk[];
  private readonly ctx: TaskContext;
  private readonly cache = new Map<number, Page>();
  private reserved: number;

  constructor(options: {
    readonly chunks: readonly Chunk[];
    readonly rows: number;
    readonly chunkRows: number;
    readonly types: readonly DataType[];
    readonly ctx: TaskContext;
    readonly index: number;
  }) {
    this.chunks = options.chunks;
    this.rows = options.rows;
    this.chunkRows = options.chunkRows;
    this.types = options.types;
    this.ctx = options.ctx;
    this.reserved = this.ctx.memory.update(0, options.index);
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Chunk k's rows. */
  async chunk(k: number): Promise<Page> {
    const hit = this.cache.get(k);
    if (hit) {
      this.cache.delete(k);
      this.cache.set(k, hit);
      return hit;
    }
    if (this.cache.size >= CACHED_CHUNKS) {
      const [oldest, page] = this.cache.entries().next().value as [number, Page];
      this.cache.delete(oldest);
      this.reserved = this.ctx.memory.update(this.reserved, this.reserved - pageBytes(page));
    }
    let page: Page | undefined;
    for await (const p of readSpilled(this.chunks[k]!.file, this.types)) page = p;
    this.reserved = this.ctx.memory.update(this.reserved, this.reserved + pageBytes(page!));
    this.cache.set(k, page!);
    return page!;
  }

  async row(r: number): Promise<RowRef> {
    const k = Math.floor(r / this.chunkRows);
    return { page: await this.chunk(k), at: r - k * this.chunkRows };
  }

  /** Chunk k's intermediate state of function `fn` (an aggregate). */
  state(k: number, fn: number): Block[] {
    return this.chunks[k]!.states[fn]!;
  }

  /**
   * The first row from `from` on where `test` holds, or `rows` if none; `test` must be false up to
   * some row and true from it on. The chunk is found by the chunks' first rows, held in memory, so
   * one chunk is read at most.
   */
  async firstWhere(from: number, test: (row: RowRef) => boolean): Promise<number> {
    let lo = Math.floor(from / this.chunkRows);
    let hi = this.chunks.length;
    // the last chunk whose first row fails (rows before `from` count as failing)
    while (lo + 1 < hi) {
      const mid = (lo + hi) >>> 1;
      if (test({ page: this.chunks[mid]!.first, at: 0 })) hi = mid;
      else lo = mid;
    }
    if (lo >= this.chunks.length) return this.rows;
    const page = await this.chunk(lo);
    let a = Math.max(0, from - lo * this.chunkRows);
    let z = page.rowCount;
    while (a < z) {
      const m = (a + z) >>> 1;
      if (test({ page, at: m })) z = m;
      else a = m + 1;
    }
    return lo * this.chunkRows + a;
  }

  /** Deletes the files and gives the memory back. */
  async delete(): Promise<void> {
    this.cache.clear();
    this.reserved = this.ctx.memory.update(this.reserved, 0);
    for (const c of this.chunks) await c.file.delete();
  }
}
