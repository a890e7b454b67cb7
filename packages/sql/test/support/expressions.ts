/**
 * Evaluating SQL expressions in tests: the text is parsed, translated over a scope of named columns
 * (with the planner's coercions) and compiled; the compiled function runs over a page of rows.
 * No constant folding happens here, so the compiler itself evaluates literals.
 */
import { compileFilter, compileProjection } from '../../src/expr/compile.js';
import type { Expr } from '../../src/expr/ir.js';
import { pageFromRows, valueAt } from '../../src/page/block.js';
import { parseExpression } from '../../src/parser/parser.js';
import { ExprTranslator } from '../../src/planner/expressions.js';
import { Scope } from '../../src/planner/scope.js';
import { typeToString, type DataType } from '../../src/types/types.js';
import { normalizeLong, toExternal, type ExternalValue } from '../../src/types/values.js';

/** Column name → type, in channel order. */
export type Columns = Readonly<Record<string, DataType>>;

export const NOW = new Date('2024-03-15T10:30:00.000Z');

export function translate(sql: string, columns: Columns = {}): Expr {
  const scope = new Scope(Object.entries(columns).map(([name, type]) => ({ name, relation: ['t'], type })));
  return new ExprTranslator(scope, { now: NOW }).translate(parseExpression(sql));
}

/** The SQL type of an expression, as Trino prints it. */
export function typeOf(sql: string, columns: Columns = {}): string {
  return typeToString(translate(sql, columns).type);
}

/** Canonical native value: long values back to numbers where they fit. */
export function canonical(v: unknown): unknown {
  return typeof v === 'bigint' ? normalizeLong(v) : v;
}

/** Native values of the expression for each row (one row without columns by default). */
export function evaluate(
  sql: string,
  columns: Columns = {},
  rows: readonly (readonly unknown[])[] = [[]],
): unknown[] {
  const expr = translate(sql, columns);
  const page = pageFromRows(Object.values(columns), rows);
  const block = compileProjection(expr)(page);
  return Array.from({ length: page.rowCount }, (_, i) => canonical(valueAt(block, i)));
}

/** The native value of an expression without columns. */
export function value(sql: string): unknown {
  return evaluate(sql)[0];
}

/** What a client would see for each row. */
export function externals(
  sql: string,
  columns: Columns = {},
  rows: readonly (readonly unknown[])[] = [[]],
): ExternalValue[] {
  const expr = translate(sql, columns);
  const page = pageFromRows(Object.values(columns), rows);
  const block = compileProjection(expr)(page);
  return Array.from({ length: page.rowCount }, (_, i) => toExternal(expr.type, valueAt(block, i)));
}

/** What a client would see for an expression without columns. */
export function show(sql: string): ExternalValue {
  return externals(sql)[0]!;
}

/** The rows (indexes) where a predicate is TRUE. */
export function selected(sql: string, columns: Columns, rows: readonly (readonly unknown[])[]): number[] {
  const page = pageFromRows(Object.values(columns), rows);
  const sel = new Int32Array(page.rowCount);
  const k = compileFilter(translate(sql, columns))(page, sel);
  return Array.from(sel.subarray(0, k));
}
