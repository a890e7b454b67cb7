import type { Page } from '../page/block.js';
import { concatPages, pageBytes } from '../page/block.js';
import type { CompiledFilter } from '../expr/compile.js';
import type { JoinNode } from '../plan/nodes.js';
import type { SpillSpace } from '../spi/spill.js';
import type { DataType } from '../types/types.js';
import { emptyPage } from './buffer.js';
import { JoinBuild, buildBytesNeeded, outerSides } from './join-build.js';
import { checkCancelled, type Operator, type TaskContext } from './operator.js';
import { readSpilled, spillPageBytes } from './spill-pages.js';
import { MAX_SPILL_LEVELS, PartitionedSpill, type SpilledPart } from './spill-partitions.js';

type SpillContext = TaskContext & { readonly spill: SpillSpace };

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

/**
 * The spilling half of a hash join, a grace hash join: once the build side passes the task's
 * memory, its rows are split by a hash of the join keys into 16 spill files, then the probe side's
 * rows by the same hash of theirs; rows with equal keys meet in the same partition, so each pair of
 * files is joined alone, by the in-memory join (`JoinBuild`), and deleted. Unmatched rows of a
 * partition are unmatched in the whole join — every join type keeps its meaning, the residual
 * filter included; only the order of the output rows changes.
 *
 * A build partition that still does not fit is split again, both sides, by other hash bits
 * ({@link MAX_SPILL_LEVELS} levels). When a split makes no progress (one key, or keys whose hashes
 * collide, holds all the partition's rows) or there are no keys to split by (a nested-loop join),
 * the partition is joined in chunks of the build side that fit, each against the whole probe file
 * read again: build rows see every probe row within their chunk, and probe rows' matches are
 * recorded across chunks, one byte per probe row, so that LEFT and FULL joins emit the probe rows
 * no chunk matched at the end.
 */
export class SpillingJoin {
  private readonly pageBytes: number;
  private readonly build: PartitionedSpill;
  private readonly probeTypes: readonly DataType[];
  private readonly buildTypes: readonly DataType[];
  private readonly keepProbe: boolean;
  private readonly keepBuild: boolean;

  constructor(
    private readonly node: JoinNode,
    private readonly filter: CompiledFilter | undefined,
    private readonly ctx: SpillContext,
  ) {
    this.pageBytes = spillPageBytes(ctx.memory.limitBytes);
    this.build = this.partitioned(node.rightKeys, 0);
    this.probeTypes = node.input.outputs.map((c) => c.type);
    this.buildTypes = node.build.outputs.map((c) => c.type);
    ({ keepProbe: this.keepProbe, keepBuild: this.keepBuild } = outerSides(node));
  }

  addBuild(page: Page): Promise<void> {
    return this.build.add(page);
  }

  /** The joined rows, partition by partition; every spill file is deleted, also when the reader stops early. */
  async *join(probe: Operator): AsyncGenerator<Page> {
    const builds = await this.build.finish();
    const probes: (SpilledPart | undefined)[] = [];
    try {
      const split = this.partitioned(this.node.leftKeys, 0);
      for await (const page of probe.execute()) {
        checkCancelled(this.ctx.signal);
        await split.add(page);
      }
      probes.push(...(await split.finish()));
      for (let p = 0; p < builds.length; p++) yield* this.joinPartition(builds[p], probes[p], 0);
    } finally {
      await deleteAll([...builds, ...probes]);
    }
  }

  private async *joinPartition(
    build: SpilledPart | undefined,
    probe: SpilledPart | undefined,
    level: number,
  ): AsyncGenerator<Page> {
    // no build rows: only LEFT and FULL joins keep probe rows; no probe rows: only RIGHT and FULL keep build rows
    if ((!build && !this.keepProbe) || (!probe && !this.keepBuild)) return;
    const { ctx } = this;
    try {
      const loaded = build ? await this.load(build) : { page: emptyPage(this.buildTypes), reserved: 0 };
      if (loaded) {
        const joined = new JoinBuild(this.node, loaded.page, this.filter);
        const reserved = ctx.memory.update(loaded.reserved, pageBytes(loaded.page) + joined.bytes());
        try {
          yield* probeAll(joined, this.read(probe), { keepProbe: this.keepProbe, signal: ctx.signal });
        } finally {
          ctx.memory.update(reserved, 0);
        }
        return;
      }
      if (this.node.rightKeys.length === 0 || level + 1 >= MAX_SPILL_LEVELS) {
        yield* this.chunked(build!, probe);
        return;
      }
      yield* this.split(build!, probe, level + 1);
    } finally {
      await deleteAll([build, probe]);
    }
  }

