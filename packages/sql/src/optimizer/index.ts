import type { PlanNode } from '../plan/nodes.js';
import type { PlanRule } from './rule.js';
import { foldConstants } from './rules/fold-constants.js';
import { limitToTopN } from './rules/limit-to-topn.js';
import { pruneColumns } from './rules/prune-columns.js';

/** The optimizer: one ordered list of rules, each applied once to the whole plan. */
export const RULES: readonly PlanRule[] = [foldConstants, limitToTopN, pruneColumns];

export function optimize(plan: PlanNode, rules: readonly PlanRule[] = RULES): PlanNode {
  return rules.reduce((p, rule) => rule.apply(p), plan);
}

export type { PlanRule } from './rule.js';
