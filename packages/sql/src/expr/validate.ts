import { QuarryError } from '@quarry/common';
import {
  generatorFor,
  generatorOptionsFor,
  hasGenerator,
  type CodegenContext,
} from '../functions/registry.js';
import { checkDataType } from '../types/check.js';
import { physicalKind, type DataType } from '../types/types.js';
import type { Expr, ExprKind, LiteralValue } from './ir.js';
import { literalNative } from './literal-values.js';

/**
 * Checks an expression that arrived as data (inside a plan fragment) and returns a fresh copy made
 * only of the fields each kind declares: known kinds, known function ids, channel indexes that are
 * integers in range of the input's columns (when `inputs` is given) with the column's layout,
 * literals that fit their types, known types, and a bounded depth and size. Anything else is
 * INVALID_MESSAGE naming the path of what is wrong.
 */
export interface ExprScope {
  /** The columns the expression reads (its input's outputs); unchecked when undefined. */
  readonly inputs: readonly DataType[] | undefined;
  readonly budget: ValidationBudget;
}

/** Shared by every expression of a fragment: nodes left, and the deepest nesting allowed. */
export interface ValidationBudget {
  nodesLeft: number;
  readonly maxDepth: number;
}

/**
 * Bounds for data from the network, small enough for the recursive walks of the stack. The planner
 * refuses deeper expressions with QUERY_TOO_COMPLEX (`planner/limits.ts`), so tasks accept all it makes.
 */
export const MAX_EXPRESSION_DEPTH = 1_000;
export const MAX_PLAN_NODES = 2_000_000;

export function newBudget(): ValidationBudget {
  return { nodesLeft: MAX_PLAN_NODES, maxDepth: MAX_EXPRESSION_DEPTH };
}

export function validateExpr(value: unknown, path: string, scope: ExprScope): Expr {
  return check(value, path, scope, 0);
}

type Fields = Readonly<Record<string, unknown>>;
type Checker = (e: Fields, path: string, sub: (v: unknown, p: string) => Expr, scope: ExprScope) => Expr;

function check(value: unknown, path: string, scope: ExprScope, depth: number): Expr {
  if (depth > scope.budget.maxDepth) invalid(path, `nests deeper than ${scope.budget.maxDepth}`);
  if (--scope.budget.nodesLeft < 0) invalid(path, 'makes the plan too large');
  const e = record(value, path);
  const kind = e.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(EXPR_CHECKERS, kind))
    invalid(`${path}.kind`, 'is not a known expression kind');
  const sub = (v: unknown, p: string) => check(v, p, scope, depth + 1);
  return EXPR_CHECKERS[kind as ExprKind](e, path, sub, scope);
}

const unary =
  (kind: 'not' | 'isNull' | 'try'): Checker =>
  (e, path, sub) => ({ kind, arg: sub(e.arg, `${path}.arg`), type: typeAt(e, path) });

const variadic =
  (kind: 'and' | 'or' | 'coalesce'): Checker =>
  (e, path, sub) => ({ kind, args: list(e.args, `${path}.args`, sub, 1), type: typeAt(e, path) });

