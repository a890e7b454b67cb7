import { inputChannels, type Expr } from '../expr/ir.js';
import type { PlanNode } from '../plan/nodes.js';
import { BOOLEAN } from '../types/types.js';

/** Helpers for rules that move predicates: conjunct lists, sides of two-input nodes, null rejection. */

export function conjuncts(e: Expr | undefined): Expr[] {
  if (!e) return [];
  if (e.kind === 'and') return e.args.flatMap(conjuncts);
  if (e.kind === 'literal' && e.value === true) return [];
  return [e];
}

export function and(list: readonly Expr[]): Expr | undefined {
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  return { kind: 'and', args: list, type: BOOLEAN };
}

/** `node` under a filter of `predicates` (none: `node` itself). */
export function filtered(node: PlanNode, predicates: readonly Expr[]): PlanNode {
  const predicate = and(predicates);
  return predicate ? { kind: 'Filter', input: node, predicate, outputs: node.outputs } : node;
}

export type Side = 'left' | 'right' | 'both' | 'none';

/** Which inputs of a two-input node (left channels before `leftWidth`) an expression reads. */
export function sideOf(e: Expr, leftWidth: number): Side {
  let left = false;
  let right = false;
  for (const c of inputChannels(e)) {
    if (c < leftWidth) left = true;
    else right = true;
  }
  return left && right ? 'both' : left ? 'left' : right ? 'right' : 'none';
}

/** Whether `e` is NULL whenever the channels `inSet` selects are NULL. */
function nullWhen(e: Expr, inSet: (c: number) => boolean): boolean {
  switch (e.kind) {
    case 'input':
      return inSet(e.channel);
    case 'literal':
      return e.value === null;
    case 'call':
      return e.args.some((a) => nullWhen(a, inSet));
    case 'cast':
    case 'not':
    case 'try':
      return nullWhen(e.arg, inSet);
    case 'in':
      return nullWhen(e.arg, inSet);
    case 'coalesce':
    case 'and':
    case 'or':
      return e.args.every((a) => nullWhen(a, inSet));
    case 'isNull':
    case 'case':
    case 'lambda':
    case 'lambdaParam':
      return false;
  }
}

/** Whether a filter on `e` drops every row whose `inSet` channels are NULL (e is then NULL or FALSE). */
export function rejectsNulls(e: Expr, inSet: (c: number) => boolean): boolean {
  if (nullWhen(e, inSet)) return true;
  if (e.kind === 'and') return e.args.some((a) => rejectsNulls(a, inSet));
  if (e.kind === 'or') return e.args.every((a) => rejectsNulls(a, inSet));
  return false;
}
