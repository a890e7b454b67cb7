import type { PlanNode } from '../plan/nodes.js';
import type { OptimizerContext, PlanRule } from './rule.js';
import { chooseJoinDistribution } from './rules/choose-join-distribution.js';
import { extractJoinKeys } from './rules/extract-join-keys.js';
import { foldConstants } from './rules/fold-constants.js';
import { limitToTopN } from './rules/limit-to-topn.js';
import { pruneColumns } from './rules/prune-columns.js';
import { pushPredicates } from './rules/push-predicates.js';
import { pushSemiJoins } from './rules/push-semi-joins.js';
import { reorderJoins } from './rules/reorder-joins.js';
import { semiJoinReduction } from './rules/semi-join-reduction.js';

/**
 * The optimizer: one ordered list of rules, each applied once to the whole plan. Predicate pushdown
 * runs again after semi joins moved down, to take the filters on their marks along.
 */
export const RULES: readonly PlanRule[] = [
  foldConstants,
  pushPredicates,
  pushSemiJoins,
  pushPredicates,
  reorderJoins,
  extractJoinKeys,
  semiJoinReduction,
  limitToTopN,
  pruneColumns,
  chooseJoinDistribution,
];

export function optimize(
  plan: PlanNode,
  rules: readonly PlanRule[] = RULES,
  ctx: OptimizerContext = {},
): PlanNode {
  return rules.reduce((p, rule) => rule.apply(p, ctx), plan);
}

export type { OptimizerContext, PlanRule } from './rule.js';
