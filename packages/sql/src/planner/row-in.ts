import { QuarryError } from '@quarry/common';
import type { Expression } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import type { Column, PlanNode } from '../plan/nodes.js';
import { BOOLEAN } from '../types/types.js';
import type { ExprTranslator } from './expressions.js';
import type { PlannedQuery } from './planned-query.js';

/**
 * `(a, b) IN (SELECT x, y …)` with SQL's row comparison: a row is equal when every field is, not
 * equal when some field differs, and unknown otherwise (no field differs, some is NULL). The IN is
 * TRUE when some row is equal, else NULL when some row is unknown, else FALSE. Two semi joins give
 * that: one on all fields as keys (NULL keys never match: an equal row), one whose filter keeps a
 * row that is not unequal (equal or unknown); the value is `exact OR (possible AND NULL)`.
 * The second join has no keys, so it compares each row with every subquery row.
 */
export function rowIn(
  node: PlanNode,
  planned: PlannedQuery,
  operand: { readonly fields: readonly Expr[]; readonly t: ExprTranslator; readonly loc: Expression['loc'] },
): { node: PlanNode; value: Expr } {
  const { fields, t, loc } = operand;
  if (planned.correlation)
    throw new QuarryError('NOT_SUPPORTED', 'Correlated row IN subqueries are not supported', { location: loc });
  const build = planned.node;
  if (build.outputs.length !== fields.length)
    throw new QuarryError(
      'TYPE_MISMATCH',
      `Subquery in IN must return ${fields.length} columns (as the row), not ${build.outputs.length}`,
      { location: loc },
    );
  // common types of each field and its column
  const pairs = fields.map((f, i) => {
    const column: Expr = { kind: 'input', channel: i, type: build.outputs[i]!.type };
    const [l, r] = t.coerceAll([f, column], 'IN');
    return { l: l!, r: r! };
  });
  const left = append(node, pairs.map((p) => p.l));
  const right = append(build, pairs.map((p) => p.r));
  const lw = node.outputs.length;
  const bw = build.outputs.length;
  const exactMark = left.outputs.length;
  const exact: PlanNode = {
    kind: 'SemiJoin',
    input: left,
    build: right,
    leftKeys: pairs.map((_, i) => lw + i),
    rightKeys: pairs.map((_, i) => bw + i),
    outputs: [...left.outputs, { name: 'exact', type: BOOLEAN }],
  };
  // over the probe's outputs (now with the exact mark) followed by the build's
  const probeWidth = exact.outputs.length;
  const equalities = pairs.map((p, i) => {
    const a: Expr = { kind: 'input', channel: lw + i, type: p.l.type };
    const b: Expr = { kind: 'input', channel: probeWidth + bw + i, type: p.r.type };
    return t.call('$eq', [a, b], '=');
  });
  const rowEqual: Expr = { kind: 'and', args: equalities, type: BOOLEAN };
  const notUnequal: Expr = { kind: 'coalesce', args: [rowEqual, literal(true)], type: BOOLEAN };
  const possible: PlanNode = {
    kind: 'SemiJoin',
    input: exact,
    build: right,
    leftKeys: [],
    rightKeys: [],
    filter: notUnequal,
    outputs: [...exact.outputs, { name: 'possible', type: BOOLEAN }],
  };
  const value: Expr = {
    kind: 'or',
    args: [
      { kind: 'input', channel: exactMark, type: BOOLEAN },
      { kind: 'and', args: [{ kind: 'input', channel: exactMark + 1, type: BOOLEAN }, literal(null)], type: BOOLEAN },
    ],
    type: BOOLEAN,
  };
  return { node: possible, value };
}

function literal(value: boolean | null): Expr {
  return { kind: 'literal', value, type: BOOLEAN };
}

/** `node` with `exprs` appended to its outputs. */
function append(node: PlanNode, exprs: readonly Expr[]): PlanNode {
  const outputs: Column[] = [
    ...node.outputs,
    ...exprs.map((e, i) => ({ name: `field${node.outputs.length + i}`, type: e.type })),
  ];
  const identity = node.outputs.map((c, i): Expr => ({ kind: 'input', channel: i, type: c.type }));
  return { kind: 'Project', input: node, exprs: [...identity, ...exprs], outputs };
}
