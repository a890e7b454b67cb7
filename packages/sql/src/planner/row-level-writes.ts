import { QuarryError } from '@quarry/common';
import type { Delete, Expression, Identifier, Update, UpdateAssignment } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import type { DistributedPlan } from '../plan/fragment.js';
import type { Column, PlanNode } from '../plan/nodes.js';
import type { CatalogRegistry, Connector, TableMetadata, TableRef } from '../spi/connector.js';
import { hasViews } from '../spi/views.js';
import {
  FILE_COLUMN,
  ROW_COLUMN,
  ROW_OP,
  type RowLevelWrite,
  type WritableConnector,
} from '../spi/writes.js';
import { BOOLEAN, INTEGER, VARCHAR, typeToString, type DataType } from '../types/index.js';
import { optimize } from '../optimizer/index.js';
import { findSubqueries } from './ast-walk.js';
import { ExprTranslator } from './expressions.js';
import { literalOf } from './literals.js';
import { PlannerMetadata, type Session } from './metadata.js';
import { distributedPlan } from './plan.js';
import { QueryPlanner } from './query.js';
import { Scope, type Field } from './scope.js';
import { applySubqueries } from './subqueries.js';
import { assignmentCast, checkRetries, queryIdOf, tableTarget, writer } from './write-targets.js';

/**
 * DELETE and UPDATE, copy-on-write (`RowLevelWrite` in the SPI): the table is scanned in whole
 * files with its `$file` and `$row` columns, a projection gives every row what happens to it (`$op`:
 * kept, updated, deleted) and its new values, and a row-level TableWriter rewrites each file some
 * row of which changed. The commit swaps those files atomically, checks that no file the statement
 * read was replaced meanwhile, and is idempotent per query. The result is one row, the rows deleted
 * or updated. Subqueries in the WHERE and SET (correlated ones too) are joined to the scan as a
 * SELECT's WHERE joins them; the writer then gets the rows hash-partitioned on `$file` if a join
 * moved them.
 */
export async function planRowLevelWrite(
  statement: Delete | Update,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  const kind = statement.kind === 'Delete' ? 'delete' : 'update';
  const updates = statement.kind === 'Update' ? statement.assignments : [];
  const target = await rowLevelTarget(statement.table, { catalogs, session, kind });
  if (!statement.where && kind === 'delete') return rowLevelPlan(deleteAll(target), target);
  const { table } = target;
  const width = table.columns.length;
  const relation = [table.catalog, table.schema, table.table];
  const scope = new Scope([
    ...table.columns.map((c) => ({ name: c.name, relation, type: c.type })),
    hiddenField(VARCHAR),
    hiddenField(INTEGER),
  ]);
  // subqueries (correlated ones too) are joined to the scan, their values come through the hook
  const metadata = await PlannerMetadata.load(statement, catalogs, session);
  const expressions = [...(statement.where ? [statement.where] : []), ...updates.map((a) => a.value)];
  const applied = applySubqueries(new QueryPlanner(metadata), targetScan(target.ref, table), expressions, {
    translator: new ExprTranslator(scope, { now: session.now }),
    outer: scope,
  });
  const t = new ExprTranslator(scope, { now: session.now, hook: applied.hook });
  const matched = statement.where
    ? orFalse(t.boolean(t.translate(statement.where), 'WHERE', statement.where.loc))
    : literalOf(true, BOOLEAN);
  const op: Expr = {
    kind: 'case',
    whens: [{ when: matched, then: opLiteral(kind === 'delete' ? ROW_OP.delete : ROW_OP.update) }],
    else: opLiteral(ROW_OP.keep),
    type: INTEGER,
  };
  const assigned = assignments(updates, { table, translator: t });
  const values = table.columns.map((c, channel): Expr => {
    const old: Expr = { kind: 'input', channel, type: c.type };
    const value = assigned.get(c.name);
    return value ? { kind: 'case', whens: [{ when: matched, then: value }], else: old, type: c.type } : old;
  });
  // without subqueries, files whose statistics rule the WHERE out are not read (nor rewritten)
  const scanned =
    applied.node.kind === 'TableScan' && statement.where
      ? { ...applied.node, pruneBy: t.translate(statement.where) }
      : applied.node;
  const project = rowLevelProject(scanned, {
    file: { kind: 'input', channel: width, type: VARCHAR },
    row: { kind: 'input', channel: width + 1, type: INTEGER },
    op,
    values,
    table,
  });
  return rowLevelPlan(optimized(project, metadata), target);
}

/** A column expressions cannot name (`$file`, `$row`, MERGE's source marker). */
export function hiddenField(type: DataType): Field {
  return { name: undefined, relation: undefined, type, hidden: true };
}

/** The optimizer's rules over a row-level write's input (join keys, pushdown, decorrelation). */
export function optimized(node: PlanNode, metadata: PlannerMetadata): PlanNode {
  return optimize(node, undefined, {
    session: metadata.session,
    distinctCount: (ref, column) => metadata.distinctCount(ref, column),
  });
}

/**
 * DELETE without WHERE (and TRUNCATE): every row goes, so no value is read — the scan gives only
 * `$file` and `$row` (row counts, no data) and the columns are NULL.
 */
