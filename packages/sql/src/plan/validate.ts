import { array, invalid, newBudget, record } from '../expr/validate.js';
import { integerIn } from '../types/check.js';
import type { DataType } from '../types/types.js';
import type { PlanFragment } from './fragment.js';
import type { PlanNode } from './nodes.js';
import {
  MAX_COUNT,
  NODE_CHECKERS,
  columnsAt,
  partitioning,
  sortKeys,
  type NodeContext,
} from './validate-nodes.js';

/** Plan trees from the network nest at most this deep: well past any planned query, far from the stack's end. */
export const MAX_PLAN_DEPTH = 1_000;

/**
 * Checks a plan fragment received from the network before a task runs it: known node kinds,
 * channel indexes in range of each input's columns, known types, well-formed expressions over
 * known functions, a bounded depth and size (`validate-nodes.ts` has the per-kind checks). Throws
 * QuarryError INVALID_MESSAGE naming the path of what is wrong, e.g.
 * `invalid plan: fragment.root.input.predicate.args[0].channel is out of range: the input has 3 columns`.
 */
export function validatePlanFragment(value: unknown): PlanFragment {
  const path = 'fragment';
  const f = record(value, path);
  integerIn(f.id, 0, MAX_COUNT, `${path}.id`);
  const budget = newBudget();
  const node = (v: unknown, p: string, depth: number): DataType[] => {
    if (depth > MAX_PLAN_DEPTH) invalid(p, `nests deeper than ${MAX_PLAN_DEPTH}`);
    if (--budget.nodesLeft < 0) invalid(p, 'makes the plan too large');
    const n = record(v, p);
    const kind = n.kind;
    if (typeof kind !== 'string' || !Object.hasOwn(NODE_CHECKERS, kind))
      invalid(`${p}.kind`, 'is not a known plan node');
    const ctx: NodeContext = { budget, child: (c, cp) => node(c, cp, depth + 1) };
    return NODE_CHECKERS[kind as PlanNode['kind']](n, p, ctx);
  };
  const root = node(f.root, `${path}.root`, 0);
  if (typeof f.distribution !== 'string' || !['source', 'hash', 'single'].includes(f.distribution))
    invalid(`${path}.distribution`, 'is not one of source, hash, single');
  partitioning(f.outputPartitioning, `${path}.outputPartitioning`, root.length);
  if (f.outputOrder !== undefined) sortKeys(f.outputOrder, `${path}.outputOrder`, root.length);
  const outputs = columnsAt(f.outputs, `${path}.outputs`);
  if (outputs.length !== root.length)
    invalid(`${path}.outputs`, `has ${outputs.length} columns, the root ${root.length}`);
  array(f.inputs, `${path}.inputs`).forEach((x, i) => integerIn(x, 0, MAX_COUNT, `${path}.inputs[${i}]`));
  return value as PlanFragment;
}
