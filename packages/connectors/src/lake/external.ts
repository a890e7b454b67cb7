import { QuarryError } from '@quarry/common';
import {
  VARCHAR,
  type ColumnMetadata,
  type Page,
  type ProcedureCall,
  type Procedure,
  type Split,
  type SplitOptions,
  type TableMetadata,
  type TableRef,
} from '@quarry/sql';
import { schemaNotFound, tableAlreadyExists, tableNotFound } from '../errors.js';
import { csvPages, type LakeCsvSplitInfo } from './csv-reader.js';
import { ExternalFiles } from './external-files.js';
import { allowedLocation, type LocationPolicy } from './external-location.js';
import { checkCsvColumns, type ExternalProperties } from './external-properties.js';
import { checkName } from './layout.js';
import { withLock } from './locks.js';
import {
  finishDrop,
  latestVersion,
  METADATA_FORMAT,
  writeVersion,
  type ExternalSource,
  type TableVersion,
} from './metadata.js';
import type { LakeReader, LakeSplitInfo } from './reader.js';
import { rowGroupSplits } from './splits.js';
import { columnSummaries } from './table-stats.js';
import type { LakeContext } from './writes.js';

/** Iceberg's `system.register_table` and `system.unregister_table`, as the lake offers them. */
export const LAKE_PROCEDURES: readonly Procedure[] = [
  {
    schema: 'system',
    name: 'register_table',
    parameters: [
      { name: 'schema_name', type: VARCHAR, required: true },
      { name: 'table_name', type: VARCHAR, required: true },
      { name: 'table_location', type: VARCHAR, required: true },
    ],
  },
  {
    schema: 'system',
    name: 'unregister_table',
    parameters: [
      { name: 'schema_name', type: VARCHAR, required: true },
      { name: 'table_name', type: VARCHAR, required: true },
    ],
  },
];

export interface ExternalContext extends LakeContext {
  readonly policy: LocationPolicy;
  readonly reader: LakeReader;
  schemaExists(schema: string): Promise<boolean>;
  dropTable(ref: TableRef, options: { ifExists: boolean }): Promise<void>;
}

/**
 * Tables over files the catalog does not own: registered (`CALL system.register_table`, columns
 * from the files' schema, Parquet) or external (`CREATE TABLE … WITH (external_location = …)`,
 * columns as declared, Parquet or CSV). Their versions record where the files are
 * ({@link ExternalSource}) and list none: every query lists the location again, reads the
 * footers (cached) for statistics and splits, and checks each file's columns against the table's.
 * They are read-only; DROP TABLE and `unregister_table` remove the catalog's metadata only, never
 * a file of the location (which is never under the catalog's root: `external-location.ts`).
 */
export class ExternalTables {
  private readonly files: ExternalFiles;

  constructor(private readonly ctx: ExternalContext) {
    this.files = new ExternalFiles(ctx.storage);
  }

  async call(call: ProcedureCall): Promise<void> {
    const [schema, table, location] = call.args as (string | null)[];
    const ref = { catalog: this.ctx.catalog, schema: schema!, table: table! };
    if (call.name === 'unregister_table') return this.unregister(ref);
    if (call.name !== 'register_table')
      throw new QuarryError('PROCEDURE_NOT_FOUND', `Procedure not registered: ${call.schema}.${call.name}`);
    checkName('schema', ref.schema);
    checkName('table', ref.table);
    const uri = allowedLocation(this.ctx.policy, location!);
    const files = await this.files.list(uri);
    const columns = await this.files.columnsOf(files);
    await this.files.entries(files, columns);
    const source: ExternalSource = { location: uri, format: 'PARQUET', registered: true };
    await this.create(ref, { columns, source, ifNotExists: false, queryId: call.queryId });
  }

  /** CREATE TABLE … WITH (external_location = …): the files must exist and fit the columns. */
  async createTable(
    ref: TableRef,
    columns: readonly ColumnMetadata[],
    options: { ifNotExists: boolean; external: ExternalProperties },
  ): Promise<void> {
    const { external } = options;
    const uri = allowedLocation(this.ctx.policy, external.location);
    const files = await this.files.list(uri);
    const lakeColumns = columns.map((c) => ({ name: c.name, type: c.type }));
    if (external.format === 'PARQUET') await this.files.entries(files, lakeColumns);
    else checkCsvColumns(lakeColumns);
    const source: ExternalSource = {
      location: uri,
      format: external.format,
      registered: false,
      ...(external.format === 'CSV'
        ? { csvSeparator: external.csvSeparator, skipHeaderLineCount: external.skipHeaderLineCount }
        : {}),
    };
    await this.create(ref, { columns: lakeColumns, source, ifNotExists: options.ifNotExists });
  }

