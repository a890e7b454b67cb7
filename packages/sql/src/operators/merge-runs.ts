import { sortCompare } from '../types/composite.js';
import type { Page } from '../page/block.js';
import { BlockBuilder, pageBytes } from '../page/block.js';
import type { SortKey } from '../plan/nodes.js';
import { physicalKind, type DataType } from '../types/types.js';
import { compareVarchar } from '../types/values.js';
import { checkCancelled, type MemoryContext } from './operator.js';

/** Compares row `i` of page `a` with row `j` of page `b` by sort keys. */
export type CrossComparator = (a: Page, i: number, b: Page, j: number) => number;

/**
 * The order of `rowComparator` (sort.ts) between rows of different pages: NULLs where the key says,
 * NaN above every other double, strings by code point, longs by value whatever their layout.
 */
export function crossComparator(keys: readonly SortKey[], types: readonly DataType[]): CrossComparator {
  const parts = keys.map((k): CrossComparator => {
    const c = k.channel;
    const dir = k.ascending ? 1 : -1;
    const nullOrder = k.nullsFirst ? -1 : 1;
    const kind = physicalKind(types[c]!);
    return (a, i, b, j) => {
      const x = a.blocks[c]!;
      const y = b.blocks[c]!;
      const xn = x.nulls !== undefined && x.nulls[i] === 1;
      const yn = y.nulls !== undefined && y.nulls[j] === 1;
      if (xn || yn) return xn && yn ? 0 : xn ? nullOrder : -nullOrder;
      if (kind === 'string')
        return dir * Math.sign(compareVarchar(x.values[i] as string, y.values[j] as string));
      if (kind === 'object') return dir * Math.sign(sortCompare(x.type, x.values[i], y.values[j]));
      // long values may mix numbers and bigints, which compare by value
      const u = x.values[i] as number;
      const v = y.values[j] as number;
      if (u < v) return -dir;
      if (u > v) return dir;
      if (kind === 'float64' && u !== v) {
        const uNaN = u !== u;
        if (uNaN !== (v !== v)) return uNaN ? dir : -dir;
      }
      return 0;
    };
  });
  if (parts.length === 1) return parts[0]!;
  return (a, i, b, j) => {
    for (const p of parts) {
      const c = p(a, i, b, j);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** One sorted run being read: its current page and row. */
interface Cursor {
  /** The run's place among the runs: ties go to the earlier one, so the merge is stable. */
  readonly run: number;
  readonly pages: AsyncIterator<Page>;
  page: Page;
  row: number;
}

export interface MergeOptions {
  readonly keys: readonly SortKey[];
  readonly types: readonly DataType[];
  /** Rows per output page. */
  readonly pageRows: number;
  /** The current page of every run is reserved here while the merge holds it. */
  readonly memory: MemoryContext;
  readonly signal?: AbortSignal | undefined;
}

/**
 * A k-way merge of sorted runs (each a stream of sorted pages) into one sorted stream, holding one
 * page per run. Rows with equal keys come in the order of their runs, so merging the runs of a
 * stable sort in input order is a stable sort of the whole input.
 */
export async function* mergeRuns(
  runs: readonly AsyncIterable<Page>[],
  options: MergeOptions,
): AsyncGenerator<Page> {
  const cmp = crossComparator(options.keys, options.types);
  const heap = new CursorHeap((x, y) => {
    const c = cmp(x.page, x.row, y.page, y.row);
    return c < 0 || (c === 0 && x.run < y.run);
  });
  const held = new Held(options.memory);
  try {
    for (let r = 0; r < runs.length; r++) {
      const pages = runs[r]![Symbol.asyncIterator]();
      const page = await nextPage(pages);
      if (!page) {
        await pages.return?.();
        continue;
      }
      heap.push({ run: r, pages, page, row: 0 });
      held.add(page);
    }
    let out = options.types.map((t) => new BlockBuilder(t, options.pageRows));
    let rows = 0;
    while (heap.size > 0) {
      const top = heap.top;
      for (let c = 0; c < out.length; c++) out[c]!.appendFrom(top.page.blocks[c]!, top.row);
      if (++top.row === top.page.rowCount) {
        held.remove(top.page);
        const next = await nextPage(top.pages);
        if (next) {
          top.page = next;
          top.row = 0;
          held.add(next);
          heap.settle();
        } else heap.pop();
      } else heap.settle();
      if (++rows === options.pageRows) {
        checkCancelled(options.signal);
        yield { blocks: out.map((b) => b.build()), rowCount: rows };
        out = options.types.map((t) => new BlockBuilder(t, options.pageRows));
        rows = 0;
      }
    }
    if (rows > 0) yield { blocks: out.map((b) => b.build()), rowCount: rows };
  } finally {
    held.release();
    // a consumer that stops early (a LIMIT above) closes the files still open
    await Promise.all(heap.items.map((c) => c.pages.return?.()));
  }
}

async function nextPage(pages: AsyncIterator<Page>): Promise<Page | undefined> {
  for (;;) {
    const r = await pages.next();
    if (r.done) return undefined;
    if (r.value.rowCount > 0) return r.value;
  }
}

/** The bytes of the pages a merge holds, reserved against the task's memory. */
class Held {
  private bytes = 0;
  private reserved = 0;

  constructor(private readonly memory: MemoryContext) {}

  add(page: Page): void {
    this.bytes += pageBytes(page);
    this.reserved = this.memory.update(this.reserved, this.bytes);
  }

  remove(page: Page): void {
    this.bytes -= pageBytes(page);
  }

  release(): void {
    this.reserved = this.memory.update(this.reserved, 0);
  }
}

/** A binary min-heap of cursors; `settle` restores the order after the top cursor moved on. */
class CursorHeap {
  readonly items: Cursor[] = [];

  constructor(private readonly less: (x: Cursor, y: Cursor) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  get top(): Cursor {
    return this.items[0]!;
  }

  push(c: Cursor): void {
    const items = this.items;
    items.push(c);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): void {
    const last = this.items.pop()!;
    if (this.items.length === 0) return;
    this.items[0] = last;
    this.settle();
  }

  settle(): void {
    const items = this.items;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const m = r < n && this.less(items[r]!, items[l]!) ? r : l;
      if (!this.less(items[m]!, items[i]!)) return;
      [items[i], items[m]] = [items[m]!, items[i]!];
      i = m;
    }
  }
}
