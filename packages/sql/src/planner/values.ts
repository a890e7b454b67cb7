import { isComposite } from '../types/types.js';
import { QuarryError } from '@quarry/common';
import type { Expression, Select } from '../parser/ast.js';
import { evaluateConstant } from '../expr/compile.js';
import type { Expr } from '../expr/ir.js';
import type { Column, PlanNode } from '../plan/nodes.js';
import { hasSubqueries } from './ast-walk.js';
import { ExprTranslator, locate } from './expressions.js';
import { literalOf } from './literals.js';
import type { SubqueryHost } from './planned-query.js';
import type { RelationPlan } from './relation-plan.js';
import { Scope } from './scope.js';
import { applySubqueries } from './subqueries.js';

/**
 * `VALUES (…), (…)`: rows of constants become one Values node; each column takes the common type
 * of its values. A row with subqueries is planned as a query of one row (its subqueries joined to
 * it) and the rows are united.
 */
export function planValues(
  host: SubqueryHost & { readonly now: Date },
  rows: readonly (readonly Expression[])[],
  loc: Select['loc'],
): RelationPlan {
  const empty = new ExprTranslator(new Scope([]), { now: host.now });
  const width = rows[0]?.length ?? 0;
  for (const row of rows)
    if (row.length !== width)
      throw new QuarryError('TYPE_MISMATCH', 'VALUES rows have different numbers of columns', {
        location: loc,
      });
  const planned = rows.map((row) => planRow(host, empty, row));
  const columns = Array.from({ length: width }, (_, c) =>
    empty.coerceAll(
      planned.map((r) => r.exprs[c]!),
      'VALUES',
    ),
  );
  const outputs: Column[] = columns.map((col, c) => ({ name: `_col${c}`, type: col[0]!.type }));
  const scope = new Scope(outputs.map((c) => ({ name: c.name, relation: undefined, type: c.type })));
  const rowExprs = (r: number) => columns.map((col) => col[r]!);
  if (planned.every((r) => r.node === undefined))
    return {
      node: { kind: 'Values', rows: rows.map((_, r) => constants(rowExprs(r), loc)), outputs },
      scope,
    };
  const inputs = planned.map((p, r): PlanNode => ({
    kind: 'Project',
    input: p.node ?? ONE_ROW,
    exprs: rowExprs(r),
    outputs,
  }));
  return { node: inputs.length === 1 ? inputs[0]! : { kind: 'Union', inputs, outputs }, scope };
}

const ONE_ROW: PlanNode = { kind: 'Values', rows: [[]], outputs: [] };

/** A row's expressions, and the row its subqueries were joined to (if it has any). */
function planRow(
  host: SubqueryHost,
  empty: ExprTranslator,
  row: readonly Expression[],
): { node: PlanNode | undefined; exprs: Expr[] } {
  if (!row.some(hasSubqueries)) return { node: undefined, exprs: row.map((e) => empty.translate(e)) };
  const applied = applySubqueries(host, ONE_ROW, row, { translator: empty, outer: undefined });
  const t = empty.withHook(applied.hook);
  return { node: applied.node, exprs: row.map((e) => t.translate(e)) };
}

function constants(row: readonly Expr[], loc: Select['loc']): Expr[] {
  return row.map((e) => {
    try {
      const value = evaluateConstant(e);
      // composite values have no literal form: the row keeps the (checked) expression
      return isComposite(e.type) ? e : literalOf(value, e.type);
    } catch (err) {
      throw locate(err, loc);
    }
  });
}
