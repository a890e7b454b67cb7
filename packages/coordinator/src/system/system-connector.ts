import { internalError } from '@quarry/common';
import type {
  CatalogRegistry,
  Connector,
  ListedRowsConnector,
  ListRowsRequest,
  Page,
  Split,
  TableMetadata,
} from '@quarry/sql';
import { jdbcRows } from './jdbc-rows.js';
import { nodeRows, queryRows, taskRows, type RuntimeState, type Viewer } from './runtime-rows.js';
import { SYSTEM_TABLES, systemColumns } from './tables.js';

export const SYSTEM_CATALOG = 'system';

export interface SystemConnectorOptions {
  readonly state: RuntimeState;
  /** Every catalog, this one included (what `system.jdbc` lists). */
  readonly catalogs: () => CatalogRegistry;
}

/**
 * The `system` catalog, as Trino's System connector: `runtime.queries`, `runtime.tasks`,
 * `runtime.nodes` from the coordinator's state, and `jdbc.*` for JDBC's DatabaseMetaData. Its rows
 * are listed on the coordinator while a statement is planned (`ListedRowsConnector`), never on a
 * worker. A query's SQL text is shown only to whoever may read it (docs/SECURITY.md): the asking
 * query's own submission, the queries whose capabilities that submission presented, or every query
 * for a submission that carried the admin token.
 */
export class SystemConnector implements Connector, ListedRowsConnector {
  readonly connectorName = 'system';

  constructor(private readonly o: SystemConnectorOptions) {}

  listSchemas(): Promise<readonly string[]> {
    return Promise.resolve(Object.keys(SYSTEM_TABLES).sort());
  }

  schemaExists(schema: string): Promise<boolean> {
    return Promise.resolve(Object.hasOwn(SYSTEM_TABLES, schema));
  }

  listTables(schema: string): Promise<readonly string[]> {
    return Promise.resolve(
      Object.hasOwn(SYSTEM_TABLES, schema) ? Object.keys(SYSTEM_TABLES[schema]!).sort() : [],
    );
  }

  getTable(schema: string, table: string): Promise<TableMetadata | undefined> {
    const columns = systemColumns(schema, table);
    return Promise.resolve(columns ? { catalog: SYSTEM_CATALOG, schema, table, columns } : undefined);
  }

  async listRows(request: ListRowsRequest): Promise<unknown[][]> {
    const { state } = this.o;
    if (request.schema === 'jdbc') return jdbcRows(this.o.catalogs(), request.table, request.hints);
    if (request.schema === 'metadata') return request.table === 'catalogs' ? this.catalogRows() : [];
    switch (request.table) {
      case 'queries':
        return queryRows(state, this.viewer(request.queryId), request.hints);
      case 'tasks':
        return taskRows(state, request.hints);
      case 'nodes':
        return nodeRows(state);
      default:
        return [];
    }
  }

  private catalogRows(): unknown[][] {
    const catalogs = this.o.catalogs();
    return catalogs.names().map((name) => [name, name, catalogs.get(name)?.connectorName ?? null]);
  }

  /** Whose SQL text the asking query may read: its submission's own and presented capabilities. */
  private viewer(queryId: string | undefined): Viewer {
    const asker = queryId === undefined ? undefined : this.o.state.term()?.queries.get(queryId);
    if (!asker) return { admin: false, owns: new Set() };
    const owns = new Set(asker.sees?.owns ?? []);
    if (asker.capabilityHash) owns.add(asker.capabilityHash);
    return { admin: asker.sees?.admin ?? false, owns };
  }

  splits(): Promise<readonly Split[]> {
    return Promise.reject(internalError('system tables are listed while planning, never split'));
  }

  pageSource(): AsyncIterable<Page> {
    throw internalError('system tables are listed while planning, never scanned');
  }
}

/** The catalogs with `system` added (it takes the name from any configured catalog). */
export class WithSystemCatalog implements CatalogRegistry {
  readonly system: SystemConnector;

  constructor(
    private readonly base: CatalogRegistry,
    state: RuntimeState,
  ) {
    this.system = new SystemConnector({ state, catalogs: () => this });
  }

  get(catalog: string): Connector | undefined {
    return catalog === SYSTEM_CATALOG ? this.system : this.base.get(catalog);
  }

  names(): readonly string[] {
    return [...new Set([...this.base.names(), SYSTEM_CATALOG])].sort();
  }

  /** Closes the configured catalogs (those that hold connections). */
  async close(): Promise<void> {
    await (this.base as Partial<{ close(): Promise<void> }>).close?.();
  }
}
