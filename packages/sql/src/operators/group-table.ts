import { internalError } from '@quarry/common';
import type { Block, Page } from '../page/block.js';
import { createAccumulator, resolveAggregate, type Accumulator } from '../functions/aggregates.js';
import type { AggregateNode } from '../plan/nodes.js';
import type { DataType } from '../types/types.js';
import { GroupByHash } from './group-by-hash.js';

/**
 * The groups of a hash aggregation: their keys (a {@link GroupByHash}) and one accumulator per
 * aggregate. Rows come in as input rows (`addRows`, with each aggregate's arguments and mask) or as
 * intermediate states (`addStates`); the groups go out as states (`statePage`: the keys, then each
 * aggregate's state columns — the layout of a final step's input and of spilled groups) or results.
 */
export class GroupTable {
  private readonly hash: GroupByHash;
  private readonly accumulators: Accumulator[];

  constructor(private readonly node: AggregateNode) {
    this.hash = new GroupByHash(groupKeyTypes(node));
    this.accumulators = node.aggregates.map((a) =>
      createAccumulator(
        a.fn,
        a.argTypes,
        (a.orderBy ?? []).map((k) => ({ ...k, type: node.input.outputs[k.channel]!.type })),
      ),
    );
  }

  get groupCount(): number {
    return this.hash.groupCount;
  }

  bytes(): number {
    return this.hash.bytes() + this.accumulators.reduce((s, a) => s + a.bytes(), 0);
  }

  /** Input rows: keys at the node's grouping channels, each aggregate's arguments and mask. */
  addRows(page: Page): void {
    const ids = this.groupIds(page, this.node.groupBy);
    const n = this.hash.groupCount;
    this.node.aggregates.forEach((a, k) => {
      // an ordered aggregate (listagg … WITHIN GROUP) reads its sort keys after its arguments
      const inputs = [...a.args, ...(a.orderBy ?? []).map((key) => key.channel)];
      this.accumulators[k]!.addInput(ids, n, maskedArgs(page, inputs, a.mask), page.rowCount);
    });
  }

  /** Intermediate states: keys at `keyChannels`, then the state columns at `stateChannels`, per aggregate. */
  addStates(page: Page, keyChannels: readonly number[], stateChannels: readonly (readonly number[])[]): void {
    const ids = this.groupIds(page, keyChannels);
    const n = this.hash.groupCount;
    this.accumulators.forEach((acc, k) => {
      const states = stateChannels[k]!.map((c) => page.blocks[c] ?? missing(c));
      acc.addIntermediate(ids, n, states, page.rowCount);
    });
  }

  /** A global aggregation over no rows still has its one group (empty input gives one row). */
  ensureGlobalGroup(): void {
    if (this.node.groupBy.length === 0 && this.hash.groupCount === 0) this.hash.groupIds([], 0);
  }

  /** Every group as keys and intermediate states (see {@link stateLayout}). */
  statePage(): Page {
    const n = this.hash.groupCount;
    const blocks: Block[] = [...this.hash.keyBlocks()];
    for (const acc of this.accumulators) blocks.push(...acc.intermediate(n));
    return { blocks, rowCount: n };
  }

  /** Every group as keys and results. */
  resultPage(): Page {
    const n = this.hash.groupCount;
    const blocks: Block[] = [...this.hash.keyBlocks()];
    for (const acc of this.accumulators) blocks.push(acc.result(n));
    return { blocks, rowCount: n };
  }

  private groupIds(page: Page, channels: readonly number[]): Int32Array {
    const keys = channels.map((c) => page.blocks[c] ?? missing(c));
    return this.hash.groupIds(keys, page.rowCount);
  }
}

/** Types of the grouping keys, as the node's input holds them. */
export function groupKeyTypes(node: AggregateNode): DataType[] {
  return node.groupBy.map((c) => node.input.outputs[c]!.type);
}

/**
 * Where a page of states (keys first, then each aggregate's state columns) holds what: the types of
 * its columns, the key channels and each aggregate's state channels.
 */
export function stateLayout(
  node: AggregateNode,
  keyCount: number,
): { types: DataType[]; keys: number[]; states: number[][] } {
  const types = groupKeyTypes(node);
  let next = keyCount;
  const states = node.aggregates.map((a) => {
    const intermediate = resolveAggregate(a.fn, a.argTypes).intermediateTypes;
    types.push(...intermediate);
    const channels = intermediate.map((_, i) => next + i);
    next += intermediate.length;
    return channels;
  });
  return { types, keys: Array.from({ length: keyCount }, (_, i) => i), states };
}

function maskedArgs(page: Page, args: readonly number[], mask: number | undefined): Block[] {
  const blocks = args.map((c) => page.blocks[c] ?? missing(c));
  if (mask === undefined) return blocks;
  // rows where the mask is not TRUE are treated as NULL input
  const m = page.blocks[mask] ?? missing(mask);
  const off = new Uint8Array(page.rowCount);
  for (let i = 0; i < page.rowCount; i++)
    off[i] = (m.nulls !== undefined && m.nulls[i] === 1) || m.values[i] !== 1 ? 1 : 0;
  // count(*) has no argument: the mask, NULL where off, stands in for one
  if (blocks.length === 0) return [{ ...m, nulls: off }];
  return blocks.map((b) => {
    const nulls = new Uint8Array(page.rowCount);
    for (let i = 0; i < page.rowCount; i++)
      nulls[i] = off[i] === 1 || (b.nulls !== undefined && b.nulls[i] === 1) ? 1 : 0;
    return { ...b, nulls };
  });
}

function missing(channel: number): never {
  throw internalError(`aggregation input has no channel ${channel}`);
}
