import { QuarryError, type SourceLocation } from '@quarry/common';
import type { DdlCommand } from '../plan/ddl.js';
import type { CatalogRegistry, Connector, TableRef } from '../spi/connector.js';
import { hasProcedures } from '../spi/procedures.js';
import { hasViews, type ViewConnector } from '../spi/views.js';
import { isWritable, type WritableConnector } from '../spi/writes.js';

/** Who runs a command: the query, and whether it runs again after a coordinator failover. */
export interface DdlContext {
  readonly queryId?: string | undefined;
  /**
   * The query was planned (and maybe its DDL run) under a leader that died before recording the
   * plan: the command must have its effect once, so CREATE and DROP run as IF [NOT] EXISTS would
   * (and a procedure is told, with the same query id).
   */
  readonly resumed?: boolean | undefined;
}

/**
 * Runs a statement's change to a catalog (see `DdlCommand`) through the catalog's connector — on
 * the coordinator, by the query's actor, once the statement is planned. A connector's user error
 * points at the object's name in the statement.
 */
export async function executeDdl(
  command: DdlCommand,
  catalogs: CatalogRegistry,
  context: DdlContext,
): Promise<void> {
  try {
    await RUN[command.kind](command as never, catalogs, context);
  } catch (e) {
    if (e instanceof QuarryError && e.location === undefined && e.type === 'USER_ERROR')
      throw new QuarryError(e.code, e.message, { location: command.loc, cause: e.cause });
    throw e;
  }
}

type Runner<K extends DdlCommand['kind']> = (
  command: Extract<DdlCommand, { kind: K }>,
  catalogs: CatalogRegistry,
  context: DdlContext,
) => Promise<void>;

/** One runner per kind of command: a kind without one fails to compile. */
const RUN: { readonly [K in DdlCommand['kind']]: Runner<K> } = {
  createSchema: (c, catalogs, { resumed }) =>
    writable(catalogs, c.catalog, c.loc).createSchema(c.schema, {
      ifNotExists: c.ifNotExists || resumed === true,
      properties: c.properties,
    }),
  dropSchema: (c, catalogs, { resumed }) =>
    writable(catalogs, c.catalog, c.loc).dropSchema(c.schema, {
      ifExists: c.ifExists || resumed === true,
      cascade: c.cascade,
    }),
  createTable: (c, catalogs, { resumed }) =>
    writable(catalogs, c.table.catalog, c.loc).createTable(c.table, c.columns, {
      ifNotExists: c.ifNotExists || resumed === true,
      properties: c.properties,
    }),
  dropTable: async (c, catalogs, { resumed }) => {
    const connector = writable(catalogs, c.table.catalog, c.loc);
    const ref = c.table;
    if (hasViews(connector) && (await connector.getView(ref.schema, ref.table))) {
      const name = fullName(ref);
      throw new QuarryError(
        'TABLE_NOT_FOUND',
        `Table '${name}' does not exist, but a view with that name exists. Did you mean DROP VIEW ${name}?`,
      );
    }
    await connector.dropTable(ref, { ifExists: c.ifExists || resumed === true });
  },
  createView: (c, catalogs, { queryId }) =>
    withViews(catalogs, c.view.catalog, c.loc).createView(c.view, c.definition, {
      replace: c.replace,
      ...(queryId !== undefined ? { queryId } : {}),
    }),
  dropView: async (c, catalogs, { resumed }) => {
    const connector = withViews(catalogs, c.view.catalog, c.loc);
    const ref = c.view;
    if (
      !(await connector.getView(ref.schema, ref.table)) &&
      (await connector.getTable(ref.schema, ref.table))
    )
      throw new QuarryError(
        'TABLE_NOT_FOUND',
        `View '${fullName(ref)}' does not exist, but a table with that name exists. Did you mean DROP TABLE ${fullName(ref)}?`,
        { location: c.loc },
      );
    await connector.dropView(ref, { ifExists: c.ifExists || resumed === true });
  },
  call: async (c, catalogs, { queryId, resumed }) => {
    const connector = connectorOf(catalogs, c.catalog, c.loc);
    const { schema, name } = c.call;
    if (!hasProcedures(connector))
      throw new QuarryError(
        'PROCEDURE_NOT_FOUND',
        `Procedure not registered: ${c.catalog}.${schema}.${name}`,
        {
          location: c.loc,
        },
      );
    await connector.callProcedure({
      ...c.call,
      ...(queryId !== undefined ? { queryId } : {}),
      ...(resumed !== undefined ? { resumed } : {}),
    });
  },
};

function connectorOf(catalogs: CatalogRegistry, catalog: string, loc: SourceLocation): Connector {
  const connector = catalogs.get(catalog);
  if (!connector)
    throw new QuarryError('CATALOG_NOT_FOUND', `Catalog '${catalog}' not found`, { location: loc });
  return connector;
}

function writable(
  catalogs: CatalogRegistry,
  catalog: string,
  loc: SourceLocation,
): Connector & WritableConnector {
  const connector = connectorOf(catalogs, catalog, loc);
  if (!isWritable(connector))
    throw new QuarryError('NOT_SUPPORTED', `Catalog '${catalog}' does not support writes`, { location: loc });
  return connector;
}

function withViews(
  catalogs: CatalogRegistry,
  catalog: string,
  loc: SourceLocation,
): Connector & ViewConnector {
  const connector = connectorOf(catalogs, catalog, loc);
  if (!hasViews(connector))
    throw new QuarryError('NOT_SUPPORTED', `Catalog '${catalog}' does not support views`, { location: loc });
  return connector;
}

function fullName(ref: TableRef): string {
  return `${ref.catalog}.${ref.schema}.${ref.table}`;
}
