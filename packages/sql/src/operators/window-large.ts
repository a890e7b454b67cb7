import { QuarryError } from '@quarry/common';
import type { Block, Page } from '../page/block.js';
import { BlockBuilder, isNull, sliceBlock, valueAt } from '../page/block.js';
import { createAccumulator, type Accumulator } from '../functions/aggregates.js';
import type { FrameBound, WindowCall, WindowNode } from '../plan/nodes.js';
import { checkCancelled, type TaskContext } from './operator.js';
import {
  partitionColumns,
  type PartitionColumns,
  type RowRef,
  type SpilledPartition,
} from './window-partition-file.js';
import { ntile } from './window-stream.js';

/** The row being evaluated: its number in the partition, its values, its peer group. */
interface Current {
  readonly i: number;
  readonly row: RowRef;
  /** The peer group's ordinal in the partition and its first row. */
  readonly group: number;
  readonly peerStart: number;
}

/**
 * The window functions over one partition held in spill files (`window-partition-file.ts`), for a
 * partition larger than the task's memory whose functions need more than one pass: its size
 * (ntile, percent_rank), where peer groups end (cume_dist, RANGE and GROUPS frames), rows ahead
 * (lead, frames reaching FOLLOWING) or the whole partition. The rows are read chunk by chunk in
 * order and each function looks up the other rows it needs by number: a frame's ends and the rows
 * a navigation function picks are found by binary search over the partition's sorted order keys
 * and the counters the file adds (peer group ordinal, non-null values so far), and an aggregate
 * over a frame spanning chunks merges the intermediate states of the whole chunks inside it, kept
 * in memory, with those of the rows at its ends. The results are the in-memory operator's, in the
 * same order (but for the last bits of a floating-point sum that merges states in another order).
 */
export async function* evaluateLargePartition(
  part: SpilledPartition,
  node: WindowNode,
  ctx: TaskContext,
): AsyncGenerator<Page> {
  const columns = partitionColumns(node);
  const fns = node.functions.map((call, k) => new LargeCall({ call, index: k, part, node, columns }));
  let peerStart = 0;
  let group = -1;
  for (let k = 0; k < part.chunkCount; k++) {
    checkCancelled(ctx.signal);
    const page = await part.chunk(k);
    const outs = node.functions.map((call) => new BlockBuilder(call.resultType, page.rowCount));
    for (let at = 0; at < page.rowCount; at++) {
      const i = k * part.chunkRows + at;
      const row = { page, at };
      const g = numberAt(row, columns.group);
      if (g !== group) peerStart = i;
      group = g;
      const current = { i, row, group, peerStart };
      for (let f = 0; f < fns.length; f++) outs[f]!.append(await fns[f]!.value(current));
    }
    yield {
      blocks: [...page.blocks.slice(0, columns.inputs), ...outs.map((b) => b.build())],
      rowCount: page.rowCount,
    };
  }
}

function numberAt(row: RowRef, column: number): number {
  return (row.page.blocks[column]!.values as Float64Array)[row.at]!;
}

/** An offset or count argument at a row: null, or a number. */
function argNumber(row: RowRef, column: number | undefined, fallback: number): number | null {
  if (column === undefined) return fallback;
  const v = valueAt(row.page.blocks[column]!, row.at) as number | bigint | null;
  return v === null ? null : Number(v);
}

/** One window function over a spilled partition. */
class LargeCall {
  private readonly call: WindowCall;
  private readonly part: SpilledPartition;
  private readonly node: WindowNode;
  private readonly columns: PartitionColumns;
  /** The column counting non-null arguments (IGNORE NULLS only). */
  private readonly nonNulls: number | undefined;
  /** The last peer group whose end was looked up, and that end. */
  private endOf = { group: -1, end: 0 };
  /** An aggregate's last frame, its result, and the accumulator (to grow a frame). */
  private frame = { s: -1, e: -2, value: null as unknown, acc: undefined as Accumulator | undefined };

  constructor(options: {
    readonly call: WindowCall;
    readonly index: number;
    readonly part: SpilledPartition;
    readonly node: WindowNode;
    readonly columns: PartitionColumns;
  }) {
    this.call = options.call;
    this.part = options.part;
    this.node = options.node;
    this.columns = options.columns;
    this.nonNulls = options.columns.nonNulls.get(options.index);
  }

