/**
 * Primary expressions: literals, names, calls, parenthesized expressions and subqueries, and the
 * special forms (CASE, CAST, EXTRACT, substring/position/trim, CURRENT_DATE, INTERVAL, ROW).
 */
import type {
  Case,
  CurrentDateTimeFunction,
  Expression,
  ExtractField,
  FunctionCall,
  Identifier,
  IntervalLiteral,
  Query,
  WhenClause,
} from './ast.js';
import { CallParser } from './calls.js';
import { RESERVED_WORDS } from './keywords.js';
import type { Token } from './lexer.js';
import { INTERVAL_FIELDS } from './type-names.js';

// prettier-ignore
const EXTRACT_FIELDS: ReadonlySet<string> = new Set<ExtractField>([
  'YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'DAY_OF_MONTH', 'DAY_OF_WEEK', 'DOW', 'DAY_OF_YEAR', 'DOY',
  'YEAR_OF_WEEK', 'YOW', 'HOUR', 'MINUTE', 'SECOND', 'TIMEZONE_MINUTE', 'TIMEZONE_HOUR',
]);

// prettier-ignore
const CURRENT_DATE_TIME: ReadonlySet<string> = new Set<CurrentDateTimeFunction>([
  'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'LOCALTIME', 'LOCALTIMESTAMP',
]);

/** Trino expression syntax that quarry rejects as NOT_SUPPORTED rather than as a syntax error. */
// prettier-ignore
const UNSUPPORTED_WORDS = new Set([
  'CURRENT_USER', 'CURRENT_CATALOG', 'CURRENT_SCHEMA', 'CURRENT_PATH', 'CURRENT_ROLE', 'NORMALIZE',
  'JSON_ARRAY', 'JSON_EXISTS', 'JSON_OBJECT', 'JSON_QUERY', 'JSON_VALUE',
]);

export abstract class PrimaryParser extends CallParser {
  protected parsePrimary(): Expression {
    this.enter();
    const expression = this.primary();
    this.leave();
    return expression;
  }

  private primary(): Expression {
    const token = this.token;
    const loc = this.loc(token);
    switch (token.kind) {
      case 'number':
        this.advance();
        return { kind: 'NumericLiteral', loc, text: token.text, numericType: token.numericType ?? 'integer' };
      case 'string':
        this.advance();
        return { kind: 'StringLiteral', loc, value: token.value };
      case 'quotedIdentifier':
        if (this.isSymbol('->', 1)) return this.lambda();
        return this.nameExpression();
      case 'symbol':
        if (token.value === '(' && this.startsLambda()) return this.lambda();
        if (token.value === '(') return this.parenthesized();
        if (token.value === '?') this.notSupported(token, 'Query parameter (?)');
        break;
      case 'word': {
        const special = this.keywordExpression(token);
        if (special) return special;
        if (!RESERVED_WORDS.has(token.value) && this.isSymbol('->', 1)) return this.lambda();
        if (!RESERVED_WORDS.has(token.value)) return this.nameExpression();
        break;
      }
      case 'eof':
        break;
    }
    this.note('<expression>');
    return this.fail();
  }

  /** Expressions introduced by a keyword; undefined when the word is just a name here. */
  private keywordExpression(token: Token): Expression | undefined {
    const loc = this.loc(token);
    const word = token.value;
    const call = this.isSymbol('(', 1);
    if (word === 'NULL' || word === 'TRUE' || word === 'FALSE') {
      this.advance();
      return word === 'NULL'
        ? { kind: 'NullLiteral', loc }
        : { kind: 'BooleanLiteral', loc, value: word === 'TRUE' };
    }
    if (CURRENT_DATE_TIME.has(word)) return this.currentDateTime(token);
    if (UNSUPPORTED_WORDS.has(word)) this.notSupported(token, word);
    if (word === 'ARRAY' && this.isSymbol('[', 1)) return this.arrayConstructor();
    if (word === 'INTERVAL' && this.startsIntervalLiteral()) return this.interval(token);
    if (word === 'DOUBLE' && this.isWord('PRECISION', 1) && this.peek(2).kind === 'string') {
      this.advance();
      this.advance();
      return { kind: 'TypedLiteral', loc, typeName: 'double', value: this.advance().value };
    }
    switch (word) {
      case 'CASE':
        return this.caseExpression(token);
      case 'CAST':
        return this.cast(token, false);
      case 'EXISTS':
        this.advance();
        return { kind: 'Exists', loc, query: this.parenthesizedQuery() };
      case 'EXTRACT':
        return this.extract(token);
      case 'TRIM':
        return this.trim(token);
    }
    if (!call) return undefined;
    switch (word) {
      case 'TRY_CAST':
        return this.cast(token, true);
      case 'SUBSTRING':
        return this.substring(token);
      case 'POSITION':
        return this.position(token);
      case 'ROW':
        this.advance();
        return { kind: 'Row', loc, items: this.parenthesizedExpressions() };
      case 'GROUPING':
      case 'LISTAGG':
        this.advance();
        this.advance();
        return this.finishFunctionCall(token, [this.identifierFrom(token)]);
    }
    return undefined;
  }

