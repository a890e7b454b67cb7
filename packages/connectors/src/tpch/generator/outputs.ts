/**
 * Output columns of one generated chunk, in the engine's block layout: BIGINT and DECIMAL (unscaled,
 * i.e. cents) in Float64Array, INTEGER and DATE (days since 1970-01-01) in Int32Array, text in string[].
 * A table generator asks for each column's array; it gets one only if the caller wanted that column,
 * and skips the work behind the ones it does not get.
 */
import type { TpchColumn } from './schema.js';
import type { ScaleCounts } from './scale.js';

export type ColumnData = Float64Array | Int32Array | string[];

/** What a table generator is asked for: driver rows [start, start + count) at a scale. */
export interface ChunkRequest {
  readonly counts: ScaleCounts;
  readonly start: number;
  readonly count: number;
  readonly wanted: ReadonlySet<string>;
}

export interface ChunkResult {
  readonly rowCount: number;
  readonly outputs: ChunkOutputs;
}

export type TableGenerator = (request: ChunkRequest) => ChunkResult;

export class ChunkOutputs {
  private readonly data = new Map<string, ColumnData>();
  private readonly types: ReadonlyMap<string, TpchColumn['type']['kind']>;

  constructor(
    columns: readonly TpchColumn[],
    private readonly wanted: ReadonlySet<string>,
    private readonly rows: number,
  ) {
    this.types = new Map(columns.map((c) => [c.name, c.type.kind]));
  }

  /** The array for a BIGINT or DECIMAL column, or null when it was not asked for. */
  f64(name: string): Float64Array | null {
    return this.allocate(name, ['bigint', 'decimal'], () => new Float64Array(this.rows));
  }

  /** The array for an INTEGER or DATE column, or null when it was not asked for. */
  i32(name: string): Int32Array | null {
    return this.allocate(name, ['integer', 'date'], () => new Int32Array(this.rows));
  }

  /**
   * The array for a text column, or null when it was not asked for. It is created at full length
   * (filling a preallocated array is twice as fast as appending); the generator sets every element.
   */
  str(name: string): string[] | null {
    return this.allocate(name, ['varchar', 'char'], () => new Array<string>(this.rows));
  }

  /** The filled array of a wanted column. */
  get(name: string): ColumnData {
    const data = this.data.get(name);
    if (data === undefined) throw new Error(`internal error: generator did not produce column ${name}`);
    return data;
  }

  private allocate<T extends ColumnData>(name: string, kinds: readonly string[], make: () => T): T | null {
    const kind = this.types.get(name);
    if (kind === undefined || !kinds.includes(kind)) {
      throw new Error(`internal error: column ${name} is not a ${kinds.join('/')} column of this table`);
    }
    if (!this.wanted.has(name)) return null;
    const data = make();
    this.data.set(name, data);
    return data;
  }
}
