/**
 * Prints expressions, types, ORDER BY items and windows as SQL text on one line. Parentheses are
 * added only where precedence needs them, so that printing and parsing again gives the same tree.
 */
import type {
  Expression,
  FrameBound,
  FunctionCall,
  Identifier,
  QualifiedName,
  Query,
  SortItem,
  TypeName,
  WindowFrame,
  WindowRef,
  WindowSpec,
} from './ast.js';
import { isBareName } from './keywords.js';

/** Precedence levels, loosest first, matching the parser. */
const Level = {
  Any: 0,
  Or: 1,
  And: 2,
  Not: 3,
  Predicate: 4,
  /** Operands of predicates are value expressions: `||` and tighter. */
  Value: 5,
  Additive: 6,
  Multiplicative: 7,
  Unary: 8,
  AtTimeZone: 9,
  Primary: 10,
} as const;
type Level = number;

const BINARY_LEVELS: Readonly<Record<string, Level>> = {
  OR: Level.Or,
  AND: Level.And,
  '=': Level.Predicate,
  '<>': Level.Predicate,
  '<': Level.Predicate,
  '<=': Level.Predicate,
  '>': Level.Predicate,
  '>=': Level.Predicate,
  '||': Level.Value,
  '+': Level.Additive,
  '-': Level.Additive,
  '*': Level.Multiplicative,
  '/': Level.Multiplicative,
  '%': Level.Multiplicative,
};

function level(e: Expression): Level {
  switch (e.kind) {
    case 'BinaryOp':
      return BINARY_LEVELS[e.op] ?? Level.Primary;
    case 'UnaryOp':
      return e.op === 'NOT' ? Level.Not : Level.Unary;
    case 'IsNull':
    case 'IsDistinctFrom':
    case 'Between':
    case 'InList':
    case 'InSubquery':
    case 'Like':
    case 'QuantifiedComparison':
      return Level.Predicate;
    case 'AtTimeZone':
      return Level.AtTimeZone;
    case 'NumericLiteral':
      return e.text.startsWith('-') ? Level.Unary : Level.Primary;
    default:
      return Level.Primary;
  }
}

export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function identifier(id: Identifier): string {
  return id.quoted ? `"${id.value.replaceAll('"', '""')}"` : id.value;
}

export function qualifiedName(name: QualifiedName): string {
  return name.map(identifier).join('.');
}

/** A lower-case name (of a type) as a bare upper-case word if it reads back the same, else quoted. */
function typeWord(name: string): string {
  return isBareName(name) && name !== 'interval' ? name.toUpperCase() : `"${name.replaceAll('"', '""')}"`;
}

export function typeName(type: TypeName): string {
  if (type.fields) {
    const fields = type.fields.map(
      (f) =>
        (f.name === undefined
          ? ''
          : `${identifier({ kind: 'Identifier', loc: type.loc, value: f.name, quoted: true })} `) +
        typeName(f.type),
    );
    return `${type.name.toUpperCase()}(${fields.join(', ')})`;
  }
  const params = type.params.length > 0 ? `(${type.params.join(', ')})` : '';
  const zoned = /^(time|timestamp) with time zone$/.exec(type.name);
  if (zoned?.[1]) return `${zoned[1].toUpperCase()}${params} WITH TIME ZONE`;
  if (type.name.startsWith('interval ')) return type.name.toUpperCase();
  return `${typeWord(type.name)}${params}`;
}

export abstract class ExpressionPrinter {
  protected abstract query(query: Query): string;

  /** The expression, parenthesized if it binds looser than `min`. */
  expression(e: Expression, min: Level = Level.Any): string {
    const text = this.render(e);
    return level(e) < min ? `(${text})` : text;
  }