  async value(cur: Current): Promise<unknown> {
    const { call, part } = this;
    if (call.aggregate) return this.aggregate(await this.frameOf(cur));
    const n = part.rows;
    switch (call.fn) {
      case 'row_number':
        return cur.i + 1;
      case 'rank':
        return cur.peerStart + 1;
      case 'dense_rank':
        return cur.group + 1;
      case 'percent_rank':
        return n === 1 ? 0 : cur.peerStart / (n - 1);
      case 'cume_dist':
        return (await this.peerEnd(cur)) / n;
      case 'ntile': {
        const buckets = argNumber(cur.row, call.args[0], 1);
        if (buckets !== null && buckets <= 0)
          throw new QuarryError('INVALID_FUNCTION_ARGUMENT', 'Buckets must be greater than 0');
        return buckets === null ? null : ntile(cur.i, n, buckets);
      }
      case 'lag':
      case 'lead':
        return this.navigate(cur);
      case 'first_value':
      case 'last_value':
      case 'nth_value':
        return this.pick(cur, await this.frameOf(cur));
      default:
        throw new Error(`unknown window function ${call.fn}`);
    }
  }

  private async argAt(j: number, arg = 0): Promise<unknown> {
    const row = await this.part.row(j);
    return valueAt(row.page.blocks[this.call.args[arg]!]!, row.at);
  }

  /** Non-null arguments in rows [0, j] (IGNORE NULLS). */
  private async countTo(j: number): Promise<number> {
    return j < 0 ? 0 : numberAt(await this.part.row(j), this.nonNulls!);
  }

  /** The row of the `target`-th non-null argument (1-based) of the partition, or `rows`. */
  private nthNonNull(target: number): Promise<number> {
    return this.part.firstWhere(0, (r) => numberAt(r, this.nonNulls!) >= target);
  }

  /** The first row after the current row's peer group. */
  private async peerEnd(cur: Current): Promise<number> {
    if (this.endOf.group !== cur.group) {
      const end = await this.part.firstWhere(cur.i, (r) => numberAt(r, this.columns.group) > cur.group);
      this.endOf = { group: cur.group, end };
    }
    return this.endOf.end;
  }

  private async navigate(cur: Current): Promise<unknown> {
    const { call, part } = this;
    const offset = argNumber(cur.row, call.args[1], 1);
    if (offset === null) return null;
    if (offset < 0) throw new QuarryError('INVALID_FUNCTION_ARGUMENT', 'Offset must be at least 0');
    let j: number;
    if (this.nonNulls !== undefined && offset > 0) {
      const upTo = await this.countTo(cur.i);
      if (call.fn === 'lead') j = await this.nthNonNull(upTo + offset);
      else {
        const before = upTo - (isNull(cur.row.page.blocks[call.args[0]!]!, cur.row.at) ? 0 : 1);
        j = before - offset + 1 >= 1 ? await this.nthNonNull(before - offset + 1) : -1;
      }
    } else j = call.fn === 'lag' ? cur.i - offset : cur.i + offset;
    if (j >= 0 && j < part.rows) return this.argAt(j);
    return call.args[2] === undefined ? null : valueAt(cur.row.page.blocks[call.args[2]]!, cur.row.at);
  }

  /** first_value, last_value or nth_value over the frame [s, e]. */
  private async pick(cur: Current, [s, e]: readonly [number, number]): Promise<unknown> {
    const { call } = this;
    let k = 1;
    if (call.fn === 'nth_value') {
      const n = argNumber(cur.row, call.args[1], 1);
      if (n === null) return null;
      if (n < 1) throw new QuarryError('INVALID_FUNCTION_ARGUMENT', 'Offset must be at least 1');
      k = n;
    }
    if (s > e) return null;
    let j: number;
    if (this.nonNulls !== undefined) {
      const before = await this.countTo(s - 1);
      if (call.fn === 'last_value') {
        const upTo = await this.countTo(e);
        j = upTo > before ? await this.nthNonNull(upTo) : -1;
      } else {
        j = await this.nthNonNull(before + k);
        if (j > e) j = -1;
      }
    } else j = call.fn === 'last_value' ? e : s + k - 1 <= e ? s + k - 1 : -1;
    return j < 0 ? null : this.argAt(j);
  }

  /** The frame [s, e] of the current row, inclusive and within the partition (s > e: empty). */
  private async frameOf(cur: Current): Promise<[number, number]> {
    const { frame } = this.call;
    const s = Math.max(0, await this.bound(frame.start, cur, true));
    const e = Math.min(this.part.rows - 1, await this.bound(frame.end, cur, false));
    return [s, e];
  }

