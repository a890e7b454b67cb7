import { QuarryError } from '@quarry/common';
import type { Block, Page } from '../page/block.js';
import { BlockBuilder, slicePage, sliceBlock, takePage, valueAt } from '../page/block.js';
import { createAccumulator } from '../functions/aggregates.js';
import type { FrameBound, SortKey, WindowCall, WindowNode } from '../plan/nodes.js';
import { collectInput } from './buffer.js';
import { checkCancelled, PAGE_ROWS, type Operator, type TaskContext } from './operator.js';
import { evaluateSorted, spillWindowInput } from './window-spill.js';
import { evaluateStreaming, ntile, streamable } from './window-stream.js';
import { rowComparator, sortedPositions } from './row-order.js';

/**
 * Window functions: the input is collected (memory-accounted), sorted by partition keys and then the
 * window's ORDER BY, and each function is computed partition by partition over the sorted rows.
 * Output rows come in that sorted order, the input's columns followed by one column per function.
 *
 * With spilling on, input past the task's memory is sorted externally instead and the functions are
 * computed over batches of whole partitions as the sorted rows come back (`window-spill.ts`): the
 * same rows in the same order. When every function can be computed in one pass (`window-stream.ts`:
 * row_number, rank, dense_rank, lag and lead by one row, running aggregates) they are, over the
 * sorted rows. Otherwise a partition that alone does not fit — the whole input of a window without
 * PARTITION BY too — goes to spill files of its own and is evaluated from there (`window-large.ts`).
 */
export class WindowOperator implements Operator {
  constructor(
    private readonly node: WindowNode,
    private readonly input: Operator,
    private readonly ctx: TaskContext,
  ) {}

  async *execute(): AsyncIterable<Page> {
    const { node, ctx } = this;
    const types = node.input.outputs.map((c) => c.type);
    const sortKeys = windowSortKeys(node);
    const streams = streamable(node);
    const spill = ctx.spill;
    const spilled = spill
      ? await spillWindowInput(this.input, { ...ctx, spill }, { types, keys: sortKeys })
      : undefined;
    if (spilled?.external && streams) {
      yield* evaluateStreaming(spilled.external.merged(PAGE_ROWS), node, ctx);
      return;
    }
    if (spilled?.external) {
      yield* evaluateSorted(
        spilled.external,
        { ...ctx, spill: spill! },
        {
          node,
          types,
          partitionKeys: partitionKeysOf(node),
          evaluate: (sorted) => evaluateWindow(node, sorted),
        },
      );
      return;
    }
    const { page, reserved } = spilled?.collected ?? (await collectInput(this.input, ctx, types));
    try {
      const n = page.rowCount;
      if (n === 0) return;
      const sorted = sortKeys.length ? takePage(page, sortedPositions(page, sortKeys)) : page;
      checkCancelled(ctx.signal);
      const out = evaluateWindow(node, sorted);
      for (let s = 0; s < n; s += PAGE_ROWS) yield slicePage(out, s, Math.min(n, s + PAGE_ROWS));
    } finally {
      ctx.memory.update(reserved, 0);
    }
  }
}

/** The order the functions are computed in: the partition keys (ascending, NULLs first), then the window's ORDER BY. */
export function windowSortKeys(node: WindowNode): SortKey[] {
  return [...partitionKeysOf(node), ...node.orderBy];
}

export function partitionKeysOf(node: WindowNode): SortKey[] {
  return node.partitionBy.map((channel) => ({ channel, ascending: true, nullsFirst: true }));
}

/** The sorted rows of whole partitions, followed by one column per window function. */
export function evaluateWindow(node: WindowNode, sorted: Page): Page {
  const layout = new PartitionLayout(sorted, partitionKeysOf(node), node.orderBy);
  const results = node.functions.map((call) => computeFunction(call, sorted, layout, node.orderBy));
  return { blocks: [...sorted.blocks, ...results], rowCount: sorted.rowCount };
}

/** Partition and peer-group boundaries of the sorted rows. */
class PartitionLayout {
  /** Start of each partition, and the row count as a sentinel. */
  readonly starts: number[] = [];
  readonly peerStart: Int32Array;
  /** Exclusive end of each row's peer group. */
  readonly peerEnd: Int32Array;
  /** Each row's peer group ordinal (over all partitions), and the first row of each group. */
  readonly group: Int32Array;
  readonly groupStarts: number[] = [];