function deleteAll(target: RowLevelTarget): PlanNode {
  const { ref, table } = target;
  const scan: PlanNode = {
    kind: 'TableScan',
    table: ref,
    columns: [FILE_COLUMN, ROW_COLUMN],
    outputs: [
      { name: FILE_COLUMN, type: VARCHAR },
      { name: ROW_COLUMN, type: INTEGER },
    ],
    ...(table.rowCount !== undefined ? { rowCount: table.rowCount } : {}),
    wholeFiles: true,
  };
  return rowLevelProject(scan, {
    file: { kind: 'input', channel: 0, type: VARCHAR },
    row: { kind: 'input', channel: 1, type: INTEGER },
    op: opLiteral(ROW_OP.delete),
    values: table.columns.map((c) => literalOf(null, c.type)),
    table,
  });
}

/** What a row-level write changes: the table, its connector, and the statement's session. */
export interface RowLevelTarget {
  readonly ref: TableRef;
  readonly connector: Connector & WritableConnector;
  readonly table: TableMetadata;
  readonly kind: RowLevelWrite;
  readonly session: Session;
}

/** The table a DELETE, UPDATE or MERGE changes, checked: writable, existing, not a view. */
export async function rowLevelTarget(
  name: readonly Identifier[],
  options: { catalogs: CatalogRegistry; session: Session; kind: RowLevelWrite },
): Promise<RowLevelTarget> {
  const { session, kind } = options;
  const at = name[0]!.loc;
  const { ref, connector } = tableTarget(name, options.catalogs, session, at);
  checkRetries(connector, session, at);
  const table = await connector.getTable(ref.schema, ref.table);
  if (table) return { ref, connector, table, kind, session };
  const qualified = `'${ref.catalog}.${ref.schema}.${ref.table}'`;
  if (hasViews(connector) && (await connector.getView(ref.schema, ref.table)))
    throw new QuarryError('NOT_SUPPORTED', `${qualified} is a view; ${kind}s need a table`, { location: at });
  throw new QuarryError('TABLE_NOT_FOUND', `Table ${qualified} does not exist`, { location: at });
}

/** Subqueries are refused (at the first one) until row-level writes plan them. */
export function refuseSubqueries(
  kind: RowLevelWrite,
  expressions: readonly (Expression | undefined)[],
): void {
  for (const e of expressions) {
    const sub = e ? findSubqueries(e)[0] : undefined;
    if (sub)
      throw new QuarryError('NOT_SUPPORTED', `Subqueries are not supported in ${kind.toUpperCase()} yet`, {
        location: sub.loc,
      });
  }
}

/** The table's columns, then `$file` and `$row`, read in whole files. */
export function targetScan(ref: TableRef, table: TableMetadata): PlanNode {
  return {
    kind: 'TableScan',
    table: ref,
    columns: [...table.columns.map((c) => c.name), FILE_COLUMN, ROW_COLUMN],
    outputs: [
      ...table.columns.map((c) => ({ name: c.name, type: c.type })),
      { name: FILE_COLUMN, type: VARCHAR },
      { name: ROW_COLUMN, type: INTEGER },
    ],
    ...(table.rowCount !== undefined ? { rowCount: table.rowCount } : {}),
    wholeFiles: true,
  };
}

/** The writer's input: `[$file, $row, $op, …the table's columns]`. */
export function rowLevelProject(
  input: PlanNode,
  row: { file: Expr; row: Expr; op: Expr; values: readonly Expr[]; table: TableMetadata },
): PlanNode {
  const outputs: Column[] = [
    { name: FILE_COLUMN, type: VARCHAR },
    { name: ROW_COLUMN, type: INTEGER },
    { name: '$op', type: INTEGER },
    ...row.table.columns.map((c) => ({ name: c.name, type: c.type })),
  ];
  return { kind: 'Project', input, exprs: [row.file, row.row, row.op, ...row.values], outputs };
}

/** The row-level writer on top of `input`, its write begun. */
export async function rowLevelPlan(input: PlanNode, target: RowLevelTarget): Promise<DistributedPlan> {
  const { connector, ref, table, kind, session } = target;
  const handle = await connector.beginWrite(ref, {
    kind,
    columns: table.columns,
    queryId: queryIdOf(session),
  });
  const root: PlanNode = { ...writer(input, handle), rowLevel: { contiguous: false } } as PlanNode;
  return { ...distributedPlan(root), write: { handle } };
}

export function opLiteral(op: number): Expr {
  return literalOf(op, INTEGER);
}

/** `coalesce(e, false)`: NULL conditions select nothing. */
export function orFalse(e: Expr): Expr {
  return { kind: 'coalesce', args: [e, literalOf(false, BOOLEAN)], type: BOOLEAN };
}

/** SET's assignments: each a column of the table, once, with a value cast to its type. */
export function assignments(
  list: readonly UpdateAssignment[],
  options: { table: TableMetadata; translator: ExprTranslator },
): Map<string, Expr> {
  const { table, translator } = options;
  const assigned = new Map<string, Expr>();
  for (const a of list) {
    const name = a.column.value.toLowerCase();
    const column = table.columns.find((c) => c.name === name);
    if (!column)
      throw new QuarryError('COLUMN_NOT_FOUND', `Column '${name}' cannot be resolved`, {
        location: a.column.loc,
      });
    if (assigned.has(name))
      throw new QuarryError('INVALID_COLUMN_REFERENCE', `Multiple updates to the same column: ${name}`, {
        location: a.column.loc,
      });
    const value = translator.translate(a.value);
    const fail = (): never => {
      throw new QuarryError(
        'TYPE_MISMATCH',
        `Cannot update column '${name}' of type ${typeToString(column.type)} with a value of type ${typeToString(value.type)}`,
        { location: a.value.loc },
      );
    };
    assigned.set(name, assignmentCast(value, column.type, fail));
  }
  return assigned;
}
