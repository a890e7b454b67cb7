/**
 * Turns SQL text into tokens. Whitespace and comments (`-- …`, `/* … *\/`) are skipped; every token
 * knows its offset and its 1-based line and column. Malformed text (unterminated strings, quoted
 * identifiers or comments, bad numbers, stray characters) is a SYNTAX_ERROR at its position.
 */
import { QuarryError, type SourceLocation } from '@quarry/common';
import type { NumericType } from './ast.js';

export type TokenKind = 'word' | 'quotedIdentifier' | 'string' | 'number' | 'symbol' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token, as written. */
  readonly text: string;
  /**
   * word: the text in upper case (for keyword matching); quotedIdentifier and string: the content
   * with escapes resolved; number and symbol: the text (`!=` is given as `<>`); eof: ''.
   */
  readonly value: string;
  /** Set on number tokens only. */
  readonly numericType?: NumericType;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

const TWO_CHAR_SYMBOLS = new Set(['<=', '>=', '<>', '!=', '||', '=>', '->']);
const ONE_CHAR_SYMBOLS = new Set([
  '(',
  ')',
  ',',
  '.',
  ';',
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '<',
  '>',
  '[',
  ']',
  '?',
]);

const IDENTIFIER_START = /[\p{L}_]/u;
const IDENTIFIER_PART = /[\p{L}\p{N}_]/u;
const DIGIT = /[0-9]/;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const HEX6 = /^[0-9a-fA-F]{6}$/;

export function tokenize(sql: string): Token[] {
  return new Lexer(sql).run();
}

class Lexer {
  private readonly tokens: Token[] = [];
  /** Offsets at which each line starts, for turning offsets into line and column. */
  private readonly lineStarts: number[] = [0];
  private i = 0;

  constructor(private readonly sql: string) {
    for (let k = 0; k < sql.length; k++) {
      const c = sql[k];
      if (c === '\n' || (c === '\r' && sql[k + 1] !== '\n')) this.lineStarts.push(k + 1);
    }
  }

  run(): Token[] {
    const sql = this.sql;
    while (this.i < sql.length) {
      const c = sql[this.i] ?? '';
      const next = sql[this.i + 1] ?? '';
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') this.i++;
      else if (c === '-' && next === '-') this.skipLineComment();
      else if (c === '/' && next === '*') this.skipBlockComment();
      else if (c === "'") this.lexString();
      else if ((c === 'U' || c === 'u') && next === '&' && sql[this.i + 2] === "'") this.lexUnicodeString();
      else if (c === '"') this.lexQuotedIdentifier();
      else if (c === '`')
        throw this.error(
          this.i,
          'Backquoted identifiers are not supported; use double quotes to quote identifiers',
        );
      else if (DIGIT.test(c) || (c === '.' && DIGIT.test(next))) this.lexNumber();
      else if (IDENTIFIER_START.test(c)) this.lexWord();
      else this.lexSymbol();
    }
    this.push('eof', this.i, '', '');
    return this.tokens;
  }

  private skipLineComment(): void {
    while (this.i < this.sql.length && this.sql[this.i] !== '\n' && this.sql[this.i] !== '\r') this.i++;
  }

  private skipBlockComment(): void {
    const end = this.sql.indexOf('*/', this.i + 2);
    if (end < 0) throw this.error(this.i, 'Unterminated comment: missing */');
    this.i = end + 2;
  }

  /** Reads a quoted run with doubled-quote escapes, starting at the opening quote; returns the content. */
  private readQuoted(quote: string, what: string): string {
    const open = this.i;
    let value = '';
    let k = open + 1;
    for (;;) {
      const end = this.sql.indexOf(quote, k);
      if (end < 0) throw this.error(open, `Unterminated ${what}: missing closing ${quote}`);
      value += this.sql.slice(k, end);
      if (this.sql[end + 1] === quote) {
        value += quote;
        k = end + 2;
      } else {
        this.i = end + 1;
        return value;
      }
    }
  }

  private lexString(): void {
    const start = this.i;
    const value = this.readQuoted("'", 'string literal');
    this.push('string', start, this.sql.slice(start, this.i), value);
  }