/** One checker per kind: a new kind that is not listed here fails to compile. */
const EXPR_CHECKERS: { readonly [K in ExprKind]: Checker } = {
  input: (e, path, _sub, scope) => {
    const type = typeAt(e, path);
    const channel = channelAt(e.channel, `${path}.channel`, scope.inputs?.length);
    const column = scope.inputs?.[channel];
    if (column && physicalKind(column) !== physicalKind(type))
      invalid(`${path}.type`, `does not match input column ${channel}`);
    return { kind: 'input', channel, type };
  },
  literal: (e, path) => {
    const type = typeAt(e, path);
    const value = e.value;
    if (value !== null && !['boolean', 'number', 'string'].includes(typeof value))
      invalid(`${path}.value`, 'is not a literal value');
    try {
      literalNative(value as LiteralValue, type);
    } catch (err) {
      invalid(`${path}.value`, (err as Error).message);
    }
    return { kind: 'literal', value: value as LiteralValue, type };
  },
  call: (e, path, sub) => {
    const fn = e.fn;
    if (typeof fn !== 'string' || !hasGenerator(fn)) invalid(`${path}.fn`, 'is not a known function');
    const call = {
      kind: 'call',
      fn,
      args: list(e.args, `${path}.args`, sub, 0),
      type: typeAt(e, path),
    } as const;
    checkArguments(call, path);
    return call;
  },
  cast: (e, path, sub) => {
    if (typeof e.safe !== 'boolean') invalid(`${path}.safe`, 'is not a boolean');
    return { kind: 'cast', arg: sub(e.arg, `${path}.arg`), type: typeAt(e, path), safe: e.safe };
  },
  and: variadic('and'),
  or: variadic('or'),
  coalesce: variadic('coalesce'),
  not: unary('not'),
  isNull: unary('isNull'),
  try: unary('try'),
  case: (e, path, sub) => {
    const whens = array(e.whens, `${path}.whens`, 1).map((w, i) => {
      const p = `${path}.whens[${i}]`;
      const r = record(w, p);
      return { when: sub(r.when, `${p}.when`), then: sub(r.then, `${p}.then`) };
    });
    const otherwise = e.else === undefined ? undefined : sub(e.else, `${path}.else`);
    return { kind: 'case', whens, else: otherwise, type: typeAt(e, path) };
  },
  lambda: (e, path, sub) => {
    const params = array(e.params, `${path}.params`, 0).map((p, i) => lambdaId(p, `${path}.params[${i}]`));
    const paramTypes = array(e.paramTypes, `${path}.paramTypes`, 0).map((t, i) =>
      checkDataType(t, `${path}.paramTypes[${i}]`),
    );
    if (params.length !== paramTypes.length || params.length > 3)
      invalid(`${path}.params`, 'do not fit the parameter types');
    return { kind: 'lambda', params, paramTypes, body: sub(e.body, `${path}.body`), type: typeAt(e, path) };
  },
  lambdaParam: (e, path) => ({
    kind: 'lambdaParam',
    id: lambdaId(e.id, `${path}.id`),
    type: typeAt(e, path),
  }),
  in: (e, path, sub) => ({
    kind: 'in',
    arg: sub(e.arg, `${path}.arg`),
    list: list(e.list, `${path}.list`, sub, 1),
    type: typeAt(e, path),
  }),
};

/** A lambda parameter id: a small non-negative integer (the code generator names it `P<id>`). */
function lambdaId(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 1_000_000)
    invalid(path, 'is not a lambda parameter id');
  return value;
}

/** Placeholder code context: generating a call's code without binding anything. */
const DRY_RUN: CodegenContext = { ref: () => 'R', temp: () => 't', constant: () => undefined };

/**
 * A call's arguments fit its function: their count is in its declared arity, and its code generator
 * accepts them — too few show as `undefined` in the generated text, types it cannot take make it throw.
 */
function checkArguments(call: Extract<Expr, { kind: 'call' }>, path: string): void {
  const [min, max] = generatorOptionsFor(call.fn).arity ?? [0, Infinity];
  if (call.args.length < min || call.args.length > max)
    invalid(
      `${path}.args`,
      `do not fit function ${call.fn}: it takes ${min}${max === min ? '' : ` to ${max}`}`,
    );
  let code: string;
  try {
    const names = call.args.map((_, i) => `a${i}`);
    code = generatorFor(call.fn)(
      names,
      call.args.map((a) => a.type),
      call.type,
      DRY_RUN,
    );
  } catch {
    invalid(`${path}.args`, `do not fit function ${call.fn}`);
  }
  if (/\bundefined\b/.test(code)) invalid(`${path}.args`, `are too few for function ${call.fn}`);
}

function typeAt(e: Fields, path: string): DataType {
  return checkDataType(e.type, `${path}.type`);
}

function list(value: unknown, path: string, sub: (v: unknown, p: string) => Expr, min: number): Expr[] {
  return array(value, path, min).map((x, i) => sub(x, `${path}[${i}]`));
}

/** A channel index: a non-negative integer, below `width` when the input's width is known. */
export function channelAt(value: unknown, path: string, width: number | undefined): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    invalid(path, 'is not a channel index');
  if (width !== undefined && value >= width) invalid(path, `is out of range: the input has ${width} columns`);
  return value;
}

export function record(value: unknown, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(path, 'is not an object');
  return value as Fields;
}

export function array(value: unknown, path: string, min = 0): readonly unknown[] {
  if (!Array.isArray(value)) invalid(path, 'is not an array');
  if (value.length < min) invalid(path, `has fewer than ${min} elements`);
  return value;
}

export function invalid(path: string, what: string): never {
  // deep paths keep their ends: where the walk started and the field that is wrong
  const shown = path.length > 200 ? `${path.slice(0, 80)}…${path.slice(-100)}` : path;
  throw new QuarryError('INVALID_MESSAGE', `invalid plan: ${shown} ${what}`);
}
