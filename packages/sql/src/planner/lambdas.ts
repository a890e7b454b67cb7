import { QuarryError } from '@quarry/common';
import type { Expression, FunctionCall } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import { lambdaParameterTypes } from '../functions/index.js';
import { commonSuperType, typeToString, type DataType } from '../types/index.js';
import type { Scope } from './scope.js';

/**
 * Calls of higher-order functions (`transform(a, x -> x + 1)`): the arguments before a lambda are
 * translated first, they give the lambda's parameter types, then its body is translated with its
 * parameters in scope (a parameter hides a column of the same name; other columns may be read).
 */

interface Translator {
  readonly scope: Scope;
  translate(ast: Expression): Expr;
  withHook(hook: (ast: Expression) => Expr | undefined): Translator;
  translateNode(ast: Expression): Expr;
  call(name: string, args: readonly Expr[], display: string): Expr;
}

/** Lambda parameter ids: unique within a query's expressions, small (the plan checks < 10^6). */
let nextId = 0;

function lambda(
  t: Translator,
  ast: Extract<Expression, { kind: 'Lambda' }>,
  types: readonly DataType[],
): Expr {
  if (ast.params.length !== types.length) {
    throw new QuarryError(
      'TYPE_MISMATCH',
      `Lambda takes ${types.length} parameter${types.length === 1 ? '' : 's'}, not ${ast.params.length}`,
      { location: ast.loc },
    );
  }
  const ids = types.map(() => (nextId = (nextId + 1) % 1_000_000));
  const names = ast.params.map((p) => p.value.toLowerCase());
  const inner: Translator = t.withHook((e) => {
    if (e.kind === 'ColumnRef' && e.parts.length === 1) {
      const k = names.indexOf(e.parts[0]!.value.toLowerCase());
      if (k >= 0) return { kind: 'lambdaParam', id: ids[k]!, type: types[k]! };
    }
    // outer hooks (an aggregation's) must not see what reads a parameter: they know no lambdas
    return readsNames(e, names) ? inner.translateNode(e) : undefined;
  });
  const body = inner.translate(ast.body);
  return { kind: 'lambda', params: ids, paramTypes: types, body, type: body.type };
}

/** Whether an AST reads one of `names` as a one-part column reference. */
function readsNames(node: unknown, names: readonly string[]): boolean {
  if (typeof node !== 'object' || node === null) return false;
  if (Array.isArray(node)) return node.some((n) => readsNames(n, names));
  const r = node as { kind?: unknown; parts?: { value: string }[] };
  if (r.kind === 'ColumnRef' && r.parts?.length === 1) return names.includes(r.parts[0]!.value.toLowerCase());
  return Object.entries(node).some(([k, v]) => k !== 'loc' && readsNames(v, names));
}

function coerceBody(e: Expr, type: DataType): Expr {
  if (e.kind !== 'lambda' || typeToString(e.type) === typeToString(type)) return e;
  return { ...e, body: { kind: 'cast', arg: e.body, type, safe: false }, type };
}

export function higherOrderCall(t: Translator, name: string, ast: FunctionCall): Expr {
  const args: Expr[] = [];
  for (const a of ast.args) {
    if (a.kind !== 'Lambda') {
      args.push(t.translate(a));
      continue;
    }
    const types = lambdaParameterTypes(
      name,
      args.map((x) => x.type),
    );
    if (!types)
      throw new QuarryError('FUNCTION_NOT_FOUND', `Function ${name} does not take a lambda here`, {
        location: a.loc,
      });
    args.push(lambda(t, a, types));
  }
  if (name === 'reduce') return reduceCall(t, ast, args);
  return t.call(name, args, name);
}

/** reduce(a, s, (s, x) -> s', s -> r): the state type is what the initial value and the step share. */
function reduceCall(t: Translator, ast: FunctionCall, args: Expr[]): Expr {
  const [array, initial, step, out] = args;
  const [, , stepAst, outAst] = ast.args;
  if (
    args.length !== 4 ||
    array?.type.kind !== 'array' ||
    !initial ||
    step?.kind !== 'lambda' ||
    stepAst?.kind !== 'Lambda' ||
    outAst?.kind !== 'Lambda'
  )
    return t.call('reduce', args, 'reduce');
  const state = commonSuperType(initial.type, step.type);
  if (!state || typeToString(state) === typeToString(initial.type))
    return t.call('reduce', [array, initial, coerceBody(step, initial.type), out!], 'reduce');
  const widened: Expr = { kind: 'cast', arg: initial, type: state, safe: false };
  const step2 = coerceBody(lambda(t, stepAst, [state, array.type.element]), state);
  return t.call('reduce', [array, widened, step2, lambda(t, outAst, [state])], 'reduce');
}
