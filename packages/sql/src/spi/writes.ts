import type { Page } from '../page/block.js';
import type { ColumnMetadata, TableRef } from './connector.js';

/**
 * Writes (CREATE SCHEMA/TABLE, CTAS, INSERT, DROP) for connectors that support them.
 *
 * A write runs in three places: `beginWrite` on the coordinator (plain-data handle sent to tasks),
 * a `WriteSink` per task attempt on the workers (each attempt writes apart and returns a plain-data
 * description of what it wrote), and `commitWrite` on the coordinator with the descriptions of the
 * *winning* attempts only. The commit is atomic (readers see all of it or none of it) and idempotent
 * per query: committing the same query's write twice changes nothing the second time. A failed or
 * abandoned query calls `abortWrite`, which removes every attempt's staged data of that query.
 */
export interface WritableConnector {
  /**
   * True when writes survive task retries (every attempt writes apart, only winners are committed).
   * A connector without it refuses writes under retry policy TASK at planning, with Trino's message
   * `This connector does not support query retries`.
   */
  readonly supportsFaultTolerantWrites: boolean;
  createSchema(
    schema: string,
    options: { ifNotExists: boolean; properties: Readonly<Record<string, unknown>> },
  ): Promise<void>;
  /** RESTRICT (the default) refuses a schema that has tables; CASCADE drops them. */
  dropSchema(schema: string, options: { ifExists: boolean; cascade: boolean }): Promise<void>;
  createTable(
    table: TableRef,
    columns: readonly ColumnMetadata[],
    options: { ifNotExists: boolean; properties: Readonly<Record<string, unknown>> },
  ): Promise<void>;
  dropTable(table: TableRef, options: { ifExists: boolean }): Promise<void>;
  /**
   * Starts writing rows into a table: `create` for CREATE TABLE AS (the table appears at commit,
   * with `columns`), `insert` for INSERT (rows in the table's column order). The handle is plain data.
   */
  beginWrite(
    table: TableRef,
    options: {
      kind: 'create' | 'insert';
      columns: readonly ColumnMetadata[];
      queryId: string;
      properties?: Readonly<Record<string, unknown>>;
    },
  ): Promise<WriteHandle>;
  /** On a worker: where one task attempt writes its rows. */
  writeSink(
    handle: WriteHandle,
    attempt: { taskPartition: number; attempt: number; queryAttempt: number },
  ): WriteSink;
  /** On the coordinator: makes the winners' writes visible, atomically; returns the rows committed. */
  commitWrite(handle: WriteHandle, fragments: readonly WriteFragment[]): Promise<{ rows: number }>;
  /** On the coordinator: removes what any attempt of this write staged. Safe to call twice. */
  abortWrite(handle: WriteHandle): Promise<void>;
}

/** Plain data naming a write in progress (catalog-specific content). */
export interface WriteHandle {
  readonly catalog: string;
  readonly table: TableRef;
  readonly queryId: string;
  readonly info: unknown;
}

/** Plain data describing what one task attempt wrote (e.g. its data files and their row counts). */
export interface WriteFragment {
  readonly rows: number;
  readonly info: unknown;
}

/** Call order: `appendPage`* then `finish` once, or `abort` at any time. */
export interface WriteSink {
  appendPage(page: Page): Promise<void>;
  finish(): Promise<WriteFragment>;
  abort(): Promise<void>;
}

export function isWritable(connector: object): connector is WritableConnector {
  return typeof (connector as Partial<WritableConnector>).beginWrite === 'function';
}
