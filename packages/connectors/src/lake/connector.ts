import { internalError, QuarryError } from '@quarry/common';
import { createStorage, type ObjectStorage } from '@quarry/storage';
import type {
  ColumnMetadata,
  Connector,
  Page,
  ProcedureCall,
  ProcedureConnector,
  Split,
  SplitOptions,
  TableMetadata,
  TableRef,
  ViewConnector,
  ViewDefinition,
  WritableConnector,
  WriteFragment,
  WriteHandle,
  WriteSink,
} from '@quarry/sql';
import { isRowLevelWrite, type WriteKind, type WriteSinkOptions } from '@quarry/sql';
import {
  checkColumnNames,
  checkNoProperties,
  schemaAlreadyExists,
  schemaNotEmpty,
  schemaNotFound,
  tableAlreadyExists,
  readOnlyTable,
  tableNotFound,
} from '../errors.js';
import { isSyntheticColumn, withFileColumns } from './file-column.js';
import { commitRowLevelWrite } from './rewrite-commit.js';
import { LakeRewriteSink } from './rewrite-sink.js';
import type { LakeConfig } from './config.js';
import { checkName, LakeLayout, SCHEMA_MARKER, fileName } from './layout.js';
import { withLock } from './locks.js';
import {
  currentVersion,
  finishDrop,
  latestVersion,
  METADATA_FORMAT,
  readVersion,
  writeVersion,
  type TableVersion,
} from './metadata.js';
import { collectLakeGarbage, type LakeGcReport } from './gc.js';
import { ExternalTables, isExternalSplit, LAKE_PROCEDURES } from './external.js';
import { externalProperties } from './external-properties.js';
import { checkLakeType } from './parquet-types.js';
import { LakeReader, type LakeScanStats, type LakeSplitInfo } from './reader.js';
import { rowGroupSplits } from './splits.js';
import { ColumnSummaryCache } from './table-stats.js';
import { createLakeView, dropLakeView, viewOf } from './views.js';
import { LakeWriteSink } from './writer.js';
import {
  abortLakeWrite,
  attemptDir,
  commitLakeWrite,
  lakeWriteHandle,
  lakeWriteInfo,
  type LakeContext,
} from './writes.js';

/**
 * The `lake` connector: schemas and tables of Parquet files under `lake.root` (S3 or a local
 * directory), with the table metadata in the storage itself (layout: `layout.ts`; versions and their
 * atomic, idempotent commits: `metadata.ts`, `writes.ts`). Metadata, DDL, splits and commits run on
 * the coordinator; page sources and write sinks in worker tasks. Writes are fault tolerant: every
 * task attempt writes apart and only the winners' files are committed.
 */
export class LakeConnector implements Connector, WritableConnector, ViewConnector, ProcedureConnector {
  readonly connectorName = 'lake';
  readonly procedures = LAKE_PROCEDURES;
  readonly supportsFaultTolerantWrites = true;
  /** What this instance's page sources read (row groups, bytes). */
  readonly scanStats: LakeScanStats = { rowGroupsRead: 0, bytesRead: 0, flatChunks: 0, hyparquetChunks: 0 };
  private readonly ctx: LakeContext;
  private readonly reader: LakeReader;
  private readonly summaries = new ColumnSummaryCache();
  /** Registered and external tables: files the catalog reads but does not own. */
  private readonly external: ExternalTables;

  constructor(
    readonly catalog: string,
    readonly config: LakeConfig,
    storage?: ObjectStorage,
  ) {
    const store = storage ?? createStorage(config.s3);
    this.ctx = { catalog, storage: store, layout: new LakeLayout(config.root) };
    this.reader = new LakeReader(store, this.scanStats);
    this.external = new ExternalTables({
      ...this.ctx,
      policy: { catalog, root: config.root, prefixes: config.externalLocationPrefixes },
      reader: this.reader,
      schemaExists: (schema) => this.schemaExists(schema),
      dropTable: (ref, options) => this.dropTable(ref, options),
    });
  }

  /** `CALL <catalog>.system.register_table(…)` and `unregister_table(…)` (`external.ts`). */
  callProcedure(call: ProcedureCall): Promise<void> {
    return this.external.call(call);
  }

  private get storage(): ObjectStorage {
    return this.ctx.storage;
  }

  private get layout(): LakeLayout {
    return this.ctx.layout;
  }

  async close(): Promise<void> {
    await this.storage.close();
  }

  async listSchemas(): Promise<readonly string[]> {
    const { directories } = await this.storage.listDirectory(this.layout.root);
    const candidates = directories.filter(isUserName);
    const exists = await Promise.all(candidates.map((s) => this.schemaExists(s)));
    return candidates.filter((_, i) => exists[i]);
  }

