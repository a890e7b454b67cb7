import { QuarryError } from '@quarry/common';
import type { Expression } from '../parser/ast.js';
import { remapChannels, type Expr } from '../expr/ir.js';
import type { Column, PlanNode } from '../plan/nodes.js';
import { BOOLEAN, INTEGER } from '../types/types.js';
import type { ExprTranslator } from './expressions.js';
import { rowInWithAggregation, splitCorrelated } from './correlation-keys.js';
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
 *
 * Correlated (`… WHERE inner = outer …`), each outer row is compared only with the subquery rows
 * its correlation selects: the equalities join as keys of all three semi joins, the other
 * correlated conjuncts filter them.
 */
export function rowIn(
  node: PlanNode,
  planned: PlannedQuery,
  operand: { readonly fields: readonly Expr[]; readonly t: ExprTranslator; readonly loc: Expression['loc'] },
): { node: PlanNode; value: Expr } {
  const { pairs, correlation } = compared(planned, operand);
  const build = planned.node;
  const n = pairs.length;
  const lw = node.outputs.length;
  const bw = build.outputs.length;
  const ls = pairs.map((p) => p.l);
  const rs = pairs.map((p) => p.r);
  // fields, then the has-a-NULL key, then the constant key, then the correlation keys
  const left = append(node, [...ls, nullKey(ls), ZERO, ...correlation.outer]);
  const right = append(build, [...rs, nullKey(rs), ZERO, ...correlation.inner]);
  const keyed = (l: number[], r: number[]) => ({
    leftKeys: [...l, ...correlation.outer.map((_, j) => lw + n + 2 + j)],
    rightKeys: [...r, ...correlation.inner.map((_, j) => bw + n + 2 + j)],
  });
  const keys = (width: number) => pairs.map((_, i) => width + i);
  const filtered = (probeWidth: number, unequal: boolean): { filter?: Expr } => {
    const all = [
      ...(unequal ? [notUnequal(pairs, operand.t, { lw, bw, probeWidth })] : []),
      ...correlation.residual.map((r) => r(probeWidth)),
    ];
    if (all.length === 0) return {};
    return { filter: all.length === 1 ? all[0]! : { kind: 'and', args: all, type: BOOLEAN } };
  };
  const exact = semi(
    { input: left, build: right, ...keyed(keys(lw), keys(bw)), ...filtered(left.outputs.length, false) },
    'exact',
  );
  const probeNulls = semi(
    { input: exact, build: right, ...keyed([lw + n], [bw + n + 1]), ...filtered(exact.outputs.length, true) },
    'probe_nulls',
  );
  const buildNulls = semi(
    {
      input: probeNulls,
      build: right,
      ...keyed([lw + n + 1], [bw + n]),
      ...filtered(probeNulls.outputs.length, true),
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

interface Pair {
  readonly l: Expr;
  readonly r: Expr;
}

/** The row's fields and the subquery's columns coerced pairwise, and the subquery's correlation. */
function compared(
  planned: PlannedQuery,
  operand: { readonly fields: readonly Expr[]; readonly t: ExprTranslator; readonly loc: Expression['loc'] },
): { pairs: Pair[]; correlation: ReturnType<typeof correlationOf> } {
  const { fields, t, loc } = operand;
  const c = planned.correlation;
  if (c && c.kind !== 'semi') throw rowInWithAggregation(loc);
  const build = planned.node;
  const visible = c ? c.visible : build.outputs.length;
  if (visible !== fields.length)
    throw new QuarryError(
      'TYPE_MISMATCH',
      `Subquery in IN must return ${fields.length} columns (as the row), not ${visible}`,
      { location: loc },
    );
  const pairs = fields.map((f, i) => {
    const column: Expr = { kind: 'input', channel: i, type: build.outputs[i]!.type };
    const [l, r] = t.coerceAll([f, column], 'IN');
    return { l: l!, r: r! };
  });
  return { pairs, correlation: c ? correlationOf(c, visible) : { outer: [], inner: [], residual: [] } };
}

/** No field of the probe row differs from the build row's (a NULL comparison counts as not differing). */
function notUnequal(
  pairs: readonly Pair[],
  t: ExprTranslator,
  at: { readonly lw: number; readonly bw: number; readonly probeWidth: number },
): Expr {
  const equalities = pairs.map((p, i) =>
    t.call(
      '$eq',
      [
        { kind: 'input', channel: at.lw + i, type: p.l.type },
        { kind: 'input', channel: at.probeWidth + at.bw + i, type: p.r.type },
      ],
      '=',
    ),
  );
  const rowEqual: Expr =
    equalities.length === 1 ? equalities[0]! : { kind: 'and', args: equalities, type: BOOLEAN };
  return { kind: 'coalesce', args: [rowEqual, literal(true)], type: BOOLEAN };
}

/**
 * The correlation of a subquery planned for a semi join: its equalities as key expressions over the
 * outer query's channels and over the subquery's outputs, and its other conjuncts as filters of a
 * join whose probe side (outer channels first) is `probeWidth` wide.
 */
function correlationOf(
  c: { readonly width: number; readonly conjuncts: readonly Expr[] },
  visible: number,
): { outer: Expr[]; inner: Expr[]; residual: ((probeWidth: number) => Expr)[] } {
  const { pairs, residual } = splitCorrelated(c.conjuncts, c.width);
  return {
    outer: pairs.map((p) => p.outer),
    inner: pairs.map((p) => remapChannels(p.inner, (ch) => visible + ch)),
    residual: residual.map(
      (r) => (probeWidth: number) =>
        remapChannels(r, (ch) => (ch < c.width ? probeWidth + visible + ch : ch - c.width)),
    ),
  };
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
