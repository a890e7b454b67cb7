/**
 * Bad input: every error is a QuarryError with the position of the offending token and a message
 * that says what was found and what was expected.
 */
import { expect } from 'chai';
import type { ErrorCode } from '@quarry/common';
import { parseExpression, parseStatement } from '../../src/parser/index.js';
import { errorOf } from './helpers.js';

interface BadInput {
  readonly sql: string;
  /** `line:column` of the offending token. */
  readonly at: string;
  readonly message: string;
  readonly code?: ErrorCode;
}

const BAD_STATEMENTS: readonly BadInput[] = [
  // empty and trailing input
  { sql: '', at: '1:1', message: 'Empty statement' },
  { sql: '  -- only a comment\n', at: '2:1', message: 'Empty statement' },
  { sql: ';', at: '1:1', message: 'Empty statement' },
  { sql: 'SELECT 1; SELECT 2', at: '1:11', message: "mismatched input 'SELECT'. Expecting: <EOF>" },
  { sql: 'SELECT 1;;', at: '1:10', message: "mismatched input ';'. Expecting: <EOF>" },
  // misspelled and misplaced keywords
  { sql: 'SELCT 1', at: '1:1', message: "mismatched input 'SELCT'. Expecting: '(', 'CALL', 'CREATE'" },
  {
    sql: 'SELECT a form t',
    at: '1:15',
    message: "mismatched input 't'. Expecting: ',', ';', 'EXCEPT', 'FETCH', 'FROM'",
  },
  { sql: 'SELECT a b c FROM t', at: '1:12', message: "mismatched input 'c'. Expecting: ','" },
  { sql: 'SELECT a, FROM t', at: '1:11', message: "mismatched input 'FROM'. Expecting: '*', <expression>" },
  {
    sql: 'SELECT FROM t',
    at: '1:8',
    message: "mismatched input 'FROM'. Expecting: '*', 'ALL', 'DISTINCT', <expression>",
  },
  { sql: 'SELECT a FROM t WHERE', at: '1:22', message: 'Unexpected end of input; expected an expression' },
  { sql: 'SELECT a FROM', at: '1:14', message: "Unexpected end of input; expected one of '(', <identifier>" },
  { sql: 'SELECT a FROM t GROUP a', at: '1:23', message: "mismatched input 'a'. Expecting: 'BY'" },
  { sql: 'SELECT a FROM t ORDER a', at: '1:23', message: "mismatched input 'a'. Expecting: 'BY'" },
  {
    sql: 'SELECT a FROM t LIMIT 10 OFFSET 5',
    at: '1:26',
    message: "mismatched input 'OFFSET'. Expecting: ';', <EOF>",
  },
  {
    sql: 'SELECT a FROM t LIMIT -1',
    at: '1:23',
    message: "mismatched input '-'. Expecting: 'ALL', <integer>",
  },
  {
    sql: 'SELECT a FROM t LIMIT 1.5',
    at: '1:23',
    message: "mismatched input '1.5'. Expecting: 'ALL', <integer>",
  },
  {
    sql: 'SELECT a FROM t FETCH FIRST 2 ROWS',
    at: '1:35',
    message: "Unexpected end of input; expected one of 'ONLY', 'WITH'",
  },
  { sql: 'SELECT a FROM t ORDER BY a NULLS', at: '1:33', message: "expected one of 'FIRST', 'LAST'" },
  {
    sql: 'SELECT a FROM t UNION',
    at: '1:22',
    message: "expected one of '(', 'ALL', 'DISTINCT', 'SELECT', 'TABLE', 'VALUES'",
  },
  // reserved words are not names
  {
    sql: 'SELECT order FROM t',
    at: '1:8',
    message: "mismatched input 'order'. Expecting: '*', 'ALL', 'DISTINCT', <expression>",
  },
  { sql: 'SELECT a AS from FROM t', at: '1:13', message: "mismatched input 'from'. Expecting: <identifier>" },
  {
    sql: 'SELECT * FROM select',
    at: '1:15',
    message: "mismatched input 'select'. Expecting: '(', <identifier>",
  },
  {
    sql: 'SELECT * FROM c.s.table',
    at: '1:19',
    message: "mismatched input 'table'. Expecting: <identifier>",
  },
  // joins
  { sql: 'SELECT * FROM a JOIN b', at: '1:23', message: 'Unexpected end of input; expected one of ' },
  {
    sql: 'SELECT * FROM a LEFT b ON true',
    at: '1:22',
    message: "mismatched input 'b'. Expecting: 'JOIN', 'OUTER'",
  },
  {
    sql: 'SELECT * FROM a JOIN b USING ()',
    at: '1:31',
    message: "mismatched input ')'. Expecting: <identifier>",
  },
  { sql: 'SELECT * FROM (a, b)', at: '1:17', message: "mismatched input ','. Expecting: ')'" },
  // expressions
  { sql: 'SELECT (1 + 2', at: '1:14', message: "Unexpected end of input; expected one of ')', ','" },
  { sql: 'SELECT 1 +', at: '1:11', message: 'Unexpected end of input; expected an expression' },
  { sql: 'SELECT a IS 5', at: '1:13', message: "mismatched input '5'. Expecting: 'DISTINCT', 'NOT', 'NULL'" },
  { sql: 'SELECT a BETWEEN 1 OR 2', at: '1:20', message: "mismatched input 'OR'. Expecting: 'AND'" },
  { sql: 'SELECT a IN 1', at: '1:13', message: "mismatched input '1'. Expecting: '('" },
  { sql: 'SELECT a IN ()', at: '1:14', message: "mismatched input ')'. Expecting: <expression>" },
  {
    sql: 'SELECT CASE WHEN a THEN 1',
    at: '1:26',
    message: "Unexpected end of input; expected one of 'ELSE', 'END', 'WHEN'",
  },
  { sql: 'SELECT CASE a END', at: '1:15', message: "mismatched input 'END'. Expecting: 'WHEN'" },
  { sql: 'SELECT CAST(a AS)', at: '1:17', message: "mismatched input ')'. Expecting: <type>" },
  { sql: 'SELECT CAST(a, varchar)', at: '1:14', message: "mismatched input ','. Expecting: 'AS'" },
  { sql: 'SELECT CAST(a AS decimal(x))', at: '1:26', message: "mismatched input 'x'. Expecting: <integer>" },
  { sql: 'SELECT EXTRACT(CENTURY FROM d)', at: '1:16', message: 'Invalid EXTRACT field: CENTURY' },
  {
    sql: "SELECT INTERVAL '1' WEEK",
    at: '1:21',
    message: "mismatched input 'WEEK'. Expecting: 'DAY', 'HOUR'",
  },
  { sql: 'SELECT count(*', at: '1:15', message: "Unexpected end of input; expected ')'" },
  { sql: 'SELECT f(a,)', at: '1:12', message: "mismatched input ')'. Expecting: <expression>" },
  { sql: 'SELECT f(x) FILTER (a)', at: '1:21', message: "mismatched input 'a'. Expecting: 'WHERE'" },
  {
    sql: 'SELECT rank() OVER (ORDER BY a ROWS BETWEEN 1 AND 2)',
    at: '1:47',
    message: "mismatched input 'AND'. Expecting: 'FOLLOWING', 'PRECEDING'",
  },
  {
    sql: 'SELECT a AT TIME ZONE 5',
    at: '1:23',
    message: "mismatched input '5'. Expecting: 'INTERVAL', <string>",
  },
  { sql: 'SELECT a[1', at: '1:11', message: "Unexpected end of input; expected ']'" },
  { sql: 'SELECT position(a, b)', at: '1:18', message: "mismatched input ','. Expecting: 'IN'" },
  { sql: 'SELECT trim(LEADING a)', at: '1:22', message: "mismatched input ')'. Expecting: 'FROM'" },
  {
    sql: 'SELECT a = ANY (SELECT)',
    at: '1:23',
    message: "mismatched input ')'. Expecting: '*', 'ALL', 'DISTINCT', <expression>",
  },
  // lexical errors
  { sql: "SELECT 'abc", at: '1:8', message: "Unterminated string literal: missing closing '" },
  { sql: 'SELECT\n  "abc', at: '2:3', message: 'Unterminated quoted identifier: missing closing "' },
  { sql: 'SELECT 1 /* never\nclosed', at: '1:10', message: 'Unterminated comment: missing */' },
  { sql: 'SELECT ""', at: '1:8', message: 'Zero-length delimited identifier not allowed' },
  { sql: 'SELECT 1e', at: '1:8', message: "Invalid number '1e'" },
  { sql: 'SELECT 1.5e+x', at: '1:8', message: "Invalid number '1.5e+x'" },
  { sql: 'SELECT 123abc', at: '1:8', message: "Invalid number '123abc'" },
  { sql: 'SELECT 1_000', at: '1:8', message: "Invalid number '1_000'" },
  { sql: 'SELECT a # b', at: '1:10', message: "Unexpected character '#'" },
  { sql: 'SELECT `a`', at: '1:8', message: 'Backquoted identifiers are not supported; use double quotes' },
  { sql: "SELECT U&'\\00G1'", at: '1:8', message: "Invalid Unicode escape in string literal at '\\00G1'" },
  {
    sql: 'SELECT a\n  FROM t\n  WHERE b = = 1',
    at: '3:13',
    message: "mismatched input '='. Expecting: <expression>",
  },
  // statements
  {
    sql: 'SHOW',
    at: '1:5',
    message: "expected one of 'CATALOGS', 'COLUMNS', 'SCHEMAS', 'SESSION', 'STATS', 'TABLES'",
  },
  { sql: 'SHOW STATS t', at: '1:12', message: "mismatched input 't'. Expecting: 'FOR'" },
  { sql: 'SHOW COLUMNS t', at: '1:14', message: "mismatched input 't'. Expecting: 'FROM', 'IN'" },
  { sql: 'SHOW TABLES LIKE x', at: '1:18', message: "mismatched input 'x'. Expecting: <string>" },
  { sql: 'SET SESSION a 1', at: '1:15', message: "mismatched input '1'. Expecting: '.', '='" },
  {
    sql: 'EXPLAIN (TYPE FANCY) SELECT 1',
    at: '1:15',
    message: "mismatched input 'FANCY'. Expecting: 'DISTRIBUTED', 'IO', 'LOGICAL', 'VALIDATE'",
  },
  { sql: 'EXPLAIN (TYPE IO, TYPE LOGICAL) SELECT 1', at: '1:19', message: 'Duplicate EXPLAIN option TYPE' },
  {
    sql: 'CREATE TABLE t (a)',
    at: '1:19',
    message: "Unexpected end of input; expected one of 'AS', 'COMMENT', 'WITH'",
  },
  { sql: 'CREATE TABLE t (a bigint,)', at: '1:26', message: "mismatched input ')'. Expecting: <identifier>" },
  { sql: 'CREATE TABLE t (a bigint NOT)', at: '1:29', message: "mismatched input ')'. Expecting: 'NULL'" },
  { sql: 'CREATE TABLE t WITH (x = 1)', at: '1:28', message: "Unexpected end of input; expected 'AS'" },
  {
    sql: 'CREATE TABLE t AS SELECT 1 WITH DATUM',
    at: '1:33',
    message: "mismatched input 'DATUM'. Expecting: 'DATA', 'NO'",
  },
  { sql: 'CREATE SCHEMA IF EXISTS s', at: '1:18', message: "mismatched input 'EXISTS'" },
  { sql: 'DROP TABLE', at: '1:11', message: "expected one of 'IF', <identifier>" },
  { sql: 'INSERT t VALUES (1)', at: '1:8', message: "mismatched input 't'. Expecting: 'INTO'" },
  { sql: 'DELETE t', at: '1:8', message: "mismatched input 't'. Expecting: 'FROM'" },
  { sql: 'WITH a AS SELECT 1 SELECT 1', at: '1:11', message: "mismatched input 'SELECT'. Expecting: '('" },
  // recognized Trino syntax that quarry does not implement
  {
    sql: 'SELECT * FROM JSON_TABLE(a)',
    at: '1:15',
    message: 'JSON_TABLE is not supported',
    code: 'NOT_SUPPORTED',
  },
  { sql: 'SELECT * FROM UNNEST()', at: '1:22', message: "mismatched input ')'" },
  {
    sql: 'SHOW CREATE MATERIALIZED VIEW v',
    at: '1:6',
    message: 'SHOW CREATE MATERIALIZED VIEW is not supported',
    code: 'NOT_SUPPORTED',
  },
  {
    sql: 'SHOW STATS FOR (SELECT 1)',
    at: '1:16',
    message: 'SHOW STATS FOR a query is not supported',
    code: 'NOT_SUPPORTED',
  },
  {
    sql: 'SELECT * FROM a NATURAL JOIN b',
    at: '1:17',
    message: 'NATURAL JOIN is not supported',
    code: 'NOT_SUPPORTED',
  },
  {
    sql: 'SELECT * FROM t TABLESAMPLE BERNOULLI (5)',
    at: '1:17',
    message: 'TABLESAMPLE is not supported',
    code: 'NOT_SUPPORTED',
  },
  {
    sql: 'SELECT CAST(a AS map(bigint))',
    at: '1:18',
    message: 'MAP type takes two types',
    code: 'SYNTAX_ERROR',
  },
  {
    sql: 'SELECT CAST(a AS array(bigint, integer))',
    at: '1:18',
    message: 'ARRAY type takes one type',
    code: 'SYNTAX_ERROR',
  },
  {
    sql: 'SELECT ARRAY[1, 2',
    at: '1:18',
    message: 'Unexpected end of input',
    code: 'SYNTAX_ERROR',
  },
  { sql: 'SELECT current_user', at: '1:8', message: 'CURRENT_USER is not supported', code: 'NOT_SUPPORTED' },
  {
    sql: 'SELECT * FROM t WHERE a = ?',
    at: '1:27',
    message: 'Query parameter (?) is not supported',
    code: 'NOT_SUPPORTED',
  },
  { sql: 'ANALYZE t', at: '1:1', message: 'ANALYZE is not supported', code: 'NOT_SUPPORTED' },
  { sql: 'UPDATE t SET a', at: '1:15', message: "Unexpected end of input; expected '='" },
  { sql: 'TRUNCATE t', at: '1:10', message: "mismatched input 't'. Expecting: 'TABLE'" },
  { sql: 'MERGE INTO t USING u ON true', at: '1:29', message: "Unexpected end of input; expected 'WHEN'" },
  {
    sql: 'MERGE INTO t USING u ON a = b WHEN MATCHED THEN INSERT VALUES (1)',
    at: '1:49',
    message: "mismatched input 'INSERT'. Expecting: 'DELETE', 'UPDATE'",
  },
  {
    sql: 'CREATE MATERIALIZED VIEW v AS SELECT 1',
    at: '1:8',
    message: 'CREATE MATERIALIZED is not supported',
    code: 'NOT_SUPPORTED',
  },
  {
    sql: 'CREATE OR REPLACE TABLE t (a int)',
    at: '1:19',
    message: 'CREATE OR REPLACE TABLE is not supported',
    code: 'NOT_SUPPORTED',
  },
  {
    sql: 'CREATE VIEW v WITH (a = 1) AS SELECT 1',
    at: '1:15',
    message: 'View properties is not supported',
    code: 'NOT_SUPPORTED',
  },
  {
    sql: 'CREATE VIEW v SELECT 1',
    at: '1:15',
    message: "mismatched input 'SELECT'. Expecting: '.', 'AS', 'COMMENT', 'SECURITY'",
  },
  {
    sql: 'CREATE VIEW v AS',
    at: '1:17',
    message: "Unexpected end of input; expected one of '(', 'SELECT', 'TABLE', 'VALUES', 'WITH'",
  },
  {
    sql: 'CREATE VIEW v SECURITY OWNER AS SELECT 1',
    at: '1:24',
    message: "mismatched input 'OWNER'. Expecting: 'DEFINER', 'INVOKER'",
  },
  { sql: 'CREATE OR REPLACE v AS SELECT 1', at: '1:19', message: "mismatched input 'v'. Expecting: 'VIEW'" },
  { sql: 'DROP VIEW', at: '1:10', message: "Unexpected end of input; expected one of 'IF', <identifier>" },
  {
    sql: 'SHOW CREATE SCHEMA s',
    at: '1:6',
    message: 'SHOW CREATE SCHEMA is not supported',
    code: 'NOT_SUPPORTED',
  },
];

