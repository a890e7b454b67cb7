import type { Page } from '../page/block.js';
import type { ColumnMetadata, TableRef, WriteHandle } from './connector.js';

export type { WriteHandle } from './connector.js';

/**
 * Writes (CREATE SCHEMA/TABLE, CTAS, INSERT, DELETE, UPDATE, MERGE, DROP) for connectors that support them.
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
   * with `columns`), `insert` for INSERT (rows in the table's column order), `delete` and `update`
   * for row-level writes (see {@link RowLevelWrite}; a connector without them refuses these kinds
   * with NOT_SUPPORTED). The handle is plain data.
   */
  beginWrite(
    table: TableRef,
    options: {
      kind: WriteKind;
      columns: readonly ColumnMetadata[];
      queryId: string;
      properties?: Readonly<Record<string, unknown>>;
    },
  ): Promise<WriteHandle>;
  /** On a worker: where one task attempt writes its rows. */
  writeSink(
    handle: WriteHandle,
    attempt: { taskPartition: number; attempt: number; queryAttempt: number },
    options?: WriteSinkOptions,
  ): WriteSink;
  /** On the coordinator: makes the winners' writes visible, atomically; returns the rows committed. */
  commitWrite(handle: WriteHandle, fragments: readonly WriteFragment[]): Promise<{ rows: number }>;
  /** On the coordinator: removes what any attempt of this write staged. Safe to call twice. */
  abortWrite(handle: WriteHandle): Promise<void>;
}

export type WriteKind = 'create' | 'insert' | RowLevelWrite;

/**
 * Row-level writes (DELETE, UPDATE, MERGE) are copy-on-write: the table is scanned with whole-file
 * splits (`SplitOptions.rowLevelWrite`: each split one whole data file, so every row of a file is
 * read by one task) and the synthetic columns {@link FILE_COLUMN} and {@link ROW_COLUMN}; the
 * writer's pages are `[$file, $row, $op, …the table's columns]` where `$op` (integer,
 * {@link ROW_OP}) says what happens to the row. The sink rewrites each file in which some row is
 * deleted or updated — without the deleted rows, with the updated rows' new values — and its
 * fragment names the files it replaces; untouched files stay as they are; inserted rows (MERGE's
 * WHEN NOT MATCHED, `$file` NULL) go to new files. A target row given twice (MERGE: matched by two
 * source rows) and changed is an error. The commit swaps the replaced files for the new ones
 * atomically, only if none of the files the write read was replaced meanwhile (else
 * `TRANSACTION_CONFLICT`), and idempotently per query.
 */
export type RowLevelWrite = 'delete' | 'update' | 'merge';

/** The row's data file, as the table's metadata names it (varchar). */
export const FILE_COLUMN = '$file';
/** The row's position in its data file (integer). */
export const ROW_COLUMN = '$row';

/**
 * The `$op` of a row in a row-level write's pages: `keep` it as it is, `update` it (the row carries
 * its new values), `delete` it, `insert` it (a new row, no file), or `skip` it (a MERGE source row
 * no clause applies to: nothing is written).
 */
export const ROW_OP = { keep: 0, update: 1, delete: 2, insert: 3, skip: 4 } as const;

export function isRowLevelWrite(kind: WriteKind): kind is RowLevelWrite {
  return kind === 'delete' || kind === 'update' || kind === 'merge';
}

export interface WriteSinkOptions {
  /** A row-level write whose rows of each file arrive one after the other (`TableWriterNode.rowLevel`). */
  readonly contiguous?: boolean;
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
