/**
 * The syntax tree the parser produces. Every node is immutable, is told apart by `kind`, and
 * carries `loc`: the 1-based line and column of its first token.
 *
 * Conventions: list-valued fields are always arrays (empty when the clause is absent); single
 * optional parts are optional properties. Keyword-like enumerations are upper case as written in
 * SQL ('ASC', 'LEFT', 'YEAR'); names (identifiers, function names, type names) are lower case
 * unless quoted. Special syntax with a function equivalent is desugared by the parser:
 * `substring(x FROM a FOR b)` is `substring(x, a, b)`, `position(a IN b)` is `strpos(b, a)`,
 * `trim(LEADING c FROM x)` is `ltrim(x, c)`; `-<number>` is a negative numeric literal.
 */
export type * from './ast-query.js';
export type * from './ast-statements.js';
