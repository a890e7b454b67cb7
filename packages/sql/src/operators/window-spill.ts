import type { Page } from '../page/block.js';
import { concatPages, pageBytes, slicePage } from '../page/block.js';
import type { SortKey, WindowNode } from '../plan/nodes.js';
import type { SpillSpace } from '../spi/spill.js';
import type { DataType } from '../types/types.js';
import { emptyPage } from './buffer.js';
import { ExternalSort } from './external-sort.js';
import { PAGE_ROWS, checkCancelled, type Operator, type TaskContext } from './operator.js';
import { rowComparator } from './row-order.js';
import { evaluateLargePartition } from './window-large.js';
import { PartitionWriter } from './window-partition-file.js';

/** Bytes to sort and evaluate `bytes` of input in memory: the rows, their sorted copy and the results. */
const inMemoryBytes = (bytes: number) => 3 * bytes;

/**
 * A window's input with spilling on: gathered in memory while it could be sorted and evaluated
 * there, else sorted externally (runs on disk) by the window's sort keys.
 */
export async function spillWindowInput(
  input: Operator,
  ctx: TaskContext & { readonly spill: SpillSpace },
  options: { readonly types: readonly DataType[]; readonly keys: readonly SortKey[] },
): Promise<
  | { readonly collected: { page: Page; reserved: number }; readonly external?: undefined }
  | { readonly external: ExternalSort }
> {
  const { memory } = ctx;
  const external = new ExternalSort(options.keys, options.types, ctx);
  let pending: Page[] = [];
  let bytes = 0;
  let reserved = 0;
  try {
    for await (const page of input.execute()) {
      checkCancelled(ctx.signal);
      if (page.rowCount === 0) continue;
      pending.push(page);
      bytes += pageBytes(page);
      if (!memory.fits(reserved, inMemoryBytes(bytes))) {
        await external.addRun(pending);
        pending = [];
        bytes = 0;
      }
      reserved = memory.update(reserved, bytes);
    }
    if (external.spilled) {
      await external.addRun(pending);
      memory.update(reserved, 0);
      return { external };
    }
    reserved = memory.update(reserved, 2 * bytes);
    const page = pending.length ? concatPages(options.types, pending) : emptyPage(options.types);
    return { collected: { page, reserved: memory.update(reserved, pageBytes(page)) } };
  } catch (e) {
    memory.update(reserved, 0);
    throw e;
  }
}

/**
 * The window functions over externally sorted rows: rows are read back in order and gathered until
 * the memory left would not hold more; then the whole partitions gathered so far are evaluated and
 * emitted, and the last partition's rows, perhaps not complete, start the next batch. Window
 * functions see only their partition's rows, so each batch's results are the whole input's. A
 * partition that alone does not fit goes, with the rest of its rows as they come, to spill files
 * (`window-partition-file.ts`) and is evaluated from there (`window-large.ts`) once it is complete.
 */
export async function* evaluateSorted(
  external: ExternalSort,
  ctx: TaskContext & { readonly spill: SpillSpace },
  window: {
    readonly node: WindowNode;
    readonly types: readonly DataType[];
    readonly partitionKeys: readonly SortKey[];
    /** The sorted rows of whole partitions with the functions' results. */
    readonly evaluate: (sorted: Page) => Page;
  },
): AsyncGenerator<Page> {
  const { memory } = ctx;
  const { types, partitionKeys, evaluate } = window;
  let pending: Page[] = [];
  let bytes = 0;
  let reserved = 0;
  const large = new LargePartition(window.node, ctx);
  // the batch as one page (parts and copy held while it is made)
  const batch = (): Page => {
    reserved = memory.update(reserved, 2 * bytes);
    const page = concatPages(types, pending);
    bytes = pageBytes(page);
    pending = [page];
    reserved = memory.update(reserved, bytes);
    return page;
  };
  // Evaluates the whole partitions gathered and keeps the last one's rows, perhaps not complete
  // (all of them at the end); a partition that alone does not fit goes to spill files.
  async function* settle(final: boolean): AsyncGenerator<Page> {
    if (onePartition(pending, { types, partitionKeys })) {
      if (final && memory.fits(reserved, inMemoryBytes(bytes))) {
        yield* emit(evaluate(batch()));
        return;
      }
      // (the writer accounts for the rows it holds)
      reserved = memory.update(reserved, 0);
      await large.start(pending);
      pending = [];
      bytes = 0;
      if (final) yield* large.evaluate();
      return;
    }
    const rows = batch();
    const last = lastPartitionStart(rows, partitionKeys);
    yield* emit(evaluate(slicePage(rows, 0, last)));
    pending = [slicePage(rows, last, rows.rowCount)];
    bytes = pageBytes(pending[0]!);
    reserved = memory.update(reserved, bytes);
    if (final) yield* settle(final);
  }
  try {
    for await (const input of external.merged(PAGE_ROWS)) {
      checkCancelled(ctx.signal);
      let page: Page | undefined = input;
      if (large.open) {
        page = await large.add(page, partitionKeys);
        if (page) yield* large.evaluate();
      }
      if (!page) continue;
      // (a margin of one more copy: operators above may take memory while the rows are gathered;
      // a last partition kept that still leaves no room for the page goes to spill files)
      const fits = (p: Page) =>
        memory.fits(reserved, inMemoryBytes(bytes + pageBytes(p)) + bytes + pageBytes(p));
      while (pending.length > 0 && !fits(page)) {
        yield* settle(false);
        if (!large.open) continue;
        page = await large.add(page, partitionKeys);
        if (!page) break;
        yield* large.evaluate();
      }
      if (!page) continue;
      pending.push(page);
      bytes += pageBytes(page);
      reserved = memory.update(reserved, bytes);
    }
    if (large.open) yield* large.evaluate();
    if (pending.length > 0) yield* settle(true);
  } finally {
    memory.update(reserved, 0);
    await large.abandon();
  }
}

