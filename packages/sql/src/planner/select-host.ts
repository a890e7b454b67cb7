import type { Query, SingleColumn } from '../parser/ast.js';
import type { SortKey } from '../plan/nodes.js';
import type { RelationPlan } from './relation-plan.js';
import type { RelationHost } from './relation-host.js';
import type { SubqueryHost } from './planned-query.js';

/** What the SELECT and correlated-subquery planners need from the query planner. */
export interface SelectHost extends RelationHost, SubqueryHost {
  /** ORDER BY, OFFSET and LIMIT over a planned body; drops hidden sort columns at the end. */
  orderAndLimit(
    plan: RelationPlan,
    visible: number[],
    query: Query | undefined,
    keys: SortKey[] | undefined,
  ): RelationPlan;
}

/** A select item's column name: its alias, the column it names, or `_colN`. */
export function itemName(item: SingleColumn, position: number): string {
  return (
    item.alias?.value ??
    (item.expression.kind === 'ColumnRef' ? item.expression.parts.at(-1)!.value : `_col${position}`)
  );
}