  async schemaExists(schema: string): Promise<boolean> {
    if (!isUserName(schema)) return false;
    const { files } = await this.storage.listDirectory(this.layout.schemaDir(schema));
    return files.some((f) => fileName(f.uri) === SCHEMA_MARKER);
  }

  /** Tables and views. */
  async listTables(schema: string): Promise<readonly string[]> {
    return (await this.listEntries(schema)).map((v) => v.table);
  }

  async listViews(schema: string): Promise<readonly string[]> {
    return (await this.listEntries(schema)).filter((v) => v.view).map((v) => v.table);
  }

  async getView(schema: string, view: string): Promise<ViewDefinition | undefined> {
    const v = await this.current(schema, view, { views: true });
    return v ? viewOf(v) : undefined;
  }

  async createView(
    ref: TableRef,
    definition: ViewDefinition,
    options: { replace: boolean; queryId?: string },
  ): Promise<void> {
    if (!(await this.schemaExists(ref.schema))) throw schemaNotFound(this.catalog, ref.schema);
    await createLakeView(this.ctx, ref, definition, options);
  }

  dropView(ref: TableRef, options: { ifExists: boolean }): Promise<void> {
    return dropLakeView(this.ctx, ref, { ...options, isName: isUserName });
  }

  /** The current versions of the schema's tables and views. */
  private async listEntries(schema: string): Promise<TableVersion[]> {
    if (!isUserName(schema)) return [];
    const { directories } = await this.storage.listDirectory(this.layout.schemaDir(schema));
    const candidates = directories.filter(isUserName);
    const versions = await Promise.all(candidates.map((t) => this.current(schema, t, { views: true })));
    return versions.filter((v): v is TableVersion => v !== undefined);
  }

  /**
   * With the row count and, per column, the distinct values its files' sketches estimate, the
   * fraction of NULLs and the value range.
   */
  async getTable(schema: string, table: string): Promise<TableMetadata | undefined> {
    const v = await this.current(schema, table);
    if (!v) return undefined;
    if (v.external) return this.external.tableMetadata({ catalog: this.catalog, schema, table }, v);
    const summaries = this.summaries.get(this.layout.tableDir(schema, table), v);
    return {
      catalog: this.catalog,
      schema,
      table,
      columns: v.columns.map((c, i) => ({ name: c.name, type: c.type, ...summaries[i] })),
      rowCount: v.files.reduce((n, f) => n + f.rows, 0),
    };
  }

  /**
   * One split per row group, skipping files and then row groups whose statistics show that no row
   * can satisfy `options.constraint`.
   */
  async splits(ref: TableRef, options: SplitOptions): Promise<readonly Split[]> {
    const v = await this.current(ref.schema, ref.table);
    if (!v) throw tableNotFound(ref);
    if (v.external) {
      if (options.rowLevelWrite) throw readOnlyTable(ref);
      return this.external.splits(ref, v, options);
    }
    const tableDir = this.layout.tableDir(ref.schema, ref.table);
    const read = options.rowLevelWrite ? await this.readVersionOf(options.rowLevelWrite) : v;
    const target = { catalog: ref.catalog, columns: read.columns, wholeFiles: !!options.rowLevelWrite };
    return rowGroupSplits(target, read.files, options.constraint, (path) => `${tableDir}/${path}`);
  }

  /** The version a row-level write read when it began (its files are what the write rewrites). */
  private async readVersionOf(handle: WriteHandle): Promise<TableVersion> {
    const info = lakeWriteInfo(handle, this.layout);
    if (info.baseVersion === undefined)
      throw internalError('lake: a row-level scan without its write’s version');
    return readVersion(this.storage, this.layout, info.tableDir, info.baseVersion);
  }

  /** Reads only data files of the table named: a split arrives in a task spec, which is data. */
  pageSource(ref: TableRef, split: Split, columns: readonly string[]): AsyncIterable<Page> {
    if (isExternalSplit(split.info)) return this.external.pageSource(split, columns);
    const info = split.info as LakeSplitInfo;
    if (!this.layout.ownsDataFile(ref.schema, ref.table, info?.uri)) {
      throw new QuarryError(
        'ACCESS_DENIED',
        `lake: split file ${JSON.stringify(String(info?.uri)).slice(0, 300)} is not a data file of ${ref.catalog}.${ref.schema}.${ref.table}: refused`,
      );
    }
    if (!columns.some(isSyntheticColumn)) return this.reader.pages(info, columns);
    const tableDir = this.layout.tableDir(ref.schema, ref.table);
    return withFileColumns(this.reader, { split: info, columns, file: info.uri.slice(tableDir.length + 1) });
  }

