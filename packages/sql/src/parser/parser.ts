/** Entry points: SQL text in, syntax tree out. Every failure is a QuarryError. */
import { QuarryError } from '@quarry/common';
import type { Statement } from './ast.js';
import type { Expression } from './ast.js';
import { tokenize } from './lexer.js';
import { StatementParser } from './statements.js';

/** Parses one statement (a trailing `;` is allowed). Throws SYNTAX_ERROR or NOT_SUPPORTED. */
export function parseStatement(sql: string): Statement {
  return run(sql, (parser) => parser.parseSingleStatement());
}

/** Parses one expression, for tests and tools. */
export function parseExpression(sql: string): Expression {
  return run(sql, (parser) => parser.parseSingleExpression());
}

function run<T>(sql: string, parse: (parser: StatementParser) => T): T {
  const parser = new StatementParser(tokenize(sql));
  try {
    return parse(parser);
  } catch (e) {
    // The nesting limits should make this unreachable; it keeps a stack overflow a user error.
    if (e instanceof RangeError) {
      throw new QuarryError('SYNTAX_ERROR', 'Statement is too deeply nested', {
        cause: e,
        location: parser.location(),
      });
    }
    throw QuarryError.wrap(e);
  }
}
