import { QuarryError } from '@quarry/common';
import type { QueryBody, WithQuery } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import { children, type Column, type PlanNode } from '../plan/nodes.js';
import type { Session } from '../plan/session.js';
import { BIGINT, BOOLEAN, canCoerce, typeToString } from '../types/index.js';
import { coerce } from './expressions.js';
import { literalOf } from './literals.js';
import type { RelationPlan } from './relation-plan.js';
import type { RecursiveShape } from './recursive-shape.js';
import { Scope } from './scope.js';

export { recursiveShape, type RecursiveShape } from './recursive-shape.js';

/** Trino's default `max_recursion_depth`. */
export const DEFAULT_MAX_RECURSION_DEPTH = 10;
/** The most levels a query may unroll to: its plan grows with the square of the depth. */
export const MAX_RECURSION_DEPTH = 1000;
/**
 * The most operators one recursive WITH query may unroll to: its plan travels in task specs, which
 * NATS bounds (1 MiB by default; an operator takes some 400 bytes), and planning time grows with it.
 */
export const MAX_UNROLLED_OPERATORS = 2000;

/** What unrolling needs from the query planner. */
export interface RecursionHost {
  readonly metadata: { readonly session: Session };
  planBody(body: QueryBody): RelationPlan;
  /** Plans `body` with the WITH query `name` standing for `previous` (each reference a copy of it). */
  planStep(body: QueryBody, name: string, previous: RelationPlan): RelationPlan;
}

/**
 * A recursive WITH query unrolled as Trino does: level 0 is the anchor, level i the step planned
 * over a copy of level i-1, for i up to `max_recursion_depth`; one more level checks that the
 * recursion ended — any row it finds fails the query (NOT_SUPPORTED, "Recursion depth limit
 * exceeded"). The result is the UNION ALL of the levels (made distinct for UNION). Each level is a
 * plan of its own (no stage reads another's output twice), so the plan grows with the square of
 * the depth, and every part of it runs in ordinary stages, retried as any other.
 */
export function planRecursive(host: RecursionHost, w: WithQuery, shape: RecursiveShape): RelationPlan {
  const depth = maxRecursionDepth(host.metadata.session);
  const name = w.name.value.toLowerCase();
  const anchor = visibleOnly(host.planBody(shape.anchor));
  const columnNames = w.columns.map((c) => c.value);
  if (columnNames.length !== anchor.outputs.length)
    throw new QuarryError(
      'TYPE_MISMATCH',
      `Column alias list has ${columnNames.length} entries but relation has ${anchor.outputs.length} columns`,
      { location: w.loc },
    );
  const columns: Column[] = anchor.outputs.map((c, i) => ({ name: columnNames[i]!, type: c.type }));
  const scope = new Scope(columns.map((c) => ({ name: c.name, relation: [name], type: c.type })));
  const levels: PlanNode[] = [anchor];
  let previous: RelationPlan = { node: anchor, scope };
  let operators = operatorCount(anchor);
  for (let level = 1; level <= depth + 1; level++) {
    const step = visibleOnly(host.planStep(shape.step, name, previous));
    const node = coerceStep(step, columns, shape.step);
    operators += operatorCount(node);
    if (operators > MAX_UNROLLED_OPERATORS)
      throw new QuarryError(
        'QUERY_TOO_COMPLEX',
        `Recursive WITH query '${name}' unrolls to more than ${MAX_UNROLLED_OPERATORS} operators at max_recursion_depth ${depth}: lower max_recursion_depth or simplify the query`,
        { location: w.loc },
      );
    previous = { node, scope };
    levels.push(level <= depth ? node : convergenceCheck(node, columns, depth));
  }
  const union: PlanNode = { kind: 'Union', inputs: levels, outputs: columns };
  const node: PlanNode = shape.distinct
    ? {
        kind: 'Aggregate',
        input: union,
        step: 'single',
        groupBy: columns.map((_, i) => i),
        aggregates: [],
        outputs: columns,
      }
    : union;
  return { node, scope };
}

/** Session `max_recursion_depth`: an integer from 1 to MAX_RECURSION_DEPTH, by default 10. */
export function maxRecursionDepth(session: Session): number {
  const raw = session.properties['max_recursion_depth'];
  if (raw === undefined) return DEFAULT_MAX_RECURSION_DEPTH;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < 1 || n > MAX_RECURSION_DEPTH)
    throw new QuarryError(
      'INVALID_SESSION_PROPERTY',
      `Session property max_recursion_depth='${raw}' is invalid: expected an integer in [1, ${MAX_RECURSION_DEPTH}]`,
    );
  return n;
}

function operatorCount(node: PlanNode): number {
  let count = 0;
  const stack = [node];
  while (stack.length) {
    count++;
    stack.push(...children(stack.pop()!));
  }
  return count;
}

/** A relation's plan with only its visible columns. */
function visibleOnly(plan: RelationPlan): PlanNode {
  const channels = plan.scope.fields.flatMap((f, i) => (f.hidden ? [] : [i]));
  if (channels.length === plan.node.outputs.length) return plan.node;
  return {
    kind: 'Project',
    input: plan.node,
    exprs: channels.map((c) => ({ kind: 'input', channel: c, type: plan.node.outputs[c]!.type })),
    outputs: channels.map((c) => plan.node.outputs[c]!),
  };
}

/** The step's columns cast to the anchor's types, as Trino coerces them (or refuses). */
function coerceStep(step: PlanNode, columns: readonly Column[], body: QueryBody): PlanNode {
  if (step.outputs.length !== columns.length)
    throw new QuarryError(
      'TYPE_MISMATCH',
      `base and step relations of recursion have different number of fields: ${columns.length}, ${step.outputs.length}`,
      { location: body.loc },
    );
  const exprs: Expr[] = step.outputs.map((c, i) => {
    const target = columns[i]!.type;
    if (!canCoerce(c.type, target))
      throw new QuarryError(
        'TYPE_MISMATCH',
        `recursion step relation output type (${typeToString(c.type)}) is not coercible to recursion base relation output type (${typeToString(target)}) at column ${i + 1}`,
        { location: body.loc },
      );
    return coerce({ kind: 'input', channel: i, type: c.type }, target);
  });
  return { kind: 'Project', input: step, exprs, outputs: [...columns] };
}

/**
 * The level past the limit: its rows counted (a global aggregation, so that no filter can be pushed
 * below it to where rows are not yet the level's) and a count above 0 fails the query; it yields no
 * rows, typed as the others.
 */
function convergenceCheck(level: PlanNode, columns: readonly Column[], depth: number): PlanNode {
  const count: PlanNode = {
    kind: 'Aggregate',
    input: level,
    step: 'single',
    groupBy: [],
    aggregates: [{ fn: 'count', args: [], argTypes: [], distinct: false, resultType: BIGINT }],
    outputs: [{ name: 'count', type: BIGINT }],
  };
  const predicate: Expr = {
    kind: 'case',
    whens: [
      {
        when: {
          kind: 'call',
          fn: 'gt:long',
          args: [{ kind: 'input', channel: 0, type: BIGINT }, literalOf(0, BIGINT)],
          type: BOOLEAN,
        },
        then: { kind: 'call', fn: 'fail_recursion_depth', args: [literalOf(depth, BIGINT)], type: BOOLEAN },
      },
    ],
    else: literalOf(false, BOOLEAN),
    type: BOOLEAN,
  };
  const filter: PlanNode = { kind: 'Filter', input: count, predicate, outputs: count.outputs };
  return {
    kind: 'Project',
    input: filter,
    exprs: columns.map((c) => literalOf(null, c.type)),
    outputs: [...columns],
  };
}
