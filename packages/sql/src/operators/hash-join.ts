import type { Page } from '../page/block.js';
import { concatPages, pageBytes } from '../page/block.js';
import { compileFilter, type CompiledFilter } from '../expr/compile.js';
import type { JoinNode } from '../plan/nodes.js';
import { emptyPage } from './buffer.js';
import { JoinBuild, buildBytesNeeded, outerSides } from './join-build.js';
import { SpillingJoin, probeAll } from './join-spill.js';
import { checkCancelled, type Operator, type TaskContext } from './operator.js';

/**
 * Hash join: the build side is collected (memory-accounted) and indexed on its keys, then the probe
 * side streams through (`JoinBuild`): matching pairs are gathered per probe page, checked against
 * the residual filter, and emitted; unmatched probe rows (LEFT, FULL) after each probe page,
 * unmatched build rows (RIGHT, FULL) at the end. Without keys every build row is a candidate: a
 * nested-loop join.
 *
 * When the build side passes the task's memory and spilling is on, the join goes on as a grace hash
 * join over spill files ({@link SpillingJoin}); with spilling off the task fails with
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
    const buildTypes = node.build.outputs.map((c) => c.type);
    const spill = ctx.spill;
    let spilling: SpillingJoin | undefined;
    let pages: Page[] = [];
    let bytes = 0;
    let rows = 0;
    let reserved = 0;
    try {
      for await (const page of this.buildSide.execute()) {
        checkCancelled(ctx.signal);
        if (page.rowCount === 0) continue;
        if (spilling) {
          await spilling.addBuild(page);
          continue;
        }
        pages.push(page);
        bytes += pageBytes(page);
        rows += page.rowCount;
        if (spill && !ctx.memory.fits(reserved, buildBytesNeeded(bytes, rows))) {
          spilling = new SpillingJoin(node, filter, { ...ctx, spill });
          for (const p of pages) await spilling.addBuild(p);
          pages = [];
          reserved = ctx.memory.update(reserved, 0);
          continue;
        }
        reserved = ctx.memory.update(reserved, bytes);
      }
      if (spilling) {
        yield* spilling.join(this.probe);
        return;
      }
      // concatenating copies: hold both until the parts are released
      reserved = ctx.memory.update(reserved, bytes * 2);
      const build = pages.length ? concatPages(buildTypes, pages) : emptyPage(buildTypes);
      pages = [];
      const joined = new JoinBuild(node, build, filter);
      reserved = ctx.memory.update(reserved, pageBytes(build) + joined.bytes());
      const { keepProbe } = outerSides(node);
      if (build.rowCount === 0 && !keepProbe) return;
      yield* probeAll(joined, this.probe.execute(), { keepProbe, signal: ctx.signal });
    } finally {
      ctx.memory.update(reserved, 0);
    }
  }
}
