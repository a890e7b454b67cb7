import { QuarryError, type SourceLocation } from '@quarry/common';
import type { CreateTableAsSelect, Identifier, Insert, Property, Statement } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import { evaluateConstant } from '../expr/compile.js';
import type { DdlCommand } from '../plan/ddl.js';
import type { DistributedPlan } from '../plan/fragment.js';
import type { Column, PlanNode } from '../plan/nodes.js';
import type { CatalogRegistry, ColumnMetadata } from '../spi/connector.js';
import { hasViews } from '../spi/views.js';
import { BIGINT, typeToString, type DataType } from '../types/index.js';
import { ExprTranslator, locate } from './expressions.js';
import { literalOf, typeFromAst } from './literals.js';
import { PlannerMetadata, type Session } from './metadata.js';
import { distributedPlan, planLogical } from './plan.js';
import { outputColumns } from './output-columns.js';
import { planMerge } from './merge.js';
import {
  assignmentCast,
  checkRetries,
  queryIdOf,
  readOnly,
  tableTarget,
  writable,
  writer,
} from './write-targets.js';
import { planRowLevelWrite } from './row-level-writes.js';
import { Scope } from './scope.js';

/**
 * Statements that change catalogs. DDL (CREATE/DROP SCHEMA, CREATE/DROP TABLE, CTAS … WITH NO DATA)
 * plans to an empty result carrying the change as a command (`DistributedPlan.ddl`), which the
 * coordinator's query actor runs; nothing here changes a catalog but `beginWrite`. CREATE TABLE AS and INSERT plan to
 * the query with a TableWriter on top: writer tasks write where the rows are, their fragments are
 * gathered at the root, and the coordinator commits the winners' fragments (`DistributedPlan.write`).
 * Undefined for statements that are not writes.
 */
