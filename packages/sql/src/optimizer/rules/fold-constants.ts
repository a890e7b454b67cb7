import type { Expr } from '../../expr/ir.js';
import { isConstant } from '../../expr/ir.js';
import { evaluateConstant } from '../../expr/compile.js';
import { literalOf } from '../../planner/literals.js';
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

function fold(e: Expr): Expr {
  if (e.kind === 'literal' || e.kind === 'input') return e;
  if (isConstant(e)) {
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
