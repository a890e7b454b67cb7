import type { Page } from '../page/block.js';
import { pageFromRows } from '../page/block.js';
import { evaluateConstant } from '../expr/compile.js';
import type { RemoteSourceNode, TableScanNode, ValuesNode } from '../plan/nodes.js';
import { checkCancelled, type Operator, type TaskContext } from './operator.js';

export class TableScanOperator implements Operator {
  constructor(
    private readonly node: TableScanNode,
    private readonly ctx: TaskContext,
  ) {}

  async *execute(): AsyncIterable<Page> {
    for await (const page of this.ctx.scan(this.node)) {
      checkCancelled(this.ctx.signal);
      yield page;
    }
  }
}

export class RemoteSourceOperator implements Operator {
  constructor(
    private readonly node: RemoteSourceNode,
    private readonly ctx: TaskContext,
  ) {}

  async *execute(): AsyncIterable<Page> {
    for await (const page of this.ctx.remote(this.node)) {
      checkCancelled(this.ctx.signal);
      yield page;
    }
  }
}

export class ValuesOperator implements Operator {
  constructor(private readonly node: ValuesNode) {}

  async *execute(): AsyncIterable<Page> {
    const rows = this.node.rows.map((row) => row.map(evaluateConstant));
    if (rows.length > 0)
      yield pageFromRows(
        this.node.outputs.map((c) => c.type),
        rows,
      );
  }
}
