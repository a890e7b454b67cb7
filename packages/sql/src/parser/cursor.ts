/**
 * The base of the parser: a cursor over tokens with the helpers every grammar layer uses, the
 * bookkeeping behind Trino-style error messages, and the nesting limits.
 *
 * Error messages list what could have come instead of the offending token. Every `accept…` and
 * `expect…` call notes what it looked for at the current position; the notes are cleared when the
 * cursor moves on, so when parsing fails they are exactly the alternatives the grammar allowed
 * there. Optional operators after an expression (`+`, `AND`, `IS`, …) are not noted, to keep the
 * lists readable.
 *
 * The layers extend one another in one direction: cursor → type-names → calls → primaries →
 * expressions → relations → queries → statements. The two abstract methods let lower layers reach
 * back into full expressions and queries.
 */
import { QuarryError, type ErrorCode, type SourceLocation } from '@quarry/common';
import type { Expression, Identifier, NumericLiteral, QualifiedName, Query } from './ast.js';
import { RESERVED_WORDS } from './keywords.js';
import type { Token } from './lexer.js';

/** Deepest nesting of expressions, queries and relations inside one another. */
export const MAX_NESTING = 200;
/** Tallest syntax tree: nesting plus the operands chained at each level (`a + b + …`, `x OR y OR …`). */
export const MAX_TREE_HEIGHT = 2000;

const QUERY_START_WORDS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);
/** Words that can follow a parenthesized query term inside a larger query. */
const QUERY_CONTINUATION_WORDS = new Set([
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'ORDER',
  'OFFSET',
  'LIMIT',
  'FETCH',
]);

const PLACEHOLDER_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '<expression>': 'an expression',
  '<identifier>': 'an identifier',
  '<integer>': 'an integer',
  '<string>': 'a string',
  '<type>': 'a type',
};

export abstract class TokenCursor {
  protected pos = 0;
  private nesting = 0;
  private height = 0;
  private expected = new Set<string>();
  private expectedAt = 0;
  private readonly eof: Token;
  /** For each `(`, the index of its `)` (or of the end, when unbalanced). */
  private readonly closeOf: Int32Array;

  constructor(private readonly tokens: readonly Token[]) {
    const last = tokens[tokens.length - 1];
    if (last?.kind !== 'eof')
      throw new QuarryError(
        'GENERIC_INTERNAL_ERROR',
        'token list must end with eof (this is a bug in quarry)',
      );
    this.eof = last;
    this.closeOf = matchParentheses(tokens);
  }

  abstract parseExpression(): Expression;
  abstract parseQuery(): Query;

  // -------------------------------------------------------------------------------------------
  // Looking and moving

  protected get token(): Token {
    return this.tokens[this.pos] ?? this.eof;
  }

  protected peek(ahead: number): Token {
    return this.tokens[this.pos + ahead] ?? this.eof;
  }

