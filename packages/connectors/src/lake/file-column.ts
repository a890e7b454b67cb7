import { constantBlock, FILE_COLUMN, INTEGER, ROW_COLUMN, VARCHAR, type Block, type Page } from '@quarry/sql';
import type { LakeReader, LakeSplitInfo } from './reader.js';

/**
 * Pages of a whole-file split with the synthetic columns `$file` (the file's path in the table, as
 * the table's versions list it) and `$row` (the row's position in the file) where the columns name
 * them: what a row-level write's scan reads.
 */
export async function* withFileColumns(
  reader: LakeReader,
  options: { split: LakeSplitInfo; columns: readonly string[]; file: string },
): AsyncIterable<Page> {
  const { split, columns, file } = options;
  const stored = columns.filter((c) => c !== FILE_COLUMN && c !== ROW_COLUMN);
  let position = split.rowStart;
  for await (const page of reader.pages(split, stored)) {
    const path = constantBlock(VARCHAR, file, page.rowCount);
    const rows = positions(position, page.rowCount);
    position += page.rowCount;
    let next = 0;
    const blocks = columns.map((c) =>
      c === FILE_COLUMN ? path : c === ROW_COLUMN ? rows : page.blocks[next++]!,
    );
    yield { blocks, rowCount: page.rowCount };
  }
}

function positions(from: number, count: number): Block {
  const values = new Int32Array(count);
  for (let i = 0; i < count; i++) values[i] = from + i;
  return { type: INTEGER, length: count, values, nulls: undefined };
}

export function isSyntheticColumn(name: string): boolean {
  return name === FILE_COLUMN || name === ROW_COLUMN;
}
