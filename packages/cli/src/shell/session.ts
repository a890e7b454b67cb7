import { QuarryError, type SourceLocation } from '@quarry/common';

/**
 * The session the shell keeps between statements, as Trino's CLI does: the catalog and schema of
 * `USE` and the properties of `SET SESSION`, sent with every submission (the `session` field of a
 * SubmitRequest, docs/PROTOCOL.md). quarry's protocol has no reply that sets session state, so the
 * shell reads these three statements itself; every other statement goes to the engine.
 */
export type SessionValue = string | number | boolean;

/** A statement the shell handles itself. */
export type SessionStatement =
  | { readonly kind: 'use'; readonly catalog?: string; readonly schema: string }
  | { readonly kind: 'set'; readonly name: string; readonly value: SessionValue }
  | { readonly kind: 'reset'; readonly name: string };

/** A malformed USE, SET SESSION or RESET SESSION: a syntax error at a location, as the engine's. */
function syntaxError(message: string, location: SourceLocation): QuarryError {
  return new QuarryError('SYNTAX_ERROR', message, { location });
}

/** Names the protocol accepts for session properties (docs/PROTOCOL.md, SubmitRequest). */
const PROPERTY_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const MAX_VALUE_LENGTH = 4096;

export class ShellSession {
  catalog: string | undefined;
  schema: string | undefined;
  private readonly properties = new Map<string, SessionValue>();

  constructor(init: { catalog?: string; schema?: string; properties?: Record<string, string> } = {}) {
    this.catalog = init.catalog;
    this.schema = init.schema;
    for (const [name, value] of Object.entries(init.properties ?? {})) this.properties.set(name, value);
  }

  /** What a submission carries: `catalog`, `schema` and the properties set. */
  toSubmit(): Record<string, SessionValue> {
    return {
      ...Object.fromEntries(this.properties),
      ...(this.catalog ? { catalog: this.catalog } : {}),
      ...(this.schema ? { schema: this.schema } : {}),
    };
  }

  apply(statement: SessionStatement): void {
    switch (statement.kind) {
      case 'use':
        if (statement.catalog) this.catalog = statement.catalog;
        this.schema = statement.schema;
        return;
      case 'set':
        this.properties.set(statement.name, statement.value);
        return;
      case 'reset':
        this.properties.delete(statement.name);
        return;
    }
  }
}

interface Token {
  readonly kind: 'word' | 'quoted' | 'string' | 'number' | 'symbol';
  readonly text: string;
  readonly location: SourceLocation;
}

/**
 * `USE [catalog.]schema`, `SET SESSION name = value` or `RESET SESSION name` (names may be
 * `catalog.property`; values are string literals, numbers, TRUE or FALSE); undefined for any other
 * statement. Unquoted identifiers are lower-cased, as the engine does.
 */
export function parseSessionStatement(sql: string): SessionStatement | undefined {
  const tokens = tokenize(sql);
  const word = (i: number) => (tokens[i]?.kind === 'word' ? tokens[i]!.text.toUpperCase() : undefined);
  if (word(0) === 'USE') return parseUse(tokens, sql);
  if (word(0) === 'SET' && word(1) === 'SESSION') return parseSet(tokens, sql);
  if (word(0) === 'RESET' && word(1) === 'SESSION') {
    const { name, next } = qualifiedName(tokens, 2, sql);
    end(tokens, next, sql);
    return { kind: 'reset', name };
  }
  return undefined;
}

function parseUse(tokens: Token[], sql: string): SessionStatement {
  const first = identifier(tokens, 1, sql);
  if (tokens[2]?.text !== '.') {
    end(tokens, 2, sql);
    return { kind: 'use', schema: first };
  }
  const schema = identifier(tokens, 3, sql);
  end(tokens, 4, sql);
  return { kind: 'use', catalog: first, schema };
}

function parseSet(tokens: Token[], sql: string): SessionStatement {
  const { name, next } = qualifiedName(tokens, 2, sql);
  if (name === 'catalog' || name === 'schema')
    throw syntaxError(`'${name}' is set with USE, not SET SESSION`, tokens[2]!.location);
  if (tokens[next]?.text !== '=') throw unexpected(tokens[next], sql, "'='");
  let i = next + 1;
  const negative = tokens[i]?.text === '-';
  if (negative) i++;
  const t = tokens[i];
  let value: SessionValue;
  if (t?.kind === 'string' && !negative) value = t.text;
  else if (t?.kind === 'number') value = Number(`${negative ? '-' : ''}${t.text}`);
  else if (t?.kind === 'word' && !negative && /^(TRUE|FALSE)$/i.test(t.text))
    value = t.text.toUpperCase() === 'TRUE';
  else throw unexpected(t, sql, 'a string, number, TRUE or FALSE');
  if (typeof value === 'string' && value.length > MAX_VALUE_LENGTH)
    throw syntaxError(`session property values are at most ${MAX_VALUE_LENGTH} characters`, t.location);
  end(tokens, i + 1, sql);
  return { kind: 'set', name, value };
}

function qualifiedName(tokens: Token[], i: number, sql: string): { name: string; next: number } {
  let name = identifier(tokens, i, sql);
  let next = i + 1;
  while (tokens[next]?.text === '.') {
    name += `.${identifier(tokens, next + 1, sql)}`;
    next += 2;
  }
  if (!PROPERTY_NAME.test(name))
    throw syntaxError(
      `Session property name '${name}' must be 1 to 128 letters, digits, '_', '.' or '-'`,
      tokens[i]!.location,
    );
  return { name, next };
}

function identifier(tokens: Token[], i: number, sql: string): string {
  const t = tokens[i];
  if (t?.kind === 'word') return t.text.toLowerCase();
  if (t?.kind === 'quoted') return t.text;
  throw unexpected(t, sql, 'an identifier');
}

function end(tokens: Token[], i: number, sql: string): void {
  if (i < tokens.length) throw unexpected(tokens[i], sql, 'the end of the statement');
}

function unexpected(t: Token | undefined, sql: string, expected: string): QuarryError {
  if (!t) return syntaxError(`expected ${expected} at the end of the statement`, locationOf(sql, sql.length));
  return syntaxError(`mismatched input '${t.text}': expected ${expected}`, t.location);
}

/** Words, quoted identifiers, string literals, numbers and symbols; comments and blanks skipped. */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const location = locationOf(sql, i);
    if (/\s/.test(c)) i++;
    else if (sql.startsWith('--', i)) i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (sql.startsWith('/*', i)) i = sql.indexOf('*/', i) < 0 ? sql.length : sql.indexOf('*/', i) + 2;
    else if (c === "'" || c === '"') {
      const { text, next } = quoted(sql, i, c);
      tokens.push({ kind: c === "'" ? 'string' : 'quoted', text, location });
      i = next;
    } else {
      const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+|.)/su.exec(sql.slice(i))!;
      const text = m[0];
      const kind = /^[A-Za-z_]/.test(text) ? 'word' : /^\.?\d/.test(text) ? 'number' : 'symbol';
      tokens.push({ kind, text, location });
      i += text.length;
    }
  }
  return tokens;
}

function quoted(sql: string, i: number, quote: string): { text: string; next: number } {
  let text = '';
  let j = i + 1;
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] !== quote) return { text, next: j + 1 };
      text += quote;
      j += 2;
    } else text += sql[j++];
  }
  throw syntaxError(`unterminated ${quote === "'" ? 'string' : 'quoted identifier'}`, locationOf(sql, i));
}

function locationOf(sql: string, offset: number): SourceLocation {
  const before = sql.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
