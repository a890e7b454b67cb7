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
    case 'lambdaParam':
      return false;
    case 'lambda':
      return nondeterministic(e.body);
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

/** Whether an expression reads a lambda parameter it does not bind (it is constant only per call). */
function readsLambdaParams(e: Expr, bound: ReadonlySet<number> = new Set()): boolean {
  switch (e.kind) {
    case 'lambdaParam':
      return !bound.has(e.id);
    case 'lambda':
      return readsLambdaParams(e.body, new Set([...bound, ...e.params]));
    case 'input':
    case 'literal':
      return false;
    case 'call':
    case 'and':
    case 'or':
    case 'coalesce':
      return e.args.some((a) => readsLambdaParams(a, bound));
    case 'cast':
    case 'not':
    case 'isNull':
    case 'try':
      return readsLambdaParams(e.arg, bound);
    case 'case':
      return (
        e.whens.some((w) => readsLambdaParams(w.when, bound) || readsLambdaParams(w.then, bound)) ||
        (!!e.else && readsLambdaParams(e.else, bound))
      );
    case 'in':
      return readsLambdaParams(e.arg, bound) || e.list.some((a) => readsLambdaParams(a, bound));
  }
}

function fold(e: Expr): Expr {
  if (e.kind === 'literal' || e.kind === 'input' || e.kind === 'lambdaParam') return e;
  // a lambda's body reads its parameters: it folds inside, never as a whole
  if (e.kind === 'lambda') return { ...e, body: fold(e.body) };
  // composite values have no literal form: they stay expressions (evaluated once a page)
  if (isConstant(e) && !nondeterministic(e) && !isComposite(e.type) && !readsLambdaParams(e)) {
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