  private async create(
    ref: TableRef,
    what: {
      columns: TableVersion['columns'];
      source: ExternalSource;
      ifNotExists: boolean;
      queryId?: string | undefined;
    },
  ): Promise<void> {
    const { storage, layout } = this.ctx;
    const tableDir = layout.tableDir(ref.schema, ref.table);
    await withLock(tableDir, async () => {
      if (!(await this.ctx.schemaExists(ref.schema))) throw schemaNotFound(ref.catalog, ref.schema);
      const latest = await latestVersion(storage, layout, tableDir);
      if (latest && !latest.dropped) {
        const repeat = what.queryId !== undefined && latest.commits.some((c) => c.queryId === what.queryId);
        if (repeat || what.ifNotExists) return;
        throw tableAlreadyExists(ref);
      }
      const version: TableVersion = {
        format: METADATA_FORMAT,
        version: 1,
        schema: ref.schema,
        table: ref.table,
        columns: what.columns,
        files: [],
        commits: what.queryId !== undefined ? [{ queryId: what.queryId, rows: 0, version: 1 }] : [],
        external: what.source,
      };
      if (latest?.dropped) await finishDrop(storage, layout, tableDir, latest.version);
      if (!(await writeVersion(storage, layout, tableDir, version))) throw tableAlreadyExists(ref);
    });
  }

  private async unregister(ref: TableRef): Promise<void> {
    checkName('schema', ref.schema);
    checkName('table', ref.table);
    const { storage, layout } = this.ctx;
    const latest = await latestVersion(storage, layout, layout.tableDir(ref.schema, ref.table));
    if (!latest || latest.dropped || latest.view) throw tableNotFound(ref);
    if (!latest.external)
      throw new QuarryError(
        'NOT_SUPPORTED',
        `Table '${ref.catalog}.${ref.schema}.${ref.table}' is not a registered table: use DROP TABLE`,
      );
    await this.ctx.dropTable(ref, { ifExists: false });
  }

  /**
   * Columns, row count and per-column statistics from the footers (CSV: columns only). Files that
   * went missing or no longer fit leave the statistics out rather than fail here (listings such as
   * information_schema.columns read every table's metadata); a scan of the table reports them.
   */
  async tableMetadata(ref: TableRef, v: TableVersion): Promise<TableMetadata> {
    const columns = v.columns.map((c) => ({ name: c.name, type: c.type }));
    const base = { catalog: ref.catalog, schema: ref.schema, table: ref.table };
    if (v.external!.format === 'CSV') return { ...base, columns };
    let files;
    try {
      files = await this.files.entries(await this.files.list(v.external!.location), v.columns);
    } catch (e) {
      if (e instanceof QuarryError && e.type === 'USER_ERROR') return { ...base, columns };
      throw e;
    }
    const summaries = columnSummaries({ ...v, files });
    return {
      ...base,
      columns: columns.map((c, i) => ({ ...c, ...summaries[i] })),
      rowCount: files.reduce((n, f) => n + f.rows, 0),
    };
  }

  /** Parquet: one split per row group, pruned by footer statistics; CSV: one per file. */
  async splits(ref: TableRef, v: TableVersion, options: SplitOptions): Promise<Split[]> {
    const source = v.external!;
    const listed = await this.files.list(source.location);
    if (source.format === 'PARQUET') {
      const files = await this.files.entries(listed, v.columns);
      const target = { catalog: ref.catalog, columns: v.columns, external: true };
      return rowGroupSplits(target, files, options.constraint, (path) => path);
    }
    return listed.map((f) => {
      const info: LakeCsvSplitInfo = {
        format: 'CSV',
        uri: f.uri,
        bytes: f.bytes,
        columns: v.columns,
        separator: source.csvSeparator ?? ',',
        skipHeaderLineCount: source.skipHeaderLineCount ?? 0,
      };
      return { catalog: ref.catalog, info };
    });
  }

  /**
   * Reads a split of an external table. A split is data from a task spec: its file must be a
   * location this catalog may read (never under its root), or the read is refused.
   */
  pageSource(split: Split, columns: readonly string[]): AsyncIterable<Page> {
    const info = split.info as LakeSplitInfo | LakeCsvSplitInfo;
    allowedLocation(this.ctx.policy, String(info.uri));
    if ('format' in info && info.format === 'CSV') return csvPages(this.ctx.storage, info, columns);
    return this.ctx.reader.pages(info as LakeSplitInfo, columns);
  }
}

/** Whether a split is of an external table's file. */
export function isExternalSplit(info: unknown): boolean {
  if (typeof info !== 'object' || info === null) return false;
  const i = info as { external?: unknown; format?: unknown };
  return i.external === true || i.format === 'CSV';
}
