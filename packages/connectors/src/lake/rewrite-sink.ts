import { internalError } from '@quarry/common';
import { ROW_OP, takePage, valueAt, type Page, type WriteFragment, type WriteSink } from '@quarry/sql';
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
}

/**
 * The copy-on-write sink of a row-level write (DELETE, UPDATE). Its pages are `[$file, $op, …the
 * table's columns]` (`RowLevelWrite` in the SPI); it gathers each source file's surviving rows and,
 * once the file's rows are all seen, writes them through a plain lake sink if some row of the file
 * was deleted or updated, and drops them otherwise (the file stays as it is). With `contiguous`
 * input a file is complete when the next one begins, so memory holds one file's rows; otherwise
 * every file is complete only at `finish`. The fragment lists the new files, the replaced ones and,
 * as its `rows`, the rows deleted or updated.
 */
export class LakeRewriteSink implements WriteSink {
  private readonly files = new Map<string, FileRows>();
  private readonly replaced: string[] = [];
  private changed = 0;

  constructor(
    private readonly out: LakeWriteSink,
    private readonly contiguous: boolean,
  ) {}

  async appendPage(page: Page): Promise<void> {
    const [fileBlock, opBlock, ...columns] = page.blocks;
    if (!fileBlock || !opBlock) throw internalError('lake rewrite sink: a page without $file and $op');
    let start = 0;
    while (start < page.rowCount) {
      const file = valueAt(fileBlock, start) as string;
      let end = start + 1;
      while (end < page.rowCount && valueAt(fileBlock, end) === file) end++;
      if (this.contiguous && !this.files.has(file)) await this.flushAll();
      const rows = this.files.get(file) ?? { kept: [], changed: 0 };
      this.files.set(file, rows);
      const keep: number[] = [];
      for (let i = start; i < end; i++) {
        const op = valueAt(opBlock, i);
        if (op !== ROW_OP.keep) rows.changed++;
        if (op !== ROW_OP.delete) keep.push(i);
      }
      if (keep.length > 0) rows.kept.push(takePage({ blocks: columns, rowCount: page.rowCount }, keep));
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
