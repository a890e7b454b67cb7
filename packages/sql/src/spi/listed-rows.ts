/**
 * Tables whose rows a connector lists while a statement is planned, as the system catalog's
 * (`system.runtime.*`, `system.jdbc.*`): the planner plans them as VALUES, so workers never scan
 * them. The connector still answers `getTable` (the columns) and `schemaExists`/`listTables` like
 * any other; `splits` and `pageSource` are never called for such a table.
 */

/**
 * What a statement's WHERE says the listing may leave out (top-level conjuncts `col = 'x'`,
 * `col IN (…)` or `col LIKE 'x'` without wildcards): rows outside these sets could never pass the
 * filter, which still runs on what is listed. Absent: no restriction. Values are as written.
 */
export interface ListingHints {
  /** `table_cat`, `table_catalog`. */
  readonly catalogs?: ReadonlySet<string>;
  /** `table_schema`, `schema_name`, `table_schem` (lower case). */
  readonly schemas?: ReadonlySet<string>;
  /** `table_name` (lower case). */
  readonly tables?: ReadonlySet<string>;
  /** `query_id`. */
  readonly queries?: ReadonlySet<string>;
}

export interface ListRowsRequest {
  readonly schema: string;
  readonly table: string;
  /** The query that asks (`Session.queryId`): the connector may show it more of its own. */
  readonly queryId?: string;
  readonly hints: ListingHints;
}

export interface ListedRowsConnector {
  /** The rows (native values, in `getTable`'s column order). */
  listRows(request: ListRowsRequest): Promise<unknown[][]>;
}

export function listsRows(connector: object): connector is ListedRowsConnector {
  return typeof (connector as Partial<ListedRowsConnector>).listRows === 'function';
}
