/**
 * Trino's reserved words: they cannot be bare identifiers (quote them: `"order"`). Every other
 * keyword (`date`, `year`, `count`, `data`, `first`, `limit`, …) is non-reserved and may name a
 * column, table or alias.
 */
// prettier-ignore
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'ALTER', 'AND', 'AS', 'BETWEEN', 'BY', 'CASE', 'CAST', 'CONSTRAINT', 'CREATE', 'CROSS', 'CUBE',
  'CURRENT_CATALOG', 'CURRENT_DATE', 'CURRENT_PATH', 'CURRENT_ROLE', 'CURRENT_SCHEMA', 'CURRENT_TIME',
  'CURRENT_TIMESTAMP', 'CURRENT_USER', 'DEALLOCATE', 'DELETE', 'DESCRIBE', 'DISTINCT', 'DROP', 'ELSE',
  'END', 'ESCAPE', 'EXCEPT', 'EXECUTE', 'EXISTS', 'EXTRACT', 'FALSE', 'FOR', 'FROM', 'FULL', 'GROUP',
  'GROUPING', 'HAVING', 'IN', 'INNER', 'INSERT', 'INTERSECT', 'INTO', 'IS', 'JOIN', 'JSON_ARRAY',
  'JSON_EXISTS', 'JSON_OBJECT', 'JSON_QUERY', 'JSON_TABLE', 'JSON_VALUE', 'LEFT', 'LIKE', 'LISTAGG',
  'LOCALTIME', 'LOCALTIMESTAMP', 'NATURAL', 'NORMALIZE', 'NOT', 'NULL', 'ON', 'OR', 'ORDER', 'OUTER',
  'PREPARE', 'RECURSIVE', 'RIGHT', 'ROLLUP', 'SELECT', 'SKIP', 'TABLE', 'THEN', 'TRIM', 'TRUE',
  'UESCAPE', 'UNION', 'UNNEST', 'USING', 'VALUES', 'WHEN', 'WHERE', 'WITH',
]);

/**
 * Non-reserved words that may follow a select item or a relation as the next clause; they are
 * never taken as an alias written without AS (`FROM t LIMIT 5` does not alias t as "limit").
 */
// prettier-ignore
export const CLAUSE_WORDS: ReadonlySet<string> = new Set([
  'LIMIT', 'OFFSET', 'FETCH', 'WINDOW', 'TABLESAMPLE', 'MATCH_RECOGNIZE',
]);

const SIMPLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/** Whether a lower-case name can be written without quotes and read back as the same name. */
export function isBareName(name: string): boolean {
  return SIMPLE_NAME.test(name) && !RESERVED_WORDS.has(name.toUpperCase()) && name.toLowerCase() === name;
}
