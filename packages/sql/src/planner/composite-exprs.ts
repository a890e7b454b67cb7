import { QuarryError } from '@quarry/common';
import type { Expression, Identifier } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import { BIGINT, typeToString } from '../types/index.js';
import { literalOf } from './literals.js';
import type { Scope } from './scope.js';

/** What these translations need of the expression translator (`expressions.ts`). */
interface ExprTranslator {
  readonly scope: Scope;
  translate(ast: Expression): Expr;
  call(name: string, args: readonly Expr[], display: string): Expr;
  coerceAll(exprs: readonly Expr[], context: string): Expr[];
}

/**
 * Translation of the composite-value syntax: `ARRAY[…]`, `ROW(…)`, `a[i]`, `m[k]`, `r[i]` and the
 * field access `r.field` (a column reference whose tail names fields of a row column).
 */

type Ast<K extends Expression['kind']> = Extract<Expression, { kind: K }>;

export function arrayConstructor(t: ExprTranslator, ast: Ast<'ArrayConstructor'>): Expr {
  const items = ast.items.map((i) => t.translate(i));
  return t.call('$array', items.length ? t.coerceAll(items, 'ARRAY') : [], 'ARRAY');
}

export function rowConstructor(t: ExprTranslator, ast: Ast<'Row'>): Expr {
  return t.call(
    '$row',
    ast.items.map((i) => t.translate(i)),
    'ROW',
  );
}

export function subscript(t: ExprTranslator, ast: Ast<'Subscript'>): Expr {
  const base = t.translate(ast.base);
  if (base.type.kind === 'row') {
    const index = ast.index;
    const n = index.kind === 'NumericLiteral' && /^\d+$/.test(index.text) ? Number(index.text) : NaN;
    if (!(n >= 1 && n <= base.type.fields.length)) {
      throw new QuarryError(
        'INVALID_FUNCTION_ARGUMENT',
        `Invalid subscript of ${typeToString(base.type)}: a row subscript must be a constant in [1, ${base.type.fields.length}]`,
        { location: ast.index.loc },
      );
    }
    return field(base, n - 1);
  }
  return t.call('$subscript', [base, t.translate(ast.index)], '[]');
}

/** Field `i` (0-based) of a row-typed expression. */
export function field(row: Expr, i: number): Expr {
  if (row.type.kind !== 'row') throw new QuarryError('TYPE_MISMATCH', `Expression is not a row`);
  const type = row.type.fields[i]!.type;
  return { kind: 'call', fn: '$field', args: [row, literalOf(i, BIGINT)], type };
}

/**
 * `a.b.c` where no column has that name: the longest prefix that names a column, its type a row,
 * then fields by name. Undefined when no prefix names a row column (the caller reports the column).
 */
export function dereference(
  t: ExprTranslator,
  parts: readonly Identifier[],
  loc: Ast<'ColumnRef'>['loc'],
): Expr | undefined {
  for (let k = parts.length - 1; k >= 1; k--) {
    let channel: number | undefined;
    try {
      channel = t.scope.tryResolve(parts.slice(0, k), loc);
    } catch {
      channel = undefined;
    }
    if (channel === undefined) continue;
    let e: Expr = { kind: 'input', channel, type: t.scope.typeOf(channel) };
    if (e.type.kind !== 'row') continue;
    for (const part of parts.slice(k)) {
      const fields = e.type.kind === 'row' ? e.type.fields : [];
      const name = part.value.toLowerCase();
      const i = fields.findIndex((f) => f.name?.toLowerCase() === name);
      if (i < 0)
        throw new QuarryError('COLUMN_NOT_FOUND', `Column '${part.value}' cannot be resolved`, {
          location: part.loc,
        });
      e = field(e, i);
    }
    return e;
  }
  return undefined;
}
