/**
 * UNION, INTERSECT and EXCEPT, DISTINCT and ALL, with type coercion; VALUES as a relation and
 * WITH column lists.
 * Expected rows were checked against PostgreSQL where the two agree on semantics.
 */
import { runCases, type Case } from './support/cases.js';

const CASES: Case[] = [
  {
    sql: 'SELECT customer FROM orders UNION SELECT name FROM customers ORDER BY 1',
    rows: [['alice'], ['bob'], ['carol'], ['dave'], ['erin'], ['élodie'], [null]],
  },
  {
    sql: 'SELECT customer FROM orders UNION ALL SELECT name FROM customers ORDER BY 1',
    rows: [
      ['alice'],
      ['alice'],
      ['alice'],
      ['alice'],
      ['bob'],
      ['bob'],
      ['bob'],
      ['bob'],
      ['carol'],
      ['carol'],
      ['dave'],
      ['erin'],
      ['élodie'],
      [null],
      [null],
      [null],
    ],
  },
  {
    sql: 'SELECT customer FROM orders INTERSECT SELECT name FROM customers ORDER BY 1',
    rows: [['alice'], ['bob'], ['carol'], [null]],
  },
  {
    sql: 'SELECT customer FROM orders EXCEPT SELECT name FROM customers ORDER BY 1',
    rows: [['dave'], ['élodie']],
  },
  { sql: 'SELECT name FROM customers EXCEPT SELECT customer FROM orders ORDER BY 1', rows: [['erin']] },
  {
    sql: 'SELECT customer FROM orders INTERSECT ALL SELECT name FROM customers ORDER BY 1',
    rows: [['alice'], ['bob'], ['bob'], ['carol'], [null]],
  },
  {
    sql: 'SELECT customer FROM orders EXCEPT ALL SELECT name FROM customers ORDER BY 1',
    rows: [['alice'], ['alice'], ['dave'], ['élodie'], [null]],
  },
  {
    sql: "SELECT n FROM nums INTERSECT ALL SELECT n FROM nums WHERE g <> 'c' ORDER BY 1",
    rows: [[1], [2], [2], [3], [null]],
  },
  {
    sql: "SELECT n FROM nums EXCEPT ALL SELECT n FROM nums WHERE g = 'a' ORDER BY 1",
    rows: [[3], [5], [6], [7], [8], [null]],
  },
  {
    sql: 'SELECT id, qty FROM orders WHERE id < 3 UNION ALL SELECT tier, 1.5 FROM customers ORDER BY 1, 2',
    rows: [
      [1, '1.5'],
      [1, '1.5'],
      [1, '2.0'],
      [2, '1.0'],
      [2, '1.5'],
      [2, '1.5'],
      [3, '1.5'],
      [3, '1.5'],
    ],
  },
  { sql: 'SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 ORDER BY 1 DESC', rows: [[3], [2], [1]] },
  {
    sql: 'SELECT count(*) FROM (SELECT 1 FROM orders UNION ALL SELECT 1 FROM customers) t',
    rows: [[16]],
    unordered: true,
  },
  {
    sql: 'SELECT count(*) FROM (SELECT customer FROM orders UNION SELECT region FROM customers) t',
    rows: [[10]],
    unordered: true,
  },
  {
    sql: 'SELECT x, count(*) FROM (SELECT g AS x FROM nums UNION ALL SELECT region FROM customers) t GROUP BY x ORDER BY 1',
    rows: [
      ['a', 3],
      ['b', 2],
      ['c', 3],
      ['east', 2],
      ['north', 1],
      ['south', 1],
      ['west', 1],
      [null, 2],
    ],
  },
  {
    sql: "SELECT a, b FROM (VALUES (1, 'a'), (2, 'b'), (NULL, 'c')) AS t (a, b) ORDER BY a",
    rows: [
      [1, 'a'],
      [2, 'b'],
      [null, 'c'],
    ],
  },
  { sql: 'WITH t (a, b) AS (VALUES (1, 2), (3, 4)) SELECT a + b FROM t ORDER BY 1', rows: [[3], [7]] },
  {
    sql: 'WITH t (a) AS (SELECT id FROM orders WHERE id < 4), u AS (SELECT a * 2 AS b FROM t) SELECT b FROM u ORDER BY 1',
    rows: [[2], [4], [6]],
  },
  { sql: 'SELECT * FROM (VALUES 1, 2, 3) v (x) WHERE x > 1 ORDER BY 1', rows: [[2], [3]] },
  {
    sql: "SELECT customer FROM orders INTERSECT SELECT name FROM customers UNION SELECT 'zed' ORDER BY 1",
    rows: [['alice'], ['bob'], ['carol'], ['zed'], [null]],
  },
  { sql: 'SELECT region FROM customers EXCEPT SELECT code FROM regions ORDER BY 1', rows: [['west']] },
];

describe('set operations', () => runCases(CASES));
