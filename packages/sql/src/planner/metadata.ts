import { QuarryError, type SourceLocation } from '@quarry/common';
import type { Identifier, Query, Statement } from '../parser/ast.js';
import { parseStatement } from '../parser/index.js';
import type { Session } from '../plan/session.js';
import type { CatalogRegistry, Connector, TableMetadata, TableRef } from '../spi/connector.js';
import { listsRows, type ListedRowsConnector } from '../spi/listed-rows.js';
import { hasViews, type ViewDefinition } from '../spi/views.js';
import { listingHints, type ListingHints } from './information-schema-filters.js';
import {
  INFORMATION_SCHEMA,
  informationSchemaColumns,
  informationSchemaRows,
  type SystemColumn,
} from './information-schema.js';

export type { Session } from '../plan/session.js';

/** What a table name in a query stands for. */
export type ResolvedRelation =
  | { readonly kind: 'table'; readonly table: TableMetadata }
  | { readonly kind: 'view'; readonly view: ResolvedView }
  | { readonly kind: 'rows'; readonly rows: SystemRows };

/** A view, its stored query parsed, and the metadata of what that query names. */
export interface ResolvedView {
  readonly ref: TableRef;
  readonly definition: ViewDefinition;
  readonly query: Query;
  readonly metadata: PlannerMetadata;
}

/** A table whose rows are listed while planning (information_schema, the system catalog's), planned as VALUES. */
export interface SystemRows {
  readonly ref: TableRef;
  readonly columns: readonly SystemColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

/** What loading needs besides the statement (views load what their stored query names). */
export interface LoadOptions {
  /** The views being expanded around this statement, outermost first (`catalog.schema.view`). */
  readonly viewPath?: readonly string[];
}

/**
 * The relations a statement names, resolved ahead of planning so that the planner itself is
 * synchronous: tables, views (their stored SQL parsed and its own names resolved, recursively, with
 * the catalog and schema the view was created in) and information_schema tables (their rows listed
 * now). A name that failed to resolve keeps its error, raised when the planner uses it.
 */
export class PlannerMetadata {
  private readonly relations = new Map<string, ResolvedRelation | QuarryError>();

  constructor(readonly session: Session) {}

  static async load(
    statement: Statement,
    catalogs: CatalogRegistry,
    session: Session,
    options: LoadOptions = {},
  ): Promise<PlannerMetadata> {
    const meta = new PlannerMetadata(session);
    const columnsOf = (name: readonly Identifier[]) =>
      name.length >= 2 && name.at(-2)!.value.toLowerCase() === INFORMATION_SCHEMA
        ? informationSchemaColumns(name.at(-1)!.value.toLowerCase())?.map((c) => c.name)
        : undefined;
    const hints = listingHints(statement, columnsOf, nameKey);
    for (const name of collectTableNames(statement)) {
      const key = nameKey(name);
      if (meta.relations.has(key)) continue;
      const context = {
        catalogs,
        session,
        statement,
        viewPath: options.viewPath ?? [],
        hints: hints.get(key) ?? {},
      };
      meta.relations.set(key, await lookup(name, context));
    }
    return meta;
  }

  /** Estimated distinct values of a column of a table this statement reads, when the connector knows. */
  distinctCount(ref: TableRef, column: string): number | undefined {
    for (const r of this.relations.values()) {
      if (r instanceof QuarryError) continue;
      if (r.kind === 'view') {
        const inView = r.view.metadata.distinctCount(ref, column);
        if (inView !== undefined) return inView;
      }
      if (r.kind !== 'table') continue;
      const t = r.table;
      if (t.catalog === ref.catalog && t.schema === ref.schema && t.table === ref.table)
        return t.columns.find((c) => c.name === column)?.distinctCount;
    }
    return undefined;
  }

