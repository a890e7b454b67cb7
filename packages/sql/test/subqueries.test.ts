/**
 * Subqueries: IN and NOT IN with SQL's NULL semantics, EXISTS and NOT EXISTS (correlated, with
 * residual conditions), scalar subqueries (uncorrelated and correlated, count over no rows), quantified
 * comparisons, nesting, subqueries in HAVING and in an aggregated select list.
 * Expected rows were checked against PostgreSQL where the two agree on semantics.
 */
import { expect } from 'chai';
import { runCases, type Case } from './support/cases.js';
import { asyncErrorOf } from './support/errors.js';
import { runDistributed, runLocal } from './support/run.js';

const CASES: Case[] = [
  {
    sql: 'SELECT id FROM orders WHERE customer IN (SELECT name FROM customers) ORDER BY 1',
    rows: [[1], [2], [3], [4], [6], [9]],
  },
  { sql: 'SELECT id FROM orders WHERE customer NOT IN (SELECT name FROM customers) ORDER BY 1', rows: [] },
  {
    sql: 'SELECT id FROM orders WHERE customer NOT IN (SELECT name FROM customers WHERE name IS NOT NULL) ORDER BY 1',
    rows: [[7], [10]],
  },
  {
    sql: 'SELECT id, customer IN (SELECT name FROM customers) FROM orders ORDER BY 1',
    rows: [
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, null],
      [6, true],
      [7, null],
      [8, null],
      [9, true],
      [10, null],
    ],
  },
  {
    sql: 'SELECT id, customer NOT IN (SELECT name FROM customers WHERE tier > 1) FROM orders ORDER BY 1',
    rows: [
      [1, null],
      [2, false],
      [3, null],
      [4, null],
      [5, null],
      [6, false],
      [7, null],
      [8, null],
      [9, null],
      [10, null],
    ],
  },
  {
    sql: 'SELECT id, qty IN (SELECT x FROM empty) FROM orders ORDER BY 1',
    rows: [
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
      [6, false],
      [7, false],
      [8, false],
      [9, false],
      [10, false],
    ],
  },
  {
    sql: 'SELECT id FROM orders o WHERE EXISTS (SELECT 1 FROM customers c WHERE c.name = o.customer) ORDER BY 1',
    rows: [[1], [2], [3], [4], [6], [9]],
  },
  {
    sql: 'SELECT id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.name = o.customer) ORDER BY 1',
    rows: [[5], [7], [8], [10]],
  },
  {
    sql: 'SELECT id FROM orders o WHERE EXISTS (SELECT * FROM customers c WHERE c.name = o.customer AND c.tier > o.qty) ORDER BY 1',
    rows: [[2]],
  },
  {
    sql: 'SELECT id FROM orders o WHERE NOT EXISTS (SELECT * FROM customers c WHERE c.name = o.customer AND c.tier > o.qty) ORDER BY 1',
    rows: [[1], [3], [4], [5], [6], [7], [8], [9], [10]],
  },
  { sql: 'SELECT id FROM orders WHERE EXISTS (SELECT 1 FROM empty) ORDER BY 1', rows: [] },
  {
    sql: 'SELECT id FROM orders WHERE NOT EXISTS (SELECT 1 FROM empty) AND id < 4 ORDER BY 1',
    rows: [[1], [2], [3]],
  },
  {
    sql: 'SELECT id, (SELECT max(tier) FROM customers) FROM orders WHERE id < 3 ORDER BY 1',
    rows: [
      [1, 3],
      [2, 3],
    ],
  },
  {
    sql: 'SELECT id, (SELECT max(tier) FROM customers c WHERE c.name = o.customer) FROM orders o ORDER BY 1',
    rows: [
      [1, 1],
      [2, 3],
      [3, 1],
      [4, 1],
      [5, null],
      [6, 3],
      [7, null],
      [8, null],
      [9, 1],
      [10, null],
    ],
  },
  {
    sql: 'SELECT id, (SELECT count(*) FROM customers c WHERE c.name = o.customer) FROM orders o ORDER BY 1',
    rows: [
      [1, 1],
      [2, 2],
      [3, 1],
      [4, 1],
      [5, 0],
      [6, 2],
      [7, 0],
      [8, 0],
      [9, 1],
      [10, 0],
    ],
  },
  {
    sql: 'SELECT id, (SELECT count(*) + 10 FROM customers c WHERE c.name = o.customer) FROM orders o ORDER BY 1',
    rows: [
      [1, 11],
      [2, 12],
      [3, 11],
      [4, 11],
      [5, 10],
      [6, 12],
      [7, 10],
      [8, 10],
      [9, 11],
      [10, 10],
    ],
  },
  {
    sql: "SELECT id, (SELECT region FROM customers c WHERE c.name = o.customer) FROM orders o WHERE customer <> 'bob' ORDER BY 1",
    rows: [
      [1, 'north'],
      [3, 'north'],
      [4, null],
      [7, null],
      [9, 'north'],
      [10, null],
    ],
  },
  {
    sql: 'SELECT id FROM orders o WHERE qty > (SELECT avg(tier) FROM customers c WHERE c.name = o.customer) ORDER BY 1',
    rows: [[1], [3], [4], [6], [9]],
  },
  { sql: 'SELECT id FROM orders WHERE amount > (SELECT avg(amount) FROM orders) ORDER BY 1', rows: [[7]] },
  { sql: 'SELECT (SELECT x FROM empty)', rows: [[null]], unordered: true },
  {
    sql: 'SELECT id FROM orders WHERE qty > ALL (SELECT tier FROM customers) ORDER BY 1',
    rows: [[4], [6], [7], [9]],
  },
  {
    sql: 'SELECT id FROM orders WHERE qty < ANY (SELECT tier FROM customers) ORDER BY 1',
    rows: [[1], [2], [5], [10]],
  },
  {
    sql: 'SELECT id, qty >= ALL (SELECT n FROM nums) FROM orders ORDER BY 1',
    rows: [
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
      [6, null],
      [7, false],
      [8, null],
      [9, false],
      [10, false],
    ],
  },
  {
    sql: 'SELECT id, qty <= ANY (SELECT n FROM nums) FROM orders ORDER BY 1',
    rows: [
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
      [6, null],
      [7, true],
      [8, null],
      [9, true],
      [10, true],
    ],
  },
  {
    sql: 'SELECT id, qty = ANY (SELECT n FROM nums) FROM orders ORDER BY 1',
    rows: [
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
      [6, null],
      [7, null],
      [8, null],
      [9, true],
      [10, true],
    ],
  },
  {
    sql: 'SELECT id, qty <> ALL (SELECT n FROM nums) FROM orders ORDER BY 1',
    rows: [
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
      [6, null],
      [7, null],
      [8, null],
      [9, false],
      [10, false],
    ],
  },
  {
    sql: 'SELECT id, qty = ALL (SELECT n FROM nums WHERE n = 2) FROM orders ORDER BY 1',
    rows: [
      [1, true],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
      [6, false],
      [7, false],
      [8, null],
      [9, false],
      [10, true],
    ],
  },
  {
    sql: 'SELECT id, qty <> ANY (SELECT n FROM nums WHERE n = 2) FROM orders ORDER BY 1',
    rows: [
      [1, false],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
      [6, true],
      [7, true],
      [8, null],
      [9, true],
      [10, false],
    ],
  },
  {
    sql: 'SELECT id, qty > ALL (SELECT x FROM empty), qty > ANY (SELECT x FROM empty) FROM orders ORDER BY 1',
    rows: [
      [1, true, false],
      [2, true, false],
      [3, true, false],
      [4, true, false],
      [5, true, false],
      [6, true, false],
      [7, true, false],
      [8, true, false],
      [9, true, false],
      [10, true, false],
    ],
  },
  {
    sql: 'SELECT g, (SELECT count(*) FROM nums m WHERE m.g = n.g) FROM nums n GROUP BY g ORDER BY 1',
    rows: [
      ['a', 3],
      ['b', 2],
      ['c', 3],
      [null, 0],
    ],
  },
  {
    sql: 'SELECT customer, sum(qty) FROM orders GROUP BY customer HAVING sum(qty) > (SELECT avg(qty) FROM orders) ORDER BY 1',
    rows: [
      ['alice', 12],
      ['bob', 11],
      ['carol', 5],
      ['dave', 4],
    ],
  },
  {
    sql: 'SELECT name FROM customers c WHERE name IN (SELECT customer FROM orders o WHERE o.qty > c.tier) ORDER BY 1',
    rows: [['alice'], ['bob'], ['bob'], ['carol']],
  },
  {
    sql: 'SELECT name FROM customers c WHERE name NOT IN (SELECT customer FROM orders o WHERE o.qty > c.tier * 2) ORDER BY 1',
    rows: [['erin']],
  },
  {
    sql: 'SELECT id FROM orders WHERE id IN (SELECT n FROM nums WHERE n IN (SELECT tier FROM customers)) ORDER BY 1',
    rows: [[1], [2], [3]],
  },
  {
    sql: 'SELECT n FROM nums n1 WHERE EXISTS (SELECT 1 FROM nums n2 WHERE n2.g = n1.g AND n2.n > n1.n AND EXISTS (SELECT 1 FROM nums n3 WHERE n3.n = n2.n + 1)) ORDER BY 1',
    rows: [[1], [5], [6]],
  },
];

