import type { Connector, TableMetadata } from '../spi/connector.js';
import { hasViews, type ViewDefinition } from '../spi/views.js';
import { BIGINT, typeToString, VARCHAR, type DataType } from '../types/types.js';
import type { ListingHints } from './information-schema-filters.js';

/**
 * `<catalog>.information_schema`, in every catalog: Trino's tables with Trino's columns and types,
 * listing what the catalog's connector holds. Hidden columns (Trino's non-standard and MySQL
 * compatible ones) are selected by name only, never by `*`. Rows are listed on the coordinator
 * while the statement is planned and planned as VALUES (`PlannerMetadata`), so workers never ask
 * a connector for them; `ListingHints` keep the listing to the schemas and tables asked for.
 *
 * quarry has no roles and checks no table privileges: `table_privileges`, `roles`,
 * `applicable_roles` and `enabled_roles` exist with Trino's columns and no rows.
 */
export const INFORMATION_SCHEMA = 'information_schema';

export interface SystemColumn {
  readonly name: string;
  readonly type: DataType;
  readonly hidden?: boolean;
}

const v = (name: string, hidden = false): SystemColumn => ({
  name,
  type: VARCHAR,
  ...(hidden ? { hidden } : {}),
});

const TABLES: Readonly<Record<string, readonly SystemColumn[]>> = {
  columns: [
    v('table_catalog'),
    v('table_schema'),
    v('table_name'),
    v('column_name'),
    { name: 'ordinal_position', type: BIGINT },
    v('column_default'),
    v('is_nullable'),
    v('data_type'),
    v('comment', true),
    v('extra_info', true),
    v('column_comment', true),
  ],
  tables: [
    v('table_catalog'),
    v('table_schema'),
    v('table_name'),
    v('table_type'),
    v('trino_relation_type', true),
    v('table_comment', true),
  ],
  views: [v('table_catalog'), v('table_schema'), v('table_name'), v('view_definition')],
  schemata: [v('catalog_name'), v('schema_name')],
  table_privileges: [
    v('grantor'),
    v('grantor_type'),
    v('grantee'),
    v('grantee_type'),
    v('table_catalog'),
    v('table_schema'),
    v('table_name'),
    v('privilege_type'),
    v('is_grantable'),
    v('with_hierarchy'),
  ],
  roles: [v('role_name')],
  applicable_roles: [v('grantee'), v('grantee_type'), v('role_name'), v('is_grantable')],
  enabled_roles: [v('role_name')],
};

export const INFORMATION_SCHEMA_TABLES: readonly string[] = Object.keys(TABLES).sort();

export function informationSchemaColumns(table: string): readonly SystemColumn[] | undefined {
  return Object.hasOwn(TABLES, table) ? TABLES[table] : undefined;
}

/** A relation of a schema: a table, a view, or a table of information_schema. */
interface Entry {
  readonly schema: string;
  readonly name: string;
  readonly view?: ViewDefinition;
  /** The table's metadata, when already read. */
  readonly table?: TableMetadata;
}

/** The rows of `<catalog>.information_schema.<table>` (native values, in the table's column order). */
export async function informationSchemaRows(
  catalog: string,
  connector: Connector,
  table: string,
  hints: ListingHints,
): Promise<unknown[][]> {
  switch (table) {
    case 'schemata':
      return (await schemasOf(connector, hints)).map((s) => [catalog, s]);
    case 'tables':
      return (await entriesOf(connector, hints)).map((e) => {
        const type = e.view ? 'VIEW' : 'BASE TABLE';
        return [catalog, e.schema, e.name, type, e.view ? 'VIEW' : 'TABLE', e.view?.comment ?? null];
      });
    case 'views':
      return (await entriesOf(connector, hints))
        .filter((e) => e.view)
        .map((e) => [catalog, e.schema, e.name, e.view!.sql]);
    case 'columns':
      return columnRows(catalog, connector, hints);
    default:
      return [];
  }
}

async function columnRows(catalog: string, connector: Connector, hints: ListingHints): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for (const e of await entriesOf(connector, hints)) {
    const columns =
      e.schema === INFORMATION_SCHEMA
        ? (informationSchemaColumns(e.name) ?? [])
        : (e.view?.columns ?? (e.table ?? (await connector.getTable(e.schema, e.name)))?.columns ?? []);
    columns.forEach((c, i) => {
      const type = typeToString(c.type);
      rows.push([catalog, e.schema, e.name, c.name, i + 1, null, 'YES', type, null, null, null]);
    });
  }
  return rows;
}

/** The catalog's schemas (information_schema among them), only those asked for when hinted. */
async function schemasOf(connector: Connector, hints: ListingHints): Promise<string[]> {
  if (hints.schemas) {
    const exist = await Promise.all(
      [...hints.schemas].map(async (s) => s === INFORMATION_SCHEMA || (await connector.schemaExists(s))),
    );
    return [...hints.schemas].filter((_, i) => exist[i]).sort();
  }
  return [...new Set([...(await connector.listSchemas()), INFORMATION_SCHEMA])].sort();
}

async function entriesOf(connector: Connector, hints: ListingHints): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (const schema of await schemasOf(connector, hints)) {
    if (schema === INFORMATION_SCHEMA) {
      const names = INFORMATION_SCHEMA_TABLES.filter((t) => !hints.tables || hints.tables.has(t));
      entries.push(...names.map((name) => ({ schema, name })));
      continue;
    }
    if (hints.tables) {
      entries.push(...(await named(connector, schema, [...hints.tables].sort())));
      continue;
    }
    const views = hasViews(connector) ? new Set(await connector.listViews(schema)) : new Set<string>();
    for (const name of [...(await connector.listTables(schema))].sort()) {
      const view = views.has(name) && hasViews(connector) ? await connector.getView(schema, name) : undefined;
      entries.push({ schema, name, ...(view ? { view } : {}) });
    }
  }
  return entries;
}

/** Of `names`, the tables and views of the schema, without listing the schema. */
async function named(connector: Connector, schema: string, names: readonly string[]): Promise<Entry[]> {
  const found = await Promise.all(
    names.map(async (name): Promise<Entry | undefined> => {
      const view = hasViews(connector) ? await connector.getView(schema, name) : undefined;
      if (view) return { schema, name, view };
      const table = await connector.getTable(schema, name);
      return table ? { schema, name, table } : undefined;
    }),
  );
  return found.filter((e): e is Entry => e !== undefined);
}
