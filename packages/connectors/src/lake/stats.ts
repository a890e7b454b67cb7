import {
  normalizeLong,
  physicalKind,
  type Block,
  type ColumnConstraint,
  type DataType,
  type PhysicalKind,
  DistinctSketch,
  hashBlock,
} from '@quarry/sql';

/**
 * Column statistics of a row group or file, as kept in table metadata: null count, min/max on
 * native values when known, and a sketch of the distinct non-null values (`sketch.ts`, encoded).
 * JSON-safe encoding by layout: `long` values as decimal strings, doubles as numbers (omitted when
 * the data holds NaN or an infinity), booleans and strings as they are. Strings longer than
 * {@link STRING_STATS_LENGTH} keep a prefix as min (still a lower bound) and no max. Min and max
 * follow the engine's comparisons (numbers by value, strings by UTF-16 code unit). Table versions
 * keep sketches for whole files only (the commit drops the row groups'); files written before
 * sketches existed have none.
 */
export interface EncodedStats {
  readonly nulls: number;
  readonly min?: EncodedValue;
  readonly max?: EncodedValue;
  readonly sketch?: string;
}

export type EncodedValue = number | string | boolean;

export const STRING_STATS_LENGTH = 64;

type Native = number | bigint | string | boolean;

/** Statistics being gathered over blocks of one column. */
export class StatsAccumulator {
  /** NULLs seen. */
  nulls = 0;
  private min: Native | undefined;
  private max: Native | undefined;
  /** A NaN was seen: min/max are not meaningful for range tests. */
  private unordered = false;
  private readonly kind: PhysicalKind;
  private readonly sketch = new DistinctSketch();

  constructor(readonly type: DataType) {
    this.kind = physicalKind(type);
  }

  add(block: Block): void {
    const { values, nulls } = block;
    const bool = this.kind === 'bool';
    if (this.kind === 'object') {
      for (let i = 0; i < block.length; i++) if (nulls !== undefined && nulls[i] === 1) this.nulls++;
      hashBlock(block, this.kind, this.sketch);
      return;
    }
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < block.length; i++) {
      if (nulls !== undefined && nulls[i] === 1) {
        this.nulls++;
        continue;
      }
      const raw = values[i]!;
      const v = (bool ? raw === 1 : raw) as Native;
      if (typeof v === 'number' && Number.isNaN(v)) {
        this.unordered = true;
        continue;
      }
      if (min === undefined || v < min) min = v;
      if (max === undefined || v > max) max = v;
    }
    this.min = min;
    this.max = max;
    hashBlock(block, this.kind, this.sketch);
  }

  merge(other: StatsAccumulator): void {
    this.nulls += other.nulls;
    this.sketch.merge(other.sketch);
    this.unordered ||= other.unordered;
    if (other.min !== undefined && (this.min === undefined || other.min < this.min)) this.min = other.min;
    if (other.max !== undefined && (this.max === undefined || other.max > this.max)) this.max = other.max;
  }

  encode(): EncodedStats {
    return { nulls: this.nulls, ...this.encodeRange(), sketch: this.sketch.encode() };
  }

  private encodeRange(): { min?: EncodedValue; max?: EncodedValue } {
    if (this.unordered || this.min === undefined || this.max === undefined) return {};
    switch (this.kind) {
      case 'long':
        return { min: String(this.min), max: String(this.max) };
      case 'float64':
      case 'int32':
        return Number.isFinite(this.min) && Number.isFinite(this.max)
          ? { min: this.min as number, max: this.max as number }
          : {};
      case 'string': {
        const min = (this.min as string).slice(0, STRING_STATS_LENGTH);
        const max = this.max as string;
        return max.length <= STRING_STATS_LENGTH ? { min, max } : { min };
      }
      case 'bool':
        return { min: this.min as boolean, max: this.max as boolean };
      case 'object':
        return {};
    }
  }
}

function decode(kind: PhysicalKind, v: EncodedValue | undefined): Native | undefined {
  if (v === undefined) return undefined;
  return kind === 'long' ? normalizeLong(BigInt(v as string)) : v;
}

/** Whether a native value has the JavaScript type the column's layout uses. */
function fits(kind: PhysicalKind, v: unknown): v is Native {
  switch (kind) {
    case 'long':
      return typeof v === 'number' || typeof v === 'bigint';
    case 'int32':
    case 'float64':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
    case 'object':
      return false;
  }
}

/**
 * False when statistics prove that no row of a row group (or file) of `rows` rows satisfies the
 * constraint; true when some might. A constraint value of the wrong JavaScript type for the column
 * is ignored (no pruning rather than a wrong one).
 */
export function mayMatch(
  type: DataType,
  stats: EncodedStats,
  rows: number,
  constraint: ColumnConstraint,
): boolean {
  if (constraint.nullAllowed && stats.nulls > 0) return true;
  if (rows > 0 && stats.nulls >= rows) return false; // only NULLs, and NULL does not satisfy
  const kind = physicalKind(type);
  const min = decode(kind, stats.min);
  const max = decode(kind, stats.max);
  const { low, high, values } = constraint;
  if (low !== undefined && fits(kind, low.value) && max !== undefined) {
    if (max < low.value || (!low.inclusive && max === low.value)) return false;
  }
  if (high !== undefined && fits(kind, high.value) && min !== undefined) {
    if (min > high.value || (!high.inclusive && min === high.value)) return false;
  }
  if (values !== undefined && values.every((v) => fits(kind, v))) {
    // NaN is neither below min nor above max, yet equals nothing: it must not keep data alive.
    const inside = values.some(
      (v) =>
        !(typeof v === 'number' && Number.isNaN(v)) &&
        (min === undefined || !((v as Native) < min)) &&
        (max === undefined || !((v as Native) > max)),
    );
    if (!inside) return false;
  }
  return true;
}

/** Whether every constrained column of a row group or file may match. */
export function mayMatchAll(
  columns: readonly { readonly name: string; readonly type: DataType }[],
  stats: readonly EncodedStats[],
  rows: number,
  constraint: Readonly<Record<string, ColumnConstraint>> | undefined,
): boolean {
  if (constraint === undefined) return true;
  for (const [name, c] of Object.entries(constraint)) {
    const i = columns.findIndex((col) => col.name === name);
    const s = stats[i];
    if (i < 0 || s === undefined) continue;
    if (!mayMatch(columns[i]!.type, s, rows, c)) return false;
  }
  return true;
}
