import type { Page } from '../page/block.js';
import { slicePage } from '../page/block.js';
import type { LimitNode } from '../plan/nodes.js';
import type { Operator } from './operator.js';

/** Skips `offset` rows, then passes `count` rows and stops pulling its input. */
export class LimitOperator implements Operator {
  constructor(
    private readonly node: LimitNode,
    private readonly input: Operator,
  ) {}

  async *execute(): AsyncIterable<Page> {
    let skip = this.node.offset;
    let left = this.node.count;
    if (left <= 0) return;
    for await (const page of this.input.execute()) {
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
      if (left <= 0) return;
    }
  }
}
