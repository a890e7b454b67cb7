import type { Block, Page } from '../page/block.js';
import { BlockBuilder, concatPages, pageBytes, slicePage, sliceBlock, valueAt } from '../page/block.js';
import { createAccumulator, type Accumulator } from '../functions/aggregates.js';
import type { SortKey, WindowCall, WindowNode } from '../plan/nodes.js';
import type { DataType } from '../types/types.js';
import { checkCancelled, type TaskContext } from './operator.js';
import { rowComparator } from './row-order.js';

/**
 * Whether every function of the window can be computed in one pass over its sorted rows, holding
 * only a bounded number of them: row_number, rank, dense_rank, lag and lead by one row, and
 * aggregates over the frame from the partition's start to the current row (or its peers: the
 * default frame, given an ORDER BY). lag and lead with an offset argument, whose rows may be any distance away, are
 * left to the evaluation of a large partition from spill files (`window-large.ts`).
 */
export function streamable(node: WindowNode): boolean {
  return node.functions.every((call) =>
    call.aggregate
      ? call.frame.start.type === 'UNBOUNDED_PRECEDING' &&
        call.frame.end.type === 'CURRENT_ROW' &&
        // without ORDER BY a RANGE or GROUPS frame's peers are the whole partition
        (call.frame.unit === 'ROWS' || node.orderBy.length > 0)
      : ['row_number', 'rank', 'dense_rank'].includes(call.fn) ||
        (['lag', 'lead'].includes(call.fn) && call.args.length === 1),
  );
}

/**
 * The window functions over rows sorted by partition keys and ORDER BY, in one pass: each function
 * keeps a little state (counters, a running accumulator, the last values for lag, the rows waiting
 * for their lead) and a row goes out, with its results, as soon as every function knows them — at
 * once for most, at the end of its peer group for an aggregate over RANGE or GROUPS, k rows later
 * for lead(x, k). So a partition of any size, the whole input without PARTITION BY included, is
 * evaluated in little memory. The rows come out as in memory, in the same order.
 */
export async function* evaluateStreaming(
  sorted: AsyncIterable<Page>,
  node: WindowNode,
  ctx: TaskContext,
): AsyncGenerator<Page> {
  const types = node.input.outputs.map((c) => c.type);
  const partitionKeys = node.partitionBy.map((channel) => ({ channel, ascending: true, nullsFirst: true }));
  const fns = node.functions.map((call) => streamFunction(call));
  const out = new Pending(node.functions, fns);
  let previous: Page | undefined;
  let reserved = 0;
  try {
    for await (const page of sorted) {
      checkCancelled(ctx.signal);
      const n = page.rowCount;
      if (n === 0) continue;
      const starts = boundaries({ types, previous, page }, partitionKeys, node.orderBy);
      for (let i = 0; i < n; i++) for (const fn of fns) fn.row(page, i, starts[i]!);
      previous = slicePage(page, n - 1, n);
      out.add(page);
      reserved = ctx.memory.update(reserved, out.bytes());
      yield* out.ready();
    }
    for (const fn of fns) fn.end();
    yield* out.ready();
  } finally {
    ctx.memory.update(reserved, 0);
  }
}

/** ntile's bucket (1-based) of row `row` (0-based) of a partition of `size` rows. */
export function ntile(row: number, size: number, buckets: number): number {
  const q = Math.floor(size / buckets);
  const r = size % buckets;
  if (q === 0) return row + 1;
  const big = r * (q + 1);
  return row < big ? Math.floor(row / (q + 1)) + 1 : r + Math.floor((row - big) / q) + 1;
}

/** Per row: PARTITION when it starts a partition, PEERS when it starts a peer group, else 0. */
const PARTITION = 2;
export const PEERS = 1;

export function boundaries(
  at: { readonly types: readonly DataType[]; readonly previous: Page | undefined; readonly page: Page },
  partitionKeys: readonly SortKey[],
  orderBy: readonly SortKey[],
): Uint8Array {
  const { types, previous, page } = at;
  const rows = previous ? concatPages(types, [previous, page]) : page;
  const shift = previous ? 1 : 0;
  const samePartition = rowComparator(rows, partitionKeys);
  const samePeers = rowComparator(rows, orderBy);
  const starts = new Uint8Array(page.rowCount);
  for (let i = 0; i < page.rowCount; i++) {
    const r = i + shift;
    if (r === 0 || samePartition(r - 1, r) !== 0) starts[i] = PARTITION | PEERS;
    else if (samePeers(r - 1, r) !== 0) starts[i] = PEERS;
  }
  return starts;
}

/** Marks a result not known yet. */
const UNSET: unique symbol = Symbol('unset');

/** One function's results from the first row not yet emitted on, UNSET where not known yet. */
abstract class StreamFunction {
  private values: unknown[] = [];
  /** Index (from the first row ever) of values[0]. */
  private base = 0;
  private known = 0;

  constructor(protected readonly call: WindowCall) {}

  /** Takes row i of page; `start` says whether it starts a partition or peer group. */
  abstract row(page: Page, i: number, start: number): void;

  /** Called after the last row: results still waiting are settled as at a partition's end. */
  abstract end(): void;

  /** Rows from the first not yet emitted whose results are known. */
  ready(): number {
    while (this.known < this.values.length && this.values[this.known] !== UNSET) this.known++;
    return this.known;
  }

