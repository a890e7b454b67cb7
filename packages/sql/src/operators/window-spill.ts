import { QuarryError } from '@quarry/common';
import type { Page } from '../page/block.js';
import { concatPages, pageBytes, slicePage } from '../page/block.js';
import type { SortKey } from '../plan/nodes.js';
import type { SpillSpace } from '../spi/spill.js';
import type { DataType } from '../types/types.js';
import { emptyPage } from './buffer.js';
import { ExternalSort } from './external-sort.js';
import { PAGE_ROWS, checkCancelled, formatBytes, type Operator, type TaskContext } from './operator.js';
import { rowComparator } from './row-order.js';

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
 * functions see only their partition's rows, so each batch's results are the whole input's.
 */
export async function* evaluateSorted(
  external: ExternalSort,
  ctx: TaskContext,
  window: {
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
  // the batch as one page (parts and copy held while it is made)
  const batch = (): Page => {
    reserved = memory.update(reserved, 2 * bytes);
    const page = concatPages(types, pending);
    bytes = pageBytes(page);
    pending = [page];
    reserved = memory.update(reserved, bytes);
    return page;
  };
  try {
    for await (const page of external.merged(PAGE_ROWS)) {
      checkCancelled(ctx.signal);
      if (pending.length > 0 && !memory.fits(reserved, inMemoryBytes(bytes + pageBytes(page)))) {
        const rows = batch();
        const last = lastPartitionStart(rows, partitionKeys);
        if (last === 0) {
          throw new QuarryError(
            'EXCEEDED_LOCAL_MEMORY_LIMIT',
            `Query exceeded per-task memory limit of ${formatBytes(memory.limitBytes)}: a window partition holds more rows than fit in it, even with spilling`,
          );
        }
        yield* emit(evaluate(slicePage(rows, 0, last)));
        pending = [slicePage(rows, last, rows.rowCount)];
        bytes = pageBytes(pending[0]!);
        reserved = memory.update(reserved, bytes);
      }
      pending.push(page);
      bytes += pageBytes(page);
      reserved = memory.update(reserved, bytes);
    }
    if (pending.length > 0) yield* emit(evaluate(batch()));
  } finally {
    memory.update(reserved, 0);
  }
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
