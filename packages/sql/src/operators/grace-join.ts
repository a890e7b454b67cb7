import type { Page } from '../page/block.js';
import { concatPages, pageBytes } from '../page/block.js';
import type { SpillSpace } from '../spi/spill.js';
import type { DataType } from '../types/types.js';
import { emptyPage } from './buffer.js';
import { checkCancelled, type Operator, type TaskContext } from './operator.js';
import { readSpilled, spillPageBytes } from './spill-pages.js';
import { MAX_SPILL_LEVELS, PartitionedSpill, type SpilledPart } from './spill-partitions.js';

export type SpillContext = TaskContext & { readonly spill: SpillSpace };

/** A join's two inputs as the grace join sees them: the key columns and types of each side. */
export interface JoinSides {
  readonly buildKeys: readonly number[];
  readonly probeKeys: readonly number[];
  readonly buildTypes: readonly DataType[];
  readonly probeTypes: readonly DataType[];
}

/** What a kind of join does with one partition's rows (the hash join's and the semi join's answers). */
export interface PartitionJoin {
  /** Bytes to hold a build side of `bytes` in `rows` rows while it is concatenated and indexed. */
  needed(bytes: number, rows: number): number;
  /** Whether a partition without build rows still gives output (outer probe rows, marks). */
  readonly emptyBuildCounts: boolean;
  /** Whether a partition without probe rows still gives output (outer build rows). */
  readonly emptyProbeCounts: boolean;
  /** Joins a partition whose build rows fit in memory (`build`, reserved by the caller). */
  whole(build: Page, probe: AsyncIterable<Page>): AsyncIterable<Page>;
  /**
   * Joins a partition that does not fit: `chunks` are its build rows in pages that fit (each
   * reserved while the loop body runs), `probe()` reads its `probeRows` probe rows again each call.
   */
  chunked(
    chunks: AsyncIterable<Page>,
    probe: () => AsyncIterable<Page>,
    probeRows: number,
  ): AsyncIterable<Page>;
}

/** A build side gathered in memory (its bytes reserved), or handed to a grace join that spills it. */
export type GatheredBuild =
  | { readonly page: Page; readonly reserved: number; readonly spilled?: undefined }
  | { readonly spilled: GraceJoin };

/**
 * Gathers a join's build input into one page while `join.needed` of it fits in the task's memory.
 * Past that, with spilling on, the pages so far and all the rest go to the grace join `spilling()`
 * makes; with spilling off, the memory limit fails the task (EXCEEDED_LOCAL_MEMORY_LIMIT).
 */
export async function gatherBuild(
  input: Operator,
  ctx: TaskContext,
  options: {
    readonly types: readonly DataType[];
    readonly needed: (bytes: number, rows: number) => number;
    readonly spilling: (ctx: SpillContext) => GraceJoin;
  },
): Promise<GatheredBuild> {
  const { memory, spill } = ctx;
  let grace: GraceJoin | undefined;
  let pages: Page[] = [];
  let bytes = 0;
  let rows = 0;
  let reserved = 0;
  try {
    for await (const page of input.execute()) {
      checkCancelled(ctx.signal);
      if (page.rowCount === 0) continue;
      if (grace) {
        await grace.addBuild(page);
        continue;
      }
      pages.push(page);
      bytes += pageBytes(page);
      rows += page.rowCount;
      if (spill && !memory.fits(reserved, options.needed(bytes, rows))) {
        grace = options.spilling({ ...ctx, spill });
        for (const p of pages) await grace.addBuild(p);
        pages = [];
        reserved = memory.update(reserved, 0);
        continue;
      }
      reserved = memory.update(reserved, bytes);
    }
    if (grace) return { spilled: grace };
    // concatenating copies: hold both until the parts are released
    reserved = memory.update(reserved, bytes * 2);
    const page = pages.length ? concatPages(options.types, pages) : emptyPage(options.types);
    reserved = memory.update(reserved, pageBytes(page));
    return { page, reserved };
  } catch (e) {
    memory.update(reserved, 0);
    throw e;
  }
}

/**
 * The spilling half of the hash joins, a grace hash join: once the build side passes the task's
 * memory, its rows are split by a hash of the join keys into 16 spill files, then the probe side's
 * rows by the same hash of theirs; rows with equal keys meet in the same partition, so each pair of
 * files is joined alone by the join's in-memory code ({@link PartitionJoin}) and deleted.
 *
 * A build partition that still does not fit is split again, both sides, by other hash bits
 * ({@link MAX_SPILL_LEVELS} levels). When a split makes no progress (one key, or keys whose hashes
 * collide, holds all the partition's rows), at the last level, or when there are no keys to split
 * by (a nested loop), the partition is joined in chunks of its build rows that fit, each against
 * all its probe rows read again from their file.
 */
export class GraceJoin {
  private readonly pageBytes: number;
  private readonly build: PartitionedSpill;

  constructor(
    private readonly sides: JoinSides,
    private readonly join: PartitionJoin,
    private readonly ctx: SpillContext,
  ) {
    this.pageBytes = spillPageBytes(ctx.memory.limitBytes);
    this.build = this.partitioned(sides.buildKeys, 0);
  }

