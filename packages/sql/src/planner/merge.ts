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
  type RowLevelTarget,
} from './row-level-writes.js';
import { Scope } from './scope.js';
import { assignmentCast } from './write-targets.js';

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
  const { join, scope, sourceWidth } = joined(statement, { target, metadata });
  const t = new ExprTranslator(scope, { now: session.now });
  const width = table.columns.length;
  const file: Expr = { kind: 'input', channel: width, type: VARCHAR };
  const sourceMark: Expr = { kind: 'input', channel: width + 2 + sourceWidth, type: BOOLEAN };
  const targetPresent = not(isNull(file));
  const rows = { matched: and(targetPresent, not(isNull(sourceMark))), unmatched: isNull(file) };
  const clauses = statement.cases.map((c) => clause(c, { table, translator: t, rows }));
  const op: Expr = {
    kind: 'case',
    whens: [
      ...clauses.map((c) => ({ when: c.guard, then: opLiteral(c.op) })),
      { when: targetPresent, then: opLiteral(ROW_OP.keep) },
    ],
    else: opLiteral(ROW_OP.skip),
    type: INTEGER,
  };
  const values = table.columns.map((c, channel): Expr => {
    const old: Expr = { kind: 'input', channel, type: c.type };
    const whens = clauses.map((k) => ({
      when: k.guard,
      then: k.values.get(c.name) ?? (k.op === ROW_OP.insert ? literalOf(null, c.type) : old),
    }));
    return { kind: 'case', whens, else: old, type: c.type };
  });
  const filter = t.boolean(t.translate(statement.on), 'MERGE ON', statement.on.loc);
  const row: Expr = { kind: 'input', channel: width + 1, type: INTEGER };
  const project = rowLevelProject({ ...join, filter }, { file, row, op, values, table });
  return rowLevelPlan(optimized(project, metadata), target);
}

/**
 * The target's whole files (columns, `$file`, `$row`) FULL JOINed with the source and its marker
 * (the ON condition is the caller's), and the scope the clauses' expressions see: the target's
 * columns under its alias or name, the source's as it names them; the added columns hidden.
 */
function joined(
  statement: Merge,
  options: { target: RowLevelTarget; metadata: PlannerMetadata },
): { join: Extract<PlanNode, { kind: 'Join' }>; scope: Scope; sourceWidth: number } {
  const { table, ref } = options.target;
  const source = planRelation(new QueryPlanner(options.metadata), statement.source);
  const marked: PlanNode = {
    kind: 'Project',
    input: source.node,
    exprs: [
      ...source.node.outputs.map((c, channel): Expr => ({ kind: 'input', channel, type: c.type })),
      literalOf(true, BOOLEAN),
    ],
    outputs: [...source.node.outputs, { name: '$source', type: BOOLEAN }],
  };
  const scan = targetScan(ref, table);
  const relation = statement.targetAlias
    ? [statement.targetAlias.value]
    : [table.catalog, table.schema, table.table];
  const scope = new Scope([
    ...table.columns.map((c) => ({ name: c.name, relation, type: c.type })),
    hiddenField(VARCHAR),
    hiddenField(INTEGER),
    ...source.scope.fields,
    hiddenField(BOOLEAN),
  ]);
  const join = {
    kind: 'Join',
    joinType: 'FULL',
    input: scan,
    build: marked,
    leftKeys: [],
    rightKeys: [],
    outputs: [...scan.outputs, ...marked.outputs],
  } as const;
  return { join, scope, sourceWidth: source.node.outputs.length };
}

function isNull(arg: Expr): Expr {
  return { kind: 'isNull', arg, type: BOOLEAN };
}

function not(arg: Expr): Expr {
  return { kind: 'not', arg, type: BOOLEAN };
}

function caseExpressions(c: MergeCase) {
  const own =
    c.kind === 'MergeUpdate' ? c.assignments.map((a) => a.value) : c.kind === 'MergeInsert' ? c.values : [];
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
function insertValues(
  c: MergeInsert,
  options: { table: TableMetadata; translator: ExprTranslator },
): Map<string, Expr> {
  const { table, translator } = options;
  const names = c.columns.length
    ? c.columns.map((n) => n.value.toLowerCase())
    : table.columns.map((col) => col.name);
  c.columns.forEach((n, i) => {
    if (!table.columns.some((col) => col.name === names[i]))
      throw new QuarryError(
        'COLUMN_NOT_FOUND',
        `Merge column name does not exist in target table: ${names[i]}`,
        { location: n.loc },
      );
    if (names.indexOf(names[i]!) !== i)
      throw new QuarryError('ALREADY_EXISTS', `Merge column name is specified more than once: ${names[i]}`, {
        location: n.loc,
      });
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
