/**
 * Expressions with Trino's precedence, loosest first:
 *
 *   OR < AND < NOT < predicates (comparison, IS, BETWEEN, IN, LIKE) < `||` < `+ -` < `* / %`
 *      < unary `+ -` < AT TIME ZONE < subscript `[i]` and primaries.
 *
 * As in Trino's grammar, a predicate's operands are value expressions and a value expression
 * takes at most one predicate: `a = b = c` and `a = NOT b` are syntax errors; `a || b + c` is
 * `a || (b + c)`. Binary operators are left-associative.
 */
import type { ArithmeticOperator, ComparisonOperator, Expression } from './ast.js';
import { PrimaryParser } from './primaries.js';

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set<ComparisonOperator>([
  '=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
]);

/** Binding power of the value-level binary operators. */
const VALUE_OPERATORS: ReadonlyMap<string, number> = new Map<ArithmeticOperator | '||', number>([
  ['||', 1],
  ['+', 2],
  ['-', 2],
  ['*', 3],
  ['/', 3],
  ['%', 3],
]);

const LOGICAL_OPERATORS = { OR: 1, AND: 2 } as const;

export abstract class ExpressionParser extends PrimaryParser {
  parseExpression(): Expression {
    return this.booleanExpression(LOGICAL_OPERATORS.OR);
  }

  private booleanExpression(minPower: number): Expression {
    let left = this.notExpression();
    let links = 0;
    for (;;) {
      const op = this.isWord('OR') ? 'OR' : this.isWord('AND') ? 'AND' : undefined;
      if (!op || LOGICAL_OPERATORS[op] < minPower) break;
      this.advance();
      this.grow();
      links++;
      const right = this.booleanExpression(LOGICAL_OPERATORS[op] + 1);
      left = { kind: 'BinaryOp', loc: left.loc, op, left, right };
    }
    this.shrink(links);
    return left;
  }

  private notExpression(): Expression {
    if (!this.isWord('NOT')) return this.predicate();
    const token = this.advance();
    this.enter();
    const operand = this.notExpression();
    this.leave();
    return { kind: 'UnaryOp', loc: this.loc(token), op: 'NOT', operand };
  }

  /** A value expression and at most one predicate on it. */
  private predicate(): Expression {
    const left = this.parseValueExpression();
    const loc = left.loc;
    const token = this.token;
    if (token.kind === 'symbol' && COMPARISON_OPERATORS.has(token.value)) {
      this.advance();
      const op = token.value as ComparisonOperator;
      const quantifier = (['ALL', 'ANY', 'SOME'] as const).find((q) => this.isWord(q));
      if (quantifier && this.isSymbol('(', 1) && this.startsQuery(2)) {
        this.advance();
        return { kind: 'QuantifiedComparison', loc, op, quantifier, left, query: this.parenthesizedQuery() };
      }
      return { kind: 'BinaryOp', loc, op, left, right: this.parseValueExpression() };
    }
    if (this.isWord('IS')) {
      this.advance();
      const negated = this.acceptWord('NOT');
      if (this.acceptWord('NULL')) return { kind: 'IsNull', loc, operand: left, negated };
      this.expectWord('DISTINCT');
      this.expectWord('FROM');
      return { kind: 'IsDistinctFrom', loc, left, right: this.parseValueExpression(), negated };
    }
    const negated = this.isWord('NOT') && ['BETWEEN', 'IN', 'LIKE'].some((word) => this.isWord(word, 1));
    if (negated) this.advance();
    if (this.isWord('BETWEEN')) {
      this.advance();
      const low = this.parseValueExpression();
      this.expectWord('AND');
      return { kind: 'Between', loc, operand: left, low, high: this.parseValueExpression(), negated };
    }
    if (this.isWord('IN')) {
      this.advance();
      return this.inPredicate(left, negated);
    }
    if (this.isWord('LIKE')) {
      this.advance();
      const pattern = this.parseValueExpression();
      if (!this.isWord('ESCAPE')) return { kind: 'Like', loc, operand: left, pattern, negated };
      this.advance();
      return { kind: 'Like', loc, operand: left, pattern, escape: this.parseValueExpression(), negated };
    }
    return left;
  }

  /** After IN: `(subquery)` or `(value, …)`. */
  private inPredicate(operand: Expression, negated: boolean): Expression {
    const loc = operand.loc;
    if (this.opensQuery())
      return { kind: 'InSubquery', loc, operand, query: this.parenthesizedQuery(), negated };
    return { kind: 'InList', loc, operand, values: this.parenthesizedExpressions(), negated };
  }

  protected parseValueExpression(minPower = 1): Expression {
    let left = this.unary();
    let links = 0;
    for (;;) {
      const token = this.token;
      const power = token.kind === 'symbol' ? VALUE_OPERATORS.get(token.value) : undefined;
      if (power === undefined || power < minPower) break;
      this.advance();
      this.grow();
      links++;
      const right = this.parseValueExpression(power + 1);
      left = { kind: 'BinaryOp', loc: left.loc, op: token.value as ArithmeticOperator | '||', left, right };
    }
    this.shrink(links);
    return left;
  }

  /**
   * Unary plus and minus. A minus written right before a number is part of the number, as in
   * Trino's grammar (`number: MINUS? INTEGER_VALUE`): `-2147483648` is an integer literal, while
   * `-(2147483648)` negates a bigint.
   */
  private unary(): Expression {
    if (!this.isSymbol('-') && !this.isSymbol('+')) return this.atTimeZone();
    const token = this.advance();
    const signedNumber = token.value === '-' && this.token.kind === 'number';
    this.enter();
    const operand = this.unary();
    this.leave();
    const loc = this.loc(token);
    if (signedNumber && operand.kind === 'NumericLiteral' && !operand.text.startsWith('-')) {
      return { ...operand, loc, text: `-${operand.text}` };
    }
    return { kind: 'UnaryOp', loc, op: token.value === '-' ? '-' : '+', operand };
  }

  private atTimeZone(): Expression {
    let value = this.subscript();
    let links = 0;
    while (this.isWord('AT') && this.isWord('TIME', 1) && this.isWord('ZONE', 2)) {
      this.advance();
      this.advance();
      this.advance();
      this.grow();
      links++;
      value = { kind: 'AtTimeZone', loc: value.loc, operand: value, zone: this.timeZone() };
    }
    this.shrink(links);
    return value;
  }

  /** A time zone is a string (`'America/New_York'`) or an interval literal. */
  private timeZone(): Expression {
    const token = this.token;
    if (
      token.kind === 'string' ||
      (this.isWord('INTERVAL') &&
        (this.peek(1).kind === 'string' || this.isSymbol('-', 1) || this.isSymbol('+', 1)))
    ) {
      return this.parsePrimary();
    }
    this.note('<string>');
    this.note("'INTERVAL'");
    return this.fail();
  }

  private subscript(): Expression {
    let value = this.parsePrimary();
    let links = 0;
    while (this.isSymbol('[')) {
      this.advance();
      this.grow();
      links++;
      const index = this.parseValueExpression();
      this.expectSymbol(']');
      value = { kind: 'Subscript', loc: value.loc, base: value, index };
    }
    this.shrink(links);
    return value;
  }
}
