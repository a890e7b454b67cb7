import { isComposite } from '../../types/types.js';
import type { Expr } from '../../expr/ir.js';
import { isConstant } from '../../expr/ir.js';
import { evaluateConstant } from '../../expr/compile.js';
import { generatorOptionsFor } from '../../functions/registry.js';
import { literalOf } from '../../expr/literal-values.js';
import { mapExpressions, type PlanRule } from '../rule.js';

/**
 * Evaluates constant sub-expressions once at planning time (`date '1998-12-01' - interval '90' day`
 * becomes a date literal). An expression whose evaluation fails is left alone, so that the error is
 * raised when (and if) a row reaches it, as the SQL text would.
 */
export const foldConstants: PlanRule = {
  name: 'fold-constants',
  apply: (node) => mapExpressions(node, fold),
};

function nondeterministic(e: Expr): boolean {
  if (e.kind === 'call' && generatorOptionsFor(e.fn).nondeterministic) return true;
  switch (e.kind) {
    case 'input':
    case 'literal':
      return false;
    case 'call':
    case 'and':
    case 'or':
    case 'coalesce':
      return e.args.some(nondeterministic);
    case 'cast':
    case 'not':
    case 'isNull':
    case 'try':
      return nondeterministic(e.arg);
    case 'case':
      return (
        e.whens.some((w) => nondeterministic(w.when) || nondeterministic(w.then)) ||
        (!!e.else && nondeterministic(e.else))
      );
    case 'in':
      return nondeterministic(e.arg) || e.list.some(nondeterministic);
  }
}

function fold(e: Expr): Expr {
  if (e.kind === 'literal' || e.kind === 'input') return e;
  // composite values have no literal form: they stay expressions (evaluated once a page)
  if (isConstant(e) && !nondeterministic(e) && !isComposite(e.type)) {
    try {
      return literalOf(evaluateConstant(e), e.type);
    } catch {
      return e;
    }
  }
  switch (e.kind) {
    case 'call':
    case 'and':
    case 'or':
    case 'coalesce':
      return { ...e, args: e.args.map(fold) };
    case 'cast':
    case 'not':
    case 'isNull':
    case 'try':
      return { ...e, arg: fold(e.arg) };
    case 'case':
      return {
        ...e,
        whens: e.whens.map((w) => ({ when: fold(w.when), then: fold(w.then) })),
        else: e.else && fold(e.else),
      };
    case 'in':
      return { ...e, arg: fold(e.arg), list: e.list.map(fold) };
  }
}