  /** Whether `(` opens the parameter list of a lambda: `(a, b) ->`, `() ->`. */
  private startsLambda(): boolean {
    let k = 1;
    if (!this.isSymbol(')', k)) {
      for (;;) {
        const t = this.peek(k);
        if (t.kind !== 'word' && t.kind !== 'quotedIdentifier') return false;
        k++;
        if (this.isSymbol(')', k)) break;
        if (!this.isSymbol(',', k)) return false;
        k++;
      }
    }
    return this.isSymbol('->', k + 1);
  }

  /** `x -> body`, `(x, y) -> body`. */
  private lambda(): Expression {
    const loc = this.loc(this.token);
    const params: Identifier[] = [];
    if (this.acceptSymbol('(')) {
      if (!this.isSymbol(')')) {
        do params.push(this.expectIdentifier());
        while (this.acceptSymbol(','));
      }
      this.expectSymbol(')');
    } else params.push(this.expectIdentifier());
    this.expectSymbol('->');
    return { kind: 'Lambda', loc, params, body: this.parseExpression() };
  }

  /** `ARRAY[a, b, …]`. */
  private arrayConstructor(): Expression {
    const loc = this.loc(this.advance());
    this.expectSymbol('[');
    const items: Expression[] = [];
    if (!this.isSymbol(']')) {
      do items.push(this.parseExpression());
      while (this.acceptSymbol(','));
    }
    this.expectSymbol(']');
    return { kind: 'ArrayConstructor', loc, items };
  }

  /** A name: column reference, function call, or the type of a typed literal (`DATE '…'`). */
  private nameExpression(): Expression {
    const start = this.token;
    const first = this.identifierFrom(this.advance());
    if (this.token.kind === 'string') {
      return {
        kind: 'TypedLiteral',
        loc: first.loc,
        typeName: first.value.toLowerCase(),
        value: this.advance().value,
      };
    }
    const parts: Identifier[] = [first];
    while (this.isSymbol('.') && !this.isSymbol('*', 1)) {
      this.advance();
      parts.push(this.expectIdentifier());
    }
    if (!this.isSymbol('(')) return { kind: 'ColumnRef', loc: first.loc, parts };
    this.advance();
    return this.finishFunctionCall(start, parts);
  }

  /** `(expr)`, `(a, b)` (a row), or `(query)` (a scalar subquery). */
  private parenthesized(): Expression {
    const start = this.token;
    const loc = this.loc(start);
    if (this.opensQuery()) return { kind: 'Subquery', loc, query: this.parenthesizedQuery() };
    const items = this.parenthesizedExpressions();
    const [only] = items;
    return items.length === 1 && only ? only : { kind: 'Row', loc, items };
  }

  protected parenthesizedQuery(): Query {
    this.expectSymbol('(');
    const query = this.parseQuery();
    this.expectSymbol(')');
    return query;
  }

  protected parenthesizedExpressions(): Expression[] {
    this.expectSymbol('(');
    const items = [this.parseExpression()];
    while (this.acceptSymbol(',')) items.push(this.parseExpression());
    this.expectSymbol(')');
    return items;
  }

  private caseExpression(start: Token): Case {
    this.advance();
    const operand = this.isWord('WHEN') ? undefined : this.parseExpression();
    const whens: WhenClause[] = [];
    do {
      const when = this.expectWord('WHEN');
      const condition = this.parseExpression();
      this.expectWord('THEN');
      whens.push({ kind: 'WhenClause', loc: this.loc(when), condition, result: this.parseExpression() });
      this.note("'WHEN'");
    } while (this.isWord('WHEN'));
    const elseResult = this.acceptWord('ELSE') ? this.parseExpression() : undefined;
    this.expectWord('END');
    const base: Case = { kind: 'Case', loc: this.loc(start), whens };
    return { ...base, ...(operand ? { operand } : {}), ...(elseResult ? { elseResult } : {}) };
  }

  private cast(start: Token, safe: boolean): Expression {
    this.advance();
    this.expectSymbol('(');
    const operand = this.parseExpression();
    this.expectWord('AS');
    const type = this.parseType();
    this.expectSymbol(')');
    return { kind: 'Cast', loc: this.loc(start), operand, type, safe };
  }