describe('subqueries', () => runCases(CASES));

describe('subqueries: errors', () => {
  const cases: [string, string, RegExp][] = [
    [
      'SELECT (SELECT name FROM customers)',
      'INVALID_ARGUMENTS',
      /^Scalar sub-query has returned multiple rows$/,
    ],
    [
      'SELECT id, (SELECT region FROM customers c WHERE c.name = o.customer) FROM orders o',
      'INVALID_ARGUMENTS',
      /^Scalar sub-query has returned multiple rows$/,
    ],
    [
      'SELECT id FROM orders WHERE customer IN (SELECT name, region FROM customers)',
      'TYPE_MISMATCH',
      /exactly one column/,
    ],
    [
      'SELECT id FROM orders WHERE id = (SELECT name FROM customers LIMIT 1)',
      'TYPE_MISMATCH',
      /Cannot apply operator/,
    ],
    [
      'SELECT (SELECT c.tier FROM customers c WHERE c.tier < o.qty) FROM orders o',
      'NOT_SUPPORTED',
      /without aggregation are only supported with equality conditions/,
    ],
    [
      'SELECT (SELECT o.qty FROM customers c WHERE c.name = o.customer) FROM orders o',
      'NOT_SUPPORTED',
      /only supported in the WHERE clause/,
    ],
    [
      'SELECT id FROM orders WHERE EXISTS (SELECT 1 FROM customers c WHERE c.nope = 1)',
      'COLUMN_NOT_FOUND',
      /nope/,
    ],
  ];
  for (const [sql, code, message] of cases) {
    it(sql, async () => {
      for (const run of [runLocal, (s: string) => runDistributed(s, 3)]) {
        const e = await asyncErrorOf(() => run(sql));
        expect(e.code, e.message).to.equal(code);
        expect(e.message.replace(/^line \d+:\d+: /, '')).to.match(message);
      }
    });
  }

  it('raises the several-rows error only for outer rows that reach the value', async () => {
    const sql =
      "SELECT id, (SELECT region FROM customers c WHERE c.name = o.customer) FROM orders o WHERE customer <> 'bob' ORDER BY 1";
    expect((await runLocal(sql)).rows).to.deep.equal([
      [1, 'north'],
      [3, 'north'],
      [4, null],
      [7, null],
      [9, 'north'],
      [10, null],
    ]);
  });
});