  constructor(page: Page, partitionKeys: readonly SortKey[], orderBy: readonly SortKey[]) {
    const n = page.rowCount;
    const samePartition = rowComparator(page, partitionKeys);
    const samePeers = rowComparator(page, orderBy);
    this.peerStart = new Int32Array(n);
    this.peerEnd = new Int32Array(n);
    this.group = new Int32Array(n);
    let peer = 0;
    for (let i = 0; i < n; i++) {
      const newPartition = i === 0 || samePartition(i - 1, i) !== 0;
      if (newPartition) this.starts.push(i);
      if (newPartition || samePeers(i - 1, i) !== 0) {
        for (let j = peer; j < i; j++) this.peerEnd[j] = i;
        peer = i;
        this.groupStarts.push(i);
      }
      this.peerStart[i] = peer;
      this.group[i] = this.groupStarts.length - 1;
    }
    for (let j = peer; j < n; j++) this.peerEnd[j] = n;
    this.starts.push(n);
    this.groupStarts.push(n);
  }
}

function computeFunction(
  call: WindowCall,
  page: Page,
  layout: PartitionLayout,
  orderBy: readonly SortKey[],
): Block {
  const n = page.rowCount;
  const out = new BlockBuilder(call.resultType, n);
  const args = call.args.map((c) => page.blocks[c]!);
  const frames = new FrameFinder(call, page, layout, orderBy);
  const nonNulls = call.ignoreNulls ? new NonNullIndex(args[0]!, n) : undefined;
  for (let p = 0; p + 1 < layout.starts.length; p++) {
    const run: PartitionRun = {
      call,
      args,
      ps: layout.starts[p]!,
      pe: layout.starts[p + 1]!,
      layout,
      frames,
      out,
      nonNulls,
    };
    if (call.aggregate) aggregateOverFrames(run);
    else rankingOrValue(run);
  }
  return out.build();
}

/**
 * For IGNORE NULLS: the rows whose value is not null, in order, and for each row how many such rows
 * come before it — so that "the k-th non-null value before row i" or "the first non-null value in
 * rows [s, e]" is one lookup.
 */
class NonNullIndex {
  /** before[i]: non-null rows in [0, i); before[n] is their count. */
  private readonly before: Int32Array;
  private readonly rows: Int32Array;

  constructor(values: Block, n: number) {
    this.before = new Int32Array(n + 1);
    this.rows = new Int32Array(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      this.before[i] = count;
      if (values.nulls === undefined || values.nulls[i] !== 1) this.rows[count++] = i;
    }
    this.before[n] = count;
  }

  /** The row of the k-th non-null value (k ≥ 1) before row i, at or after row `from`; -1 if none. */
  preceding(i: number, k: number, from: number): number {
    const idx = this.before[i]! - k;
    return idx >= this.before[from]! ? this.rows[idx]! : -1;
  }

  /** The row of the k-th non-null value (k ≥ 1) after row i, before row `to`; -1 if none. */
  following(i: number, k: number, to: number): number {
    const idx = this.before[i + 1]! + k - 1;
    return idx < this.before[to]! ? this.rows[idx]! : -1;
  }

  /** The row of the k-th non-null value (k ≥ 1) in rows [s, e]; -1 if none. */
  nth(s: number, e: number, k: number): number {
    const idx = this.before[s]! + k - 1;
    return idx < this.before[e + 1]! ? this.rows[idx]! : -1;
  }

  /** The row of the last non-null value in rows [s, e]; -1 if none. */
  last(s: number, e: number): number {
    const idx = this.before[e + 1]! - 1;
    return idx >= this.before[s]! ? this.rows[idx]! : -1;
  }
}

/** One window function evaluated over one partition: rows [ps, pe) of the page. */
interface PartitionRun {
  readonly call: WindowCall;
  /** The function's argument columns over the whole page. */
  readonly args: readonly Block[];
  readonly ps: number;
  readonly pe: number;
  readonly layout: PartitionLayout;
  readonly frames: FrameFinder;
  readonly out: BlockBuilder;
  /** Only for IGNORE NULLS. */
  readonly nonNulls: NonNullIndex | undefined;
}

