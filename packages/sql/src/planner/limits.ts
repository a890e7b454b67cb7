import { QuarryError } from '@quarry/common';
import type { DistributedPlan } from '../plan/fragment.js';
import { expressionDepth } from '../expr/ir.js';
import { MAX_EXPRESSION_DEPTH } from '../expr/validate.js';
import { children, nodeExpressions, type PlanNode } from '../plan/nodes.js';

/**
 * Bounds on what a query may plan to, each a QUERY_TOO_COMPLEX user error: the number of stages
 * (`query.max-stage-count`, Trino's default 150) and the depth of the logical plan, which the
 * optimizer's rules walk recursively. A stack overflow anywhere in planning becomes the same error,
 * so no statement can make planning fail with an internal error by nesting alone.
 */

export const DEFAULT_MAX_STAGE_COUNT = 150;

/** Deeper plans are refused before the optimizer walks them (TPC-H plans are about 30 deep). */
export const MAX_PLAN_DEPTH = 500;

/** Planner settings the coordinator passes from its configuration. */
export interface PlannerOptions {
  /** `query.max-stage-count`: a plan with more stages fails planning. Default 150. */
  readonly maxStageCount?: number;
}

export function checkStageCount(plan: DistributedPlan, maxStageCount = DEFAULT_MAX_STAGE_COUNT): void {
  const count = plan.fragments.length;
  if (count > maxStageCount) {
    throw new QuarryError(
      'QUERY_TOO_COMPLEX',
      `Number of stages in the query (${count}) exceeds the allowed maximum (${maxStageCount}); ` +
        'raise query.max-stage-count or simplify the query',
    );
  }
}

/**
 * Measures the plan's depth and its expressions' without recursion; refuses plans deeper than
 * MAX_PLAN_DEPTH and expressions deeper than MAX_EXPRESSION_DEPTH (what tasks accept).
 */
export function checkPlanDepth(root: PlanNode): void {
  const stack: [PlanNode, number][] = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_PLAN_DEPTH) {
      throw new QuarryError(
        'QUERY_TOO_COMPLEX',
        `Query is too complex: its plan nests deeper than ${MAX_PLAN_DEPTH} operators`,
      );
    }
    for (const e of nodeExpressions(node)) checkExpressionDepth(e);
    for (const child of children(node)) stack.push([child, depth + 1]);
  }
}

export function checkExpressionDepth(e: unknown): void {
  if (expressionDepth(e) > MAX_EXPRESSION_DEPTH) {
    throw new QuarryError(
      'QUERY_TOO_COMPLEX',
      `Query is too complex: an expression nests deeper than ${MAX_EXPRESSION_DEPTH}`,
    );
  }
}

/** Runs a planning step; a stack overflow in it is QUERY_TOO_COMPLEX rather than an internal error. */
export function boundedRecursion<T>(step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw asTooComplex(e);
  }
}

/** A stack overflow as QUERY_TOO_COMPLEX; anything else unchanged. */
export function asTooComplex(e: unknown): unknown {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return new QuarryError('QUERY_TOO_COMPLEX', 'Query is too complex: its nesting exhausts the planner', {
      cause: e,
    });
  }
  return e;
}
