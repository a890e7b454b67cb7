import type { DataType } from '../types/types.js';
import type { Page } from '../page/block.js';

/**
 * The connector SPI. Metadata and split enumeration run on the coordinator; page sources run in
 * worker tasks. Splits must be plain data (they cross NATS as msgpack).
 */
export interface ColumnMetadata {
  readonly name: string;
  readonly type: DataType;
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
}

export interface SplitOptions {
  /** A hint: about this many splits suit the cluster. */
  readonly targetSplits: number;
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
