import { QuarryError, type SourceLocation } from '@quarry/common';
import type { Expression, FunctionCall } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import {
  canCast,
  EXTRACT_FIELDS,
  hasFunction,
  isAggregateFunction,
  resolveFunction,
  takesLambdas,
} from '../functions/index.js';
import {
  BOOLEAN,
  DATE,
  commonSuperType,
  typeToString,
  typesEqual,
  varcharType,
  type DataType,
} from '../types/index.js';
import { intervalLiteral, literalOf, numericLiteral, typeFromAst, typedLiteral } from './literals.js';
import { arrayConstructor, dereference, rowConstructor, subscript } from './composite-exprs.js';
import { higherOrderCall } from './lambdas.js';
import type { Scope } from './scope.js';

/** The AST expression node of one kind. */
type Ast<K extends Expression['kind']> = Extract<Expression, { kind: K }>;

/**
 * Translates AST expressions into typed IR over a scope. Implicit coercions are made explicit as
 * casts. An optional hook sees every node first: aggregation contexts use it to replace grouping
 * expressions and aggregate calls by references to the aggregation's output.
 */
export type TranslateHook = (ast: Expression, translator: ExprTranslator) => Expr | undefined;

export interface TranslatorOptions {
  readonly hook?: TranslateHook;
  /** Query start, for CURRENT_DATE and friends (one value per query). */
  readonly now: Date;
}

const ARITHMETIC = {
  '+': '$add',
  '-': '$subtract',
  '*': '$multiply',
  '/': '$divide',
  '%': '$modulus',
} as const;
/** Other names Trino accepts for the same function. */
const ALIASES: Readonly<Record<string, string>> = { week_of_year: 'week' };

const COMPARISON = { '=': '$eq', '<>': '$ne', '<': '$lt', '<=': '$le', '>': '$gt', '>=': '$ge' } as const;

export class ExprTranslator {
  constructor(
    readonly scope: Scope,
    private readonly options: TranslatorOptions,
  ) {}

  /** A translator over the same scope that tries `hook` first, then this one's hook. */
  withHook(hook: (ast: Expression) => Expr | undefined): ExprTranslator {
    const previous = this.options.hook;
    return new ExprTranslator(this.scope, {
      ...this.options,
      hook: (ast, t) => hook(ast) ?? previous?.(ast, t),
    });
  }

  /** A translator over another scope with the same options (hook included). */
  withScope(scope: Scope): ExprTranslator {
    return new ExprTranslator(scope, this.options);
  }

  get now(): Date {
    return this.options.now;
  }

  /** Translates with the hook; errors get the location of the node they concern. */
  translate(ast: Expression): Expr {
    try {
      return this.options.hook?.(ast, this) ?? this.translateNode(ast);
    } catch (e) {
      throw locate(e, ast.loc);
    }
  }

  /** Translates without the hook at this node (the hook still applies below). */
  translateNode(ast: Expression): Expr {
    switch (ast.kind) {
      case 'ColumnRef':
        return this.columnRef(ast);
      case 'NumericLiteral':
        return numericLiteral(ast);
      case 'StringLiteral':
        return literalOf(ast.value, varcharType(ast.value.length));
      case 'BooleanLiteral':
        return literalOf(ast.value, BOOLEAN);
      case 'NullLiteral':
        return literalOf(null, { kind: 'unknown' });
      case 'TypedLiteral':
        return typedLiteral(ast.typeName, ast.value, ast.loc);
      case 'IntervalLiteral':
        return intervalLiteral(ast);
      case 'CurrentDateTime':
        return this.currentDateTime(ast.function, ast.loc);
      case 'UnaryOp':
        return this.unaryOp(ast);
      case 'BinaryOp':
        return this.binaryOp(ast);
      case 'IsNull': {
        const e: Expr = { kind: 'isNull', arg: this.translate(ast.operand), type: BOOLEAN };
        return ast.negated ? { kind: 'not', arg: e, type: BOOLEAN } : e;
      }
      case 'IsDistinctFrom':
        return this.isDistinctFrom(ast);
      case 'Between':
        return this.between(ast);
      case 'InList': {
        const [arg, ...list] = this.coerceAll(
          [this.translate(ast.operand), ...ast.values.map((v) => this.translate(v))],
          'IN',
        );
        const e: Expr = { kind: 'in', arg: arg!, list, type: BOOLEAN };
        return ast.negated ? { kind: 'not', arg: e, type: BOOLEAN } : e;
      }
      case 'Like': {
        const args = [
          this.translate(ast.operand),
          this.translate(ast.pattern),
          ...(ast.escape ? [this.translate(ast.escape)] : []),
        ];
        const e = this.call('$like', args, 'LIKE');
        return ast.negated ? { kind: 'not', arg: e, type: BOOLEAN } : e;
      }
      case 'Case':
        return this.caseExpression(ast);
      case 'Cast':
        return this.cast(ast);
      case 'Extract':
        return this.extract(ast);
      case 'FunctionCall':
        return this.functionCall(ast);
      case 'InSubquery':
      case 'Exists':
      case 'Subquery':
      case 'QuantifiedComparison':
        throw subqueryNotHere();
      case 'ArrayConstructor':
        return arrayConstructor(this, ast);
      case 'Lambda':
        throw new QuarryError(
          'TYPE_MISMATCH',
          'A lambda expression is only allowed as an argument of a function that takes one',
        );
      case 'Row':
        return rowConstructor(this, ast);
      case 'Subscript':
        return subscript(this, ast);
      case 'AtTimeZone':
        throw new QuarryError('NOT_SUPPORTED', `${ast.kind} expressions are not supported`);
    }
  }

