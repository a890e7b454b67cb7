import { QuarryError, type SourceLocation } from '@quarry/common';
import type { CreateView, DropView, QualifiedName, ShowCreateView, Statement } from '../parser/ast.js';
import { formatSql } from '../parser/index.js';
import { quoteString } from '../parser/print-expressions.js';
import type { DistributedPlan } from '../plan/fragment.js';
import type { CatalogRegistry, Connector, TableRef } from '../spi/connector.js';
import { hasViews, type ViewConnector, type ViewDefinition } from '../spi/views.js';
import { VARCHAR } from '../types/types.js';
import { INFORMATION_SCHEMA } from './information-schema.js';
import { literalOf } from './literals.js';
import { qualifiedRef } from './names.js';
import { PlannerMetadata, type Session } from './metadata.js';
import { outputColumns } from './output-columns.js';
import { planLogical } from './plan.js';
import { sqlName } from './statements.js';
import { ddl } from './writes.js';

/**
 * CREATE [OR REPLACE] VIEW, DROP VIEW and SHOW CREATE VIEW. The DDL plans to an empty result with
 * its command (as CREATE TABLE does), which the coordinator's query actor runs. A view's
 * query is planned once at creation — its columns and their types are stored with it, and a view
 * that would read itself is refused — and stored as SQL text, re-read wherever the view is named.
 * Undefined for other statements.
 */
export async function planViewStatement(
  statement: Statement,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan | undefined> {
  switch (statement.kind) {
    case 'CreateView':
      return createView(statement, catalogs, session);
    case 'DropView':
      return dropView(statement, catalogs, session);
    case 'ShowCreateView':
      return showCreateView(statement, catalogs, session);
    default:
      return undefined;
  }
}

async function createView(
  statement: CreateView,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  const at = statement.name[0]!.loc;
  const { ref, connector } = viewTarget(statement.name, catalogs, session, at);
  if (!(await connector.schemaExists(ref.schema)))
    throw new QuarryError('SCHEMA_NOT_FOUND', `Schema '${ref.catalog}.${ref.schema}' does not exist`, {
      location: at,
    });
  const metadata = await PlannerMetadata.load(statement.query, catalogs, session, {
    viewPath: [fullName(ref)],
  });
  const query = planLogical(statement.query, metadata);
  const columns = outputColumns(query.outputs, statement.columns, statement.loc);
  const text = formatSql(statement.query);
  const definition: ViewDefinition = {
    // a column list renames the query's columns: kept in the SQL, so the text alone re-creates the view
    sql: statement.columns.length
      ? `SELECT * FROM (${text}) AS ${sqlName(ref.table)} (${columns.map((c) => sqlName(c.name)).join(', ')})`
      : text,
    ...(session.catalog !== undefined ? { catalog: session.catalog } : {}),
    ...(session.schema !== undefined ? { schema: session.schema } : {}),
    columns: columns.map((c) => ({ name: c.name, type: c.type })),
    ...(statement.comment !== undefined ? { comment: statement.comment } : {}),
    ...(statement.security !== undefined ? { security: statement.security } : {}),
  };
  return ddl({ kind: 'createView', view: ref, definition, replace: statement.replace, loc: at });
}

async function dropView(
  statement: DropView,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  const at = statement.name[0]!.loc;
  const { ref } = viewTarget(statement.name, catalogs, session, at);
  return ddl({ kind: 'dropView', view: ref, ifExists: statement.ifExists, loc: at });
}

/** `SHOW CREATE VIEW v`, as Trino prints it: the statement, then the stored query on its own line. */
async function showCreateView(
  statement: ShowCreateView,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  const at = statement.view[0]!.loc;
  const ref = qualifiedRef(statement.view, session, at, 'view');
  const connector = catalogs.get(ref.catalog);
  if (!connector)
    throw new QuarryError('CATALOG_NOT_FOUND', `Catalog '${ref.catalog}' not found`, { location: at });
  const view = hasViews(connector) ? await connector.getView(ref.schema, ref.table) : undefined;
  if (!view) {
    if (ref.schema !== INFORMATION_SCHEMA && (await connector.getTable(ref.schema, ref.table)))
      throw new QuarryError('NOT_SUPPORTED', `Relation '${fullName(ref)}' is a table, not a view`, {
        location: at,
      });
    throw new QuarryError('TABLE_NOT_FOUND', `View '${fullName(ref)}' does not exist`, { location: at });
  }
  const name = [ref.catalog, ref.schema, ref.table].map(sqlName).join('.');
  const comment = view.comment !== undefined ? ` COMMENT ${quoteString(view.comment)}` : '';
  const text = `CREATE VIEW ${name}${comment} SECURITY ${view.security ?? 'DEFINER'} AS\n${view.sql}`;
  const outputs = [{ name: 'Create View', type: VARCHAR }];
  const root = { kind: 'Values' as const, rows: [[literalOf(text, VARCHAR)]], outputs };
  return {
    fragments: [
      { id: 0, root, distribution: 'single', outputPartitioning: { kind: 'single' }, outputs, inputs: [] },
    ],
    rootId: 0,
    columns: outputs,
  };
}

function viewTarget(
  name: QualifiedName,
  catalogs: CatalogRegistry,
  session: Session,
  loc: SourceLocation,
): { ref: TableRef; connector: Connector & ViewConnector } {
  const ref = qualifiedRef(name, session, loc, 'view');
  const connector = catalogs.get(ref.catalog);
  if (!connector)
    throw new QuarryError('CATALOG_NOT_FOUND', `Catalog '${ref.catalog}' not found`, { location: loc });
  if (!hasViews(connector))
    throw new QuarryError('NOT_SUPPORTED', `Catalog '${ref.catalog}' does not support views`, {
      location: loc,
    });
  if (ref.schema === INFORMATION_SCHEMA)
    throw new QuarryError('NOT_SUPPORTED', `Schema '${ref.catalog}.${INFORMATION_SCHEMA}' is read-only`, {
      location: loc,
    });
  return { ref, connector };
}

function fullName(ref: TableRef): string {
  return `${ref.catalog}.${ref.schema}.${ref.table}`;
}
