import { QuarryError } from '@quarry/common';
import type { Expression } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import type { Column, PlanNode } from '../plan/nodes.js';
import { BOOLEAN, INTEGER } from '../types/types.js';
import type { ExprTranslator } from './expressions.js';
import type { PlannedQuery } from './planned-query.js';

/**
 * `(a, b) IN (SELECT x, y …)` with SQL's row comparison: a row is equal when every field is, not
 * equal when some field differs, and unknown otherwise (no field differs, some is NULL). The IN is
 * TRUE when some row is equal, else NULL when some row is unknown, else FALSE.
 *
 * Semi joins give that. `exact` joins on all fields as keys (NULL keys never match): an equal row.
 * An unknown comparison needs a NULL on one side, so two more joins look for a row that is not
 * unequal — probe rows that have a NULL field against every subquery row, and every probe row
 * against the subquery rows that have one. A synthetic key (0 where the side has a NULL field,
 * else NULL, which never matches) keeps the other pairs from ever being compared. The value is
 * `exact OR ((possible1 OR possible2) AND NULL)`.
 */
export function rowIn(
  node: PlanNode,
  planned: PlannedQuery,
  operand: { readonly fields: readonly Expr[]; readonly t: ExprTranslator; readonly loc: Expression['loc'] },
): { node: PlanNode; value: Expr } {
  const { fields, t, loc } = operand;
  if (planned.correlation)
    throw new QuarryError('NOT_SUPPORTED', 'Correlated row IN subqueries are not supported', {
      location: loc,
    });
  const build = planned.node;
  if (build.outputs.length !== fields.length)
    throw new QuarryError(
      'TYPE_MISMATCH',
      `Subquery in IN must return ${fields.length} columns (as the row), not ${build.outputs.length}`,
      { location: loc },
    );
  const pairs = fields.map((f, i) => {
    const column: Expr = { kind: 'input', channel: i, type: build.outputs[i]!.type };
    const [l, r] = t.coerceAll([f, column], 'IN');
    return { l: l!, r: r! };
  });
  const n = pairs.length;
  const lw = node.outputs.length;
  const bw = build.outputs.length;
  const ls = pairs.map((p) => p.l);
  const rs = pairs.map((p) => p.r);
  // fields, then the has-a-NULL key, then the constant key
  const left = append(node, [...ls, nullKey(ls), ZERO]);
  const right = append(build, [...rs, nullKey(rs), ZERO]);
  const keys = (width: number) => pairs.map((_, i) => width + i);
  const exact = semi({ input: left, build: right, leftKeys: keys(lw), rightKeys: keys(bw) }, 'exact');
  const notUnequal = (probeWidth: number): Expr => {
    const equalities = pairs.map((p, i) =>
      t.call(
        '$eq',
        [
          { kind: 'input', channel: lw + i, type: p.l.type },
          { kind: 'input', channel: probeWidth + bw + i, type: p.r.type },
        ],
        '=',
      ),
    );
    const rowEqual: Expr =
      equalities.length === 1 ? equalities[0]! : { kind: 'and', args: equalities, type: BOOLEAN };
    return { kind: 'coalesce', args: [rowEqual, literal(true)], type: BOOLEAN };
  };
  const probeNulls = semi(
    {
      input: exact,
      build: right,
      leftKeys: [lw + n],
      rightKeys: [bw + n + 1],
      filter: notUnequal(exact.outputs.length),
    },
    'probe_nulls',
  );
  const buildNulls = semi(
    {
      input: probeNulls,
      build: right,
      leftKeys: [lw + n + 1],
      rightKeys: [bw + n],
      filter: notUnequal(probeNulls.outputs.length),
    },
    'build_nulls',
  );
  const mark = (k: number): Expr => ({ kind: 'input', channel: left.outputs.length + k, type: BOOLEAN });
  const possible: Expr = { kind: 'or', args: [mark(1), mark(2)], type: BOOLEAN };
  const value: Expr = {
    kind: 'or',
    args: [mark(0), { kind: 'and', args: [possible, literal(null)], type: BOOLEAN }],
    type: BOOLEAN,
  };
  return { node: buildNulls, value };
}

const ZERO: Expr = { kind: 'literal', value: 0, type: INTEGER };

/** 0 where some of `exprs` is NULL, else NULL. */
function nullKey(exprs: readonly Expr[]): Expr {
  const anyNull: Expr = {
    kind: 'or',
    args: exprs.map((e): Expr => ({ kind: 'isNull', arg: e, type: BOOLEAN })),
    type: BOOLEAN,
  };
  return { kind: 'case', whens: [{ when: anyNull, then: ZERO }], else: undefined, type: INTEGER };
}

function semi(
  join: {
    readonly input: PlanNode;
    readonly build: PlanNode;
    readonly leftKeys: readonly number[];
    readonly rightKeys: readonly number[];
    readonly filter?: Expr;
  },
  name: string,
): PlanNode {
  return { kind: 'SemiJoin', ...join, outputs: [...join.input.outputs, { name, type: BOOLEAN }] };
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
