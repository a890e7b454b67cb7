import type { DataType } from '../types/types.js';
import type { Page } from '../page/block.js';

/**
 * The connector SPI. Metadata and split enumeration run on the coordinator; page sources run in
 * worker tasks. Splits must be plain data (they cross NATS as msgpack).
 */
export interface ColumnMetadata {
  readonly name: string;
  readonly type: DataType;
  /** Estimated number of distinct non-null values, for planning (join ordering); undefined when unknown. */
  readonly distinctCount?: number;
  /** The fraction of rows that are NULL (0–1), when known: shown by SHOW STATS. */
  readonly nullsFraction?: number;
  /** The smallest and largest value, in the engine's layout, when known: shown by SHOW STATS. */
  readonly low?: unknown;
  readonly high?: unknown;
}

export interface TableMetadata {
  readonly catalog: string;
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly ColumnMetadata[];
  /** Estimated rows, for planning; undefined when unknown. */
  readonly rowCount?: number;
}

export interface TableRef {
  readonly catalog: string;
  readonly schema: string;
  readonly table: string;
}

export interface Split {
  readonly catalog: string;
  /** Connector-specific, plain data. */
  readonly info: unknown;
  /**
   * About how many rows it yields, from the connector's statistics; absent when unknown. The
   * coordinator weighs tasks of a scanning stage by it (memory estimates, slow-task detection).
   */
  readonly rows?: number;
}

export interface SplitOptions {
  /** A hint: about this many splits suit the cluster. */
  readonly targetSplits: number;
  /**
   * What the query's filter implies about single columns, by column name: only rows satisfying
   * every entry are needed (a conjunction). A connector may skip data that statistics show cannot
   * satisfy it (files, row groups) but need not: the filter still runs on every row returned, so
   * the constraint is a hint for pruning and never changes results. Absent: every row is needed.
   */
  readonly constraint?: Readonly<Record<string, ColumnConstraint>>;
  /**
   * The scan of a row-level write (its handle, from `beginWrite`): splits cover whole data files of
   * the table as the write read it when it began, and page sources give the synthetic column
   * `$file` (the file's name in the table, varchar), so each file is rewritten by one task.
   */
  readonly rowLevelWrite?: WriteHandle;
}

/**
 * The values of one column a query needs, on native values of the column's type (number for the
 * int32 and float64 layouts, `Long` for bigint and decimal — the unscaled value at the column's
 * scale —, boolean, string; dates as days, timestamps as µs). A value satisfies the constraint when
 * it is not NULL (unless `nullAllowed`), lies within `low`..`high` where given, and is one of
 * `values` where given. Strings compare as JavaScript strings (UTF-16 code units), as the engine's
 * comparisons do; NaN satisfies no range and no value list.
 */
export interface ColumnConstraint {
  readonly low?: ConstraintBound;
  readonly high?: ConstraintBound;
  /** The column equals one of these (an IN list or an equality); empty: no value satisfies. */
  readonly values?: readonly unknown[];
  /** NULL satisfies the constraint too (e.g. `x > 5 OR x IS NULL`); default false. */
  readonly nullAllowed?: boolean;
}

export interface ConstraintBound {
  readonly value: unknown;
  readonly inclusive: boolean;
}

export interface Connector {
  /** `connector.name` in the catalog's properties. */
  readonly connectorName: string;
  listSchemas(): Promise<readonly string[]>;
  /** Whether a schema exists (it may exist without being listed, e.g. tpch's `sf42`). */
  schemaExists(schema: string): Promise<boolean>;
  listTables(schema: string): Promise<readonly string[]>;
  getTable(schema: string, table: string): Promise<TableMetadata | undefined>;
  splits(table: TableRef, options: SplitOptions): Promise<readonly Split[]>;
  /** Pages of only the named columns, in that order. */
  pageSource(table: TableRef, split: Split, columns: readonly string[]): AsyncIterable<Page>;
  /**
   * Optional: `split` cut into at most `parts` smaller splits whose rows together are exactly its
   * rows, each row in one of them; undefined when it cannot be cut (a single row, a file read
   * whole). The coordinator uses it to run a task that ran out of memory at its ceiling as several
   * smaller tasks.
   */
  divideSplit?(split: Split, parts: number): readonly Split[] | undefined;
}

/** The catalogs a cluster knows, by name. */
export interface CatalogRegistry {
  get(catalog: string): Connector | undefined;
  names(): readonly string[];
}

export class MapCatalogRegistry implements CatalogRegistry {
  private readonly map: Map<string, Connector>;
  constructor(entries: Iterable<[string, Connector]>) {
    this.map = new Map(entries);
  }
  get(catalog: string): Connector | undefined {
    return this.map.get(catalog);
  }
  names(): readonly string[] {
    return [...this.map.keys()].sort();
  }
}

/** Plain data naming a write in progress (catalog-specific content). */
export interface WriteHandle {
  readonly catalog: string;
  readonly table: TableRef;
  readonly queryId: string;
  readonly info: unknown;
}
