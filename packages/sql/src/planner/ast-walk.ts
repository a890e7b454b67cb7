import type { Expression, FunctionCall } from '../parser/ast.js';
import { isAggregateFunction } from '../functions/index.js';

/** Visits the expression nodes under `e` (not descending into subqueries). */
export function walkExpression(e: Expression, visit: (n: Expression) => void): void {
  const seen = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(seen);
    if (typeof v !== 'object' || v === null) return;
    const node = v as { kind?: string };
    if (node.kind === 'Query') return;
    if (node.kind !== undefined && isExpressionKind(node.kind)) visit(node as Expression);
    for (const [k, child] of Object.entries(v)) if (k !== 'loc') seen(child);
  };
  seen(e);
}

const EXPRESSION_KINDS = new Set([
  'ColumnRef',
  'NumericLiteral',
  'StringLiteral',
  'BooleanLiteral',
  'NullLiteral',
  'TypedLiteral',
  'IntervalLiteral',
  'CurrentDateTime',
  'UnaryOp',
  'BinaryOp',
  'IsNull',
  'IsDistinctFrom',
  'Between',
  'InList',
  'InSubquery',
  'Like',
  'QuantifiedComparison',
  'Exists',
  'Subquery',
  'Case',
  'Cast',
  'Extract',
  'FunctionCall',
  'Row',
  'ArrayConstructor',
  'Lambda',
  'Subscript',
  'AtTimeZone',
]);

function isExpressionKind(kind: string): boolean {
  return EXPRESSION_KINDS.has(kind);
}

export function functionName(call: FunctionCall): string {
  return call.name.map((p) => p.value.toLowerCase()).join('.');
}

export function isAggregateCall(e: Expression): e is FunctionCall {
  return e.kind === 'FunctionCall' && !e.window && isAggregateFunction(functionName(e));
}

/** Aggregate calls in an expression, outermost first (nested aggregates are reported by the caller). */
export function findAggregates(e: Expression): FunctionCall[] {
  const out: FunctionCall[] = [];
  walkExpression(e, (n) => {
    if (isAggregateCall(n)) out.push(n);
  });
  return out;
}

export function containsAggregate(e: Expression): boolean {
  return findAggregates(e).length > 0;
}

export type SubqueryExpression = Extract<
  Expression,
  { kind: 'InSubquery' | 'Exists' | 'Subquery' | 'QuantifiedComparison' }
>;

/** Subquery expressions in `e`, innermost operands first. */
export function findSubqueries(e: Expression): SubqueryExpression[] {
  const out: SubqueryExpression[] = [];
  walkExpression(e, (n) => {
    if (
      n.kind === 'InSubquery' ||
      n.kind === 'Exists' ||
      n.kind === 'Subquery' ||
      n.kind === 'QuantifiedComparison'
    )
      out.push(n);
  });
  return out.reverse();
}

export function hasSubqueries(e: Expression): boolean {
  return findSubqueries(e).length > 0;
}
