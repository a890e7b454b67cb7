import type { Page } from '../page/block.js';
import { takePage } from '../page/block.js';
import { compileFilter, compileProjection, type CompiledProjection } from '../expr/compile.js';
import type { FilterNode, ProjectNode } from '../plan/nodes.js';
import type { Operator } from './operator.js';

export class FilterOperator implements Operator {
  private readonly filter;

  constructor(
    node: FilterNode,
    private readonly input: Operator,
  ) {
    this.filter = compileFilter(node.predicate);
  }

  async *execute(): AsyncIterable<Page> {
    let selected = new Int32Array(0);
    for await (const page of this.input.execute()) {
      if (selected.length < page.rowCount) selected = new Int32Array(page.rowCount);
      const count = this.filter(page, selected);
      if (count === page.rowCount) yield page;
      else if (count > 0) yield takePage(page, selected, count);
    }
  }
}

export class ProjectOperator implements Operator {
  private readonly projections: CompiledProjection[];

  constructor(
    node: ProjectNode,
    private readonly input: Operator,
  ) {
    this.projections = node.exprs.map(compileProjection);
  }

  async *execute(): AsyncIterable<Page> {
    for await (const page of this.input.execute()) {
      yield { blocks: this.projections.map((p) => p(page)), rowCount: page.rowCount };
    }
  }
}
