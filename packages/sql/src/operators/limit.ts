import type { Page } from '../page/block.js';
import { slicePage } from '../page/block.js';
import type { LimitNode } from '../plan/nodes.js';
import type { Operator } from './operator.js';
import { rowComparator } from './row-order.js';
import { concatPages } from '../page/block.js';

/**
 * Skips `offset` rows, then passes `count` rows and stops pulling its input. With ties (FETCH FIRST
 * … WITH TIES, over input sorted by the tie keys) it goes on while rows equal the last one passed.
 */
export class LimitOperator implements Operator {
  constructor(
    private readonly node: LimitNode,
    private readonly input: Operator,
  ) {}

  async *execute(): AsyncIterable<Page> {
    let skip = this.node.offset;
    let left = this.node.count;
    const ties = this.node.ties;
    const types = this.node.outputs.map((c) => c.type);
    /** The last row passed, as a one-row page, once `count` rows went out (with ties). */
    let last: Page | undefined;
    if (left <= 0 && !ties) return;
    for await (const page of this.input.execute()) {
      if (last && ties) {
        // rows tied with the last one passed: compare within a page of [last, page]
        const both = concatPages(types, [last, page]);
        const cmp = rowComparator(both, ties);
        let end = 0;
        while (end < page.rowCount && cmp(0, end + 1) === 0) end++;
        if (end > 0) yield slicePage(page, 0, end);
        if (end < page.rowCount) return;
        continue;
      }
      let start = 0;
      if (skip > 0) {
        start = Math.min(skip, page.rowCount);
        skip -= start;
      }
      const end = Math.min(page.rowCount, start + left);
      if (end > start) {
        left -= end - start;
        yield start === 0 && end === page.rowCount ? page : slicePage(page, start, end);
      }
      if (left <= 0) {
        if (!ties || end === start) return;
        last = slicePage(page, end - 1, end);
        // ties within the rest of this page
        const cmp = rowComparator(page, ties);
        let more = end;
        while (more < page.rowCount && cmp(end - 1, more) === 0) more++;
        if (more > end) yield slicePage(page, end, more);
        if (more < page.rowCount) return;
      }
    }
  }
}
