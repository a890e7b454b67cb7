import { internalError, QuarryError } from '@quarry/common';
import type {
  ColumnMetadata,
  Connector,
  Page,
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
  WriteKind,
} from '@quarry/sql';
import {
  checkColumnNames,
  checkNoProperties,
  schemaAlreadyExists,
  schemaNotEmpty,
  schemaNotFound,
  tableAlreadyExists,
  tableNotFound,
} from '../errors.js';
import { fromChunk, packChunks, toChunks, type Chunk } from './chunks.js';
import { MemoryViews } from './views.js';

/**
 * The `memory` connector: tables kept in the memory of the coordinator, which runs every metadata
 * call, split enumeration and commit. Splits carry the table's rows themselves (serialized pages,
 * at most ~512 kB a split), so any worker scans them without asking anyone; a write sink returns its
 * rows the same way inside its fragment, and the commit appends them. Worker task threads build
 * their own (empty) instance from the same catalog file and use only `pageSource` and `writeSink`.
 *
 * Everything is lost when the coordinator restarts. Writes are not fault tolerant (a retried task's
 * rows are not kept apart from its first attempt's in any store), so under retry policy TASK the
 * planner refuses writes with `This connector does not support query retries`; reads work.
 * A commit is atomic (the rows appear at once, after every fragment decoded) and idempotent per
 * query id. Data held is capped by `memory.max-data-per-node`.
 */
export interface MemorySplitInfo {
  readonly chunks: readonly Chunk[];
  readonly columns: readonly ColumnMetadata[];
}

interface MemoryWriteInfo {
  readonly kind: 'create' | 'insert';
  readonly columns: readonly ColumnMetadata[];
}

interface MemoryFragmentInfo {
  readonly chunks: readonly Chunk[];
}

interface MemoryTable {
  readonly columns: readonly ColumnMetadata[];
  readonly chunks: Chunk[];
  rows: number;
  bytes: number;
  /** Query ids whose writes were committed, with their rows. */
  readonly commits: Map<string, number>;
}

export interface MemoryConfig {
  /** `memory.max-data-per-node`: bytes of table data (serialized) the catalog holds at most. */
  readonly maxDataPerNode: number;
}

export class MemoryConnector implements Connector, WritableConnector, ViewConnector {
  readonly connectorName = 'memory';
  readonly supportsFaultTolerantWrites = false;
  /** Schema → table → data. Schema `default` exists from the start, as in Trino. */
  private readonly schemas = new Map<string, Map<string, MemoryTable>>([['default', new Map()]]);
  private readonly views = new MemoryViews();
  private bytes = 0;

  constructor(
    readonly catalog: string,
    readonly config: MemoryConfig,
  ) {}

  async listSchemas(): Promise<readonly string[]> {
    return [...this.schemas.keys()].sort();
  }

  async schemaExists(schema: string): Promise<boolean> {
    return this.schemas.has(schema);
  }

  /** Tables and views. */
  async listTables(schema: string): Promise<readonly string[]> {
    return [...(this.schemas.get(schema)?.keys() ?? []), ...this.views.list(schema)].sort();
  }

  async getView(schema: string, view: string): Promise<ViewDefinition | undefined> {
    return this.views.get(schema, view);
  }

  async listViews(schema: string): Promise<readonly string[]> {
    return this.views.list(schema);
  }

  async createView(
    ref: TableRef,
    definition: ViewDefinition,
    options: { replace: boolean; queryId?: string },
  ): Promise<void> {
    const tables = this.schemaTables(ref.schema);
    this.views.create(ref, definition, { ...options, tableExists: tables.has(ref.table) });
  }

  async dropView(ref: TableRef, options: { ifExists: boolean }): Promise<void> {
    this.views.drop(ref, options);
  }

  async getTable(schema: string, table: string): Promise<TableMetadata | undefined> {
    const t = this.schemas.get(schema)?.get(table);
    if (!t) return undefined;
    return { catalog: this.catalog, schema, table, columns: t.columns, rowCount: t.rows };
  }

  async splits(ref: TableRef, _options: SplitOptions): Promise<readonly Split[]> {
    const t = this.table(ref);
    return packChunks(t.chunks).map((chunks) => {
      const info: MemorySplitInfo = { chunks, columns: t.columns };
      return { catalog: ref.catalog, info };
    });
  }

  async *pageSource(ref: TableRef, split: Split, columns: readonly string[]): AsyncIterable<Page> {
    const info = split.info as MemorySplitInfo;
    const types = info.columns.map((c) => c.type);
    const channels = columns.map((name) => {
      const i = info.columns.findIndex((c) => c.name === name);
      if (i < 0)
        throw new QuarryError('COLUMN_NOT_FOUND', `Column '${name}' not found in ${ref.schema}.${ref.table}`);
      return i;
    });
    for (const chunk of info.chunks) {
      const page = fromChunk(chunk, types);
      yield { blocks: channels.map((i) => page.blocks[i]!), rowCount: page.rowCount };
    }
  }

  async createSchema(
    schema: string,
    options: { ifNotExists: boolean; properties: Readonly<Record<string, unknown>> },
  ): Promise<void> {
    checkNoProperties(this.catalog, 'schema', options.properties);
    if (this.schemas.has(schema)) {
      if (options.ifNotExists) return;
      throw schemaAlreadyExists(this.catalog, schema);
    }
    this.schemas.set(schema, new Map());
  }