  /** A column, or fields of a row column (`r.field`) when no column has the whole name. */
  private columnRef(ast: Ast<'ColumnRef'>): Expr {
    if (ast.parts.length > 1 && this.scope.tryResolve(ast.parts, ast.loc) === undefined) {
      const fields = dereference(this, ast.parts, ast.loc);
      if (fields) return fields;
    }
    const channel = this.scope.resolve(ast.parts, ast.loc);
    return { kind: 'input', channel, type: this.scope.typeOf(channel) };
  }

  private between(ast: Ast<'Between'>): Expr {
    const [v, lo, hi] = this.coerceAll(
      [this.translate(ast.operand), this.translate(ast.low), this.translate(ast.high)],
      'BETWEEN',
    );
    const e: Expr = {
      kind: 'and',
      args: [this.call('$ge', [v!, lo!], '>='), this.call('$le', [v!, hi!], '<=')],
      type: BOOLEAN,
    };
    return ast.negated ? { kind: 'not', arg: e, type: BOOLEAN } : e;
  }

  private unaryOp(ast: Ast<'UnaryOp'>): Expr {
    const operand = this.translate(ast.operand);
    if (ast.op === 'NOT') return { kind: 'not', arg: this.boolean(operand, 'NOT', ast.loc), type: BOOLEAN };
    if (ast.op === '+') return operand;
    return this.call('$negate', [operand], '-');
  }

  private binaryOp(ast: Ast<'BinaryOp'>): Expr {
    if (ast.op === 'AND' || ast.op === 'OR') {
      const kind = ast.op === 'AND' ? 'and' : 'or';
      const args = [this.translate(ast.left), this.translate(ast.right)].map((a) =>
        this.boolean(a, ast.op, ast.loc),
      );
      const flat = args.flatMap((a) => (a.kind === kind ? a.args : [a]));
      return { kind, args: flat, type: BOOLEAN };
    }
    const left = this.translate(ast.left);
    const right = this.translate(ast.right);
    if (ast.op === '||') return this.call('$concat', [left, right], '||');
    if (ast.op in ARITHMETIC)
      return this.call(ARITHMETIC[ast.op as keyof typeof ARITHMETIC], [left, right], ast.op);
    return this.call(COMPARISON[ast.op as keyof typeof COMPARISON], [left, right], ast.op);
  }

  private isDistinctFrom(ast: Ast<'IsDistinctFrom'>): Expr {
    const [a, b] = this.coerceAll([this.translate(ast.left), this.translate(ast.right)], 'IS DISTINCT FROM');
    const distinct: Expr = {
      kind: 'case',
      whens: [
        {
          when: { kind: 'isNull', arg: a!, type: BOOLEAN },
          then: { kind: 'not', arg: { kind: 'isNull', arg: b!, type: BOOLEAN }, type: BOOLEAN },
        },
        { when: { kind: 'isNull', arg: b!, type: BOOLEAN }, then: literalOf(true, BOOLEAN) },
      ],
      else: this.call('$ne', [a!, b!], '<>'),
      type: BOOLEAN,
    };
    return ast.negated ? { kind: 'not', arg: distinct, type: BOOLEAN } : distinct;
  }

