import { internalError } from '@quarry/common';
import type { Block, Page } from '../page/block.js';
import { slicePage } from '../page/block.js';
import { createAccumulator, type Accumulator } from '../functions/aggregates.js';
import type { AggregateNode } from '../plan/nodes.js';
import { GroupByHash } from './group-by-hash.js';
import { PAGE_ROWS, type Operator, type TaskContext } from './operator.js';

/**
 * Hash aggregation in one of three steps: `single` (input rows → results), `partial` (input rows →
 * intermediate states, in leaf tasks) and `final` (states → results, after the exchange).
 * A global aggregation (no GROUP BY) yields one row even for empty input, except in the partial step.
 */
export class HashAggregationOperator implements Operator {
  constructor(
    private readonly node: AggregateNode,
    private readonly input: Operator,
    private readonly ctx: TaskContext,
  ) {}

  async *execute(): AsyncIterable<Page> {
    const { node } = this;
    const keyTypes = node.groupBy.map((c) => node.input.outputs[c]!.type);
    const hash = new GroupByHash(keyTypes);
    const accumulators: Accumulator[] = node.aggregates.map((a) =>
      createAccumulator(
        a.fn,
        a.argTypes,
        (a.orderBy ?? []).map((k) => ({ ...k, type: node.input.outputs[k.channel]!.type })),
      ),
    );
    // an ordered aggregate reads its sort keys after its arguments
    const inputs = node.aggregates.map((a) => [...a.args, ...(a.orderBy ?? []).map((k) => k.channel)]);
    const fromStates = node.step === 'final';
    let reserved = 0;
    for await (const page of this.input.execute()) {
      const keys = node.groupBy.map((c) => page.blocks[c]!);
      const ids = hash.groupIds(keys, page.rowCount);
      const n = hash.groupCount;
      node.aggregates.forEach((a, k) => {
        const acc = accumulators[k]!;
        if (fromStates)
          acc.addIntermediate(
            ids,
            n,
            a.args.map((c) => page.blocks[c] ?? missing(c)),
            page.rowCount,
          );
        else acc.addInput(ids, n, maskedArgs(page, inputs[k]!, a.mask), page.rowCount);
      });
      reserved = this.ctx.memory.update(
        reserved,
        hash.bytes() + accumulators.reduce((s, a) => s + a.bytes(), 0),
      );
    }
    if (node.groupBy.length === 0 && hash.groupCount === 0 && node.step !== 'partial') {
      hash.groupIds([], 0);
    }
    const n = hash.groupCount;
    if (n === 0) return;
    const blocks: Block[] = [...hash.keyBlocks()];
    for (const acc of accumulators) {
      if (node.step === 'partial') blocks.push(...acc.intermediate(n));
      else blocks.push(acc.result(n));
    }
    this.ctx.memory.update(reserved, 0);
    const out: Page = { blocks, rowCount: n };
    for (let start = 0; start < n; start += PAGE_ROWS)
      yield slicePage(out, start, Math.min(n, start + PAGE_ROWS));
  }
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
