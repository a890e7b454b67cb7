import { constantBlock, FILE_COLUMN, VARCHAR, type Page } from '@quarry/sql';
import type { LakeReader, LakeSplitInfo } from './reader.js';

/**
 * Pages of a whole-file split with the synthetic `$file` column (the file's path in the table, as
 * the table's versions list it) where the columns name it: what a row-level write's scan reads.
 */
export async function* withFileColumn(
  reader: LakeReader,
  options: { split: LakeSplitInfo; columns: readonly string[]; file: string },
): AsyncIterable<Page> {
  const { split, columns, file } = options;
  const stored = columns.filter((c) => c !== FILE_COLUMN);
  for await (const page of reader.pages(split, stored)) {
    const path = constantBlock(VARCHAR, file, page.rowCount);
    let next = 0;
    const blocks = columns.map((c) => (c === FILE_COLUMN ? path : page.blocks[next++]!));
    yield { blocks, rowCount: page.rowCount };
  }
}
