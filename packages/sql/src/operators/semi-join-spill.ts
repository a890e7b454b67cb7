import type { Page } from '../page/block.js';
import type { CompiledFilter } from '../expr/compile.js';
import type { SemiJoinNode } from '../plan/nodes.js';
import { GraceJoin, type PartitionJoin, type SpillContext } from './grace-join.js';
import { PAGE_ROWS, checkCancelled } from './operator.js';
import { slicePage } from '../page/block.js';
import { heldBytesNeeded, markHeld } from './semi-join-held.js';
import { matcherFor, orMarks, semiBytesNeeded, withMarks } from './semi-join-match.js';

/**
 * A spilling semi join ({@link GraceJoin}): the build side spilled by its keys, the probe side by
 * its own. The build rows a probe row's mark depends on are those of its key group, all in its
 * partition, so a partition's marks are the whole join's. Joined in chunks of the build side, a
 * probe row's mark is the OR of its marks against each chunk (IN is an OR of comparisons: TRUE
 * wins, then NULL), kept one byte per probe row until the last chunk. Without keys (an uncorrelated
 * IN) every row is in one partition, joined in chunks.
 */
export function spillingSemiJoin(
  node: SemiJoinNode,
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
    new MarkPartition(node, filter, ctx),
    ctx,
  );
}

/**
 * A spilling `indexProbe` semi join: the held side (the probe rows) is the one spilled once past
 * the memory, the build rows stream through each partition of it. Held rows joined in chunks get
 * their marks from one pass over the partition's build rows per chunk: nothing carries over.
 */
export function spillingHeldSemiJoin(
  node: SemiJoinNode,
  filter: CompiledFilter | undefined,
  ctx: SpillContext,
): GraceJoin {
  return new GraceJoin(
    {
      buildKeys: node.leftKeys,
      probeKeys: node.rightKeys,
      buildTypes: node.input.outputs.map((c) => c.type),
      probeTypes: node.build.outputs.map((c) => c.type),
    },
    new HeldPartition(node, filter, ctx),
    ctx,
  );
}

/** A partition of a semi join: probe rows out with their marks, FALSE where the partition has no build rows. */
class MarkPartition implements PartitionJoin {
  readonly emptyBuildCounts = true;
  readonly emptyProbeCounts = false;

  constructor(
    private readonly node: SemiJoinNode,
    private readonly filter: CompiledFilter | undefined,
    private readonly ctx: SpillContext,
  ) {}

  needed(bytes: number, rows: number): number {
    return semiBytesNeeded(bytes, rows);
  }

  async *whole(build: Page, probe: AsyncIterable<Page>): AsyncGenerator<Page> {
    const { memory, signal } = this.ctx;
    const matcher = matcherFor(this.node, build, this.filter);
    const reserved = memory.update(0, matcher.bytes());
    try {
      for await (const page of probe) {
        checkCancelled(signal);
        yield withMarks(page, matcher.marks(page));
      }
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
    const marks = new Uint8Array(probeRows);
    const held = memory.update(0, marks.byteLength);
    try {
      for await (const chunk of chunks) {
        const matcher = matcherFor(this.node, chunk, this.filter);
        const reserved = memory.update(0, matcher.bytes());
        try {
          let offset = 0;
          for await (const page of probe()) {
            checkCancelled(signal);
            orMarks(marks, matcher.marks(page), offset);
            offset += page.rowCount;
          }
        } finally {
          memory.update(reserved, 0);
        }
      }
      let offset = 0;
      for await (const page of probe()) {
        yield withMarks(page, marks.subarray(offset, offset + page.rowCount));
        offset += page.rowCount;
      }
    } finally {
      memory.update(held, 0);
    }
  }
}

/** A partition of an `indexProbe` semi join: the held rows ("build" here) out with their marks. */
class HeldPartition implements PartitionJoin {
  readonly emptyBuildCounts = false;
  readonly emptyProbeCounts = true;

  constructor(
    private readonly node: SemiJoinNode,
    private readonly filter: CompiledFilter | undefined,
    private readonly ctx: SpillContext,
  ) {}

  needed(bytes: number, rows: number): number {
    return heldBytesNeeded(bytes, rows);
  }

  async *whole(held: Page, streamed: AsyncIterable<Page>): AsyncGenerator<Page> {
    const { memory, signal } = this.ctx;
    const marks = await markHeld(this.node, held, { build: streamed, filter: this.filter, memory, signal });
    if (held.rowCount > 0) yield* pagesOf(withMarks(held, marks));
  }

  async *chunked(chunks: AsyncIterable<Page>, streamed: () => AsyncIterable<Page>): AsyncGenerator<Page> {
    for await (const chunk of chunks) yield* this.whole(chunk, streamed());
  }
}

function* pagesOf(page: Page): Iterable<Page> {
  for (let s = 0; s < page.rowCount; s += PAGE_ROWS)
    yield slicePage(page, s, Math.min(page.rowCount, s + PAGE_ROWS));
}