  async createSchema(
    schema: string,
    options: { ifNotExists: boolean; properties: Readonly<Record<string, unknown>> },
  ): Promise<void> {
    checkName('schema', schema);
    checkNoProperties(this.catalog, 'schema', options.properties);
    await withLock(this.layout.schemaDir(schema), async () => {
      // Checked first as well: an S3 server that ignores If-None-Match would overwrite silently.
      const created =
        !(await this.schemaExists(schema)) &&
        (await this.storage.createExclusive(
          this.layout.schemaMarker(schema),
          Buffer.from(JSON.stringify({ format: METADATA_FORMAT, schema })),
        ));
      if (!created && !options.ifNotExists) throw schemaAlreadyExists(this.catalog, schema);
    });
  }

  async dropSchema(schema: string, options: { ifExists: boolean; cascade: boolean }): Promise<void> {
    await withLock(this.layout.schemaDir(schema), async () => {
      if (!(await this.schemaExists(schema))) {
        if (options.ifExists) return;
        throw schemaNotFound(this.catalog, schema);
      }
      const tables = await this.listTables(schema);
      if (tables.length > 0 && !options.cascade) throw schemaNotEmpty(this.catalog, schema);
      for (const table of tables) {
        await this.dropTable({ catalog: this.catalog, schema, table }, { ifExists: true });
      }
      // The marker goes first: the schema is gone even if deleting leftovers fails.
      await this.storage.deleteFiles([this.layout.schemaMarker(schema)]);
      await this.storage.deleteRecursively([this.layout.schemaDir(schema)]);
    });
  }

  async createTable(
    ref: TableRef,
    columns: readonly ColumnMetadata[],
    options: { ifNotExists: boolean; properties: Readonly<Record<string, unknown>> },
  ): Promise<void> {
    const external = externalProperties(this.catalog, options.properties);
    this.checkNewTable(ref, columns, undefined);
    if (external)
      return this.external.createTable(ref, columns, { ifNotExists: options.ifNotExists, external });
    const tableDir = this.layout.tableDir(ref.schema, ref.table);
    await withLock(tableDir, async () => {
      if (!(await this.schemaExists(ref.schema))) throw schemaNotFound(this.catalog, ref.schema);
      const latest = await latestVersion(this.storage, this.layout, tableDir);
      if (latest && !latest.dropped) {
        if (options.ifNotExists) return;
        throw tableAlreadyExists(ref);
      }
      if (latest?.dropped) await this.finishDrop(tableDir, latest.version);
      const first: TableVersion = {
        format: METADATA_FORMAT,
        version: 1,
        schema: ref.schema,
        table: ref.table,
        columns: columns.map((c) => ({ name: c.name, type: c.type })),
        files: [],
        commits: [],
      };
      if (!(await writeVersion(this.storage, this.layout, tableDir, first)) && !options.ifNotExists) {
        throw tableAlreadyExists(ref);
      }
    });
  }

  /**
   * Writes a tombstone version first — from then on the table does not exist for any reader — then
   * deletes its data and older versions, and the tombstone last, so a crash midway never brings an
   * older version back.
   */
  async dropTable(ref: TableRef, options: { ifExists: boolean }): Promise<void> {
    const tableDir = this.layout.tableDir(ref.schema, ref.table);
    await withLock(tableDir, async () => {
      const latest = isUserName(ref.table)
        ? await latestVersion(this.storage, this.layout, tableDir)
        : undefined;
      if (!latest || latest.dropped || latest.view) {
        if (latest?.dropped) await this.finishDrop(tableDir, latest.version);
        if (options.ifExists) return;
        throw tableNotFound(ref);
      }
      const tombstone: TableVersion = { ...latest, version: latest.version + 1, files: [], dropped: true };
      if (!(await writeVersion(this.storage, this.layout, tableDir, tombstone))) {
        throw new QuarryError(
          'EXCHANGE_IO_ERROR',
          `lake: ${ref.catalog}.${ref.schema}.${ref.table} changed while being dropped; try again`,
        );
      }
      await this.finishDrop(tableDir, tombstone.version);
    });
  }

  /**
   * Deletes staged files no table version lists whose newest file is older than `olderThanMs`, and
   * finishes interrupted DROPs (`quarry lake gc`; see `gc.ts` for what is safe when).
   */
  async gc(olderThanMs: number, options: { now?: number } = {}): Promise<LakeGcReport> {
    if (!(olderThanMs >= 0))
      throw new QuarryError('INVALID_ARGUMENTS', `lake gc: older-than must be ≥ 0, not ${olderThanMs}`);
    return collectLakeGarbage(
      {
        storage: this.storage,
        layout: this.layout,
        schemas: await this.listSchemas(),
        isTableName: isUserName,
        finishDrop: (tableDir, tombstone) => this.finishDrop(tableDir, tombstone),
      },
      olderThanMs,
      options.now,
    );
  }

