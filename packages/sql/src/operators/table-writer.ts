import { QuarryError } from '@quarry/common';
import { BlockBuilder, type Page } from '../page/block.js';
import type { TableWriterNode } from '../plan/nodes.js';
import { checkCancelled, type Operator, type TaskContext } from './operator.js';

/**
 * Writes every input page through this task attempt's write sink, then outputs one row: the rows
 * written and the sink's fragment (JSON). A failure aborts the sink, so a failed attempt leaves
 * nothing staged; the coordinator commits only the winning attempts' fragments.
 */
export class TableWriterOperator implements Operator {
  constructor(
    private readonly node: TableWriterNode,
    private readonly input: Operator,
    private readonly ctx: TaskContext,
  ) {}

  async *execute(): AsyncIterable<Page> {
    if (!this.ctx.writeSink)
      throw new QuarryError(
        'GENERIC_INTERNAL_ERROR',
        'a TableWriter ran in a task that cannot write (this is a bug in quarry)',
      );
    const rowLevel = this.node.rowLevel;
    const sink = this.ctx.writeSink(this.node.handle, rowLevel ? { contiguous: rowLevel.contiguous } : {});
    let fragment;
    try {
      for await (const page of this.input.execute()) {
        checkCancelled(this.ctx.signal);
        if (page.rowCount > 0) await sink.appendPage(page);
      }
      fragment = await sink.finish();
    } catch (e) {
      await sink.abort().catch(() => {});
      throw e;
    }
    const [rowsType, fragmentType] = this.node.outputs.map((c) => c.type);
    const rows = new BlockBuilder(rowsType!, 1);
    rows.append(fragment.rows);
    const text = new BlockBuilder(fragmentType!, 1);
    text.append(JSON.stringify(fragment));
    yield { blocks: [rows.build(), text.build()], rowCount: 1 };
  }
}