export async function planWriteStatement(
  statement: Statement,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan | undefined> {
  try {
    return await planWrite(statement, catalogs, session);
  } catch (e) {
    // connectors' errors (already exists, not empty, …) point at the name, as Trino's do
    throw locate(e, nameLoc(statement));
  }
}

async function planWrite(
  statement: Statement,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan | undefined> {
  switch (statement.kind) {
    case 'CreateSchema': {
      const { catalog, schema } = schemaTarget(statement.name, catalogs, session, statement.loc);
      return ddl({
        kind: 'createSchema',
        catalog,
        schema,
        ifNotExists: statement.ifNotExists,
        properties: properties(statement.properties),
        loc: nameLoc(statement),
      });
    }
    case 'DropSchema': {
      const { catalog, schema } = schemaTarget(statement.name, catalogs, session, statement.loc);
      return ddl({
        kind: 'dropSchema',
        catalog,
        schema,
        ifExists: statement.ifExists,
        cascade: statement.cascade,
        loc: nameLoc(statement),
      });
    }
    case 'CreateTable': {
      const { ref } = tableTarget(statement.name, catalogs, session, statement.loc);
      const names = new Set<string>();
      const columns = statement.columns.map((c) => {
        const name = c.name.value.toLowerCase();
        if (names.has(name))
          throw new QuarryError('ALREADY_EXISTS', `Column name '${name}' specified more than once`, {
            location: c.loc,
          });
        names.add(name);
        return { name, type: typeFromAst(c.type) };
      });
      return ddl({
        kind: 'createTable',
        table: ref,
        columns,
        ifNotExists: statement.ifNotExists,
        properties: properties(statement.properties),
        loc: nameLoc(statement),
      });
    }
    case 'DropTable': {
      const { ref } = tableTarget(statement.name, catalogs, session, statement.loc);
      return ddl({ kind: 'dropTable', table: ref, ifExists: statement.ifExists, loc: nameLoc(statement) });
    }
    case 'CreateTableAsSelect':
      return createTableAs(statement, catalogs, session);
    case 'Insert':
      return insert(statement, catalogs, session);
    case 'Delete':
    case 'Update':
      return planRowLevelWrite(statement, catalogs, session);
    case 'Merge':
      return planMerge(statement, catalogs, session);
    default:
      return undefined;
  }
}

/** Where a statement names what it changes: a connector's error points there, as Trino's do. */
function nameLoc(statement: Statement): SourceLocation {
  return nameOf(statement)?.[0]?.loc ?? statement.loc;
}

function nameOf(statement: Statement): readonly Identifier[] | undefined {
  switch (statement.kind) {
    case 'CreateSchema':
    case 'DropSchema':
    case 'CreateTable':
    case 'CreateTableAsSelect':
    case 'DropTable':
      return statement.name;
    case 'Insert':
    case 'Delete':
    case 'Update':
      return statement.table;
    case 'Merge':
      return statement.target;
    default:
      return undefined;
  }
}

function schemaTarget(
  name: readonly Identifier[],
  catalogs: CatalogRegistry,
  session: Session,
  loc: SourceLocation,
) {
  const parts = name.map((p) => p.value.toLowerCase());
  if (parts.length > 2)
    throw new QuarryError('SYNTAX_ERROR', `Too many parts in schema name: ${parts.join('.')}`, {
      location: loc,
    });
  const catalog = parts.length === 2 ? parts[0]! : session.catalog;
  if (catalog === undefined)
    throw new QuarryError('CATALOG_NOT_FOUND', 'Catalog must be specified when session catalog is not set', {
      location: loc,
    });
  const schema = parts.at(-1)!;
  readOnly(catalog, schema, loc);
  return { catalog, schema, connector: writable(catalog, catalogs, loc) };
}

function properties(list: readonly Property[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const empty = new ExprTranslator(new Scope([]), { now: new Date() });
  for (const p of list) {
    const name = p.name.value.toLowerCase();
    out[name] = p.value === 'DEFAULT' ? undefined : evaluateConstant(empty.translate(p.value));
  }
  return out;
}

async function createTableAs(
  statement: CreateTableAsSelect,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  const at = statement.name[0]!.loc;
  const { ref, connector } = tableTarget(statement.name, catalogs, session, at);
  checkRetries(connector, session, at);
  if (!(await connector.schemaExists(ref.schema))) {
    throw new QuarryError('SCHEMA_NOT_FOUND', `Schema '${ref.catalog}.${ref.schema}' does not exist`, {
      location: at,
    });
  }
  const view = hasViews(connector) ? await connector.getView(ref.schema, ref.table) : undefined;
  if (view || (await connector.getTable(ref.schema, ref.table))) {
    if (statement.ifNotExists) return rowsWritten(0);
    throw new QuarryError(
      'ALREADY_EXISTS',
      `Table '${ref.catalog}.${ref.schema}.${ref.table}' already exists`,
      { location: at },
    );
  }
  const metadata = await PlannerMetadata.load(statement.query, catalogs, session);
  const query = planLogical(statement.query, metadata);
  const columns: ColumnMetadata[] = outputColumns(query.outputs, statement.columns, statement.loc);
  if (!statement.withData) {
    const createTable: DdlCommand = {
      kind: 'createTable',
      table: ref,
      columns,
      ifNotExists: statement.ifNotExists,
      properties: properties(statement.properties),
      loc: at,
    };
    return { ...rowsWritten(0), ddl: createTable };
  }
  const handle = await connector.beginWrite(ref, {
    kind: 'create',
    columns,
    queryId: queryIdOf(session),
    properties: properties(statement.properties),
  });
  return { ...distributedPlan(writer(query, handle)), write: { handle } };
}

async function insert(
  statement: Insert,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  const at = statement.table[0]!.loc;
  const { ref, connector } = tableTarget(statement.table, catalogs, session, at);
  checkRetries(connector, session, at);
  const table = await connector.getTable(ref.schema, ref.table);
  if (!table)
    throw new QuarryError(
      'TABLE_NOT_FOUND',
      `Table '${ref.catalog}.${ref.schema}.${ref.table}' does not exist`,
      { location: at },
    );
  const metadata = await PlannerMetadata.load(statement.query, catalogs, session);
  const query = planLogical(statement.query, metadata);
  // the query's columns go, in order, to the named target columns (all of them when none is named)
  const names = statement.columns.length
    ? statement.columns.map((c) => c.value.toLowerCase())
    : table.columns.map((c) => c.name);
  for (const n of names) {
    if (!table.columns.some((c) => c.name === n))
      throw new QuarryError('COLUMN_NOT_FOUND', `Insert column name does not exist in target table: ${n}`, {
        location: at,
      });
  }
  if (new Set(names).size !== names.length)
    throw new QuarryError('ALREADY_EXISTS', 'Insert column name is specified more than once', {
      location: at,
    });
  if (names.length !== query.outputs.length) {
    throw new QuarryError(
      'TYPE_MISMATCH',
      `Insert query has ${query.outputs.length} columns, but the target has ${names.length}`,
      { location: at },
    );
  }
  const exprs: Expr[] = table.columns.map((target) => {
    const i = names.indexOf(target.name);
    if (i < 0) return literalOf(null, target.type);
    const source: Expr = { kind: 'input', channel: i, type: query.outputs[i]!.type };
    return assignmentCast(source, target.type, () =>
      mismatch(
        table.columns.map((c) => c.type),
        query.outputs.map((c) => c.type),
        at,
      ),
    );
  });
  const projected: PlanNode = {
    kind: 'Project',
    input: query,
    exprs,
    outputs: table.columns.map((c) => ({ name: c.name, type: c.type })),
  };
  const handle = await connector.beginWrite(ref, {
    kind: 'insert',
    columns: table.columns,
    queryId: queryIdOf(session),
  });
  return { ...distributedPlan(writer(projected, handle)), write: { handle } };
}

function mismatch(table: readonly DataType[], query: readonly DataType[], loc: SourceLocation): never {
  throw new QuarryError(
    'TYPE_MISMATCH',
    `Insert query has mismatched column types: Table: [${table.map(typeToString).join(', ')}], Query: [${query.map(typeToString).join(', ')}]`,
    { location: loc },
  );
}

/** DDL's plan: its command, and an empty result. */
export function ddl(command: DdlCommand): DistributedPlan {
  return { ...done(), ddl: command };
}

/** An empty result (DDL, CALL). */
export function done(): DistributedPlan {
  const outputs: Column[] = [];
  return {
    fragments: [
      {
        id: 0,
        root: { kind: 'Values', rows: [], outputs },
        distribution: 'single',
        outputPartitioning: { kind: 'single' },
        outputs,
        inputs: [],
      },
    ],
    rootId: 0,
    columns: outputs,
  };
}

/** A write that wrote nothing (CTAS … WITH NO DATA, IF NOT EXISTS of an existing table): `rows` 0. */
function rowsWritten(n: number): DistributedPlan {
  const outputs: Column[] = [{ name: 'rows', type: BIGINT }];
  return {
    fragments: [
      {
        id: 0,
        root: { kind: 'Values', rows: [[literalOf(n, BIGINT)]], outputs },
        distribution: 'single',
        outputPartitioning: { kind: 'single' },
        outputs,
        inputs: [],
      },
    ],
    rootId: 0,
    columns: outputs,
  };
}