  /** What a name as written stands for, or the error explaining why it stands for nothing. */
  relation(name: readonly Identifier[], loc: SourceLocation): ResolvedRelation {
    const found = this.relations.get(nameKey(name));
    if (found === undefined) {
      throw new QuarryError(
        'TABLE_NOT_FOUND',
        `Table '${name.map((n) => n.value).join('.')}' does not exist`,
        { location: loc },
      );
    }
    if (found instanceof QuarryError) throw new QuarryError(found.code, found.message, { location: loc });
    return found;
  }
}

/** Views nested deeper than this are refused (a chain this long is surely a mistake). */
export const MAX_VIEW_DEPTH = 32;

interface LookupContext {
  readonly catalogs: CatalogRegistry;
  readonly session: Session;
  /** The statement being loaded: its WHERE clauses narrow what listed tables list. */
  readonly statement: Statement;
  readonly viewPath: readonly string[];
  readonly hints: ListingHints;
}

async function lookup(
  name: readonly Identifier[],
  context: LookupContext,
): Promise<ResolvedRelation | QuarryError> {
  const { catalogs, session } = context;
  const parts = name.map((n) => n.value.toLowerCase());
  if (parts.length > 3)
    return new QuarryError('TABLE_NOT_FOUND', `Too many dots in table name: ${parts.join('.')}`);
  const table = parts[parts.length - 1]!;
  const schema = parts.length >= 2 ? parts[parts.length - 2] : session.schema;
  const catalog = parts.length === 3 ? parts[0] : session.catalog;
  if (catalog === undefined)
    return new QuarryError('TABLE_NOT_FOUND', 'Catalog must be specified when session catalog is not set');
  if (schema === undefined)
    return new QuarryError('TABLE_NOT_FOUND', 'Schema must be specified when session schema is not set');
  const connector = catalogs.get(catalog);
  if (!connector) return new QuarryError('CATALOG_NOT_FOUND', `Catalog '${catalog}' not found`);
  const ref: TableRef = { catalog, schema, table };
  if (schema === INFORMATION_SCHEMA) return systemTable(ref, connector, context.hints);
  if (!(await connector.schemaExists(schema)))
    return new QuarryError('SCHEMA_NOT_FOUND', `Schema '${catalog}.${schema}' does not exist`);
  if (listsRows(connector)) return listedTable(ref, connector, context);
  const view = hasViews(connector) ? await connector.getView(schema, table) : undefined;
  if (view) return loadView(ref, view, context);
  const meta = await connector.getTable(schema, table);
  if (!meta)
    return new QuarryError('TABLE_NOT_FOUND', `Table '${catalog}.${schema}.${table}' does not exist`);
  return { kind: 'table', table: meta };
}

async function systemTable(
  ref: TableRef,
  connector: Connector,
  hints: ListingHints,
): Promise<ResolvedRelation | QuarryError> {
  const columns = informationSchemaColumns(ref.table);
  if (!columns)
    return new QuarryError(
      'TABLE_NOT_FOUND',
      `Table '${ref.catalog}.${ref.schema}.${ref.table}' does not exist`,
    );
  const rows = await informationSchemaRows(ref.catalog, connector, ref.table, hints);
  return { kind: 'rows', rows: { ref, columns, rows } };
}

/** A table of a connector that lists its rows while planning (the system catalog's). */
async function listedTable(
  ref: TableRef,
  connector: Connector & ListedRowsConnector,
  context: LookupContext,
): Promise<ResolvedRelation | QuarryError> {
  const meta = await connector.getTable(ref.schema, ref.table);
  if (!meta)
    return new QuarryError(
      'TABLE_NOT_FOUND',
      `Table '${ref.catalog}.${ref.schema}.${ref.table}' does not exist`,
    );
  const key = `${ref.catalog}.${ref.schema}.${ref.table}`;
  const names = meta.columns.map((c) => c.name);
  // the statement's names as written: those that stand for this table get its hints
  const qualified = (name: readonly Identifier[]): string =>
    [
      ...(name.length < 3 ? [context.session.catalog ?? ''] : []),
      ...(name.length < 2 ? [context.session.schema ?? ''] : []),
      ...name.map((n) => n.value.toLowerCase()),
    ].join('.');
  const hints = listingHints(context.statement, (n) => (qualified(n) === key ? names : undefined), qualified);
  const rows = await connector.listRows({
    schema: ref.schema,
    table: ref.table,
    hints: hints.get(key) ?? {},
    ...(context.session.queryId !== undefined ? { queryId: context.session.queryId } : {}),
  });
  const columns = meta.columns.map((c) => ({ name: c.name, type: c.type }));
  return { kind: 'rows', rows: { ref, columns, rows } };
}

/**
 * A view: its SQL parsed again and what it names resolved with the catalog and schema it was
 * created in. A view met again inside its own expansion is VIEW_IS_RECURSIVE.
 */
async function loadView(
  ref: TableRef,
  definition: ViewDefinition,
  context: LookupContext,
): Promise<ResolvedRelation | QuarryError> {
  const name = `${ref.catalog}.${ref.schema}.${ref.table}`;
  if (context.viewPath.includes(name))
    return new QuarryError(
      'VIEW_IS_RECURSIVE',
      `View '${name}' is recursive: ${[...context.viewPath, name].join(' → ')}`,
    );
  if (context.viewPath.length >= MAX_VIEW_DEPTH)
    return new QuarryError(
      'QUERY_TOO_COMPLEX',
      `View '${name}' is nested more than ${MAX_VIEW_DEPTH} views deep`,
    );
  let query: Query;
  try {
    const statement = parseStatement(definition.sql);
    if (statement.kind !== 'Query') throw new QuarryError('SYNTAX_ERROR', 'the stored SQL is not a query');
    query = statement;
  } catch (e) {
    return new QuarryError('INVALID_VIEW', `Failed parsing stored view '${name}': ${(e as Error).message}`);
  }
  const { catalog: _catalog, schema: _schema, ...rest } = context.session;
  const session: Session = {
    ...rest,
    ...(definition.catalog !== undefined ? { catalog: definition.catalog } : {}),
    ...(definition.schema !== undefined ? { schema: definition.schema } : {}),
  };
  const metadata = await PlannerMetadata.load(query, context.catalogs, session, {
    viewPath: [...context.viewPath, name],
  });
  return { kind: 'view', view: { ref, definition, query, metadata } };
}

function nameKey(name: readonly Identifier[]): string {
  return name.map((n) => n.value.toLowerCase()).join('.');
}

/** Every `Table` name in a statement (CTE references included: they resolve or fail lazily). */
export function collectTableNames(root: unknown): (readonly Identifier[])[] {
  const out: (readonly Identifier[])[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (typeof v !== 'object' || v === null) return;
    const node = v as { kind?: string; name?: readonly Identifier[] };
    if (node.kind === 'Table' && node.name) out.push(node.name);
    for (const [k, child] of Object.entries(v)) if (k !== 'loc') visit(child);
  };
  visit(root);
  return out;
}
