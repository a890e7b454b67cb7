import type { DataType } from '../types/types.js';
import type { TableRef } from './connector.js';

/**
 * Views, for connectors that store them (CREATE [OR REPLACE] VIEW, DROP VIEW). A view is stored as
 * SQL text with what is needed to read it again as it was meant: the session's catalog and schema
 * when it was created (its unqualified names resolve against them, not the reader's) and its
 * columns with their types (a reader checks the query still produces them). The engine parses and
 * plans the text again wherever the view is named; the connector only keeps it.
 *
 * Views and tables share one namespace per schema: `listTables` lists both, `getTable` returns
 * undefined for a view and `getView` undefined for a table. DDL runs on the coordinator while the
 * statement is planned; a statement planned again after a coordinator failover (`queryId` the same)
 * must have its effect once.
 */
export interface ViewDefinition {
  /** The view's query, as SQL text (quarry stores it formatted by its printer). */
  readonly sql: string;
  /** The session catalog and schema at creation: defaults for the names of `sql`. */
  readonly catalog?: string;
  readonly schema?: string;
  readonly columns: readonly ViewColumn[];
  readonly comment?: string;
  /** Trino's SECURITY clause; quarry checks no table privileges, so both read alike (kept for SHOW). */
  readonly security?: 'DEFINER' | 'INVOKER';
}

export interface ViewColumn {
  readonly name: string;
  readonly type: DataType;
}

export interface ViewConnector {
  /** The view's definition, or undefined when no view has that name (a table may). */
  getView(schema: string, view: string): Promise<ViewDefinition | undefined>;
  /** The names of the schema's views (a subset of what `listTables` returns). */
  listViews(schema: string): Promise<readonly string[]>;
  /**
   * Stores a view. Without `replace`, an existing view or table of that name is ALREADY_EXISTS;
   * with it, an existing view is replaced (a table is still an error). The schema must exist.
   */
  createView(
    view: TableRef,
    definition: ViewDefinition,
    options: { replace: boolean; queryId?: string },
  ): Promise<void>;
  /** Removes a view; a missing one is TABLE_NOT_FOUND unless `ifExists`, a table is refused. */
  dropView(view: TableRef, options: { ifExists: boolean }): Promise<void>;
}

export function hasViews(connector: object): connector is ViewConnector {
  return typeof (connector as Partial<ViewConnector>).getView === 'function';
}
