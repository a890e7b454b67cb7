import { DistinctSketch, normalizeLong, physicalKind } from '@quarry/sql';
import type { LakeColumn, TableVersion } from './metadata.js';
import type { EncodedStats, EncodedValue } from './stats.js';

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

/** What a table version's metadata says of one column, for the planner and SHOW STATS. */
export interface ColumnSummary {
  readonly distinctCount?: number;
  readonly nullsFraction?: number;
  /** Smallest and largest non-null value in the engine's layout, when every file knows its own. */
  readonly low?: unknown;
  readonly high?: unknown;
}

/** Per column: distinct values, NULL fraction and value range over the version's files. */
export function columnSummaries(version: TableVersion): ColumnSummary[] {
  const distinct = distinctCounts(version);
  const rows = version.files.reduce((n, f) => n + f.rows, 0);
  return version.columns.map((column, i) => {
    const stats = version.files.map((f) => f.stats[i]);
    const nulls = stats.reduce((n, s) => n + (s?.nulls ?? 0), 0);
    const range = valueRange(column, version, i);
    return {
      ...(distinct[i] !== undefined ? { distinctCount: distinct[i] } : {}),
      ...(rows > 0 && stats.every((s) => s !== undefined) ? { nullsFraction: nulls / rows } : {}),
      ...range,
    };
  });
}

/** The column's smallest and largest value over the files that hold non-null values. */
function valueRange(column: LakeColumn, version: TableVersion, i: number): { low?: unknown; high?: unknown } {
  const kind = physicalKind(column.type);
  if (kind === 'string') return {};
  let low: number | bigint | boolean | undefined;
  let high: number | bigint | boolean | undefined;
  for (const f of version.files) {
    const s = f.stats[i];
    if (!s) return {};
    if (f.rows - s.nulls <= 0) continue;
    if (s.min === undefined || s.max === undefined) return {};
    const lo = native(kind, s.min);
    const hi = native(kind, s.max);
    if (low === undefined || lo < low) low = lo;
    if (high === undefined || hi > high) high = hi;
  }
  if (low === undefined || high === undefined) return {};
  const engine = (v: number | bigint | boolean) =>
    kind === 'bool' ? (v ? 1 : 0) : typeof v === 'bigint' ? normalizeLong(v) : v;
  return { low: engine(low), high: engine(high) };
}

function native(kind: string, v: EncodedValue): number | bigint | boolean {
  if (kind === 'long') return BigInt(v as string);
  return v as number | boolean;
}

/**
 * Column summaries per table, computed once per version: planning reads the current version each
 * time, but merges the sketches only when the version changed.
 */
export class ColumnSummaryCache {
  private readonly byTable = new Map<string, { version: number; summaries: ColumnSummary[] }>();

  get(tableDir: string, version: TableVersion): ColumnSummary[] {
    const cached = this.byTable.get(tableDir);
    if (cached?.version === version.version) return cached.summaries;
    const summaries = columnSummaries(version);
    this.byTable.set(tableDir, { version: version.version, summaries });
    return summaries;
  }
}
