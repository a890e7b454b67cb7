/**
 * A tiny in-memory connector for planner and end-to-end tests: catalog `mem`, schema `shop`,
 * tables given as rows of native values, each split into a few splits of a few rows.
 */
import { pageFromRows, type Page } from '../../src/page/block.js';
import {
  MapCatalogRegistry,
  type Connector,
  type Split,
  type TableMetadata,
  type TableRef,
} from '../../src/spi/connector.js';
import type { DataType } from '../../src/types/types.js';

export interface MemTable {
  readonly columns: readonly { readonly name: string; readonly type: DataType }[];
  readonly rows: readonly (readonly unknown[])[];
  /** Rows per split (and per page). */
  readonly splitRows?: number;
}

export class MemConnector implements Connector {
  readonly connectorName = 'memory';
  /** Column lists the page sources were asked for, in call order (to check pruning). */
  readonly requestedColumns: string[][] = [];

  constructor(private readonly tables: Readonly<Record<string, Readonly<Record<string, MemTable>>>>) {}

  async listSchemas(): Promise<readonly string[]> {
    return Object.keys(this.tables).sort();
  }

  async schemaExists(schema: string): Promise<boolean> {
    return Object.hasOwn(this.tables, schema);
  }

  async listTables(schema: string): Promise<readonly string[]> {
    return Object.keys(this.tables[schema] ?? {}).sort();
  }

  async getTable(schema: string, table: string): Promise<TableMetadata | undefined> {
    const t = this.tables[schema]?.[table];
    if (!t) return undefined;
    return { catalog: 'mem', schema, table, columns: t.columns, rowCount: t.rows.length };
  }

  async splits(ref: TableRef): Promise<readonly Split[]> {
    const t = this.table(ref);
    const size = t.splitRows ?? 4;
    const splits: Split[] = [];
    for (let start = 0; start < Math.max(1, t.rows.length); start += size)
      splits.push({ catalog: 'mem', info: { start, end: start + size } });
    return splits;
  }

  async *pageSource(ref: TableRef, split: Split, columns: readonly string[]): AsyncIterable<Page> {
    this.requestedColumns.push([...columns]);
    yield this.page(ref, split, columns);
  }

  /** The rows of one split as a page of the named columns (synchronously, for operator tests). */
  page(ref: TableRef, split: Split, columns: readonly string[]): Page {
    const t = this.table(ref);
    const { start, end } = split.info as { start: number; end: number };
    const channels = columns.map((name) => {
      const c = t.columns.findIndex((col) => col.name === name);
      if (c < 0) throw new Error(`no column ${name} in ${ref.table}`);
      return c;
    });
    const rows = t.rows.slice(start, end);
    const page = pageFromRows(
      channels.map((c) => t.columns[c]!.type),
      rows.map((r) => channels.map((c) => r[c])),
    );
    return { blocks: page.blocks, rowCount: rows.length };
  }

  private table(ref: TableRef): MemTable {
    const t = this.tables[ref.schema]?.[ref.table];
    if (!t) throw new Error(`no table ${ref.schema}.${ref.table}`);
    return t;
  }
}

export function registryOf(connector: Connector): MapCatalogRegistry {
  return new MapCatalogRegistry([['mem', connector]]);
}