  /** Splits both sides of a partition by the next level's hash bits and joins the parts. */
  private async *split(
    build: SpilledPart,
    probe: SpilledPart | undefined,
    level: number,
  ): AsyncGenerator<Page> {
    const builds = await this.resplit(build, this.node.rightKeys, this.buildTypes, level);
    const probes = probe ? await this.resplit(probe, this.node.leftKeys, this.probeTypes, level) : [];
    try {
      for (let p = 0; p < builds.length; p++) {
        const part = builds[p];
        // all the rows again in one part: splitting further cannot help
        if (part && part.rows === build.rows) yield* this.chunked(part, probes[p]);
        else yield* this.joinPartition(part, probes[p], level);
      }
    } finally {
      await deleteAll([...builds, ...probes]);
    }
  }

  private async resplit(
    part: SpilledPart,
    keys: readonly number[],
    types: readonly DataType[],
    level: number,
  ): Promise<(SpilledPart | undefined)[]> {
    const split = this.partitioned(keys, level);
    for await (const page of readSpilled(part.file, types)) {
      checkCancelled(this.ctx.signal);
      await split.add(page);
    }
    await part.file.delete();
    return split.finish();
  }

  /** The build partition's rows as one page, when they fit in memory with their index; else undefined. */
  private async load(part: SpilledPart): Promise<{ page: Page; reserved: number } | undefined> {
    const { memory } = this.ctx;
    const pages: Page[] = [];
    let bytes = 0;
    let rows = 0;
    let reserved = 0;
    for await (const page of readSpilled(part.file, this.buildTypes)) {
      checkCancelled(this.ctx.signal);
      bytes += pageBytes(page);
      rows += page.rowCount;
      if (!memory.fits(reserved, buildBytesNeeded(bytes, rows))) {
        memory.update(reserved, 0);
        return undefined;
      }
      pages.push(page);
      reserved = memory.update(reserved, bytes);
    }
    reserved = memory.update(reserved, bytes * 2);
    const page = concatPages(this.buildTypes, pages);
    return { page, reserved: memory.update(reserved, pageBytes(page)) };
  }

  /** A block nested-loop join of a partition: chunks of its build rows, each against all its probe rows. */
  private async *chunked(build: SpilledPart, probe: SpilledPart | undefined): AsyncGenerator<Page> {
    const { memory } = this.ctx;
    // per probe row of the partition, whether some chunk matched it (LEFT and FULL)
    const seen = this.keepProbe && probe ? new Uint8Array(probe.rows) : undefined;
    let held = memory.update(0, seen?.byteLength ?? 0);
    let chunk: Page[] = [];
    let bytes = 0;
    let rows = 0;
    try {
      for await (const page of readSpilled(build.file, this.buildTypes)) {
        checkCancelled(this.ctx.signal);
        const more = buildBytesNeeded(bytes + pageBytes(page), rows + page.rowCount);
        if (chunk.length > 0 && !memory.fits(held, (seen?.byteLength ?? 0) + more)) {
          yield* this.joinChunk(chunk, probe, seen);
          held = memory.update(held, seen?.byteLength ?? 0);
          chunk = [];
          bytes = 0;
          rows = 0;
        }
        chunk.push(page);
        bytes += pageBytes(page);
        rows += page.rowCount;
        held = memory.update(held, (seen?.byteLength ?? 0) + bytes);
      }
      if (chunk.length > 0) yield* this.joinChunk(chunk, probe, seen);
      chunk = [];
      if (seen) {
        const none = new JoinBuild(this.node, emptyPage(this.buildTypes), this.filter);
        let offset = 0;
        for await (const page of this.read(probe)) {
          yield* none.unmatchedProbe(page, seen, offset);
          offset += page.rowCount;
        }
      }
    } finally {
      memory.update(held, 0);
    }
  }

  /** Joins one chunk of build pages against every probe row of the partition, recording probe matches in `seen`. */
  private async *joinChunk(
    chunk: readonly Page[],
    probe: SpilledPart | undefined,
    seen: Uint8Array | undefined,
  ): AsyncGenerator<Page> {
    const { memory } = this.ctx;
    const page = concatPages(this.buildTypes, chunk);
    const joined = new JoinBuild(this.node, page, this.filter);
    const reserved = memory.update(0, pageBytes(page) + joined.bytes());
    try {
      let offset = 0;
      for await (const p of this.read(probe)) {
        checkCancelled(this.ctx.signal);
        const matched = seen ? new Uint8Array(p.rowCount) : undefined;
        yield* joined.matches(p, matched);
        if (seen) for (let i = 0; i < p.rowCount; i++) seen[offset + i]! |= matched![i]!;
        offset += p.rowCount;
      }
      yield* joined.unmatchedBuild();
    } finally {
      memory.update(reserved, 0);
    }
  }

  private async *read(part: SpilledPart | undefined): AsyncGenerator<Page> {
    if (part) yield* readSpilled(part.file, this.probeTypes);
  }

  private partitioned(keys: readonly number[], level: number): PartitionedSpill {
    return new PartitionedSpill(this.ctx.spill, { level, keys, pageBytes: this.pageBytes });
  }
}

async function deleteAll(parts: readonly (SpilledPart | undefined)[]): Promise<void> {
  await Promise.all(parts.map((p) => p?.file.delete()));
}