  private finishDrop(tableDir: string, tombstone: number): Promise<void> {
    return finishDrop(this.storage, this.layout, tableDir, tombstone);
  }

  async beginWrite(
    ref: TableRef,
    options: {
      kind: WriteKind;
      columns: readonly ColumnMetadata[];
      queryId: string;
      properties?: Readonly<Record<string, unknown>>;
    },
  ): Promise<WriteHandle> {
    checkName('schema', ref.schema);
    checkName('table', ref.table);
    if (!(await this.schemaExists(ref.schema))) throw schemaNotFound(this.catalog, ref.schema);
    const existing = await this.current(ref.schema, ref.table);
    if (isRowLevelWrite(options.kind)) {
      if (!existing) throw tableNotFound(ref);
      if (existing.external) throw readOnlyTable(ref);
      const { kind, queryId } = options;
      return lakeWriteHandle(this.ctx, ref, {
        kind,
        queryId,
        columns: existing.columns,
        baseVersion: existing.version,
      });
    }
    if (options.kind === 'insert') {
      if (!existing) throw tableNotFound(ref);
      if (existing.external) throw readOnlyTable(ref);
      if (existing.columns.length !== options.columns.length) {
        throw new QuarryError(
          'TYPE_MISMATCH',
          `Insert query has ${options.columns.length} columns, table ${ref.catalog}.${ref.schema}.${ref.table} has ${existing.columns.length}`,
        );
      }
      return lakeWriteHandle(this.ctx, ref, { ...options, columns: existing.columns });
    }
    this.checkNewTable(ref, options.columns, options.properties);
    if (existing && !existing.commits.some((c) => c.queryId === options.queryId))
      throw tableAlreadyExists(ref);
    if (await this.getView(ref.schema, ref.table)) throw tableAlreadyExists(ref);
    return lakeWriteHandle(this.ctx, ref, options);
  }

  writeSink(
    handle: WriteHandle,
    attempt: { taskPartition: number; attempt: number; queryAttempt: number },
    options: WriteSinkOptions = {},
  ): WriteSink {
    const info = lakeWriteInfo(handle, this.layout);
    const sink = new LakeWriteSink({
      storage: this.storage,
      tableDir: info.tableDir,
      attemptDir: attemptDir(info, attempt),
      columns: info.columns,
      rowGroupRows: this.config.rowGroupRows,
      targetMaxFileSize: this.config.targetMaxFileSize,
    });
    if (!isRowLevelWrite(info.kind)) return sink;
    return new LakeRewriteSink(sink, {
      contiguous: options.contiguous === true,
      merge: info.kind === 'merge',
    });
  }

  commitWrite(handle: WriteHandle, fragments: readonly WriteFragment[]): Promise<{ rows: number }> {
    const info = lakeWriteInfo(handle, this.layout);
    if (isRowLevelWrite(info.kind)) return commitRowLevelWrite(this.ctx, handle, fragments);
    return commitLakeWrite(this.ctx, handle, fragments);
  }

  abortWrite(handle: WriteHandle): Promise<void> {
    return abortLakeWrite(this.ctx, handle);
  }

  private checkNewTable(
    ref: TableRef,
    columns: readonly ColumnMetadata[],
    properties: Readonly<Record<string, unknown>> | undefined,
  ): void {
    checkName('schema', ref.schema);
    checkName('table', ref.table);
    if (externalProperties(this.catalog, properties))
      throw new QuarryError(
        'NOT_SUPPORTED',
        `lake: only CREATE TABLE with columns takes external_location (the catalog writes only under its root)`,
      );
    checkColumnNames(columns.map((c) => c.name));
    for (const c of columns) checkLakeType(c.name, c.type);
  }

  /** A table's current version (with `views`, a view's too). */
  private async current(
    schema: string,
    table: string,
    options: { views?: boolean } = {},
  ): Promise<TableVersion | undefined> {
    if (!isUserName(schema) || !isUserName(table)) return undefined;
    return currentVersion(this.storage, this.layout, this.layout.tableDir(schema, table), options);
  }
}

/** Names the catalog's own files and directories (`_…`, `.…`) never take. */
function isUserName(name: string): boolean {
  try {
    checkName('table', name);
    return true;
  } catch {
    return false;
  }
}