  async dropSchema(schema: string, options: { ifExists: boolean; cascade: boolean }): Promise<void> {
    const tables = this.schemas.get(schema);
    if (!tables) {
      if (options.ifExists) return;
      throw schemaNotFound(this.catalog, schema);
    }
    const empty = tables.size === 0 && this.views.list(schema).length === 0;
    if (!empty && !options.cascade) throw schemaNotEmpty(this.catalog, schema);
    for (const t of tables.values()) this.bytes -= t.bytes;
    this.schemas.delete(schema);
    this.views.dropSchema(schema);
  }

  async createTable(
    ref: TableRef,
    columns: readonly ColumnMetadata[],
    options: { ifNotExists: boolean; properties: Readonly<Record<string, unknown>> },
  ): Promise<void> {
    checkNoProperties(this.catalog, 'table', options.properties);
    checkColumnNames(columns.map((c) => c.name));
    const tables = this.schemaTables(ref.schema);
    if (tables.has(ref.table) || this.views.get(ref.schema, ref.table)) {
      if (options.ifNotExists) return;
      throw tableAlreadyExists(ref);
    }
    tables.set(ref.table, newTable(columns));
  }

  async dropTable(ref: TableRef, options: { ifExists: boolean }): Promise<void> {
    const tables = this.schemas.get(ref.schema);
    const t = tables?.get(ref.table);
    if (!t) {
      if (options.ifExists) return;
      throw tableNotFound(ref);
    }
    this.bytes -= t.bytes;
    tables!.delete(ref.table);
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
    if (options.kind === 'delete' || options.kind === 'update' || options.kind === 'merge')
      throw new QuarryError('NOT_SUPPORTED', `This connector does not support ${options.kind}s`);
    const tables = this.schemaTables(ref.schema);
    const existing = tables.get(ref.table);
    let columns = options.columns;
    if (options.kind === 'insert') {
      if (!existing) throw tableNotFound(ref);
      columns = existing.columns;
    } else {
      checkNoProperties(this.catalog, 'table', options.properties);
      checkColumnNames(columns.map((c) => c.name));
      if (existing && !existing.commits.has(options.queryId)) throw tableAlreadyExists(ref);
      if (this.views.get(ref.schema, ref.table)) throw tableAlreadyExists(ref);
    }
    const info: MemoryWriteInfo = {
      kind: options.kind,
      columns: columns.map((c) => ({ name: c.name, type: c.type })),
    };
    return { catalog: this.catalog, table: { ...ref }, queryId: options.queryId, info };
  }

  /** Rows are kept in the sink and returned in the fragment: nothing is written anywhere else. */
  writeSink(
    _handle: WriteHandle,
    _attempt: { taskPartition: number; attempt: number; queryAttempt: number },
  ): WriteSink {
    const chunks: Chunk[] = [];
    let state: 'open' | 'done' = 'open';
    return {
      async appendPage(page: Page): Promise<void> {
        if (state !== 'open') throw internalError('memory sink: appendPage after finish or abort');
        chunks.push(...toChunks(page));
      },
      async finish(): Promise<WriteFragment> {
        if (state !== 'open') throw internalError('memory sink: finish after finish or abort');
        state = 'done';
        const info: MemoryFragmentInfo = { chunks };
        return { rows: chunks.reduce((n, c) => n + c.rows, 0), info };
      },
      async abort(): Promise<void> {
        state = 'done';
        chunks.length = 0;
      },
    };
  }

  async commitWrite(handle: WriteHandle, fragments: readonly WriteFragment[]): Promise<{ rows: number }> {
    const info = handle.info as MemoryWriteInfo;
    const ref = handle.table;
    const tables = this.schemaTables(ref.schema);
    const existing = tables.get(ref.table);
    const done = existing?.commits.get(handle.queryId);
    if (done !== undefined) return { rows: done };
    if (info.kind === 'create' && (existing || this.views.get(ref.schema, ref.table)))
      throw tableAlreadyExists(ref);
    if (info.kind === 'insert' && !existing) throw tableNotFound(ref);
    const table = existing ?? newTable(info.columns);
    const types = table.columns.map((c) => c.type);
    const chunks = fragments.flatMap((f) => (f.info as MemoryFragmentInfo).chunks);
    for (const c of chunks) fromChunk(c, types); // every chunk decodes before anything changes
    const rows = chunks.reduce((n, c) => n + c.rows, 0);
    const bytes = chunks.reduce((n, c) => n + c.data.length, 0);
    if (this.bytes + bytes > this.config.maxDataPerNode) {
      throw new QuarryError(
        'EXCEEDED_LOCAL_MEMORY_LIMIT',
        `Memory limit [${this.config.maxDataPerNode}] for memory connector exceeded`,
      );
    }
    table.chunks.push(...chunks);
    table.rows += rows;
    table.bytes += bytes;
    table.commits.set(handle.queryId, rows);
    this.bytes += bytes;
    if (!existing) tables.set(ref.table, table);
    return { rows };
  }

  /** Nothing was staged outside the fragments. */
  async abortWrite(_handle: WriteHandle): Promise<void> {}

  /** Bytes of table data held (serialized), for tests and metrics. */
  get dataBytes(): number {
    return this.bytes;
  }

  private table(ref: TableRef): MemoryTable {
    const t = this.schemas.get(ref.schema)?.get(ref.table);
    if (!t) throw tableNotFound(ref);
    return t;
  }

  private schemaTables(schema: string): Map<string, MemoryTable> {
    const tables = this.schemas.get(schema);
    if (!tables) throw schemaNotFound(this.catalog, schema);
    return tables;
  }
}

function newTable(columns: readonly ColumnMetadata[]): MemoryTable {
  return {
    columns: columns.map((c) => ({ name: c.name, type: c.type })),
    chunks: [],
    rows: 0,
    bytes: 0,
    commits: new Map(),
  };
}
