/**
 * Subqueries that need more than one equality join to decorrelate: quantified comparisons against
 * correlated subqueries, EXISTS over an aggregation or with LIMIT, IN over a correlated aggregation,
 * correlated scalar subqueries with ORDER BY … LIMIT, with non-equality correlations (planned per
 * outer row), and in GROUP BY keys.
 * Expected rows were checked against PostgreSQL where the two agree on semantics.
 */
import { runCases, type Case } from './support/cases.js';

const CASES: Case[] = [
  {
    sql: 'SELECT name FROM customers c WHERE tier * 3 >= ALL (SELECT qty FROM orders o WHERE o.customer = c.name) ORDER BY 1',
    rows: [['erin'], [null]],
  },
  {
    sql: 'SELECT name, tier < ANY (SELECT qty FROM orders o WHERE o.customer = c.name), tier > ALL (SELECT qty FROM orders o WHERE o.customer = c.name AND o.qty > 3) FROM customers c ORDER BY 1, 2',
    rows: [
      ['alice', true, false],
      ['bob', true, false],
      ['bob', true, false],
      ['carol', true, false],
      ['erin', false, true],
      [null, false, true],
    ],
  },
  {
    sql: 'SELECT g, n, n >= ALL (SELECT m.n FROM nums m WHERE m.g = k.g) FROM nums k ORDER BY 1, 2',
    rows: [
      ['a', 1, false],
      ['a', 2, true],
      ['a', 2, true],
      ['b', 3, null],
      ['b', null, null],
      ['c', 5, false],
      ['c', 6, false],
      ['c', 7, true],
      [null, 8, true],
    ],
  },
  {
    sql: 'SELECT count(*) FROM customers c WHERE EXISTS (SELECT count(*) FROM orders o WHERE o.customer = c.name AND o.qty > 100)',
    rows: [[6]],
    unordered: true,
  },
  {
    sql: 'SELECT count(*) FROM customers c WHERE EXISTS (SELECT * FROM orders o WHERE o.customer = c.name LIMIT 1)',
    rows: [[4]],
    unordered: true,
  },
  {
    sql: 'SELECT count(*) FROM customers c WHERE EXISTS (SELECT * FROM orders o WHERE o.customer = c.name LIMIT 0)',
    rows: [[0]],
    unordered: true,
  },
  {
    sql: 'SELECT name, (SELECT id FROM orders o WHERE o.customer = c.name ORDER BY qty DESC, id LIMIT 1) FROM customers c ORDER BY 1, 2',
    rows: [
      ['alice', 9],
      ['bob', 6],
      ['bob', 6],
      ['carol', 4],
      ['erin', null],
      [null, null],
    ],
  },
  {
    sql: 'SELECT name FROM customers c WHERE tier IN (SELECT max(qty) - 1 FROM orders o WHERE o.customer = c.name) ORDER BY 1',
    rows: [],
  },
  {
    sql: 'SELECT id, (SELECT count(*) FROM customers c WHERE c.tier < o.qty) FROM orders o ORDER BY 1',
    rows: [
      [1, 2],
      [2, 0],
      [3, 4],
      [4, 6],
      [5, 0],
      [6, 6],
      [7, 6],
      [8, 0],
      [9, 6],
      [10, 2],
    ],
  },
  {
    sql: 'SELECT id, (SELECT max(c.tier) FROM customers c WHERE c.tier < o.qty AND c.name <> o.customer) FROM orders o ORDER BY 1',
    rows: [
      [1, 1],
      [2, null],
      [3, 2],
      [4, 3],
      [5, null],
      [6, 3],
      [7, 3],
      [8, null],
      [9, 3],
      [10, 1],
    ],
  },
  {
    sql: 'SELECT id FROM orders o WHERE qty > (SELECT sum(tier) FROM customers c WHERE c.tier <= o.id) ORDER BY 1',
    rows: [],
  },
  {
    sql: 'SELECT g, n, (SELECT count(*) + 1 FROM nums m WHERE m.g = n.g AND m.n < n.n) FROM nums n ORDER BY 1, 2',
    rows: [
      ['a', 1, 1],
      ['a', 2, 2],
      ['a', 2, 2],
      ['b', 3, 1],
      ['b', null, 1],
      ['c', 5, 1],
      ['c', 6, 2],
      ['c', 7, 3],
      [null, 8, 1],
    ],
  },
  {
    sql: 'SELECT (SELECT count(*) FROM customers c WHERE c.tier < o.qty) AS k, count(*) FROM orders o GROUP BY 1 ORDER BY 1',
    rows: [
      [0, 3],
      [2, 2],
      [4, 1],
      [6, 4],
    ],
  },
];

describe('subqueries: decorrelation beyond equalities', () => runCases(CASES));
