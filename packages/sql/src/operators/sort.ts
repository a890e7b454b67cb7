import type { Page } from '../page/block.js';
import { concatPages, pageBytes, slicePage, takePage } from '../page/block.js';
import type { SortNode, TopNNode } from '../plan/nodes.js';
import { ExternalSort } from './external-sort.js';
import { PAGE_ROWS, checkCancelled, type Operator, type TaskContext } from './operator.js';
import { sortedPositions } from './row-order.js';

export { rowComparator, sortedPositions, type RowComparator } from './row-order.js';

/**
 * ORDER BY: buffers its input and sorts it (stably). With spilling on, input past the task's memory
 * goes to sorted runs on disk and the output is their merge ({@link ExternalSort}); without it, the
 * task fails with EXCEEDED_LOCAL_MEMORY_LIMIT.
 */
export class SortOperator implements Operator {
  constructor(
    private readonly node: SortNode,
    private readonly input: Operator,
    private readonly ctx: TaskContext,
  ) {}

  async *execute(): AsyncIterable<Page> {
    const { node, ctx } = this;
    const types = node.outputs.map((c) => c.type);
    const spill = ctx.spill;
    const external = spill ? new ExternalSort(node.keys, types, { ...ctx, spill }) : undefined;
    let pending: Page[] = [];
    let bytes = 0;
    let reserved = 0;
    for await (const page of this.input.execute()) {
      checkCancelled(ctx.signal);
      if (page.rowCount === 0) continue;
      pending.push(page);
      bytes += pageBytes(page);
      if (external && !ctx.memory.fits(reserved, bytes)) {
        await external.addRun(pending);
        pending = [];
        bytes = 0;
      }
      reserved = ctx.memory.update(reserved, bytes);
    }
    if (external?.spilled) {
      await external.addRun(pending);
      pending = [];
      ctx.memory.update(reserved, 0);
      yield* external.merged(PAGE_ROWS);
      return;
    }
    if (pending.length === 0) return;
    const page = concatPages(types, pending);
    const sorted = takePage(page, sortedPositions(page, node.keys));
    ctx.memory.update(reserved, 0);
    for (let s = 0; s < sorted.rowCount; s += PAGE_ROWS)
      yield slicePage(sorted, s, Math.min(sorted.rowCount, s + PAGE_ROWS));
  }
}

/**
 * The first `count` rows by the keys, holding at most about 2 × max(count, one page) rows. When
 * those pass the task's memory (a huge `count`) and spilling is on, it becomes an external sort whose
 * merge stops after `count` rows: the same rows, ties included (both sorts are stable).
 */
export class TopNOperator implements Operator {
  constructor(
    private readonly node: TopNNode,
    private readonly input: Operator,
    private readonly ctx: TaskContext,
  ) {}

  async *execute(): AsyncIterable<Page> {
    const { node, ctx } = this;
    if (node.count === 0) return;
    const types = node.outputs.map((c) => c.type);
    const spill = ctx.spill;
    const external = spill ? new ExternalSort(node.keys, types, { ...ctx, spill }) : undefined;
    let kept: Page | undefined;
    let reserved = 0;
    const shrink = (p: Page) => takePage(p, sortedPositions(p, node.keys, node.count));
    let pending: Page[] = [];
    let pendingRows = 0;
    let bytes = 0;
    for await (const page of this.input.execute()) {
      checkCancelled(ctx.signal);
      if (page.rowCount === 0) continue;
      pending.push(page);
      pendingRows += page.rowCount;
      bytes += pageBytes(page);
      if (external?.spilled) {
        // as ORDER BY: a run each time the buffered rows pass the memory
        if (!ctx.memory.fits(reserved, bytes)) {
          await external.addRun(pending);
          pending = [];
          bytes = 0;
        }
        reserved = ctx.memory.update(reserved, bytes);
      } else if (pendingRows >= Math.max(node.count, PAGE_ROWS)) {
        kept = shrink(concatPages(types, kept ? [kept, ...pending] : pending));
        pending = [];
        pendingRows = 0;
        bytes = 0;
        // the next shrink copies the kept rows again: past the memory, they start the runs
        if (external && !ctx.memory.fits(reserved, 2 * pageBytes(kept))) {
          await external.addRun([kept]);
          kept = undefined;
          reserved = ctx.memory.update(reserved, 0);
          continue;
        }
        reserved = ctx.memory.update(reserved, pageBytes(kept));
      }
    }
    if (external?.spilled) {
      await external.addRun(pending);
      ctx.memory.update(reserved, 0);
      yield* firstRows(external.merged(PAGE_ROWS), node.count);
      return;
    }
    const all = kept ? [kept, ...pending] : pending;
    if (all.length === 0) return;
    const result = shrink(concatPages(types, all));
    ctx.memory.update(reserved, 0);
    if (result.rowCount > 0) yield result;
  }
}

/** The first `count` rows of `pages`; the rest are not read (a merge's files are deleted when it is left). */
async function* firstRows(pages: AsyncIterable<Page>, count: number): AsyncGenerator<Page> {
  let left = count;
  for await (const page of pages) {
    if (page.rowCount >= left) {
      yield slicePage(page, 0, left);
      return;
    }
    left -= page.rowCount;
    yield page;
  }
}
