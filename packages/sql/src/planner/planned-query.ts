import { QuarryError } from '@quarry/common';
import type { Expression, Query } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import type { Column, PlanNode } from '../plan/nodes.js';
import type { RelationPlan } from './relation-plan.js';
import type { Scope } from './scope.js';

/** What planning a subquery yields, shared by the subquery, quantified and correlated planners. */

/**
 * How a subquery is used: its rows tested, compared with a value, taken as one value, or joined
 * row by row (LATERAL, planned as IN is).
 */
export type SubqueryMode = 'exists' | 'in' | 'scalar' | 'lateral';

export interface SubqueryContext {
  /** The enclosing query's columns, which the subquery's WHERE may reference. */
  readonly outer: Scope | undefined;
  readonly mode: SubqueryMode;
}

/**
 * How a correlated subquery was planned. `semi`: the node's outputs are the select list
 * (`visible` columns) followed by the `width` columns the correlated conjuncts read (their channels:
 * subquery columns first, then the outer query's). `scalar`: the node's outputs are a value, the
 * correlation keys (equal to `outerKeys`, over the outer query's channels) and helper columns;
 * after the LEFT join, `value(base)` is the subquery's value when the node's outputs start at
 * channel `base` (it supplies the value over no rows, and raises the error for several rows, only
 * for outer rows that reach it).
 */
export type Correlation =
  | {
      readonly kind: 'semi';
      readonly visible: number;
      readonly width: number;
      readonly conjuncts: readonly Expr[];
    }
  | { readonly kind: 'scalar'; readonly outerKeys: readonly Expr[]; readonly value: (base: number) => Expr }
  /** Joined and aggregated per outer row by `build`, which keeps the outer columns and appends the value. */
  | { readonly kind: 'perRow'; readonly build: (outer: PlanNode) => { node: PlanNode; value: Expr } }
  /** An EXISTS whose answer does not depend on the rows (LIMIT 0; a global aggregation). */
  | { readonly kind: 'constant'; readonly value: boolean };

export interface PlannedQuery extends RelationPlan {
  readonly correlation?: Correlation;
}

export interface SubqueryHost {
  planSubquery(query: Query, ctx: SubqueryContext): PlannedQuery;
}

export function singleColumn(planned: PlannedQuery, loc: Expression['loc'], what: string): Column {
  const visible =
    planned.correlation?.kind === 'semi'
      ? planned.correlation.visible
      : planned.correlation
        ? 1
        : planned.node.outputs.length;
  if (visible !== 1)
    throw new QuarryError('TYPE_MISMATCH', `${what} must return exactly one column, not ${visible}`, {
      location: loc,
    });
  return planned.node.outputs[0]!;
}