  private cast(ast: Ast<'Cast'>): Expr {
    const arg = this.translate(ast.operand);
    const type = typeFromAst(ast.type);
    if (!canCast(arg.type, type)) {
      throw new QuarryError(
        'TYPE_MISMATCH',
        `Cannot cast ${typeToString(arg.type)} to ${typeToString(type)}`,
        { location: ast.loc },
      );
    }
    return { kind: 'cast', arg, type, safe: ast.safe };
  }

  private extract(ast: Ast<'Extract'>): Expr {
    const field = ast.field.toLowerCase();
    if (!EXTRACT_FIELDS.has(field))
      throw new QuarryError('NOT_SUPPORTED', `EXTRACT(${ast.field} FROM …) is not supported`);
    return this.call(field, [this.translate(ast.operand)], `EXTRACT(${ast.field})`);
  }

  /** A call to a function or operator, with arguments cast to the types its implementation takes. */
  call(name: string, args: readonly Expr[], display: string): Expr {
    let r;
    try {
      r = resolveFunction(
        name,
        args.map((a) => a.type),
        display,
      );
    } catch (e) {
      if (name.startsWith('$') && e instanceof QuarryError && e.code === 'FUNCTION_NOT_FOUND') {
        const types = args.map((a) => typeToString(a.type));
        const shown = args.length === 1 ? `${display}${types[0]}` : types.join(` ${display} `);
        throw new QuarryError('TYPE_MISMATCH', `Cannot apply operator: ${shown}`);
      }
      throw e;
    }
    return {
      kind: 'call',
      fn: r.id,
      args: args.map((a, i) => coerce(a, r.argTypes[i]!)),
      type: r.returnType,
    };
  }

  boolean(e: Expr, context: string, loc: SourceLocation): Expr {
    if (e.type.kind === 'boolean') return e;
    if (e.type.kind === 'unknown') return coerce(e, BOOLEAN);
    throw new QuarryError(
      'TYPE_MISMATCH',
      `${context} operand must be boolean, not ${typeToString(e.type)}`,
      { location: loc },
    );
  }

  /** Casts every expression to the common super type of all of them. */
  coerceAll(exprs: readonly Expr[], context: string): Expr[] {
    let t: DataType | undefined = exprs[0]?.type;
    for (const e of exprs.slice(1)) {
      const next: DataType | undefined = t && commonSuperType(t, e.type);
      if (!next) {
        throw new QuarryError(
          'TYPE_MISMATCH',
          `${context}: types ${typeToString(t!)} and ${typeToString(e.type)} are not compatible`,
        );
      }
      t = next;
    }
    return exprs.map((e) => coerce(e, t!));
  }

  private caseExpression(ast: Extract<Expression, { kind: 'Case' }>): Expr {
    const operand = ast.operand && this.translate(ast.operand);
    const conditions = ast.whens.map((w) => {
      const c = this.translate(w.condition);
      if (!operand) return this.boolean(c, 'CASE WHEN', w.loc);
      const [a, b] = this.coerceAll([operand, c], 'CASE');
      return this.call('$eq', [a!, b!], '=');
    });
    const results = this.coerceAll(
      [
        ...ast.whens.map((w) => this.translate(w.result)),
        ...(ast.elseResult ? [this.translate(ast.elseResult)] : []),
      ],
      'CASE',
    );
    const type = results[0]!.type;
    return {
      kind: 'case',
      whens: conditions.map((when, i) => ({ when, then: results[i]! })),
      else: ast.elseResult ? results[results.length - 1] : undefined,
      type,
    };
  }