  addBuild(page: Page): Promise<void> {
    return this.build.add(page);
  }

  /** The joined rows, partition by partition; every spill file is deleted, also when the reader stops early. */
  async *execute(probe: Operator): AsyncGenerator<Page> {
    const builds = await this.build.finish();
    const probes: (SpilledPart | undefined)[] = [];
    try {
      const split = this.partitioned(this.sides.probeKeys, 0);
      for await (const page of probe.execute()) {
        checkCancelled(this.ctx.signal);
        await split.add(page);
      }
      probes.push(...(await split.finish()));
      for (let p = 0; p < builds.length; p++) yield* this.partition(builds[p], probes[p], 0);
    } finally {
      await deleteAll([...builds, ...probes]);
    }
  }

  private async *partition(
    build: SpilledPart | undefined,
    probe: SpilledPart | undefined,
    level: number,
  ): AsyncGenerator<Page> {
    const { join, ctx } = this;
    if ((!build && !join.emptyBuildCounts) || (!probe && !join.emptyProbeCounts)) return;
    try {
      const loaded = build ? await this.load(build) : { page: emptyPage(this.sides.buildTypes), reserved: 0 };
      if (loaded) {
        try {
          yield* join.whole(loaded.page, this.read(probe));
        } finally {
          ctx.memory.update(loaded.reserved, 0);
        }
      } else if (this.sides.buildKeys.length === 0 || level + 1 >= MAX_SPILL_LEVELS) {
        yield* this.chunked(build!, probe);
      } else {
        yield* this.split(build!, probe, level + 1);
      }
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
    const { sides } = this;
    const builds = await this.resplit(build, sides.buildKeys, sides.buildTypes, level);
    const probes = probe ? await this.resplit(probe, sides.probeKeys, sides.probeTypes, level) : [];
    try {
      for (let p = 0; p < builds.length; p++) {
        const part = builds[p];
        // all the rows again in one part: splitting further cannot help
        if (part && part.rows === build.rows) yield* this.chunked(part, probes[p]);
        else yield* this.partition(part, probes[p], level);
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

  /** The build partition's rows as one page, reserved, when they fit in memory with their index; else undefined. */
  private async load(part: SpilledPart): Promise<{ page: Page; reserved: number } | undefined> {
    const { memory } = this.ctx;
    const pages: Page[] = [];
    let bytes = 0;
    let rows = 0;
    let reserved = 0;
    for await (const page of readSpilled(part.file, this.sides.buildTypes)) {
      checkCancelled(this.ctx.signal);
      bytes += pageBytes(page);
      rows += page.rowCount;
      if (!memory.fits(reserved, this.join.needed(bytes, rows))) {
        memory.update(reserved, 0);
        return undefined;
      }
      pages.push(page);
      reserved = memory.update(reserved, bytes);
    }
    reserved = memory.update(reserved, bytes * 2);
    const page = concatPages(this.sides.buildTypes, pages);
    return { page, reserved: memory.update(reserved, pageBytes(page)) };
  }

  private chunked(build: SpilledPart, probe: SpilledPart | undefined): AsyncIterable<Page> {
    return this.join.chunked(this.chunks(build), () => this.read(probe), probe?.rows ?? 0);
  }

  /**
   * A partition's build rows in pages that fit in what memory is left (less what the join holds
   * already), each reserved until the next is asked for.
   */
  private async *chunks(build: SpilledPart): AsyncGenerator<Page> {
    const { memory } = this.ctx;
    const { buildTypes } = this.sides;
    let chunk: Page[] = [];
    let bytes = 0;
    let rows = 0;
    let held = 0;
    // the chunk as one page (the parts and the copy held while it is made)
    const whole = (): Page => {
      held = memory.update(held, 2 * bytes);
      const page = concatPages(buildTypes, chunk);
      chunk = [];
      bytes = 0;
      rows = 0;
      held = memory.update(held, pageBytes(page));
      return page;
    };
    try {
      for await (const page of readSpilled(build.file, buildTypes)) {
        checkCancelled(this.ctx.signal);
        const more = this.join.needed(bytes + pageBytes(page), rows + page.rowCount);
        if (chunk.length > 0 && !memory.fits(held, more)) {
          yield whole();
          held = memory.update(held, 0);
        }
        chunk.push(page);
        bytes += pageBytes(page);
        rows += page.rowCount;
        held = memory.update(held, bytes);
      }
      if (chunk.length > 0) yield whole();
    } finally {
      memory.update(held, 0);
    }
  }

  private async *read(part: SpilledPart | undefined): AsyncGenerator<Page> {
    if (part) yield* readSpilled(part.file, this.sides.probeTypes);
  }

  private partitioned(keys: readonly number[], level: number): PartitionedSpill {
    return new PartitionedSpill(this.ctx.spill, { level, keys, pageBytes: this.pageBytes });
  }
}

async function deleteAll(parts: readonly (SpilledPart | undefined)[]): Promise<void> {
  await Promise.all(parts.map((p) => p?.file.delete()));
}
