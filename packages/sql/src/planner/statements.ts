import { QuarryError, type SourceLocation } from '@quarry/common';
import type {
  Explain,
  Identifier,
  QualifiedName,
  ShowColumns,
  ShowCreateTable,
  ShowStats,
  Statement,
} from '../parser/ast.js';
import { like } from '../functions/helpers.js';
import { explainLogicalPlan, explainPlan } from '../plan/explain.js';
import type { DistributedPlan } from '../plan/fragment.js';
import type { CatalogRegistry, ColumnMetadata, TableMetadata } from '../spi/connector.js';
import { BOOLEAN, DOUBLE, physicalKind, typeToString, VARCHAR, type DataType } from '../types/types.js';
import { toExternal } from '../types/values.js';
import { RESERVED_WORDS } from '../parser/keywords.js';
import { literalOf } from './literals.js';
import { INFORMATION_SCHEMA, INFORMATION_SCHEMA_TABLES } from './information-schema.js';
import { PlannerMetadata, type ResolvedRelation, type Session } from './metadata.js';
import { distributedPlan, planLogical } from './plan.js';
import { planWriteStatement } from './writes.js';

/**
 * Statements answered from metadata: EXPLAIN (the plan's text), SHOW CATALOGS/SCHEMAS/TABLES/
 * COLUMNS and DESCRIBE. Each becomes one stage of VALUES; undefined for statements that are not
 * of this kind.
 */
