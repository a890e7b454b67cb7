/**
 * The SQL parser: Trino-dialect text to a syntax tree (`parseStatement`), and back (`formatSql`).
 * Syntax errors are QuarryError SYNTAX_ERROR with the line and column of the offending token;
 * Trino syntax that quarry does not implement is NOT_SUPPORTED.
 */
export type * from './ast.js';
export { parseStatement, parseExpression } from './parser.js';
export { formatSql } from './printer.js';
export { RESERVED_WORDS } from './keywords.js';
export { MAX_NESTING, MAX_TREE_HEIGHT } from './cursor.js';