  protected advance(): Token {
    const token = this.token;
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  protected loc(token: Token): SourceLocation {
    return { line: token.line, column: token.column };
  }

  /** Whether the token `ahead` is the keyword `word` (upper case), without noting anything. */
  protected isWord(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'word' && token.value === word;
  }

  protected isSymbol(symbol: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'symbol' && token.value === symbol;
  }

  protected acceptWord(word: string): boolean {
    this.note(`'${word}'`);
    if (!this.isWord(word)) return false;
    this.advance();
    return true;
  }

  protected acceptSymbol(symbol: string): boolean {
    this.note(`'${symbol}'`);
    if (!this.isSymbol(symbol)) return false;
    this.advance();
    return true;
  }

  /** Accepts one of several keywords and says which. */
  protected acceptWords<const T extends string>(words: readonly T[]): T | undefined {
    for (const word of words) if (this.acceptWord(word)) return word;
    return undefined;
  }

  protected expectWord(word: string): Token {
    const token = this.token;
    if (!this.acceptWord(word)) this.fail();
    return token;
  }

  protected expectWords<const T extends string>(words: readonly T[]): T {
    return this.acceptWords(words) ?? this.fail();
  }

  protected expectSymbol(symbol: string): Token {
    const token = this.token;
    if (!this.acceptSymbol(symbol)) this.fail();
    return token;
  }

  /** Whether a query starts `ahead`, possibly after opening parentheses. */
  protected startsQuery(ahead = 0): boolean {
    let k = ahead;
    while (this.isSymbol('(', k)) k++;
    const token = this.peek(k);
    return token.kind === 'word' && QUERY_START_WORDS.has(token.value);
  }

  /**
   * Whether the parenthesis `ahead` opens a query, rather than an expression or relation that
   * merely starts with one: `((SELECT 1) UNION …)` is a query, `((SELECT 1) + 1)` an expression
   * and `((SELECT 1) JOIN t ON …)` a relation. Deciding by what follows the inner parenthesized
   * group keeps the parser free of backtracking, which nested groups would make exponential.
   */
  protected opensQuery(ahead = 0): boolean {
    if (!this.isSymbol('(', ahead) || !this.startsQuery(ahead + 1)) return false;
    // `( ( … ) )`: the outer group is whatever the inner one is.
    let inner = ahead + 1;
    for (; this.isSymbol('(', inner); inner++) {
      const after = this.afterGroup(inner);
      if (after.kind === 'word' && QUERY_CONTINUATION_WORDS.has(after.value)) return true;
      if (after.kind !== 'symbol' || after.value !== ')') return false;
    }
    return true;
  }

  /** The token after the `)` that closes the `(` at `ahead`. */
  protected afterGroup(ahead: number): Token {
    const close = this.closeOf[this.pos + ahead] ?? this.tokens.length - 1;
    return this.tokens[close + 1] ?? this.eof;
  }

  // -------------------------------------------------------------------------------------------
  // Names and literals

  protected isIdentifier(ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'quotedIdentifier' || (token.kind === 'word' && !RESERVED_WORDS.has(token.value));
  }

  protected identifierFrom(token: Token): Identifier {
    const quoted = token.kind === 'quotedIdentifier';
    return {
      kind: 'Identifier',
      loc: this.loc(token),
      value: quoted ? token.value : token.text.toLowerCase(),
      quoted,
    };
  }

  protected acceptIdentifier(): Identifier | undefined {
    this.note('<identifier>');
    return this.isIdentifier() ? this.identifierFrom(this.advance()) : undefined;
  }

  protected expectIdentifier(): Identifier {
    return this.acceptIdentifier() ?? this.fail();
  }

  protected expectQualifiedName(): QualifiedName {
    const parts = [this.expectIdentifier()];
    while (this.acceptSymbol('.')) parts.push(this.expectIdentifier());
    return parts;
  }

  /** `(a, b, c)`: a non-empty parenthesized list of identifiers. */
  protected expectIdentifierList(): Identifier[] {
    this.expectSymbol('(');
    const names = [this.expectIdentifier()];
    while (this.acceptSymbol(',')) names.push(this.expectIdentifier());
    this.expectSymbol(')');
    return names;
  }

  protected expectString(): string {
    this.note('<string>');
    if (this.token.kind !== 'string') this.fail();
    return this.advance().value;
  }

  protected expectInteger(): NumericLiteral {
    this.note('<integer>');
    const token = this.token;
    if (token.kind !== 'number' || token.numericType !== 'integer') this.fail();
    this.advance();
    return { kind: 'NumericLiteral', loc: this.loc(token), text: token.text, numericType: 'integer' };
  }

  /** A small integer such as a type parameter or a precision. */
  protected expectSmallInteger(): number {
    const token = this.token;
    const value = Number(this.expectInteger().text);
    if (!Number.isSafeInteger(value) || value > 2_147_483_647) {
      throw this.errorAt(token, `Integer ${token.text} is too large`);
    }
    return value;
  }

  // -------------------------------------------------------------------------------------------
  // Errors

  /** Records that `label` (`'FROM'`, `','`, `<expression>`) would have been accepted here. */
  protected note(label: string): void {
    if (this.pos > this.expectedAt) {
      this.expected = new Set();
      this.expectedAt = this.pos;
    }
    if (this.pos === this.expectedAt) this.expected.add(label);
  }

  /** Fails at the current token, listing what was expected there. */
  protected fail(): never {
    const token = this.token;
    const expected = this.expectedAt === this.pos ? sortExpected(this.expected) : [];
    if (token.kind === 'eof') {
      const what = expected.length === 1 ? describe(expected[0] ?? '') : `one of ${expected.join(', ')}`;
      throw this.errorAt(
        token,
        expected.length === 0 ? 'Unexpected end of input' : `Unexpected end of input; expected ${what}`,
      );
    }
    const found = `mismatched input '${shorten(token.text)}'`;
    throw this.errorAt(token, expected.length === 0 ? found : `${found}. Expecting: ${expected.join(', ')}`);
  }

  protected errorAt(token: Token, message: string, code: ErrorCode = 'SYNTAX_ERROR'): QuarryError {
    return new QuarryError(code, message, { location: this.loc(token) });
  }

  /** For Trino syntax that quarry recognizes but does not implement. */
  protected notSupported(token: Token, what: string): never {
    throw this.errorAt(token, `${what} is not supported`, 'NOT_SUPPORTED');
  }

  // -------------------------------------------------------------------------------------------
  // Nesting limits, so that deep input fails cleanly instead of overflowing the stack

  /** Call on descending into a nested expression, query or relation; pair with `leave`. */
  protected enter(): void {
    this.nesting++;
    this.grow();
    if (this.nesting > MAX_NESTING) {
      throw this.errorAt(this.token, `Statement is too deeply nested (more than ${MAX_NESTING} levels)`);
    }
  }

  protected leave(): void {
    this.nesting--;
    this.height--;
  }

  /** Call for each operand added to a left-deep chain; undo with `shrink` when the chain ends. */
  protected grow(): void {
    this.height++;
    if (this.height > MAX_TREE_HEIGHT) {
      throw this.errorAt(
        this.token,
        `Statement is too deeply nested (syntax tree taller than ${MAX_TREE_HEIGHT})`,
      );
    }
  }

  protected shrink(links: number): void {
    this.height -= links;
  }
}

function matchParentheses(tokens: readonly Token[]): Int32Array {
  const closeOf = new Int32Array(tokens.length).fill(tokens.length - 1);
  const open: number[] = [];
  tokens.forEach((token, i) => {
    if (token.kind !== 'symbol') return;
    if (token.value === '(') open.push(i);
    else if (token.value === ')') {
      const start = open.pop();
      if (start !== undefined) closeOf[start] = i;
    }
  });
  return closeOf;
}

/** Quoted tokens first, in code-point order, then placeholders such as `<expression>`. */
function sortExpected(expected: ReadonlySet<string>): string[] {
  const all = [...expected];
  const quoted = all.filter((e) => e.startsWith("'")).sort();
  const placeholders = all.filter((e) => !e.startsWith("'")).sort();
  return [...quoted, ...placeholders];
}

function describe(label: string): string {
  return PLACEHOLDER_DESCRIPTIONS[label] ?? label;
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
