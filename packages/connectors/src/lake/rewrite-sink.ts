import { internalError, QuarryError } from '@quarry/common';
import {
  ROW_OP,
  takePage,
  valueAt,
  type Block,
  type Page,
  type WriteFragment,
  type WriteSink,
} from '@quarry/sql';
import { lakeFragmentInfo, type LakeFragmentInfo, type LakeWriteSink } from './writer.js';

/** What a row-level write's sink reports: the new files, and the files they replace. */
export interface LakeRewriteInfo extends LakeFragmentInfo {
  /** Paths (relative to the table's directory) of the files this attempt rewrote. */
  readonly replaced: readonly string[];
}

/** The rows seen of one source file: its surviving rows (new values), and how many changed. */
interface FileRows {
  readonly kept: Page[];
  changed: number;
  /** MERGE: the `$op` of each row position seen, to find a target row given twice. */
  readonly seen?: Map<number, number>;
}

/**
 * The copy-on-write sink of a row-level write (DELETE, UPDATE, MERGE). Its pages are `[$file,
 * $row, $op, …the table's columns]` (`RowLevelWrite` in the SPI); it gathers each source file's
 * surviving rows and, once the file's rows are all seen, writes them through a plain lake sink if
 * some row of the file was deleted or updated, and drops them otherwise (the file stays as it is).
 * Inserted rows are written at once. With `contiguous` input a file is complete when the next one
 * begins, so memory holds one file's rows; otherwise every file is complete only at `finish`. With
 * `merge`, a target row given twice (matched by two source rows) is an error if either changes it,
 * and written once otherwise. The fragment lists the new files, the replaced ones and, as its
 * `rows`, the rows deleted, updated or inserted.
 */
export class LakeRewriteSink implements WriteSink {
  private readonly files = new Map<string, FileRows>();
  private readonly replaced: string[] = [];
  private changed = 0;

  constructor(
    private readonly out: LakeWriteSink,
    private readonly options: { contiguous: boolean; merge: boolean },
  ) {}

  async appendPage(page: Page): Promise<void> {
    const [fileBlock, rowBlock, opBlock, ...columns] = page.blocks;
    if (!fileBlock || !rowBlock || !opBlock)
      throw internalError('lake rewrite sink: a page without $file, $row and $op');
    const data: Page = { blocks: columns, rowCount: page.rowCount };
    let start = 0;
    while (start < page.rowCount) {
      const file = valueAt(fileBlock, start) as string | null;
      let end = start + 1;
      while (end < page.rowCount && valueAt(fileBlock, end) === file) end++;
      if (file === null) await this.insert(data, { opBlock, start, end });
      else await this.gather(file, data, { rowBlock, opBlock, start, end });
      start = end;
    }
  }

  async finish(): Promise<WriteFragment> {
    await this.flushAll();
    const inner = await this.out.finish();
    const info: LakeRewriteInfo = { ...lakeFragmentInfo(inner.info), replaced: this.replaced };
    return { rows: this.changed, info };
  }

  abort(): Promise<void> {
    this.files.clear();
    return this.out.abort();
  }

  /** Rows of no file: MERGE's inserted rows (written now) and source rows no clause took. */
  private async insert(data: Page, at: { opBlock: Block; start: number; end: number }): Promise<void> {
    const take: number[] = [];
    for (let i = at.start; i < at.end; i++) {
      const op = valueAt(at.opBlock, i);
      if (op === ROW_OP.insert) take.push(i);
      else if (op !== ROW_OP.skip)
        throw internalError(`lake rewrite sink: a row without a file has $op ${String(op)}`);
    }
    if (take.length === 0) return;
    this.changed += take.length;
    await this.out.appendPage(takePage(data, take));
  }

  private async gather(
    file: string,
    data: Page,
    at: { rowBlock: Block; opBlock: Block; start: number; end: number },
  ): Promise<void> {
    if (this.options.contiguous && !this.files.has(file)) await this.flushAll();
    let rows = this.files.get(file);
    if (!rows) {
      rows = { kept: [], changed: 0, ...(this.options.merge ? { seen: new Map<number, number>() } : {}) };
      this.files.set(file, rows);
    }
    const keep: number[] = [];
    for (let i = at.start; i < at.end; i++) {
      const op = valueAt(at.opBlock, i) as number;
      if (rows.seen && !firstSight(rows.seen, valueAt(at.rowBlock, i) as number, op)) continue;
      if (op === ROW_OP.update || op === ROW_OP.delete) rows.changed++;
      else if (op !== ROW_OP.keep) throw internalError(`lake rewrite sink: a row of ${file} has $op ${op}`);
      if (op !== ROW_OP.delete) keep.push(i);
    }
    if (keep.length > 0) rows.kept.push(takePage(data, keep));
  }

  /** Writes every file gathered so far that changed, and forgets them all. */
  private async flushAll(): Promise<void> {
    for (const [file, rows] of this.files) {
      if (rows.changed === 0) continue;
      for (const page of rows.kept) await this.out.appendPage(page);
      this.replaced.push(file);
      this.changed += rows.changed;
    }
    this.files.clear();
  }
}

/**
 * Whether a target row is seen for the first time; a row seen again (matched by a second source
 * row) is dropped if neither sight changes it, and is Trino's error if one does.
 */
function firstSight(seen: Map<number, number>, row: number, op: number): boolean {
  const before = seen.get(row);
  if (before === undefined) {
    seen.set(row, op);
    return true;
  }
  if (before === ROW_OP.keep && op === ROW_OP.keep) return false;
  throw new QuarryError(
    'MERGE_TARGET_ROW_MULTIPLE_MATCHES',
    'One MERGE target table row matched more than one source row',
  );
}