const BAD_EXPRESSIONS: readonly BadInput[] = [
  { sql: '', at: '1:1', message: 'Empty expression' },
  { sql: 'a b', at: '1:3', message: "mismatched input 'b'. Expecting: <EOF>" },
  { sql: 'a = b = c', at: '1:7', message: "mismatched input '='. Expecting: <EOF>" },
  { sql: '1 +\n\n   *', at: '3:4', message: "mismatched input '*'. Expecting: <expression>" },
];

function check(parse: (sql: string) => unknown, bad: BadInput): void {
  const error = errorOf(() => parse(bad.sql));
  const [line, column] = bad.at.split(':').map(Number);
  expect(error.code, error.message).to.equal(bad.code ?? 'SYNTAX_ERROR');
  expect(error.type).to.equal('USER_ERROR');
  expect(error.location, error.message).to.deep.equal({ line, column });
  expect(error.message).to.include(bad.message);
  expect(error.message.startsWith(`line ${bad.at}: `), error.message).to.equal(true);
}

describe('parser: errors', () => {
  describe('statements', () => {
    for (const bad of BAD_STATEMENTS)
      it(`${JSON.stringify(bad.sql)} fails at ${bad.at}`, () => check(parseStatement, bad));
  });
  describe('expressions', () => {
    for (const bad of BAD_EXPRESSIONS)
      it(`${JSON.stringify(bad.sql)} fails at ${bad.at}`, () => check(parseExpression, bad));
  });

  it('has at least 40 cases', () => {
    expect(BAD_STATEMENTS.length + BAD_EXPRESSIONS.length).to.be.at.least(40);
  });
});