  private render(e: Expression): string {
    const not = (negated: boolean): string => (negated ? 'NOT ' : '');
    switch (e.kind) {
      case 'ColumnRef':
        return qualifiedName(e.parts);
      case 'NumericLiteral':
        return e.text;
      case 'StringLiteral':
        return quoteString(e.value);
      case 'BooleanLiteral':
        return e.value ? 'TRUE' : 'FALSE';
      case 'NullLiteral':
        return 'NULL';
      case 'TypedLiteral':
        return `${typeWord(e.typeName)} ${quoteString(e.value)}`;
      case 'IntervalLiteral': {
        const end = e.endField ? ` TO ${e.endField}` : '';
        return `INTERVAL ${e.negative ? '-' : ''}${quoteString(e.value)} ${e.startField}${end}`;
      }
      case 'CurrentDateTime':
        return e.precision === undefined ? e.function : `${e.function}(${e.precision})`;
      case 'UnaryOp': {
        if (e.op === 'NOT') return `NOT ${this.expression(e.operand, Level.Not)}`;
        const operand = this.expression(e.operand, Level.Unary);
        // `- -x` must not become the comment `--x`; `-(5)` must not become the literal `-5`
        return /^[-+\d.]/.test(operand) ? `${e.op}(${operand})` : `${e.op}${operand}`;
      }
      case 'BinaryOp': {
        const own = level(e);
        const predicate = own === Level.Predicate;
        const left = this.expression(e.left, predicate ? Level.Value : own);
        const right = this.expression(e.right, predicate ? Level.Value : own + 1);
        return `${left} ${e.op} ${right}`;
      }
      case 'IsNull':
        return `${this.expression(e.operand, Level.Value)} IS ${not(e.negated)}NULL`;
      case 'IsDistinctFrom':
        return `${this.expression(e.left, Level.Value)} IS ${not(e.negated)}DISTINCT FROM ${this.expression(e.right, Level.Value)}`;
      case 'Between':
        return `${this.expression(e.operand, Level.Value)} ${not(e.negated)}BETWEEN ${this.expression(e.low, Level.Value)} AND ${this.expression(e.high, Level.Value)}`;
      case 'InList':
        return `${this.expression(e.operand, Level.Value)} ${not(e.negated)}IN (${this.list(e.values)})`;
      case 'InSubquery':
        return `${this.expression(e.operand, Level.Value)} ${not(e.negated)}IN (${this.query(e.query)})`;
      case 'Like': {
        const escape = e.escape ? ` ESCAPE ${this.expression(e.escape, Level.Value)}` : '';
        return `${this.expression(e.operand, Level.Value)} ${not(e.negated)}LIKE ${this.expression(e.pattern, Level.Value)}${escape}`;
      }
      case 'QuantifiedComparison':
        return `${this.expression(e.left, Level.Value)} ${e.op} ${e.quantifier} (${this.query(e.query)})`;
      case 'Exists':
        return `EXISTS (${this.query(e.query)})`;
      case 'Subquery':
        return `(${this.query(e.query)})`;
      case 'Case': {
        const operand = e.operand ? ` ${this.expression(e.operand)}` : '';
        const whens = e.whens.map(
          (w) => ` WHEN ${this.expression(w.condition)} THEN ${this.expression(w.result)}`,
        );
        const otherwise = e.elseResult ? ` ELSE ${this.expression(e.elseResult)}` : '';
        return `CASE${operand}${whens.join('')}${otherwise} END`;
      }
      case 'Cast':
        return `${e.safe ? 'TRY_CAST' : 'CAST'}(${this.expression(e.operand)} AS ${typeName(e.type)})`;
      case 'Extract':
        return `EXTRACT(${e.field} FROM ${this.expression(e.operand, Level.Value)})`;
      case 'FunctionCall':
        return this.functionCall(e);
      case 'Row':
        return `ROW(${this.list(e.items)})`;
      case 'Lambda':
        return `(${e.params.map(identifier).join(', ')}) -> ${this.expression(e.body)}`;
      case 'ArrayConstructor':
        return `ARRAY[${this.list(e.items)}]`;
      case 'Subscript':
        return `${this.expression(e.base, Level.Primary)}[${this.expression(e.index, Level.Value)}]`;
      case 'AtTimeZone':
        return `${this.expression(e.operand, Level.AtTimeZone)} AT TIME ZONE ${this.expression(e.zone, Level.Primary)}`;
    }
  }

  protected list(items: readonly Expression[]): string {
    return items.map((item) => this.expression(item)).join(', ');
  }

  private functionCall(call: FunctionCall): string {
    let args = call.star ? '*' : `${call.distinct ? 'DISTINCT ' : ''}${this.list(call.args)}`;
    const order = call.orderBy.length > 0 ? `ORDER BY ${this.sortItems(call.orderBy)}` : '';
    if (order && !call.withinGroup) args += ` ${order}`;
    let text = `${qualifiedName(call.name)}(${args})`;
    if (order && call.withinGroup) text += ` WITHIN GROUP (${order})`;
    if (call.filter) text += ` FILTER (WHERE ${this.expression(call.filter)})`;
    if (call.nullTreatment) text += ` ${call.nullTreatment} NULLS`;
    if (call.window) text += ` OVER ${this.window(call.window)}`;
    return text;
  }

  sortItems(items: readonly SortItem[]): string {
    return items.map((item) => this.sortItem(item)).join(', ');
  }

  sortItem(item: SortItem): string {
    const ordering = item.ordering === 'DESC' ? ' DESC' : '';
    const nulls = item.nulls ? ` NULLS ${item.nulls}` : '';
    return `${this.expression(item.expression)}${ordering}${nulls}`;
  }

  window(window: WindowSpec | WindowRef): string {
    if (window.kind === 'WindowRef') return identifier(window.name);
    const parts: string[] = [];
    if (window.existingName) parts.push(identifier(window.existingName));
    if (window.partitionBy.length > 0) parts.push(`PARTITION BY ${this.list(window.partitionBy)}`);
    if (window.orderBy.length > 0) parts.push(`ORDER BY ${this.sortItems(window.orderBy)}`);
    if (window.frame) parts.push(this.frame(window.frame));
    return `(${parts.join(' ')})`;
  }

  frame(frame: WindowFrame): string {
    if (!frame.end) return `${frame.unit} ${this.frameBound(frame.start)}`;
    return `${frame.unit} BETWEEN ${this.frameBound(frame.start)} AND ${this.frameBound(frame.end)}`;
  }

  frameBound(bound: FrameBound): string {
    switch (bound.type) {
      case 'UNBOUNDED_PRECEDING':
        return 'UNBOUNDED PRECEDING';
      case 'UNBOUNDED_FOLLOWING':
        return 'UNBOUNDED FOLLOWING';
      case 'CURRENT_ROW':
        return 'CURRENT ROW';
      case 'PRECEDING':
      case 'FOLLOWING':
        return `${this.expression(bound.offset, Level.Value)} ${bound.type}`;
    }
  }
}
