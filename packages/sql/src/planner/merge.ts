import { QuarryError } from '@quarry/common';
import type { Merge, MergeCase, MergeInsert } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import type { DistributedPlan } from '../plan/fragment.js';
import type { PlanNode } from '../plan/nodes.js';
import type { CatalogRegistry, TableMetadata } from '../spi/connector.js';
import { ROW_OP } from '../spi/writes.js';
import { BOOLEAN, INTEGER, VARCHAR, typeToString } from '../types/index.js';
import { ExprTranslator } from './expressions.js';
import { literalOf } from './literals.js';
import { PlannerMetadata, type Session } from './metadata.js';
import { QueryPlanner } from './query.js';
import { planRelation } from './relations.js';
import {
  assignments,
  hiddenField,
  opLiteral,
  optimized,
  orFalse,
  refuseSubqueries,
  rowLevelPlan,
  rowLevelProject,
  rowLevelTarget,
  targetScan,
} from './row-level-writes.js';
import { Scope } from './scope.js';
import { assignmentCast } from './writes.js';

/**
 * MERGE, copy-on-write like DELETE and UPDATE: the target (whole files, with `$file` and `$row`)
 * FULL JOINs the source (with a marker column) on the ON condition. A joined row with both sides
 * is matched, one without a target row is not matched, one without a source row is a target row
 * no source row matched (kept). Each row takes the first WHEN clause that applies — its `$op` and
 * its new values from that clause —, a matched row none applies to is kept, a source row none
 * applies to is skipped. The writer then rewrites each file with a changed row (the rows are
 * hash-partitioned on `$file` first) and writes the inserted rows; a target row matched by two
 * source rows and changed fails the statement (MERGE_TARGET_ROW_MULTIPLE_MATCHES). The result is
 * the rows updated, deleted and inserted.
 */
export async function planMerge(
  statement: Merge,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  refuseSubqueries('merge', [statement.on, ...statement.cases.flatMap(caseExpressions)]);
  const target = await rowLevelTarget(statement.target, { catalogs, session, kind: 'merge' });
  const { table } = target;
  const metadata = await PlannerMetadata.load(statement, catalogs, session);
  const source = planRelation(new QueryPlanner(metadata), statement.source);
  const sourceWidth = source.node.outputs.length;
  const marked: PlanNode = {
    kind: 'Project',
    input: source.node,
    exprs: [...source.node.outputs.map((c, channel): Expr => ({ kind: 'input', channel, type: c.type })), literalOf(true, BOOLEAN)],
    outputs: [...source.node.outputs, { name: '$source', type: BOOLEAN }],
  };
  const scan = targetScan(target.ref, table);
  const width = table.columns.length;
  const relation = statement.targetAlias ? [statement.targetAlias.value] : [table.catalog, table.schema, table.table];
  const scope = new Scope([
    ...table.columns.map((c) => ({ name: c.name, relation, type: c.type })),
    hiddenField(VARCHAR),
    hiddenField(INTEGER),
    ...source.scope.fields,
    hiddenField(BOOLEAN),
  ]);
  const t = new ExprTranslator(scope, { now: session.now });
  const join: PlanNode = {
    kind: 'Join',
    joinType: 'FULL',
    input: scan,
    build: marked,
    leftKeys: [],
    rightKeys: [],
    filter: t.boolean(t.translate(statement.on), 'MERGE ON', statement.on.loc),
    outputs: [...scan.outputs, ...marked.outputs],
  };
  const file: Expr = { kind: 'input', channel: width, type: VARCHAR };
  const sourceMark: Expr = { kind: 'input', channel: width + 2 + sourceWidth, type: BOOLEAN };
  const targetPresent: Expr = { kind: 'not', arg: { kind: 'isNull', arg: file, type: BOOLEAN }, type: BOOLEAN };
  const rows = {
    matched: and(targetPresent, { kind: 'not', arg: { kind: 'isNull', arg: sourceMark, type: BOOLEAN }, type: BOOLEAN }),
    unmatched: { kind: 'isNull', arg: file, type: BOOLEAN } as Expr,
  };
  const clauses = statement.cases.map((c) => clause(c, { table, translator: t, rows }));
  const op: Expr = {
    kind: 'case',
    whens: [...clauses.map((c) => ({ when: c.guard, then: opLiteral(c.op) })), { when: targetPresent, then: opLiteral(ROW_OP.keep) }],
    else: opLiteral(ROW_OP.skip),
    type: INTEGER,
  };
  const values = table.columns.map((c, channel): Expr => {
    const old: Expr = { kind: 'input', channel, type: c.type };
    const whens = clauses.map((k) => ({ when: k.guard, then: k.values.get(c.name) ?? (k.op === ROW_OP.insert ? literalOf(null, c.type) : old) }));
    return { kind: 'case', whens, else: old, type: c.type };
  });
  const project = rowLevelProject(join, {
    file,
    row: { kind: 'input', channel: width + 1, type: INTEGER },
    op,
    values,
    table,
  });
  return rowLevelPlan(optimized(project, metadata), target);
}

