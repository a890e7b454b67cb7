import { QuarryError, internalError } from '@quarry/common';
import { checkResultLength } from '../functions/limits.js';
import type { Block, Page } from '../page/block.js';
import { valueAt } from '../page/block.js';
import { physicalKind, typeToString } from '../types/types.js';
import { Codegen, checkChannel, missingChannel } from './codegen.js';
import { expressionDepth, type Expr } from './ir.js';
import { MAX_EXPRESSION_DEPTH, newBudget, validateExpr } from './validate.js';

/**
 * Compiles expressions into JavaScript functions over whole pages: one loop per page, the
 * expression tree inlined into the loop body (see `codegen.ts`). Expressions are checked first
 * (`validateExpr`): a plan fragment is data from the network, and a malformed one is refused with
 * INVALID_MESSAGE before any code is generated from it.
 */

export type CompiledProjection = (page: Page) => Block;
/** Writes the positions where the predicate is TRUE into `selected`; returns how many. */
export type CompiledFilter = (page: Page, selected: Int32Array) => number;

/** The expression, checked; one too deep to compile is QUERY_TOO_COMPLEX wherever it comes from. */
function checked(expr: Expr): Expr {
  if (expressionDepth(expr) > MAX_EXPRESSION_DEPTH) {
    throw new QuarryError(
      'QUERY_TOO_COMPLEX',
      `Query is too complex: an expression nests deeper than ${MAX_EXPRESSION_DEPTH}`,
    );
  }
  return validateExpr(expr, 'expression', { inputs: undefined, budget: newBudget() });
}

function widen(out: Float64Array, upTo: number): bigint[] {
  const wide = new Array<bigint>(out.length).fill(0n);
  for (let i = 0; i < upTo; i++) wide[i] = BigInt(out[i]!);
  return wide;
}

const ALLOCATIONS = {
  bool: 'new Uint8Array(n)',
  int32: 'new Int32Array(n)',
  string: "new Array(n).fill('')",
  long: 'new Float64Array(n)',
  float64: 'new Float64Array(n)',
  object: 'new Array(n).fill(null)',
} as const;

/** A function computing `expr` for every row of a page, as a block of `expr.type`. */
export function compileProjection(expression: Expr): CompiledProjection {
  const expr = checked(expression);
  if (expr.kind === 'input') {
    const channel = checkChannel(expr.channel);
    return (page) => page.blocks[channel] ?? missingChannel(channel);
  }
  const g = new Codegen();
  const root = g.emit(expr);
  const kind = physicalKind(expr.type);
  let store: string;
  switch (kind) {
    case 'bool':
      store = `out[i] = ${root.v} ? 1 : 0;`;
      break;
    case 'long':
      store = `if (wide === null) { if (typeof ${root.v} === 'number') out[i] = ${root.v}; else { wide = ${g.ref(widen)}(out, i); wide[i] = ${root.v}; } } else wide[i] = BigInt(${root.v});`;
      break;
    default:
      store = `out[i] = ${root.v};`;
  }
  const fn = g.build({
    prologue: `const out = ${ALLOCATIONS[kind]}; let nulls = undefined; let wide = null;`,
    tail: `if (${root.n}) { if (nulls === undefined) nulls = new Uint8Array(n); nulls[i] = 1; } else { ${store} }`,
    epilogue: `return { type: ${g.ref(expr.type)}, length: n, values: wide === null ? out : wide, nulls };`,
  });
  return fn as CompiledProjection;
}

export function compileFilter(expression: Expr): CompiledFilter {
  const predicate = checked(expression);
  if (predicate.type.kind !== 'boolean' && predicate.type.kind !== 'unknown') {
    throw internalError(`filter predicate has type ${typeToString(predicate.type)}`);
  }
  const g = new Codegen();
  const root = g.emit(predicate);
  const fn = g.build({
    prologue: 'let k = 0; const sel = arg;',
    tail: `if (!(${root.n}) && ${root.v}) sel[k++] = i;`,
    epilogue: 'return k;',
  });
  return fn as CompiledFilter;
}

const ONE_ROW: Page = { blocks: [], rowCount: 1 };

/**
 * Evaluates an expression without inputs; returns its native value or null. A computed value (not
 * a literal passed through) is held to the functions' size limit: folding constants on the
 * coordinator never builds a value larger than a function may return.
 */
export function evaluateConstant(expr: Expr): unknown {
  const value = valueAt(compileProjection(expr)(ONE_ROW), 0);
  if (typeof value === 'string' && expr.kind !== 'literal')
    checkResultLength('constant folding', value.length);
  return value;
}
