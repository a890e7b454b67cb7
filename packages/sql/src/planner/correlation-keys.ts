import { QuarryError, type SourceLocation } from '@quarry/common';
import { inputChannels, isEquality, remapChannels, type Expr } from '../expr/ir.js';

/** Equality conjuncts between a subquery's columns [0, width) and the outer query's, and the rest. */
export function splitCorrelated(
  conjuncts: readonly Expr[],
  width: number,
): { pairs: { inner: Expr; outer: Expr }[]; residual: Expr[] } {
  const pairs: { inner: Expr; outer: Expr }[] = [];
  const residual: Expr[] = [];
  const side = (e: Expr): 'inner' | 'outer' | 'mixed' | 'none' => {
    const cs = [...inputChannels(e)];
    if (cs.length === 0) return 'none';
    if (cs.every((c) => c < width)) return 'inner';
    if (cs.every((c) => c >= width)) return 'outer';
    return 'mixed';
  };
  const rebase = (e: Expr) => remapChannels(e, (c) => c - width);
  for (const c of conjuncts) {
    if (c.kind === 'call' && isEquality(c.fn)) {
      const [a, b] = c.args as [Expr, Expr];
      const sa = side(a);
      const sb = side(b);
      if (sa === 'inner' && sb === 'outer') {
        pairs.push({ inner: a, outer: rebase(b) });
        continue;
      }
      if (sa === 'outer' && sb === 'inner') {
        pairs.push({ inner: b, outer: rebase(a) });
        continue;
      }
    }
    residual.push(c);
  }
  return { pairs, residual };
}

/** A correlated row IN over an aggregation (Trino decorrelates it; quarry does not yet). */
export function rowInWithAggregation(location: SourceLocation): QuarryError {
  return new QuarryError('NOT_SUPPORTED', 'Correlated row IN subqueries with aggregation are not supported', {
    location,
  });
}
