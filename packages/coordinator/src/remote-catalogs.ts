import { QuarryError, internalError } from '@quarry/common';
import type {
  CatalogRegistry,
  ColumnMetadata,
  Connector,
  Split,
  TableMetadata,
  TableRef,
  ListedRowsConnector,
  ListRowsRequest,
  ProcedureConnector,
  ViewConnector,
  ViewDefinition,
  WritableConnector,
  WriteFragment,
  WriteHandle,
  WriteSink,
  WriteKind,
} from '@quarry/sql';
import type { Page } from '@quarry/sql';
import type { CatalogInfo, ConnectorCall } from './planner-messages.js';

/** Runs a connector method on the main thread and resolves with what it returned. */
export type CallMain = (catalog: string, method: ConnectorCall, args: readonly unknown[]) => Promise<unknown>;

/**
 * The catalogs as a planner thread sees them: every connector call the planner makes (metadata,
 * `beginWrite`) runs on the main thread's connector, the one owner of the catalog's state —
 * the memory catalog's tables, the lake's commit locks, storage clients. Only what planning needs
 * is here; DDL, splits, page sources and commits are the main thread's or the workers'.
 */
export class RemoteCatalogs implements CatalogRegistry {
  private readonly connectors: Map<string, Connector>;

  constructor(infos: readonly CatalogInfo[], call: CallMain) {
    this.connectors = new Map(
      infos.map((info) => [
        info.name,
        withListedRows(
          withProcedures(
            withViews(
              info.writable ? new RemoteWritableConnector(info, call) : new RemoteConnector(info, call),
              info,
              call,
            ),
            info,
          ),
          info,
          call,
        ),
      ]),
    );
  }

  get(catalog: string): Connector | undefined {
    return this.connectors.get(catalog);
  }

  names(): readonly string[] {
    return [...this.connectors.keys()].sort();
  }
}

class RemoteConnector implements Connector {
  readonly connectorName: string;

  constructor(
    protected readonly info: CatalogInfo,
    protected readonly call: CallMain,
  ) {
    this.connectorName = info.connectorName;
  }

  listSchemas(): Promise<readonly string[]> {
    return this.call(this.info.name, 'listSchemas', []) as Promise<readonly string[]>;
  }

  schemaExists(schema: string): Promise<boolean> {
    return this.call(this.info.name, 'schemaExists', [schema]) as Promise<boolean>;
  }

  listTables(schema: string): Promise<readonly string[]> {
    return this.call(this.info.name, 'listTables', [schema]) as Promise<readonly string[]>;
  }

  getTable(schema: string, table: string): Promise<TableMetadata | undefined> {
    return this.call(this.info.name, 'getTable', [schema, table]) as Promise<TableMetadata | undefined>;
  }

  splits(): Promise<readonly Split[]> {
    return Promise.reject(notHere('splits'));
  }

  pageSource(_table: TableRef, _split: Split, _columns: readonly string[]): AsyncIterable<Page> {
    throw notHere('pageSource');
  }
}

class RemoteWritableConnector extends RemoteConnector implements WritableConnector {
  get supportsFaultTolerantWrites(): boolean {
    return this.info.supportsFaultTolerantWrites;
  }

  createSchema(): Promise<void> {
    return Promise.reject(notHere('createSchema'));
  }

  dropSchema(): Promise<void> {
    return Promise.reject(notHere('dropSchema'));
  }

  createTable(): Promise<void> {
    return Promise.reject(notHere('createTable'));
  }

  dropTable(): Promise<void> {
    return Promise.reject(notHere('dropTable'));
  }

  beginWrite(
    table: TableRef,
    options: {
      kind: WriteKind;
      columns: readonly ColumnMetadata[];
      queryId: string;
      properties?: Readonly<Record<string, unknown>>;
    },
  ): Promise<WriteHandle> {
    return this.call(this.info.name, 'beginWrite', [table, options]) as Promise<WriteHandle>;
  }

  writeSink(): WriteSink {
    throw notHere('writeSink');
  }

  commitWrite(_handle: WriteHandle, _fragments: readonly WriteFragment[]): Promise<{ rows: number }> {
    return Promise.reject(notHere('commitWrite'));
  }

  abortWrite(): Promise<void> {
    return Promise.reject(notHere('abortWrite'));
  }
}

/**
 * A connector that stores views gets the view methods too (`hasViews` looks for them), each run on
 * the main thread like the rest; one that does not keeps none.
 */
function withViews(connector: RemoteConnector, info: CatalogInfo, call: CallMain): Connector {
  if (!info.views) return connector;
  const views: ViewConnector = {
    getView: (schema, view) =>
      call(info.name, 'getView', [schema, view]) as Promise<ViewDefinition | undefined>,
    listViews: (schema) => call(info.name, 'listViews', [schema]) as Promise<readonly string[]>,
    createView: () => Promise.reject(notHere('createView')),
    dropView: () => Promise.reject(notHere('dropView')),
  };
  return Object.assign(connector, views);
}

/**
 * A connector that offers procedures gets their list, which the planner binds a CALL's arguments
 * to; the call itself is the query actor's, on the main thread.
 */
function withProcedures(connector: Connector, info: CatalogInfo): Connector {
  if (info.procedures.length === 0) return connector;
  const procedures: ProcedureConnector = {
    procedures: info.procedures,
    callProcedure: () => Promise.reject(notHere('callProcedure')),
  };
  return Object.assign(connector, procedures);
}

/** A connector that lists its tables' rows while planning gets `listRows`, run on the main thread. */
function withListedRows(connector: Connector, info: CatalogInfo, call: CallMain): Connector {
  if (!info.listsRows) return connector;
  const listed: ListedRowsConnector = {
    listRows: (request: ListRowsRequest) => call(info.name, 'listRows', [request]) as Promise<unknown[][]>,
  };
  return Object.assign(connector, listed);
}

function notHere(method: string): QuarryError {
  return internalError(`${method} is not available to a planner thread`);
}