  private async bound(b: FrameBound, cur: Current, isStart: boolean): Promise<number> {
    const unit = this.call.frame.unit;
    switch (b.type) {
      case 'UNBOUNDED_PRECEDING':
        return 0;
      case 'UNBOUNDED_FOLLOWING':
        return this.part.rows - 1;
      case 'CURRENT_ROW':
        if (unit === 'ROWS') return cur.i;
        return isStart ? cur.peerStart : (await this.peerEnd(cur)) - 1;
      case 'PRECEDING':
      case 'FOLLOWING': {
        const delta = (b.type === 'PRECEDING' ? -1 : 1) * (b.offset ?? 0);
        if (unit === 'ROWS') return cur.i + delta;
        if (unit === 'GROUPS') {
          const g = cur.group + delta;
          const first = await this.part.firstWhere(0, (r) =>
            isStart ? numberAt(r, this.columns.group) >= g : numberAt(r, this.columns.group) > g,
          );
          return isStart ? first : first - 1;
        }
        return this.rangeBound(cur, delta, isStart);
      }
    }
  }

  /** RANGE with an offset: rows whose key is within `delta` of the current key, in sort order. */
  private async rangeBound(cur: Current, delta: number, isStart: boolean): Promise<number> {
    const key = this.node.orderBy[0]!;
    const block = (r: RowRef): Block => r.page.blocks[key.channel]!;
    if (isNull(block(cur.row), cur.row.at)) return isStart ? cur.peerStart : (await this.peerEnd(cur)) - 1;
    const v = (r: RowRef) => Number(block(r).values[r.at]);
    const dir = key.ascending ? 1 : -1;
    const target = v(cur.row) + dir * delta;
    // NULL keys sort to one end: before every row (nulls first) or after (nulls last)
    const past = (r: RowRef): boolean => {
      if (isNull(block(r), r.at)) return !key.nullsFirst;
      return isStart ? dir * v(r) >= dir * target : dir * v(r) > dir * target;
    };
    const first = await this.part.firstWhere(0, past);
    return isStart ? first : first - 1;
  }

  private async aggregate([s, e]: readonly [number, number]): Promise<unknown> {
    const { call, frame } = this;
    if (s === frame.s && e === frame.e) return frame.value;
    const growing = call.frame.start.type === 'UNBOUNDED_PRECEDING';
    if (growing && frame.acc && s === frame.s && e >= frame.e) {
      await this.addRows(frame.acc, frame.e + 1, e);
    } else if (growing || s > e || this.chunkOf(s) === this.chunkOf(e)) {
      frame.acc = createAccumulator(call.fn, call.argTypes);
      await this.addRows(frame.acc, s, e);
    } else {
      frame.acc = await this.merged(s, e);
    }
    const value = valueAt(frame.acc.result(1), 0);
    this.frame = { s, e, value, acc: frame.acc };
    return value;
  }

  private chunkOf(r: number): number {
    return Math.floor(r / this.part.chunkRows);
  }

  /** Adds the arguments of rows [s, e] to `acc`, chunk by chunk. */
  private async addRows(acc: Accumulator, s: number, e: number): Promise<void> {
    for (let r = s; r <= e;) {
      const { page, at } = await this.part.row(r);
      const end = Math.min(page.rowCount, at + e - r + 1);
      const args = this.call.args.map((c) => sliceBlock(page.blocks[c]!, at, end));
      acc.addInput(new Int32Array(end - at), 1, args, end - at);
      r += end - at;
    }
  }

  /** An accumulator over rows [s, e] of several chunks: their ends' rows and the states of whole chunks between. */
  private async merged(s: number, e: number): Promise<Accumulator> {
    const { call, part } = this;
    const index = this.node.functions.indexOf(call);
    const acc = createAccumulator(call.fn, call.argTypes);
    const one = new Int32Array(1);
    const addPart = async (a: number, b: number) => {
      const rows = createAccumulator(call.fn, call.argTypes);
      await this.addRows(rows, a, b);
      acc.addIntermediate(one, 1, rows.intermediate(1), 1);
    };
    const cs = this.chunkOf(s);
    const ce = this.chunkOf(e);
    const chunkStart = (k: number) => k * part.chunkRows;
    const chunkLast = (k: number) => Math.min(part.rows, (k + 1) * part.chunkRows) - 1;
    if (s === chunkStart(cs)) acc.addIntermediate(one, 1, part.state(cs, index), 1);
    else await addPart(s, chunkLast(cs));
    for (let k = cs + 1; k < ce; k++) acc.addIntermediate(one, 1, part.state(k, index), 1);
    if (e === chunkLast(ce)) acc.addIntermediate(one, 1, part.state(ce, index), 1);
    else await addPart(chunkStart(ce), e);
    return acc;
  }
}
