import { QuarryError } from '@quarry/common';

/**
 * The statements that change a client's session rather than run on the cluster — in Trino the
 * server answers them with `X-Trino-Set-Session`, `X-Trino-Clear-Session`, `X-Trino-Set-Catalog`
 * and `X-Trino-Set-Schema`, and the client sends the new session with its next statements.
 */
export type SessionStatement =
  | { readonly kind: 'set'; readonly name: string; readonly value: string }
  | { readonly kind: 'reset'; readonly name: string }
  | { readonly kind: 'use'; readonly catalog?: string; readonly schema: string };

interface Token {
  readonly kind: 'word' | 'quoted' | 'string' | 'number' | 'symbol';
  readonly text: string;
  readonly at: number;
}

/**
 * `SET SESSION name = literal`, `RESET SESSION name`, `USE schema` or `USE catalog.schema`;
 * undefined for any other statement (the cluster runs it). A statement of these forms that is
 * malformed is a SYNTAX_ERROR with its line and column.
 */
export function sessionStatement(sql: string): SessionStatement | undefined {
  const tokens = tokenize(sql);
  const words = tokens.slice(0, 2).map((t) => (t.kind === 'word' ? t.text.toUpperCase() : ''));
  const reader = new TokenReader(sql, tokens);
  if (words[0] === 'SET' && words[1] === 'SESSION') {
    reader.skip(2);
    const name = reader.qualifiedName(2);
    reader.expectSymbol('=');
    const value = reader.literal();
    reader.end();
    return { kind: 'set', name, value };
  }
  if (words[0] === 'RESET' && words[1] === 'SESSION') {
    reader.skip(2);
    const name = reader.qualifiedName(2);
    reader.end();
    return { kind: 'reset', name };
  }
  if (words[0] === 'USE') {
    reader.skip(1);
    const parts = reader.qualifiedName(2).split('.');
    reader.end();
    return parts.length === 2
      ? { kind: 'use', catalog: parts[0]!, schema: parts[1]! }
      : { kind: 'use', schema: parts[0]! };
  }
  return undefined;
}

class TokenReader {
  private i = 0;
  constructor(
    private readonly sql: string,
    private readonly tokens: readonly Token[],
  ) {}

  skip(n: number): void {
    this.i += n;
  }

  /** Up to `parts` identifiers joined by dots; unquoted ones lower-cased, as Trino does. */
  qualifiedName(parts: number): string {
    const names = [this.identifier()];
    while (names.length < parts && this.peekSymbol('.')) {
      this.i++;
      names.push(this.identifier());
    }
    return names.join('.');
  }

  private identifier(): string {
    const t = this.tokens[this.i];
    if (t?.kind === 'word') return (this.i++, t.text.toLowerCase());
    if (t?.kind === 'quoted') return (this.i++, t.text);
    throw this.error(t, 'expected an identifier');
  }

  expectSymbol(symbol: string): void {
    const t = this.tokens[this.i];
    if (t?.kind !== 'symbol' || t.text !== symbol) throw this.error(t, `expected '${symbol}'`);
    this.i++;
  }

  private peekSymbol(symbol: string): boolean {
    const t = this.tokens[this.i];
    return t?.kind === 'symbol' && t.text === symbol;
  }

  /** A string, number or boolean literal, as the text a session property holds. */
  literal(): string {
    const t = this.tokens[this.i];
    const word = t?.kind === 'word' ? t.text.toLowerCase() : '';
    if (t && (t.kind === 'string' || t.kind === 'number' || word === 'true' || word === 'false')) {
      this.i++;
      return t.kind === 'word' ? word : t.text;
    }
    throw this.error(t, 'a session property value must be a string, number or boolean literal');
  }

  end(): void {
    if (this.peekSymbol(';')) this.i++;
    const t = this.tokens[this.i];
    if (t) throw this.error(t, `unexpected '${t.text}'`);
  }

  private error(t: Token | undefined, message: string): QuarryError {
    const at = t?.at ?? this.sql.length;
    const before = this.sql.slice(0, at).split('\n');
    const location = { line: before.length, column: before.at(-1)!.length + 1 };
    const found = t ? `'${t.text}'` : 'end of input';
    return new QuarryError('SYNTAX_ERROR', `${message}, found ${found}`, { location });
  }
}

const PATTERNS: readonly [Token['kind'] | 'space', RegExp][] = [
  ['space', /\s+|--[^\n]*|\/\*[\s\S]*?\*\//y],
  ['word', /[A-Za-z_][A-Za-z0-9_]*/y],
  ['quoted', /"((?:[^"]|"")*)"/y],
  ['string', /'((?:[^']|'')*)'/y],
  ['number', /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y],
  ['symbol', /[=.;]/y],
];

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  outer: while (at < sql.length) {
    for (const [kind, re] of PATTERNS) {
      re.lastIndex = at;
      const m = re.exec(sql);
      if (!m) continue;
      if (kind !== 'space') tokens.push({ kind, text: unquote(kind, m), at });
      at = re.lastIndex;
      continue outer;
    }
    // anything else (operators, parentheses): a statement these forms do not cover
    tokens.push({ kind: 'symbol', text: sql[at]!, at });
    at++;
  }
  return tokens;
}

function unquote(kind: Token['kind'], m: RegExpExecArray): string {
  if (kind === 'quoted') return m[1]!.replaceAll('""', '"');
  if (kind === 'string') return m[1]!.replaceAll("''", "'");
  return m[0];
}