function rankingOrValue(run: PartitionRun): void {
  const { call, args, ps, pe, layout, frames, out, nonNulls } = run;
  const size = pe - ps;
  let dense = 0;
  for (let i = ps; i < pe; i++) {
    if (i === ps || layout.peerStart[i] === i) dense++;
    const rank = layout.peerStart[i]! - ps + 1;
    switch (call.fn) {
      case 'row_number':
        out.append(i - ps + 1);
        break;
      case 'rank':
        out.append(rank);
        break;
      case 'dense_rank':
        out.append(dense);
        break;
      case 'percent_rank':
        out.append(size === 1 ? 0 : (rank - 1) / (size - 1));
        break;
      case 'cume_dist':
        out.append((layout.peerEnd[i]! - ps) / size);
        break;
      case 'ntile': {
        const buckets = valueAt(args[0]!, i) as number | bigint | null;
        if (buckets !== null && buckets <= 0)
          throw new QuarryError('INVALID_FUNCTION_ARGUMENT', 'Buckets must be greater than 0');
        out.append(buckets === null ? null : ntile(i - ps, size, Number(buckets)));
        break;
      }
      case 'lag':
      case 'lead': {
        const offset = args[1] ? (valueAt(args[1], i) as number | null) : 1;
        if (offset === null) {
          out.append(null);
          break;
        }
        if (offset < 0) throw new QuarryError('INVALID_FUNCTION_ARGUMENT', 'Offset must be at least 0');
        let j: number;
        if (nonNulls && Number(offset) > 0) {
          j =
            call.fn === 'lag'
              ? nonNulls.preceding(i, Number(offset), ps)
              : nonNulls.following(i, Number(offset), pe);
        } else {
          j = call.fn === 'lag' ? i - Number(offset) : i + Number(offset);
        }
        if (j >= ps && j < pe) out.append(valueAt(args[0]!, j));
        else out.append(args[2] ? valueAt(args[2], i) : null);
        break;
      }
      case 'first_value':
      case 'last_value':
      case 'nth_value': {
        out.append(pickInFrame(run, i, frames.frame(i, ps, pe)));
        break;
      }
      default:
        throw new Error(`unknown window function ${call.fn}`);
    }
  }
}

/** first_value, last_value or nth_value of row i, over its frame [s, e]. */
function pickInFrame(run: PartitionRun, i: number, [s, e]: readonly [number, number]): unknown {
  const { call, args, nonNulls } = run;
  const x = args[0]!;
  let k = 1;
  if (call.fn === 'nth_value') {
    const n = valueAt(args[1]!, i) as number | bigint | null;
    if (n === null) return null;
    if (n < 1) throw new QuarryError('INVALID_FUNCTION_ARGUMENT', 'Offset must be at least 1');
    k = Number(n);
  }
  if (s > e) return null;
  let j: number;
  if (nonNulls) j = call.fn === 'last_value' ? nonNulls.last(s, e) : nonNulls.nth(s, e, k);
  else j = call.fn === 'last_value' ? e : s + k - 1 <= e ? s + k - 1 : -1;
  return j < 0 ? null : valueAt(x, j);
}

/** An aggregate over each row's frame: incrementally when frames only grow, else frame by frame. */
function aggregateOverFrames(run: PartitionRun): void {
  const { call, args, ps, pe, frames, out } = run;
  const growing = call.frame.start.type === 'UNBOUNDED_PRECEDING';
  let acc = createAccumulator(call.fn, call.argTypes);
  let added = ps;
  let lastS = -1;
  let lastE = -2;
  let last: unknown = null;
  let groups = new Int32Array(0);
  const add = (s: number, e: number) => {
    const count = e - s + 1;
    if (count <= 0) return;
    if (groups.length < count) groups = new Int32Array(count);
    acc.addInput(
      groups,
      1,
      args.map((b) => sliceBlock(b, s, e + 1)),
      count,
    );
  };
  for (let i = ps; i < pe; i++) {
    const [s, e] = frames.frame(i, ps, pe);
    if (s === lastS && e === lastE) {
      out.append(last);
      continue;
    }
    if (growing && e >= lastE && lastS === s) {
      add(added, e);
      added = Math.max(added, e + 1);
    } else {
      acc = createAccumulator(call.fn, call.argTypes);
      add(s, e);
      added = Math.max(s, e + 1);
    }
    last = valueAt(acc.result(1), 0);
    lastS = s;
    lastE = e;
    out.append(last);
  }
}

