import type { DataType } from '../types/types.js';

/**
 * Resolved, typed row expressions: what the analyzer produces and the compiler turns into JS.
 * Plain data, so plan fragments can cross NATS. Literal values are JSON-safe: `long` values beyond
 * 2^53 are written as decimal strings (see `literalValue`).
 */
export type Expr =
  | { readonly kind: 'input'; readonly channel: number; readonly type: DataType }
  | { readonly kind: 'literal'; readonly value: LiteralValue; readonly type: DataType }
  /** A scalar function or operator, resolved to an implementation id by the function registry. */
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Expr[]; readonly type: DataType }
  | { readonly kind: 'cast'; readonly arg: Expr; readonly type: DataType; readonly safe: boolean }
  | { readonly kind: 'and'; readonly args: readonly Expr[]; readonly type: DataType }
  | { readonly kind: 'or'; readonly args: readonly Expr[]; readonly type: DataType }
  | { readonly kind: 'not'; readonly arg: Expr; readonly type: DataType }
  | { readonly kind: 'isNull'; readonly arg: Expr; readonly type: DataType }
  | { readonly kind: 'coalesce'; readonly args: readonly Expr[]; readonly type: DataType }
  | {
      readonly kind: 'case';
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly else: Expr | undefined;
      readonly type: DataType;
    }
  | { readonly kind: 'in'; readonly arg: Expr; readonly list: readonly Expr[]; readonly type: DataType }
  /** `try(x)`: NULL where evaluating x raises a user error (division by zero, a failed cast, …). */
  | { readonly kind: 'try'; readonly arg: Expr; readonly type: DataType }
  /**
   * `(x, y) -> body`, an argument of a higher-order function (`transform`, `filter`, …): `params` are
   * ids, unique in the expression, that `lambdaParam`s of the body refer to; `type` is the body's.
   */
  | {
      readonly kind: 'lambda';
      readonly params: readonly number[];
      readonly paramTypes: readonly DataType[];
      readonly body: Expr;
      readonly type: DataType;
    }
  | { readonly kind: 'lambdaParam'; readonly id: number; readonly type: DataType };

export type LiteralValue = null | boolean | number | string;

export type ExprKind = Expr['kind'];

/** Channels an expression reads. */
export function inputChannels(e: Expr, into = new Set<number>()): Set<number> {
  switch (e.kind) {
    case 'input':
      into.add(e.channel);
      break;
    case 'literal':
    case 'lambdaParam':
      break;
    case 'lambda':
      inputChannels(e.body, into);
      break;
    case 'call':
    case 'and':
    case 'or':
    case 'coalesce':
      for (const a of e.args) inputChannels(a, into);
      break;
    case 'cast':
    case 'not':
    case 'isNull':
    case 'try':
      inputChannels(e.arg, into);
      break;
    case 'case':
      for (const w of e.whens) {
        inputChannels(w.when, into);
        inputChannels(w.then, into);
      }
      if (e.else) inputChannels(e.else, into);
      break;
    case 'in':
      inputChannels(e.arg, into);
      for (const a of e.list) inputChannels(a, into);
      break;
  }
  return into;
}

/** Rewrites the channels an expression reads. */
export function remapChannels(e: Expr, map: (channel: number) => number): Expr {
  return replaceInputs(e, (channel, type) => ({ kind: 'input', channel: map(channel), type }));
}

export function isConstant(e: Expr): boolean {
  return inputChannels(e).size === 0;
}

/** Replaces every input reference by what `f` gives for its channel and type. */
export function replaceInputs(e: Expr, f: (channel: number, type: DataType) => Expr): Expr {
  const r = (x: Expr) => replaceInputs(x, f);
  switch (e.kind) {
    case 'input':
      return f(e.channel, e.type);
    case 'literal':
    case 'lambdaParam':
      return e;
    case 'lambda':
      return { ...e, body: r(e.body) };
    case 'call':
    case 'and':
    case 'or':
    case 'coalesce':
      return { ...e, args: e.args.map(r) };
    case 'cast':
    case 'not':
    case 'isNull':
    case 'try':
      return { ...e, arg: r(e.arg) };
    case 'case':
      return {
        ...e,
        whens: e.whens.map((w) => ({ when: r(w.when), then: r(w.then) })),
        else: e.else && r(e.else),
      };
    case 'in':
      return { ...e, arg: r(e.arg), list: e.list.map(r) };
  }
}

/**
 * How deeply an expression nests (a leaf is 1), measured without recursion so that any tree —
 * including malformed data from the network — can be measured before a recursive walk.
 */
export function expressionDepth(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    deepest = Math.max(deepest, depth);
    const e = value as Record<string, unknown>;
    for (const field of ['arg', 'else', 'when', 'then', 'body']) stack.push([e[field], depth + 1]);
    for (const field of ['args', 'list', 'whens']) {
      const items = e[field];
      if (!Array.isArray(items)) continue;
      // a CASE branch holds its when/then one level down: count it at the branch's own depth
      const next = field === 'whens' ? depth : depth + 1;
      for (const item of items) stack.push([item, next]);
    }
  }
  return deepest;
}

/** A call of an equality comparison (`=` of any type), as resolved by the function registry. */
export function isEquality(fn: string): boolean {
  return fn === 'eq:long' || fn === 'eq:strict';
}
