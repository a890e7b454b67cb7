import { QuarryError } from '@quarry/common';
import type { Query, Select } from '../parser/ast.js';
import type { PlannerMetadata } from './metadata.js';
import type { ViewPlanner } from './named-relations.js';
import type { SubqueryHost } from './planned-query.js';
import type { RelationPlan } from './relation-plan.js';
import { Scope } from './scope.js';

/** What planning FROM needs from the query planner (subqueries: those of JOIN ON conditions). */
export interface RelationHost extends SubqueryHost, ViewPlanner {
  readonly metadata: PlannerMetadata;
  readonly now: Date;
  planQuery(query: Query): RelationPlan;
  /** The plan of a WITH query visible here, planned afresh at each reference. */
  cte(name: string): RelationPlan | undefined;
}

export function withRelation(plan: RelationPlan, relation: readonly string[]): RelationPlan {
  return {
    node: plan.node,
    // hidden fields (a side's copy of a USING column) keep their own qualifier
    scope: new Scope(plan.scope.fields.map((f) => (f.hidden ? f : { ...f, relation }))),
  };
}

export function renameColumns(
  plan: RelationPlan,
  names: readonly string[],
  loc: Select['loc'],
): RelationPlan {
  const visible = plan.scope.fields.filter((f) => !f.hidden);
  if (names.length !== visible.length) {
    throw new QuarryError(
      'TYPE_MISMATCH',
      `Column alias list has ${names.length} entries but relation has ${visible.length} columns`,
      {
        location: loc,
      },
    );
  }
  let k = 0;
  return {
    node: plan.node,
    scope: new Scope(plan.scope.fields.map((f) => (f.hidden ? f : { ...f, name: names[k++] ?? f.name }))),
  };
}
