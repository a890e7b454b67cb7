import type { Page } from '../page/block.js';
import type { CompiledFilter } from '../expr/compile.js';
import type { JoinNode } from '../plan/nodes.js';
import { emptyPage } from './buffer.js';
import { GraceJoin, type PartitionJoin, type SpillContext } from './grace-join.js';
import { JoinBuild, buildBytesNeeded, outerSides } from './join-build.js';
import { checkCancelled } from './operator.js';

/** Joins probe pages against a build side in memory: matches, unmatched probe rows (LEFT, FULL), unmatched build rows (RIGHT, FULL). */
export async function* probeAll(
  build: JoinBuild,
  probe: AsyncIterable<Page>,
  options: { readonly keepProbe: boolean; readonly signal?: AbortSignal | undefined },
): AsyncGenerator<Page> {
  for await (const page of probe) {
    checkCancelled(options.signal);
    if (page.rowCount === 0) continue;
    const matched = options.keepProbe ? new Uint8Array(page.rowCount) : undefined;
    yield* build.matches(page, matched);
    if (matched) yield* build.unmatchedProbe(page, matched);
  }
  yield* build.unmatchedBuild();
}

/** A spilling hash join ({@link GraceJoin}) of a `JoinNode`. */
export function spillingJoin(
  node: JoinNode,
  filter: CompiledFilter | undefined,
  ctx: SpillContext,
): GraceJoin {
  return new GraceJoin(
    {
      buildKeys: node.rightKeys,
      probeKeys: node.leftKeys,
      buildTypes: node.build.outputs.map((c) => c.type),
      probeTypes: node.input.outputs.map((c) => c.type),
    },
    new HashJoinPartition(node, filter, ctx),
    ctx,
  );
}

/**
 * A hash join's partition: unmatched rows of a partition are unmatched in the whole join, so every
 * join type keeps its meaning, the residual filter included; only the order of the output changes.
 * Joined in chunks, build rows see every probe row within their chunk, and probe rows' matches are
 * recorded across chunks, one byte per probe row, so that LEFT and FULL joins emit the probe rows
 * no chunk matched at the end.
 */
class HashJoinPartition implements PartitionJoin {
  readonly emptyBuildCounts: boolean;
  readonly emptyProbeCounts: boolean;

  constructor(
    private readonly node: JoinNode,
    private readonly filter: CompiledFilter | undefined,
    private readonly ctx: SpillContext,
  ) {
    const { keepProbe, keepBuild } = outerSides(node);
    this.emptyBuildCounts = keepProbe;
    this.emptyProbeCounts = keepBuild;
  }

  needed(bytes: number, rows: number): number {
    return buildBytesNeeded(bytes, rows);
  }

  async *whole(build: Page, probe: AsyncIterable<Page>): AsyncGenerator<Page> {
    const { memory, signal } = this.ctx;
    const joined = new JoinBuild(this.node, build, this.filter);
    const reserved = memory.update(0, joined.bytes());
    try {
      yield* probeAll(joined, probe, { keepProbe: this.emptyBuildCounts, signal });
    } finally {
      memory.update(reserved, 0);
    }
  }

  async *chunked(
    chunks: AsyncIterable<Page>,
    probe: () => AsyncIterable<Page>,
    probeRows: number,
  ): AsyncGenerator<Page> {
    const { memory, signal } = this.ctx;
    // per probe row of the partition, whether some chunk matched it (LEFT and FULL)
    const seen = this.emptyBuildCounts ? new Uint8Array(probeRows) : undefined;
    const held = memory.update(0, seen?.byteLength ?? 0);
    try {
      for await (const chunk of chunks) {
        const joined = new JoinBuild(this.node, chunk, this.filter);
        const reserved = memory.update(0, joined.bytes());
        try {
          let offset = 0;
          for await (const page of probe()) {
            checkCancelled(signal);
            const matched = seen ? new Uint8Array(page.rowCount) : undefined;
            yield* joined.matches(page, matched);
            if (seen) for (let i = 0; i < page.rowCount; i++) seen[offset + i]! |= matched![i]!;
            offset += page.rowCount;
          }
          yield* joined.unmatchedBuild();
        } finally {
          memory.update(reserved, 0);
        }
      }
      if (!seen) return;
      const none = new JoinBuild(
        this.node,
        emptyPage(this.node.build.outputs.map((c) => c.type)),
        this.filter,
      );
      let offset = 0;
      for await (const page of probe()) {
        yield* none.unmatchedProbe(page, seen, offset);
        offset += page.rowCount;
      }
    } finally {
      memory.update(held, 0);
    }
  }
}
