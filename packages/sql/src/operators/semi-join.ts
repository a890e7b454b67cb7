import type { Page } from '../page/block.js';
import { slicePage } from '../page/block.js';
import { compileFilter, type CompiledFilter } from '../expr/compile.js';
import type { SemiJoinNode } from '../plan/nodes.js';
import { gatherBuild } from './grace-join.js';
import { checkCancelled, PAGE_ROWS, type Operator, type TaskContext } from './operator.js';
import { heldBytesNeeded, markHeld } from './semi-join-held.js';
import { matcherFor, semiBytesNeeded, withMarks } from './semi-join-match.js';
import { spillingHeldSemiJoin, spillingSemiJoin } from './semi-join-spill.js';

/**
 * Semi join with a mark: every probe row passes, with a boolean saying whether a build row matches
 * (see `SemiJoinNode`). Without a residual filter the build side is indexed on its keys plus the IN
 * value, and per key group the operator remembers whether the group exists and holds a NULL value,
 * which is all IN's three-valued answer needs. With a filter, every build row of the probe row's key
 * group is a candidate, checked in batches through the compiled filter (`semi-join-match.ts`).
 * `indexProbe` holds the probe side instead and streams the build side (`semi-join-held.ts`).
 *
 * The side held in memory spills when it passes the task's memory and spilling is on: a grace join
 * over spill files (`semi-join-spill.ts`); with spilling off the task fails with
 * EXCEEDED_LOCAL_MEMORY_LIMIT.
 */
export class SemiJoinOperator implements Operator {
  private readonly filter: CompiledFilter | undefined;

  constructor(
    private readonly node: SemiJoinNode,
    private readonly probe: Operator,
    private readonly buildSide: Operator,
    private readonly ctx: TaskContext,
  ) {
    this.filter = node.filter ? compileFilter(node.filter) : undefined;
  }

  execute(): AsyncIterable<Page> {
    return this.node.indexProbe ? this.markByStreamingBuild() : this.markByBuild();
  }

  private async *markByBuild(): AsyncGenerator<Page> {
    const { node, ctx, filter } = this;
    const gathered = await gatherBuild(this.buildSide, ctx, {
      types: node.build.outputs.map((c) => c.type),
      needed: semiBytesNeeded,
      spilling: (spillCtx) => spillingSemiJoin(node, filter, spillCtx),
    });
    if (gathered.spilled) {
      yield* gathered.spilled.execute(this.probe);
      return;
    }
    let reserved = gathered.reserved;
    try {
      const matcher = matcherFor(node, gathered.page, filter);
      reserved = ctx.memory.update(reserved, reserved + matcher.bytes());
      for await (const page of this.probe.execute()) {
        checkCancelled(ctx.signal);
        if (page.rowCount === 0) continue;
        yield withMarks(page, matcher.marks(page));
      }
    } finally {
      ctx.memory.update(reserved, 0);
    }
  }

  private async *markByStreamingBuild(): AsyncGenerator<Page> {
    const { node, ctx, filter } = this;
    const gathered = await gatherBuild(this.probe, ctx, {
      types: node.input.outputs.map((c) => c.type),
      needed: heldBytesNeeded,
      spilling: (spillCtx) => spillingHeldSemiJoin(node, filter, spillCtx),
    });
    if (gathered.spilled) {
      yield* gathered.spilled.execute(this.buildSide);
      return;
    }
    try {
      const { page } = gathered;
      if (page.rowCount === 0) return;
      const build = this.buildSide.execute();
      const marks = await markHeld(node, page, { build, filter, memory: ctx.memory, signal: ctx.signal });
      const out = withMarks(page, marks);
      for (let s = 0; s < out.rowCount; s += PAGE_ROWS)
        yield slicePage(out, s, Math.min(out.rowCount, s + PAGE_ROWS));
    } finally {
      ctx.memory.update(gathered.reserved, 0);
    }
  }
}