export async function planMetadataStatement(
  statement: Statement,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan | undefined> {
  switch (statement.kind) {
    case 'Explain':
      return explain(statement, catalogs, session);
    case 'ShowStats':
      return showStats(statement, catalogs, session);
    case 'ShowCreateTable':
      return showCreateTable(statement, catalogs, session);
    case 'ShowCatalogs':
      return values(
        ['Catalog'],
        filter(catalogs.names(), statement).map((c) => [c]),
      );
    case 'ShowSchemas': {
      const catalog = statement.catalog?.value.toLowerCase() ?? session.catalog;
      if (catalog === undefined)
        throw new QuarryError(
          'CATALOG_NOT_FOUND',
          'Catalog must be specified when session catalog is not set',
          {
            location: statement.loc,
          },
        );
      const connector = catalogs.get(catalog);
      if (!connector)
        throw new QuarryError('CATALOG_NOT_FOUND', `Catalog '${catalog}' not found`, {
          location: statement.loc,
        });
      const schemas = new Set([...(await connector.listSchemas()), INFORMATION_SCHEMA]);
      return values(
        ['Schema'],
        filter([...schemas], statement).map((s) => [s]),
      );
    }
    case 'ShowTables': {
      const parts = statement.schema?.map((p) => p.value.toLowerCase()) ?? [];
      const schema = parts.at(-1) ?? session.schema;
      const catalog = parts.length === 2 ? parts[0] : session.catalog;
      if (catalog === undefined || schema === undefined)
        throw new QuarryError('SCHEMA_NOT_FOUND', 'Schema must be specified when session schema is not set', {
          location: statement.loc,
        });
      const connector = catalogs.get(catalog);
      if (!connector)
        throw new QuarryError('CATALOG_NOT_FOUND', `Catalog '${catalog}' not found`, {
          location: statement.loc,
        });
      if (schema === INFORMATION_SCHEMA)
        return values(
          ['Table'],
          filter(INFORMATION_SCHEMA_TABLES, statement).map((t) => [t]),
        );
      if (!(await connector.schemaExists(schema)))
        throw new QuarryError('SCHEMA_NOT_FOUND', `Schema '${catalog}.${schema}' does not exist`, {
          location: statement.loc,
        });
      return values(
        ['Table'],
        filter(await connector.listTables(schema), statement).map((t) => [t]),
      );
    }
    case 'ShowColumns':
      return showColumns(statement, catalogs, session);
    default:
      return undefined;
  }
}

function filter(names: readonly string[], s: { like?: string; escape?: string }): string[] {
  const sorted = [...names].sort();
  if (s.like === undefined) return sorted;
  return sorted.filter((n) => like(n, s.like!, s.escape ?? null));
}

function values(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  type: DataType = VARCHAR,
): DistributedPlan {
  return typedValues(
    columns.map((name) => ({ name, type })),
    rows.map((r) => r.map((v) => (type.kind === 'boolean' ? v === 'true' : v))),
  );
}

/** One stage of VALUES: rows of native values (null for NULL) under typed columns. */
function typedValues(
  outputs: readonly { name: string; type: DataType }[],
  rows: readonly (readonly unknown[])[],
): DistributedPlan {
  const root = {
    kind: 'Values' as const,
    rows: rows.map((r) => r.map((v, i) => literalOf(v, outputs[i]!.type))),
    outputs,
  };
  return {
    fragments: [
      { id: 0, root, distribution: 'single', outputPartitioning: { kind: 'single' }, outputs, inputs: [] },
    ],
    rootId: 0,
    columns: outputs,
  };
}

async function showColumns(
  statement: ShowColumns,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  const relation = await relationOf(statement.table, statement.loc, catalogs, session);
  const columns =
    relation.kind === 'table'
      ? relation.table.columns
      : relation.kind === 'view'
        ? relation.view.definition.columns
        : relation.rows.columns.filter((c) => !c.hidden);
  const rows = columns
    .filter((c) => statement.like === undefined || like(c.name, statement.like, statement.escape ?? null))
    .map((c) => [c.name, typeToString(c.type), '', '']);
  return values(['Column', 'Type', 'Extra', 'Comment'], rows);
}

/** `SHOW CREATE TABLE t`: a CREATE TABLE statement for the table's columns, as Trino prints it. */
async function showCreateTable(
  statement: ShowCreateTable,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  const table = await tableOf(statement.table, statement.loc, catalogs, session);
  const name = [table.catalog, table.schema, table.table].map(sqlName).join('.');
  const columns = table.columns.map((c) => `   ${sqlName(c.name)} ${typeToString(c.type)}`);
  return values(['Create Table'], [[`CREATE TABLE ${name} (\n${columns.join(',\n')}\n)`]]);
}

/** A name as SQL reads it back: bare when it can be, else double-quoted. */
export function sqlName(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED_WORDS.has(name.toUpperCase())
    ? name
    : `"${name.replaceAll('"', '""')}"`;
}

/** The metadata of a table named in a statement, resolved as a query would resolve it. */
async function tableOf(
  name: QualifiedName,
  loc: SourceLocation,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<TableMetadata> {
  const relation = await relationOf(name, loc, catalogs, session);
  if (relation.kind === 'table') return relation.table;
  const ref = relation.kind === 'view' ? relation.view.ref : relation.rows.ref;
  throw new QuarryError(
    'NOT_SUPPORTED',
    `Relation '${ref.catalog}.${ref.schema}.${ref.table}' is a ${relation.kind === 'view' ? 'view' : 'system table'}, not a table`,
    { location: loc },
  );
}

/** What a name in a statement stands for (a table, a view, a system table), as a query resolves it. */
async function relationOf(
  name: QualifiedName,
  loc: SourceLocation,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<ResolvedRelation> {
  const query: Statement = {
    kind: 'Query',
    loc,
    with: [],
    orderBy: [],
    body: { kind: 'Table', name: name as Identifier[], loc },
  };
  const metadata = await PlannerMetadata.load(query, catalogs, session);
  return metadata.relation(name, loc);
}

/**
 * `SHOW STATS FOR t`, as Trino shows it: per column the distinct values, the fraction of NULLs and
 * the smallest and largest value (numbers and dates) that the connector knows, then a row with the
 * table's row count; NULL where a figure is unknown. These are the figures the join-order rules use.
 */
async function showStats(
  statement: ShowStats,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  const table = await tableOf(statement.table, statement.loc, catalogs, session);
  const bound = (c: ColumnMetadata, v: unknown): string | null => {
    if (v === undefined || v === null || physicalKind(c.type) === 'string') return null;
    const shown = toExternal(c.type, v);
    return shown === null ? null : String(shown);
  };
  const rows = table.columns.map((c) => [
    c.name,
    null,
    c.distinctCount ?? null,
    c.nullsFraction ?? null,
    null,
    bound(c, c.low),
    bound(c, c.high),
  ]);
  rows.push([null, null, null, null, table.rowCount ?? null, null, null]);
  return typedValues(
    [
      { name: 'column_name', type: VARCHAR },
      { name: 'data_size', type: DOUBLE },
      { name: 'distinct_values_count', type: DOUBLE },
      { name: 'nulls_fraction', type: DOUBLE },
      { name: 'row_count', type: DOUBLE },
      { name: 'low_value', type: VARCHAR },
      { name: 'high_value', type: VARCHAR },
    ],
    rows,
  );
}

/** Statements EXPLAIN ANALYZE runs as writes. */
const WRITES: ReadonlySet<Statement['kind']> = new Set([
  'CreateTableAsSelect',
  'Insert',
  'Delete',
  'Update',
  'Merge',
]);

async function explain(
  statement: Explain,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  if (statement.analyze) {
    const inner = statement.statement;
    const analyze = { verbose: statement.verbose };
    // a write runs (and commits) as it would without EXPLAIN ANALYZE
    if (WRITES.has(inner.kind)) {
      const plan = await planWriteStatement(inner, catalogs, session);
      if (plan) return { ...plan, analyze };
    }
    if (inner.kind !== 'Query')
      throw new QuarryError('NOT_SUPPORTED', `EXPLAIN ANALYZE of ${statementName(inner)} is not supported`, {
        location: inner.loc,
      });
    const metadata = await PlannerMetadata.load(inner, catalogs, session);
    return { ...distributedPlan(planLogical(inner, metadata)), analyze };
  }
  if (statement.format && statement.format !== 'TEXT')
    throw new QuarryError('NOT_SUPPORTED', `EXPLAIN (FORMAT ${statement.format}) is not supported`, {
      location: statement.loc,
    });
  const inner = statement.statement;
  if (inner.kind !== 'Query')
    throw new QuarryError('NOT_SUPPORTED', `EXPLAIN of ${statementName(inner)} is not supported`, {
      location: inner.loc,
    });
  const metadata = await PlannerMetadata.load(inner, catalogs, session);
  const type = statement.type ?? 'DISTRIBUTED';
  const logical = planLogical(inner, metadata);
  switch (type) {
    case 'LOGICAL':
      return values(['Query Plan'], [[explainLogicalPlan(logical)]]);
    case 'DISTRIBUTED':
      return values(['Query Plan'], [[explainPlan(distributedPlan(logical))]]);
    case 'VALIDATE':
      return values(['Valid'], [['true']], BOOLEAN);
    case 'IO':
      throw new QuarryError('NOT_SUPPORTED', 'EXPLAIN (TYPE IO) is not supported', {
        location: statement.loc,
      });
  }
}

/** A statement's kind in SQL words: CreateTableAsSelect → CREATE TABLE AS SELECT. */
function statementName(statement: Statement): string {
  return statement.kind.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}