/** Row i of the partition [ps, pe). */
interface RowAt {
  readonly i: number;
  readonly ps: number;
  readonly pe: number;
}

/** Frame bounds [start, end] (inclusive, start > end when empty) of a row within its partition. */
class FrameFinder {
  private readonly key: Block | undefined;
  private readonly ascending: boolean;

  constructor(
    private readonly call: WindowCall,
    page: Page,
    private readonly layout: PartitionLayout,
    orderBy: readonly SortKey[],
  ) {
    this.key = orderBy[0] ? page.blocks[orderBy[0].channel] : undefined;
    this.ascending = orderBy[0]?.ascending ?? true;
  }

  frame(i: number, ps: number, pe: number): [number, number] {
    const { frame } = this.call;
    const at: RowAt = { i, ps, pe };
    const s = Math.max(ps, this.bound(frame.start, at, true));
    const e = Math.min(pe - 1, this.bound(frame.end, at, false));
    return [s, e];
  }

  private bound(b: FrameBound, at: RowAt, isStart: boolean): number {
    const { i, ps, pe } = at;
    const rows = this.call.frame.unit === 'ROWS';
    switch (b.type) {
      case 'UNBOUNDED_PRECEDING':
        return ps;
      case 'UNBOUNDED_FOLLOWING':
        return pe - 1;
      case 'CURRENT_ROW':
        if (rows) return i;
        return isStart ? this.layout.peerStart[i]! : this.layout.peerEnd[i]! - 1;
      case 'PRECEDING':
      case 'FOLLOWING': {
        const k = b.offset ?? 0;
        const delta = b.type === 'PRECEDING' ? -k : k;
        if (rows) return i + delta;
        if (this.call.frame.unit === 'GROUPS') return this.groupBound(at, delta, isStart);
        return this.rangeBound(at, delta, isStart);
      }
    }
  }

  /** GROUPS with an offset: whole peer groups `delta` groups away from the current row's. */
  private groupBound(at: RowAt, delta: number, isStart: boolean): number {
    const { i, ps, pe } = at;
    const { group, groupStarts } = this.layout;
    const first = group[ps]!;
    const last = group[pe - 1]!;
    const g = group[i]! + delta;
    if (isStart) return g > last ? pe : groupStarts[Math.max(first, g)]!;
    return g < first ? ps - 1 : groupStarts[Math.min(last, g) + 1]! - 1;
  }

  /** RANGE with an offset: rows whose key is within `delta` of the current key (in sort direction). */
  private rangeBound(at: RowAt, delta: number, isStart: boolean): number {
    const { i, ps, pe } = at;
    const key = this.key!;
    const isNull = (j: number) => key.nulls !== undefined && key.nulls[j] === 1;
    if (isNull(i)) return isStart ? this.layout.peerStart[i]! : this.layout.peerEnd[i]! - 1;
    const v = (j: number) => Number(key.values[j]);
    // positions of non-null keys: nulls sort to one end of the partition
    let lo = ps;
    let hi = pe;
    while (lo < hi && isNull(lo)) lo++;
    while (hi > lo && isNull(hi - 1)) hi--;
    const dir = this.ascending ? 1 : -1;
    const target = v(i) + dir * delta;
    // keys, in sort direction, are non-decreasing in dir·key
    const before = (j: number) => dir * v(j) < dir * target;
    const atOrBefore = (j: number) => dir * v(j) <= dir * target;
    if (isStart) {
      // first row not before target
      let a = lo;
      let z = hi;
      while (a < z) {
        const m = (a + z) >>> 1;
        if (before(m)) a = m + 1;
        else z = m;
      }
      return a;
    }
    // last row at or before target
    let a = lo;
    let z = hi;
    while (a < z) {
      const m = (a + z) >>> 1;
      if (atOrBefore(m)) a = m + 1;
      else z = m;
    }
    return a - 1;
  }
}
