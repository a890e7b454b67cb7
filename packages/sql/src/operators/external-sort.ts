import type { Page } from '../page/block.js';
import { concatPages } from '../page/block.js';
import type { SortKey } from '../plan/nodes.js';
import type { SpillFile, SpillSpace } from '../spi/spill.js';
import type { DataType } from '../types/types.js';
import { mergeRuns } from './merge-runs.js';
import type { TaskContext } from './operator.js';
import { sortedPositions } from './row-order.js';
import {
  MAX_FAN_IN,
  averageRowBytes,
  readSpilled,
  rowsFor,
  spillPageBytes,
  writeRows,
} from './spill-pages.js';

/**
 * The spilling half of ORDER BY, an external merge sort: each time the buffered rows pass the task's
 * memory they are sorted (stably) and written as a *run* to a spill file; at the end the runs are
 * merged k ways, holding one page of each. When there are more runs than a merge may read at once
 * (one page per run must fit in the memory left, and at most {@link MAX_FAN_IN}), passes merge each
 * group of k consecutive runs into one run in their place until few enough are left, so that runs
 * stay in input order and the whole sort stays stable — the rows come out exactly as an in-memory
 * sort gives them.
 */
export class ExternalSort {
  private readonly runs: SpillFile[] = [];
  /** Bytes (as accounted) of an average row, from the runs written so far. */
  private rowBytes = 1;
  private readonly pageBytes: number;

  constructor(
    private readonly keys: readonly SortKey[],
    private readonly types: readonly DataType[],
    private readonly ctx: TaskContext & { readonly spill: SpillSpace },
  ) {
    this.pageBytes = spillPageBytes(ctx.memory.limitBytes);
  }

  get spilled(): boolean {
    return this.runs.length > 0;
  }

  /** Sorts buffered pages and writes them as the next run (the caller then releases their memory). */
  async addRun(pages: readonly Page[]): Promise<void> {
    const page = concatPages(this.types, pages);
    if (page.rowCount === 0) return;
    this.rowBytes = Math.max(this.rowBytes, averageRowBytes(page));
    const positions = sortedPositions(page, this.keys);
    const writer = this.ctx.spill.create();
    await writeRows(writer, page, { rows: rowsFor(this.pageBytes, this.rowBytes), positions });
    this.runs.push(await writer.finish());
  }

  /** Every row in order, in pages of at most `pageRows` rows; the runs' files are deleted as they are read. */
  async *merged(pageRows: number): AsyncGenerator<Page> {
    let runs = this.runs.splice(0);
    try {
      // passes over the runs, each merging consecutive groups of them into one run in their place
      while (runs.length > this.fanIn()) {
        const k = this.fanIn();
        const next: SpillFile[] = [];
        for (let i = 0; i < runs.length; i += k) {
          const group = runs.slice(i, i + k);
          next.push(group.length === 1 ? group[0]! : await this.mergeToRun(group));
        }
        runs = next;
      }
      yield* this.merge(runs, Math.min(pageRows, rowsFor(this.ctx.memory.available / 4, this.rowBytes)));
    } finally {
      await Promise.all(runs.map((r) => r.delete()));
    }
  }

  /** Runs one merge may read at once: a page of each in half of the memory left. */
  private fanIn(): number {
    const fit = Math.floor(this.ctx.memory.available / (2 * this.pageBytes));
    return Math.max(2, Math.min(MAX_FAN_IN, fit));
  }

  private async mergeToRun(runs: readonly SpillFile[]): Promise<SpillFile> {
    const writer = this.ctx.spill.create();
    const rows = rowsFor(this.pageBytes, this.rowBytes);
    for await (const page of this.merge(runs, rows)) await writeRows(writer, page, { rows });
    await Promise.all(runs.map((r) => r.delete()));
    return writer.finish();
  }

  private merge(runs: readonly SpillFile[], pageRows: number): AsyncGenerator<Page> {
    return mergeRuns(
      runs.map((r) => readSpilled(r, this.types)),
      {
        keys: this.keys,
        types: this.types,
        pageRows: Math.max(1, pageRows),
        memory: this.ctx.memory,
        signal: this.ctx.signal,
      },
    );
  }
}
