import { DistinctSketch, physicalKind } from '@quarry/sql';
import type { LakeColumn, TableVersion } from './metadata.js';
import type { EncodedStats } from './stats.js';

/**
 * Distinct non-null values per column of a table version, for the planner: the union of its files'
 * sketches, bounded by what is certain — at most the column's non-null rows, for integers (dates
 * and decimals included) at most the values between min and max, for booleans two — and at least
 * one when there is a non-null value. Undefined for a column when some file has no sketch for it
 * (written before sketches were kept): the planner then guesses, as before.
 */
export function distinctCounts(version: TableVersion): (number | undefined)[] {
  return version.columns.map((column, i) => {
    const files: FileColumn[] = [];
    for (const f of version.files) {
      const stats = f.stats[i];
      if (stats?.sketch === undefined) return undefined;
      files.push({ nonNull: f.rows - stats.nulls, stats });
    }
    const union = new DistinctSketch();
    for (const f of files) {
      const sketch = DistinctSketch.decode(f.stats.sketch!);
      if (!sketch) return undefined;
      union.merge(sketch);
    }
    const nonNull = files.reduce((n, f) => n + f.nonNull, 0);
    if (nonNull <= 0) return 0;
    const bound = Math.min(nonNull, valuesBetween(column, files) ?? Infinity);
    return Math.max(1, Math.min(bound, Math.round(union.estimate())));
  });
}

/** One column's statistics in one file. */
interface FileColumn {
  readonly nonNull: number;
  readonly stats: EncodedStats;
}

/** How many values an integer or boolean column can hold between its smallest and largest. */
function valuesBetween(column: LakeColumn, files: readonly FileColumn[]): number | undefined {
  const kind = physicalKind(column.type);
  if (kind === 'bool') return 2;
  if (kind !== 'int32' && kind !== 'long') return undefined;
  let min: bigint | undefined;
  let max: bigint | undefined;
  for (const { nonNull, stats } of files) {
    if (nonNull <= 0) continue;
    if (stats.min === undefined || stats.max === undefined) return undefined;
    const lo = BigInt(stats.min);
    const hi = BigInt(stats.max);
    if (min === undefined || lo < min) min = lo;
    if (max === undefined || hi > max) max = hi;
  }
  return min === undefined || max === undefined ? undefined : Number(max - min + 1n);
}

/**
 * Distinct counts per table, computed once per version: planning reads the current version each
 * time, but merges the sketches only when the version changed.
 */
export class DistinctCountCache {
  private readonly byTable = new Map<string, { version: number; counts: (number | undefined)[] }>();

  get(tableDir: string, version: TableVersion): (number | undefined)[] {
    const cached = this.byTable.get(tableDir);
    if (cached?.version === version.version) return cached.counts;
    const counts = distinctCounts(version);
    this.byTable.set(tableDir, { version: version.version, counts });
    return counts;
  }
}