  private extract(start: Token): Expression {
    this.advance();
    this.expectSymbol('(');
    const fieldToken = this.token;
    const field = this.expectIdentifier().value.toUpperCase();
    if (!EXTRACT_FIELDS.has(field))
      throw this.errorAt(fieldToken, `Invalid EXTRACT field: ${fieldToken.text}`);
    this.expectWord('FROM');
    const operand = this.parseValueExpression();
    this.expectSymbol(')');
    return { kind: 'Extract', loc: this.loc(start), field: field as ExtractField, operand };
  }

  /** `substring(x FROM a [FOR b])` is `substring(x, a[, b])`; `substring(x, a, b)` is a plain call. */
  private substring(start: Token): Expression {
    this.advance();
    this.advance();
    const name = [this.identifierFrom(start)];
    if (this.isSymbol(')') || this.isSymbol('*') || this.isWord('DISTINCT'))
      return this.finishFunctionCall(start, name);
    const value = this.parseExpression();
    if (!this.acceptWord('FROM')) return this.finishFunctionCall(start, name, value);
    const args = [value, this.parseValueExpression()];
    if (this.acceptWord('FOR')) args.push(this.parseValueExpression());
    this.expectSymbol(')');
    return this.builtinCall(start, 'substring', args);
  }

  /** `position(needle IN haystack)` is `strpos(haystack, needle)`. */
  private position(start: Token): Expression {
    this.advance();
    this.advance();
    const needle = this.parseValueExpression();
    this.expectWord('IN');
    const haystack = this.parseValueExpression();
    this.expectSymbol(')');
    return this.builtinCall(start, 'strpos', [haystack, needle]);
  }

  /**
   * `trim([BOTH|LEADING|TRAILING] [chars] FROM x)` and `trim(x[, chars])` are `trim`, `ltrim` or
   * `rtrim` of `(x[, chars])`.
   */
  private trim(start: Token): Expression {
    this.advance();
    this.expectSymbol('(');
    const hasSpec =
      ['BOTH', 'LEADING', 'TRAILING'].some((w) => this.isWord(w)) &&
      !this.isSymbol(')', 1) &&
      !this.isSymbol(',', 1);
    const spec = hasSpec ? this.advance().value : 'BOTH';
    const name = spec === 'LEADING' ? 'ltrim' : spec === 'TRAILING' ? 'rtrim' : 'trim';
    let source: Expression;
    let chars: Expression | undefined;
    if (hasSpec && this.acceptWord('FROM')) {
      source = this.parseValueExpression();
    } else {
      const first = this.parseValueExpression();
      if (this.acceptWord('FROM')) {
        chars = first;
        source = this.parseValueExpression();
      } else {
        if (hasSpec) this.expectWord('FROM');
        source = first;
        if (this.acceptSymbol(',')) chars = this.parseValueExpression();
      }
    }
    this.expectSymbol(')');
    return this.builtinCall(start, name, chars ? [source, chars] : [source]);
  }

  private builtinCall(start: Token, name: string, args: Expression[]): FunctionCall {
    const loc = this.loc(start);
    const id: Identifier = { kind: 'Identifier', loc, value: name, quoted: false };
    return { kind: 'FunctionCall', loc, name: [id], args, distinct: false, star: false, orderBy: [] };
  }

  private currentDateTime(token: Token): Expression {
    this.advance();
    const fn = token.value as CurrentDateTimeFunction;
    const loc = this.loc(token);
    if (fn === 'CURRENT_DATE' || !this.acceptSymbol('('))
      return { kind: 'CurrentDateTime', loc, function: fn };
    const precision = this.expectSmallInteger();
    this.expectSymbol(')');
    return { kind: 'CurrentDateTime', loc, function: fn, precision };
  }

  private startsIntervalLiteral(): boolean {
    if (this.peek(1).kind === 'string') return true;
    return (this.isSymbol('+', 1) || this.isSymbol('-', 1)) && this.peek(2).kind === 'string';
  }

  /** `INTERVAL [+|-] 'value' field [TO field]`. */
  private interval(start: Token): IntervalLiteral {
    this.advance();
    const negative = this.isSymbol('-');
    if (negative || this.isSymbol('+')) this.advance();
    const value = this.advance().value;
    const startField = this.expectWords(INTERVAL_FIELDS);
    const literal: IntervalLiteral = {
      kind: 'IntervalLiteral',
      loc: this.loc(start),
      value,
      negative,
      startField,
    };
    return this.acceptWord('TO') ? { ...literal, endField: this.expectWords(INTERVAL_FIELDS) } : literal;
  }
}
