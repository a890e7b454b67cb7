import { QuarryError, type SourceLocation } from '@quarry/common';
import type { Delete, Expression, Update } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import type { DistributedPlan } from '../plan/fragment.js';
import type { Column, PlanNode } from '../plan/nodes.js';
import type { CatalogRegistry, TableMetadata } from '../spi/connector.js';
import { hasViews } from '../spi/views.js';
import { FILE_COLUMN, ROW_COLUMN, ROW_OP } from '../spi/writes.js';
import { BOOLEAN, INTEGER, VARCHAR, typeToString } from '../types/index.js';
import { findSubqueries } from './ast-walk.js';
import { ExprTranslator } from './expressions.js';
import { literalOf } from './literals.js';
import type { Session } from './metadata.js';
import { distributedPlan } from './plan.js';
import { Scope } from './scope.js';
import { assignmentCast, checkRetries, queryIdOf, tableTarget, writer } from './writes.js';

/**
 * DELETE and UPDATE, copy-on-write (`RowLevelWrite` in the SPI): the table is scanned in whole
 * files with its `$file` column, a projection gives every row its file, what happens to it (`$op`:
 * kept, updated, deleted) and its new values, and a row-level TableWriter rewrites each file some
 * row of which changed. The commit swaps those files atomically, checks that no file the statement
 * read was replaced meanwhile, and is idempotent per query. The result is one row, the rows deleted
 * or updated. Subqueries in the WHERE or SET are not supported yet.
 */
export async function planRowLevelWrite(
  statement: Delete | Update,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  const at = statement.table[0]!.loc;
  const verb = statement.kind === 'Delete' ? 'delete' : 'update';
  const { ref, connector } = tableTarget(statement.table, catalogs, session, at);
  checkRetries(connector, session, at);
  const table = await connector.getTable(ref.schema, ref.table);
  if (!table) {
    const view = hasViews(connector) ? await connector.getView(ref.schema, ref.table) : undefined;
    const what = view ? `'${ref.catalog}.${ref.schema}.${ref.table}' is a view; ${verb}s need a table` : undefined;
    throw new QuarryError(
      view ? 'NOT_SUPPORTED' : 'TABLE_NOT_FOUND',
      what ?? `Table '${ref.catalog}.${ref.schema}.${ref.table}' does not exist`,
      { location: at },
    );
  }
  for (const e of [statement.where, ...(statement.kind === 'Update' ? statement.assignments.map((a) => a.value) : [])]) {
    const sub = e ? findSubqueries(e)[0] : undefined;
    if (sub)
      throw new QuarryError('NOT_SUPPORTED', `Subqueries are not supported in ${verb.toUpperCase()} yet`, {
        location: sub.loc,
      });
  }
  const relation = [ref.catalog, ref.schema, ref.table];
  const scope = new Scope(table.columns.map((c) => ({ name: c.name, relation, type: c.type })));
  const t = new ExprTranslator(scope, { now: new Date() });
  const matched = condition(t, statement.where);
  const op: Expr = {
    kind: 'case',
    whens: [{ when: matched, then: literalOf(statement.kind === 'Delete' ? ROW_OP.delete : ROW_OP.update, INTEGER) }],
    else: literalOf(ROW_OP.keep, INTEGER),
    type: INTEGER,
  };
  const values = statement.kind === 'Update' ? newValues(statement, { table, translator: t, matched }) : columnsOf(table);
  const width = table.columns.length;
  const scan: PlanNode = {
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
  const outputs: Column[] = [
    { name: FILE_COLUMN, type: VARCHAR },
    { name: ROW_COLUMN, type: INTEGER },
    { name: '$op', type: INTEGER },
    ...table.columns.map((c) => ({ name: c.name, type: c.type })),
  ];
  const project: PlanNode = {
    kind: 'Project',
    input: scan,
    exprs: [
      { kind: 'input', channel: width, type: VARCHAR },
      { kind: 'input', channel: width + 1, type: INTEGER },
      op,
      ...values,
    ],
    outputs,
  };
  const handle = await connector.beginWrite(ref, { kind: verb, columns: table.columns, queryId: queryIdOf(session) });
  const root: PlanNode = { ...writer(project, handle), rowLevel: { contiguous: false } } as PlanNode;
  return { ...distributedPlan(root), write: { handle } };
}

/** `coalesce(where, false)`: the rows the statement changes (every row without a WHERE). */
function condition(t: ExprTranslator, where: Expression | undefined): Expr {
  if (!where) return literalOf(true, BOOLEAN);
  const e = t.translate(where);
  if (e.type.kind !== 'boolean' && e.type.kind !== 'unknown')
    throw new QuarryError(
      'TYPE_MISMATCH',
      `WHERE clause must evaluate to a boolean: actual type ${typeToString(e.type)}`,
      { location: where.loc },
    );
  return { kind: 'coalesce', args: [{ ...e, type: BOOLEAN }, literalOf(false, BOOLEAN)], type: BOOLEAN };
}

function columnsOf(table: TableMetadata): Expr[] {
  return table.columns.map((c, channel) => ({ kind: 'input', channel, type: c.type }));
}

/** Per column: its new value where the row matched and is assigned one, else its value. */
function newValues(
  statement: Update,
  options: { table: TableMetadata; translator: ExprTranslator; matched: Expr },
): Expr[] {
  const { table, translator, matched } = options;
  const assigned = new Map<string, Expr>();
  for (const a of statement.assignments) {
    const name = a.column.value.toLowerCase();
    const column = table.columns.find((c) => c.name === name);
    if (!column) throw columnError('COLUMN_NOT_FOUND', `Column '${name}' cannot be resolved`, a.column.loc);
    if (assigned.has(name))
      throw columnError('INVALID_COLUMN_REFERENCE', `Multiple updates to the same column: ${name}`, a.column.loc);
    const value = translator.translate(a.value);
    assigned.set(
      name,
      assignmentCast(value, column.type, () => {
        throw columnError(
          'TYPE_MISMATCH',
          `Cannot update column '${name}' of type ${typeToString(column.type)} with a value of type ${typeToString(value.type)}`,
          a.value.loc,
        );
      }),
    );
  }
  return table.columns.map((c, channel) => {
    const old: Expr = { kind: 'input', channel, type: c.type };
    const value = assigned.get(c.name);
    return value ? { kind: 'case', whens: [{ when: matched, then: value }], else: old, type: c.type } : old;
  });
}

function columnError(code: 'COLUMN_NOT_FOUND' | 'INVALID_COLUMN_REFERENCE' | 'TYPE_MISMATCH', message: string, location: SourceLocation): QuarryError {
  return new QuarryError(code, message, { location });
}