/** The partition being written to spill files, if any. */
class LargePartition {
  private writer: PartitionWriter | undefined;
  /** The last row written. */
  private last: Page | undefined;

  constructor(
    private readonly node: WindowNode,
    private readonly ctx: TaskContext & { readonly spill: SpillSpace },
  ) {}

  get open(): boolean {
    return this.writer !== undefined;
  }

  /** Starts the partition with its first rows. */
  async start(pages: readonly Page[]): Promise<void> {
    this.writer = new PartitionWriter(this.node, this.ctx);
    for (const page of pages) await this.writer.add(page);
    const last = pages[pages.length - 1]!;
    this.last = slicePage(last, last.rowCount - 1, last.rowCount);
  }

  /** Writes the rows of `page` that continue the partition; returns the others, if any (the partition is then complete). */
  async add(page: Page, partitionKeys: readonly SortKey[]): Promise<Page | undefined> {
    const types = this.node.input.outputs.map((c) => c.type);
    const rows = concatPages(types, [this.last!, page]);
    const compare = rowComparator(rows, partitionKeys);
    let end = 0;
    while (end < page.rowCount && compare(end, end + 1) === 0) end++;
    if (end > 0) {
      await this.writer!.add(slicePage(page, 0, end));
      this.last = slicePage(page, end - 1, end);
    }
    return end === page.rowCount ? undefined : slicePage(page, end, page.rowCount);
  }

  /** The complete partition's rows with the functions' results; its files are deleted after. */
  async *evaluate(): AsyncGenerator<Page> {
    const part = await this.writer!.finish();
    this.writer = undefined;
    try {
      yield* evaluateLargePartition(part, this.node, this.ctx);
    } finally {
      await part.delete();
    }
  }

  async abandon(): Promise<void> {
    await this.writer?.abandon();
    this.writer = undefined;
  }
}

/** Whether sorted rows (in pages) are all of one partition: their first and last rows are. */
function onePartition(
  pages: readonly Page[],
  sort: { readonly types: readonly DataType[]; readonly partitionKeys: readonly SortKey[] },
): boolean {
  const first = pages[0]!;
  const last = pages[pages.length - 1]!;
  const ends = concatPages(sort.types, [
    slicePage(first, 0, 1),
    slicePage(last, last.rowCount - 1, last.rowCount),
  ]);
  return rowComparator(ends, sort.partitionKeys)(0, 1) === 0;
}

/** The first row of the last partition in sorted rows (0 when they are all one partition). */
function lastPartitionStart(page: Page, partitionKeys: readonly SortKey[]): number {
  if (partitionKeys.length === 0) return 0;
  const compare = rowComparator(page, partitionKeys);
  for (let i = page.rowCount - 1; i > 0; i--) if (compare(i - 1, i) !== 0) return i;
  return 0;
}

function* emit(page: Page): Iterable<Page> {
  for (let s = 0; s < page.rowCount; s += PAGE_ROWS)
    yield slicePage(page, s, Math.min(page.rowCount, s + PAGE_ROWS));
}
