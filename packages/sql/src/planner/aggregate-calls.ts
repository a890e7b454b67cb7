import { QuarryError } from '@quarry/common';
import type { Expression, FunctionCall } from '../parser/ast.js';
import { evaluateConstant } from '../expr/compile.js';
import { isConstant, type Expr } from '../expr/ir.js';
import { checkMaxStandardError } from '../functions/aggregates-extra.js';
import { resolveAggregate } from '../functions/index.js';
import type { AggregateCall } from '../plan/nodes.js';
import { DOUBLE, isNumeric } from '../types/types.js';
import { containsAggregate, functionName } from './ast-walk.js';
import { coerce, type ExprTranslator } from './expressions.js';
import { sortKey } from './ordering.js';

/** One aggregate call of the AST as an AggregateCall over the aggregation's projected input. */

/** approx_distinct's max standard error: a constant within Trino's range. */
export function checkApproxDistinctError(src: ExprTranslator, arg: Expression): void {
  const e = src.translate(arg);
  // other types are refused by the function's signatures
  if (!isNumeric(e.type)) return;
  if (!isConstant(e)) {
    throw new QuarryError(
      'INVALID_FUNCTION_ARGUMENT',
      'approx_distinct: the max standard error must be a constant',
      {
        location: arg.loc,
      },
    );
  }
  const value = evaluateConstant(coerce(e, DOUBLE));
  try {
    checkMaxStandardError(value);
  } catch (err) {
    if (err instanceof QuarryError) throw new QuarryError(err.code, err.message, { location: arg.loc });
    throw err;
  }
}

export function planCall(
  call: FunctionCall,
  src: ExprTranslator,
  channelOf: (e: Expr) => number,
  rowMarker: Expr | undefined,
): { call: AggregateCall; argExprs: Expr[] } {
  const fn = functionName(call);
  if (call.window) throw new QuarryError('NOT_SUPPORTED', 'Window functions are not supported here');
  checkOrdering(call, fn);
  for (const a of call.args) {
    if (containsAggregate(a))
      throw new QuarryError('NESTED_AGGREGATION', 'Cannot nest aggregations inside aggregation', {
        location: a.loc,
      });
  }
  if (call.star && fn !== 'count')
    throw new QuarryError('INVALID_ARGUMENTS', `${fn}(*) is not allowed; only count(*)`);
  const astArgs = call.args;
  const distinct = call.distinct;
  if (fn === 'approx_distinct' && astArgs.length === 2) checkApproxDistinctError(src, astArgs[1]!);
  const args = astArgs.map((a) => src.translate(a));
  if (call.star && rowMarker) args.push(rowMarker);
  const sig = resolveAggregate(
    fn,
    args.map((a) => a.type),
  );
  const argExprs = args.map((a, i) => coerce(a, sig.argTypes[i]!));
  let mask: number | undefined;
  if (call.filter) {
    const f = src.boolean(src.translate(call.filter), 'FILTER', call.filter.loc);
    mask = channelOf(f);
  }
  if (distinct && argExprs.length === 0)
    throw new QuarryError('INVALID_ARGUMENTS', `${fn}(DISTINCT) needs an argument`);
  const orderBy = call.orderBy.map((item) => sortKey(item, channelOf(src.translate(item.expression))));
  return {
    call: {
      fn,
      args: argExprs.map(channelOf),
      argTypes: sig.argTypes,
      distinct,
      ...(mask !== undefined ? { mask } : {}),
      ...(orderBy.length ? { orderBy } : {}),
      resultType: sig.resultType,
    },
    argExprs,
  };
}

/** Aggregates that take an order: listagg, which needs one, with a literal separator (Trino's grammar). */
const ORDERED = new Set(['listagg']);

function checkOrdering(call: FunctionCall, fn: string): void {
  if (!ORDERED.has(fn)) {
    if (call.orderBy.length)
      throw new QuarryError('NOT_SUPPORTED', `ORDER BY inside ${fn}() is not supported`, {
        location: call.orderBy[0]!.loc,
      });
    return;
  }
  if (!call.withinGroup)
    throw new QuarryError('SYNTAX_ERROR', `${fn}() needs WITHIN GROUP (ORDER BY …) after its arguments`, {
      location: call.loc,
    });
  const separator = call.args[1];
  if (separator && separator.kind !== 'StringLiteral')
    throw new QuarryError('SYNTAX_ERROR', `The separator of ${fn}() must be a string literal`, {
      location: separator.loc,
    });
}
