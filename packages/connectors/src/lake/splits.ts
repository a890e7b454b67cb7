import type { ColumnConstraint, Split } from '@quarry/sql';
import type { DataFileEntry, LakeColumn } from './metadata.js';
import type { LakeSplitInfo } from './reader.js';
import { mayMatchAll } from './stats.js';

/**
 * One split per row group of `files` (with `wholeFiles`, one per file: a row-level write's scan), skipping files and then row groups whose statistics show
 * that no row can satisfy `constraint`. `uriOf` turns a file entry's path into the URI workers read.
 */
export function rowGroupSplits(
  target: { catalog: string; columns: readonly LakeColumn[]; external?: boolean; wholeFiles?: boolean },
  files: readonly DataFileEntry[],
  constraint: Readonly<Record<string, ColumnConstraint>> | undefined,
  uriOf: (path: string) => string,
): Split[] {
  const { catalog, columns } = target;
  const splits: Split[] = [];
  for (const file of files) {
    if (!mayMatchAll(columns, file.stats, file.rows, constraint)) continue;
    if (target.wholeFiles) {
      const info: LakeSplitInfo = {
        uri: uriOf(file.path),
        bytes: file.bytes,
        rowGroup: 0,
        rowStart: 0,
        rowEnd: file.rows,
        columns,
      };
      splits.push({ catalog, info, rows: file.rows });
      continue;
    }
    let rowStart = 0;
    file.rowGroups.forEach((group, rowGroup) => {
      const start = rowStart;
      rowStart += group.rows;
      if (!mayMatchAll(columns, group.stats, group.rows, constraint)) return;
      const info: LakeSplitInfo = {
        uri: uriOf(file.path),
        bytes: file.bytes,
        rowGroup,
        rowStart: start,
        rowEnd: start + group.rows,
        columns,
        ...(target.external ? { external: true } : {}),
      };
      splits.push({ catalog, info, rows: group.rows });
    });
  }
  return splits;
}