  /** `U&'…'` with `\XXXX`, `\+XXXXXX` and `\\` escapes. */
  private lexUnicodeString(): void {
    const start = this.i;
    this.i += 2;
    const raw = this.readQuoted("'", 'string literal');
    let value = '';
    for (let k = 0; k < raw.length; k++) {
      const c = raw[k] ?? '';
      if (c !== '\\') {
        value += c;
        continue;
      }
      if (raw[k + 1] === '\\') {
        value += '\\';
        k++;
        continue;
      }
      const wide = raw[k + 1] === '+';
      const hex = wide ? raw.slice(k + 2, k + 8) : raw.slice(k + 1, k + 5);
      const codePoint = (wide ? HEX6 : HEX4).test(hex) ? Number.parseInt(hex, 16) : -1;
      if (codePoint < 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
        throw this.error(
          start,
          `Invalid Unicode escape in string literal at '${raw.slice(k, k + (wide ? 8 : 5))}'`,
        );
      }
      value += String.fromCodePoint(codePoint);
      k += wide ? 7 : 4;
    }
    this.push('string', start, this.sql.slice(start, this.i), value);
  }

  private lexQuotedIdentifier(): void {
    const start = this.i;
    const value = this.readQuoted('"', 'quoted identifier');
    if (value === '') throw this.error(start, 'Zero-length delimited identifier not allowed');
    this.push('quotedIdentifier', start, this.sql.slice(start, this.i), value);
  }

  /** Integers (`12`), decimals (`1.5`, `1.`, `.5`) and doubles (`1e3`, `.5E-2`). */
  private lexNumber(): void {
    const sql = this.sql;
    const start = this.i;
    let type: NumericType = 'integer';
    const digits = (): void => {
      while (DIGIT.test(sql[this.i] ?? '')) this.i++;
    };
    digits();
    if (sql[this.i] === '.') {
      type = 'decimal';
      this.i++;
      digits();
    }
    if (sql[this.i] === 'e' || sql[this.i] === 'E') {
      type = 'double';
      this.i++;
      if (sql[this.i] === '+' || sql[this.i] === '-') this.i++;
      const exponentStart = this.i;
      digits();
      if (this.i === exponentStart) this.badNumber(start);
    }
    if (IDENTIFIER_PART.test(sql[this.i] ?? '')) this.badNumber(start);
    const text = sql.slice(start, this.i);
    this.tokens.push({
      kind: 'number',
      text,
      value: text,
      numericType: type,
      offset: start,
      ...this.locate(start),
    });
  }

  private badNumber(start: number): never {
    let end = this.i;
    while (end < this.sql.length && /[\p{L}\p{N}_.+-]/u.test(this.sql[end] ?? '')) {
      if ((this.sql[end] === '+' || this.sql[end] === '-') && !/[eE]/.test(this.sql[end - 1] ?? '')) break;
      end++;
    }
    throw this.error(start, `Invalid number '${this.sql.slice(start, end)}'`);
  }

  private lexWord(): void {
    const start = this.i;
    while (this.i < this.sql.length && IDENTIFIER_PART.test(this.sql[this.i] ?? '')) this.i++;
    const text = this.sql.slice(start, this.i);
    this.push('word', start, text, text.toUpperCase());
  }

  private lexSymbol(): void {
    const start = this.i;
    const two = this.sql.slice(start, start + 2);
    if (TWO_CHAR_SYMBOLS.has(two)) {
      this.i += 2;
      this.push('symbol', start, two, two === '!=' ? '<>' : two);
      return;
    }
    const c = String.fromCodePoint(this.sql.codePointAt(start) ?? 0);
    if (!ONE_CHAR_SYMBOLS.has(c)) {
      const shown = /[\p{Cc}\p{Z}]/u.test(c)
        ? `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
        : c;
      throw this.error(start, `Unexpected character '${shown}'`);
    }
    this.i += 1;
    this.push('symbol', start, c, c);
  }

  private push(kind: TokenKind, start: number, text: string, value: string): void {
    this.tokens.push({ kind, text, value, offset: start, ...this.locate(start) });
  }

  private locate(offset: number): SourceLocation {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  private error(offset: number, message: string): QuarryError {
    return new QuarryError('SYNTAX_ERROR', message, { location: this.locate(offset) });
  }
}