function caseExpressions(c: MergeCase) {
  const own = c.kind === 'MergeUpdate' ? c.assignments.map((a) => a.value) : c.kind === 'MergeInsert' ? c.values : [];
  return [c.condition, ...own];
}

function and(a: Expr, b: Expr): Expr {
  return { kind: 'and', args: [a, b], type: BOOLEAN };
}

/** One WHEN clause: when it applies (never NULL), its `$op`, and the new values it gives. */
function clause(
  c: MergeCase,
  options: { table: TableMetadata; translator: ExprTranslator; rows: { matched: Expr; unmatched: Expr } },
): { guard: Expr; op: number; values: Map<string, Expr> } {
  const { table, translator: t, rows } = options;
  const base = c.kind === 'MergeInsert' ? rows.unmatched : rows.matched;
  const guard = c.condition
    ? orFalse(and(base, t.boolean(t.translate(c.condition), 'MERGE WHEN', c.condition.loc)))
    : base;
  switch (c.kind) {
    case 'MergeUpdate':
      return { guard, op: ROW_OP.update, values: assignments(c.assignments, { table, translator: t }) };
    case 'MergeDelete':
      return { guard, op: ROW_OP.delete, values: new Map() };
    case 'MergeInsert':
      return { guard, op: ROW_OP.insert, values: insertValues(c, { table, translator: t }) };
  }
}

/** `INSERT [(columns)] VALUES (…)`: a value per named column (all, in order, when none is named). */
function insertValues(c: MergeInsert, options: { table: TableMetadata; translator: ExprTranslator }): Map<string, Expr> {
  const { table, translator } = options;
  const names = c.columns.length ? c.columns.map((n) => n.value.toLowerCase()) : table.columns.map((col) => col.name);
  c.columns.forEach((n, i) => {
    if (!table.columns.some((col) => col.name === names[i]))
      throw new QuarryError('COLUMN_NOT_FOUND', `Merge column name does not exist in target table: ${names[i]}`, { location: n.loc });
    if (names.indexOf(names[i]!) !== i)
      throw new QuarryError('ALREADY_EXISTS', `Merge column name is specified more than once: ${names[i]}`, { location: n.loc });
  });
  if (names.length !== c.values.length)
    throw new QuarryError(
      'TYPE_MISMATCH',
      `MERGE INSERT has ${c.values.length} values, but ${names.length} columns`,
      { location: c.loc },
    );
  const out = new Map<string, Expr>();
  names.forEach((name, i) => {
    const column = table.columns.find((col) => col.name === name)!;
    const ast = c.values[i]!;
    const value = translator.translate(ast);
    const fail = (): never => {
      throw new QuarryError(
        'TYPE_MISMATCH',
        `Cannot insert a value of type ${typeToString(value.type)} into column '${name}' of type ${typeToString(column.type)}`,
        { location: ast.loc },
      );
    };
    out.set(name, assignmentCast(value, column.type, fail));
  });
  return out;
}