  /** The results of the next `count` rows (all known). */
  take(count: number): unknown[] {
    const taken = this.values.splice(0, count);
    this.base += count;
    this.known -= count;
    return taken;
  }

  /** Adds the next row's result (UNSET for later) and returns the row's index. */
  protected push(value: unknown): number {
    this.values.push(value);
    return this.base + this.values.length - 1;
  }

  protected set(row: number, value: unknown): void {
    this.values[row - this.base] = value;
  }
}

function streamFunction(call: WindowCall): StreamFunction {
  if (call.aggregate) return new RunningAggregate(call);
  switch (call.fn) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
      return new Ranking(call);
    case 'lag':
      return new Lag(call);
    case 'lead':
      return new Lead(call);
    default:
      throw new Error(`window function ${call.fn} cannot be streamed`);
  }
}

class Ranking extends StreamFunction {
  private position = 0;
  private rank = 0;
  private dense = 0;

  row(_page: Page, _i: number, start: number): void {
    if (start & PARTITION) {
      this.position = 0;
      this.dense = 0;
    }
    this.position++;
    if (start & PEERS) {
      this.rank = this.position;
      this.dense++;
    }
    this.push(
      this.call.fn === 'row_number' ? this.position : this.call.fn === 'rank' ? this.rank : this.dense,
    );
  }

  end(): void {}
}

/**
 * An aggregate from the partition's start to the current row: rows are added to one accumulator as
 * they come; with ROWS a row's result is read at once, with RANGE or GROUPS (the frame ends with the
 * row's last peer) when its peer group ends.
 */
class RunningAggregate extends StreamFunction {
  private acc: Accumulator | undefined;
  /** Rows of the open peer group, waiting for its end. */
  private group: number[] = [];
  private readonly groups = new Int32Array(1);

  row(page: Page, i: number, start: number): void {
    if (start & PEERS) this.closeGroup();
    if (start & PARTITION || this.acc === undefined)
      this.acc = createAccumulator(this.call.fn, this.call.argTypes);
    const args: Block[] = this.call.args.map((c) => sliceBlock(page.blocks[c]!, i, i + 1));
    this.acc.addInput(this.groups, 1, args, 1);
    if (this.call.frame.unit === 'ROWS') this.push(this.result());
    else this.group.push(this.push(UNSET));
  }

  end(): void {
    this.closeGroup();
  }

  private closeGroup(): void {
    if (this.group.length === 0) return;
    const value = this.result();
    for (const row of this.group) this.set(row, value);
    this.group = [];
  }

  private result(): unknown {
    return valueAt(this.acc!.result(1), 0);
  }
}

/** lag by one row: the partition's last value (its last non-null one with IGNORE NULLS). */
class Lag extends StreamFunction {
  private last: unknown = null;

  row(page: Page, i: number, start: number): void {
    if (start & PARTITION) this.last = null;
    const x = valueAt(page.blocks[this.call.args[0]!]!, i);
    this.push(this.last);
    if (x !== null || !this.call.ignoreNulls) this.last = x;
  }

  end(): void {}
}

/**
 * lead by one row: the rows since the last value (the last non-null one with IGNORE NULLS) wait for
 * the next; at the partition's end they get null.
 */
class Lead extends StreamFunction {
  private waiting: number[] = [];

  row(page: Page, i: number, start: number): void {
    if (start & PARTITION) this.end();
    const x = valueAt(page.blocks[this.call.args[0]!]!, i);
    if (x !== null || !this.call.ignoreNulls) {
      for (const row of this.waiting) this.set(row, x);
      this.waiting = [];
    }
    this.waiting.push(this.push(UNSET));
  }

  end(): void {
    for (const row of this.waiting) this.set(row, null);
    this.waiting = [];
  }
}

/** Rows not yet emitted, and their results as they become known. */
class Pending {
  private pages: Page[] = [];
  private held = 0;

  constructor(
    private readonly calls: readonly WindowCall[],
    private readonly fns: readonly StreamFunction[],
  ) {}

  add(page: Page): void {
    this.pages.push(page);
    this.held += pageBytes(page);
  }

  /** The rows held and a rough 16 bytes per result waiting. */
  bytes(): number {
    const rows = this.pages.reduce((s, p) => s + p.rowCount, 0);
    return this.held + 16 * rows * this.fns.length;
  }

  /** The rows whose results are all known, in pages with the results' columns. */
  *ready(): Iterable<Page> {
    let count = Math.min(...this.fns.map((f) => f.ready()));
    while (count > 0) {
      const page = this.pages[0]!;
      const m = Math.min(count, page.rowCount);
      const results = this.fns.map((f, k) => {
        const b = new BlockBuilder(this.calls[k]!.resultType, m);
        for (const v of f.take(m)) b.append(v);
        return b.build();
      });
      const rows = slicePage(page, 0, m);
      if (m === page.rowCount) {
        this.pages.shift();
        this.held -= pageBytes(page);
      } else {
        this.pages[0] = slicePage(page, m, page.rowCount);
        this.held += pageBytes(this.pages[0]) - pageBytes(page);
      }
      count -= m;
      yield { blocks: [...rows.blocks, ...results], rowCount: m };
    }
  }
}