  private functionCall(ast: FunctionCall): Expr {
    const name = ast.name.map((p) => p.value.toLowerCase()).join('.');
    if (ast.window) throw new QuarryError('NOT_SUPPORTED', 'Window functions are not supported yet');
    if (isAggregateFunction(name)) {
      throw new QuarryError('EXPRESSION_NOT_AGGREGATE', `Aggregate function ${name}() is not allowed here`);
    }
    if (ast.distinct || ast.star || ast.filter || ast.orderBy.length) {
      throw new QuarryError(
        'INVALID_ARGUMENTS',
        `${name}() is not an aggregate function: DISTINCT, *, FILTER and ORDER BY do not apply`,
      );
    }
    if (name === 'now' && ast.args.length === 0) return this.currentDateTime('CURRENT_TIMESTAMP', ast.loc);
    if (takesLambdas(name)) return higherOrderCall(this, name, ast);
    const args = ast.args.map((a) => this.translate(a));
    switch (name) {
      case 'try': {
        if (args.length !== 1) throw new QuarryError('INVALID_ARGUMENTS', 'try() takes one argument');
        return { kind: 'try', arg: args[0]!, type: args[0]!.type };
      }
      case 'typeof': {
        if (args.length !== 1) throw new QuarryError('INVALID_ARGUMENTS', 'typeof() takes one argument');
        return literalOf(typeToString(args[0]!.type), varcharType());
      }
      case 'date': {
        if (args.length !== 1) throw new QuarryError('INVALID_ARGUMENTS', 'date() takes one argument');
        if (!canCast(args[0]!.type, DATE))
          throw new QuarryError('TYPE_MISMATCH', `Cannot cast ${typeToString(args[0]!.type)} to date`);
        return { kind: 'cast', arg: args[0]!, type: DATE, safe: false };
      }
      case 'coalesce': {
        if (args.length === 0)
          throw new QuarryError('INVALID_ARGUMENTS', 'coalesce() needs at least one argument');
        const coerced = this.coerceAll(args, 'COALESCE');
        return { kind: 'coalesce', args: coerced, type: coerced[0]!.type };
      }
      case 'nullif': {
        if (args.length !== 2) throw new QuarryError('INVALID_ARGUMENTS', 'nullif() takes two arguments');
        const [a, b] = this.coerceAll(args, 'NULLIF');
        return {
          kind: 'case',
          whens: [{ when: this.call('$eq', [a!, b!], '='), then: literalOf(null, a!.type) }],
          else: a!,
          type: a!.type,
        };
      }
      case 'if': {
        if (args.length < 2 || args.length > 3)
          throw new QuarryError('INVALID_ARGUMENTS', 'if() takes two or three arguments');
        const cond = this.boolean(args[0]!, 'IF', ast.loc);
        const branches = this.coerceAll(args.slice(1), 'IF');
        return {
          kind: 'case',
          whens: [{ when: cond, then: branches[0]! }],
          else: branches[1],
          type: branches[0]!.type,
        };
      }
    }
    const resolved = ALIASES[name] ?? name;
    if (!hasFunction(resolved))
      throw new QuarryError('FUNCTION_NOT_FOUND', `Function '${name}' not registered`);
    return this.call(resolved, args, name);
  }

  private currentDateTime(fn: string, loc: SourceLocation): Expr {
    const now = this.options.now;
    const days = Math.floor(now.getTime() / 86_400_000);
    switch (fn) {
      case 'CURRENT_DATE':
        return literalOf(days, DATE);
      case 'CURRENT_TIMESTAMP':
      case 'LOCALTIMESTAMP':
        return literalOf(now.getTime() * 1000, { kind: 'timestamp', precision: 3 });
      default:
        throw new QuarryError('NOT_SUPPORTED', `${fn} is not supported`, { location: loc });
    }
  }
}

/** A subquery that no clause joined before translation (their values come through a hook). */
function subqueryNotHere(): QuarryError {
  return new QuarryError(
    'NOT_SUPPORTED',
    'Subqueries are not supported in this position (they are in the select list, WHERE, GROUP BY, ' +
      'HAVING and ORDER BY of a SELECT, the ON condition of an inner join, and VALUES)',
  );
}

/** Casts an expression to a type, or returns it unchanged when it already has it. */
export function coerce(e: Expr, type: DataType): Expr {
  if (typesEqual(e.type, type)) return e;
  if (e.kind === 'literal' && e.value === null) return { ...e, type };
  return { kind: 'cast', arg: e, type, safe: false };
}

/** Gives an error the location of a node when it has none yet. */
export function locate(e: unknown, loc: SourceLocation): unknown {
  if (e instanceof QuarryError && e.location === undefined && e.type === 'USER_ERROR') {
    return new QuarryError(e.code, e.message, { location: loc, cause: e.cause });
  }
  return e;
}
