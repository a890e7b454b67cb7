import type { Page } from '../page/block.js';
import { slicePage } from '../page/block.js';
import type { AggregateNode } from '../plan/nodes.js';
import { SpillingAggregation } from './aggregate-spill.js';
import { GroupTable, stateLayout } from './group-table.js';
import { PAGE_ROWS, checkCancelled, type Operator, type TaskContext } from './operator.js';

/**
 * Hash aggregation in one of three steps: `single` (input rows → results), `partial` (input rows →
 * intermediate states, in leaf tasks) and `final` (states → results, after the exchange).
 * A global aggregation (no GROUP BY) yields one row even for empty input, except in the partial step.
 *
 * When its groups pass the task's memory: a partial step emits them as they are (states of the same
 * group in several pages are merged by the final step, as Trino's partial aggregation flushes) and
 * starts again; the other steps spill them by hash partition when spilling is on
 * ({@link SpillingAggregation}), and fail the task with EXCEEDED_LOCAL_MEMORY_LIMIT when it is off.
 */
export class HashAggregationOperator implements Operator {
  constructor(
    private readonly node: AggregateNode,
    private readonly input: Operator,
    private readonly ctx: TaskContext,
  ) {}

  async *execute(): AsyncIterable<Page> {
    const { node, ctx } = this;
    const grouped = node.groupBy.length > 0;
    const spill =
      grouped && ctx.spill ? new SpillingAggregation(node, { ...ctx, spill: ctx.spill }) : undefined;
    // a final aggregation reads each aggregate's state columns, laid out after the grouping keys
    const states = stateLayout(node, node.groupBy.length).states;
    let table = new GroupTable(node);
    let reserved = 0;
    for await (const page of this.input.execute()) {
      checkCancelled(ctx.signal);
      if (node.step === 'final') table.addStates(page, node.groupBy, states);
      else table.addRows(page);
      let bytes = table.bytes();
      if (grouped && !ctx.memory.fits(reserved, bytes) && (node.step === 'partial' || spill)) {
        if (node.step === 'partial') yield* pages(table.statePage());
        else await spill!.add(table);
        table = new GroupTable(node);
        bytes = table.bytes();
      }
      reserved = ctx.memory.update(reserved, bytes);
    }
    if (spill?.spilled) {
      await spill.add(table);
      ctx.memory.update(reserved, 0);
      yield* spill.merged();
      return;
    }
    if (node.step !== 'partial') table.ensureGlobalGroup();
    if (table.groupCount === 0) return;
    const out = node.step === 'partial' ? table.statePage() : table.resultPage();
    ctx.memory.update(reserved, 0);
    yield* pages(out);
  }
}

function* pages(out: Page): Iterable<Page> {
  for (let start = 0; start < out.rowCount; start += PAGE_ROWS)
    yield slicePage(out, start, Math.min(out.rowCount, start + PAGE_ROWS));
}
