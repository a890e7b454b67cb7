import { QuarryError, type SourceLocation } from '@quarry/common';
import type { Identifier, Statement } from '../parser/ast.js';
import type { Session } from '../plan/session.js';
import type { CatalogRegistry, TableMetadata, TableRef } from '../spi/connector.js';

export type { Session } from '../plan/session.js';

/**
 * The tables a statement names, resolved ahead of planning so that the planner itself is
 * synchronous. A name that failed to resolve keeps its error, raised when the planner uses it.
 */
export class PlannerMetadata {
  private readonly tables = new Map<string, TableMetadata | QuarryError>();

  constructor(readonly session: Session) {}

  static async load(
    statement: Statement,
    catalogs: CatalogRegistry,
    session: Session,
  ): Promise<PlannerMetadata> {
    const meta = new PlannerMetadata(session);
    for (const name of collectTableNames(statement)) {
      const key = nameKey(name);
      if (meta.tables.has(key)) continue;
      meta.tables.set(key, await lookup(name, catalogs, session));
    }
    return meta;
  }

  /** Estimated distinct values of a column of a table this statement reads, when the connector knows. */
  distinctCount(ref: TableRef, column: string): number | undefined {
    for (const t of this.tables.values()) {
      if (t instanceof QuarryError) continue;
      if (t.catalog === ref.catalog && t.schema === ref.schema && t.table === ref.table)
        return t.columns.find((c) => c.name === column)?.distinctCount;
    }
    return undefined;
  }

  /** The table for a name as written, or the error explaining why there is none. */
  table(name: readonly Identifier[], loc: SourceLocation): TableMetadata {
    const found = this.tables.get(nameKey(name));
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

function nameKey(name: readonly Identifier[]): string {
  return name.map((n) => n.value.toLowerCase()).join('.');
}

async function lookup(
  name: readonly Identifier[],
  catalogs: CatalogRegistry,
  session: Session,
): Promise<TableMetadata | QuarryError> {
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
  if (!(await connector.schemaExists(schema)))
    return new QuarryError('SCHEMA_NOT_FOUND', `Schema '${catalog}.${schema}' does not exist`);
  const meta = await connector.getTable(schema, table);
  if (!meta)
    return new QuarryError('TABLE_NOT_FOUND', `Table '${catalog}.${schema}.${table}' does not exist`);
  return meta;
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
