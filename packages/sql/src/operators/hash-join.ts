import type { Page } from '../page/block.js';
import { compileFilter, type CompiledFilter } from '../expr/compile.js';
import type { JoinNode } from '../plan/nodes.js';
import { gatherBuild } from './grace-join.js';
import { JoinBuild, buildBytesNeeded, outerSides } from './join-build.js';
import { probeAll, spillingJoin } from './join-spill.js';
import type { Operator, TaskContext } from './operator.js';

/**
 * Hash join: the build side is collected (memory-accounted) and indexed on its keys, then the probe
 * side streams through (`JoinBuild`): matching pairs are gathered per probe page, checked against
 * the residual filter, and emitted; unmatched probe rows (LEFT, FULL) after each probe page,
 * unmatched build rows (RIGHT, FULL) at the end. Without keys every build row is a candidate: a
 * nested-loop join.
 *
 * When the build side passes the task's memory and spilling is on, the join goes on as a grace hash
 * join over spill files (`GraceJoin`); with spilling off the task fails with
 * EXCEEDED_LOCAL_MEMORY_LIMIT.
 */
export class HashJoinOperator implements Operator {
  private readonly filter: CompiledFilter | undefined;

  constructor(
    private readonly node: JoinNode,
    private readonly probe: Operator,
    private readonly buildSide: Operator,
    private readonly ctx: TaskContext,
  ) {
    this.filter = node.filter ? compileFilter(node.filter) : undefined;
  }

  async *execute(): AsyncIterable<Page> {
    const { node, ctx, filter } = this;
    const gathered = await gatherBuild(this.buildSide, ctx, {
      types: node.build.outputs.map((c) => c.type),
      needed: buildBytesNeeded,
      spilling: (spillCtx) => spillingJoin(node, filter, spillCtx),
    });
    if (gathered.spilled) {
      yield* gathered.spilled.execute(this.probe);
      return;
    }
    const { page: build } = gathered;
    let reserved = gathered.reserved;
    try {
      const joined = new JoinBuild(node, build, filter);
      reserved = ctx.memory.update(reserved, reserved + joined.bytes());
      const { keepProbe } = outerSides(node);
      if (build.rowCount === 0 && !keepProbe) return;
      yield* probeAll(joined, this.probe.execute(), { keepProbe, signal: ctx.signal });
    } finally {
      ctx.memory.update(reserved, 0);
    }
  }
}
