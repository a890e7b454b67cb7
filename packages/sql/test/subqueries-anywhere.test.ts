/**
 * Subqueries anywhere in an expression: inside arithmetic, CASE, function arguments, HAVING
 * expressions, aggregate and window function arguments, FILTER clauses, the ON condition of an
 * inner join and VALUES rows — uncorrelated, and correlated where decorrelation handles it. Each
 * query is checked against an equivalent one without the subquery (its value written out, or the
 * subquery moved where it was supported before), locally and distributed over 1 and 3 partitions;
 * what is still unsupported fails with NOT_SUPPORTED at the subquery's line and column.
 */
import { expect } from 'chai';
import { asyncErrorOf } from './support/errors.js';
import { runDistributed, runLocal, unordered, type Result } from './support/run.js';

interface Pair {
  readonly name: string;
  readonly sql: string;
  /** The same question without the subquery in that position. */
  readonly same: string;
}

const PAIRS: Pair[] = [
  {
    name: 'HAVING arithmetic over a scalar subquery (the reported query)',
    sql: 'SELECT count(*) FROM orders HAVING count(*) > (SELECT 1) + 0',
    same: 'SELECT count(*) FROM orders HAVING count(*) > 1',
  },
  {
    name: 'HAVING with the subquery on the left, grouped',
    sql: 'SELECT customer, count(*) FROM orders GROUP BY customer HAVING (SELECT 1) * 2 - 1 < count(*)',
    same: 'SELECT customer, count(*) FROM orders GROUP BY customer HAVING 1 < count(*)',
  },
  {
    name: 'a subquery in arithmetic next to a grouping key',
    sql: 'SELECT customer, (SELECT 10) + max(id), (SELECT 1) + 0 FROM orders GROUP BY customer',
    same: 'SELECT customer, 10 + max(id), 1 FROM orders GROUP BY customer',
  },
  {
    name: 'CASE conditions and results',
    sql: "SELECT id, CASE WHEN id > (SELECT 5) THEN 'big' ELSE (SELECT 'small') END FROM orders",
    same: "SELECT id, CASE WHEN id > 5 THEN 'big' ELSE 'small' END FROM orders",
  },
  {
    name: 'function arguments: abs, coalesce, nullif, if',
    sql: 'SELECT id, abs((SELECT -3) * id), coalesce(nullif(id, (SELECT 3)), 0), if(id > (SELECT 5), 1, 0) FROM orders',
    same: 'SELECT id, abs(-3 * id), coalesce(nullif(id, 3), 0), if(id > 5, 1, 0) FROM orders',
  },
  {
    name: 'aggregate arguments and FILTER',
    sql: 'SELECT sum(id + (SELECT 1)), count(*) FILTER (WHERE id > (SELECT 5)) FROM orders',
    same: 'SELECT sum(id + 1), count(*) FILTER (WHERE id > 5) FROM orders',
  },
  {
    name: 'a correlated scalar subquery in an aggregate argument',
    sql: "SELECT sum((SELECT max(tier) FROM customers c WHERE c.name = o.customer)) FROM orders o WHERE customer <> 'bob'",
    same: "SELECT sum(t) FROM orders o LEFT JOIN (SELECT name, max(tier) t FROM customers GROUP BY name) c ON c.name = o.customer WHERE customer <> 'bob'",
  },
  {
    name: 'window function arguments',
    sql: 'SELECT id, sum(id * (SELECT 2)) OVER (PARTITION BY customer) FROM orders',
    same: 'SELECT id, sum(id * 2) OVER (PARTITION BY customer) FROM orders',
  },
  {
    name: 'a correlated subquery in HAVING arithmetic',
    sql: 'SELECT customer, max(id) FROM orders o GROUP BY customer HAVING max(id) > (SELECT min(tier) FROM customers c WHERE c.name = o.customer) + 5',
    same: 'SELECT customer, max(id) FROM orders o GROUP BY customer HAVING max(id) > 6 AND customer IN (SELECT name FROM customers WHERE tier = 1)',
  },
  {
    name: 'ORDER BY arithmetic over a subquery and an aggregate',
    sql: 'SELECT customer FROM orders GROUP BY customer ORDER BY (SELECT 1) + count(*), customer',
    same: 'SELECT customer FROM orders GROUP BY customer ORDER BY count(*), customer',
  },
  {
    name: 'the ON condition of an inner join',
    sql: 'SELECT o.id, c.tier FROM orders o JOIN customers c ON o.customer = c.name AND c.tier = (SELECT min(tier) FROM customers)',
    same: 'SELECT o.id, c.tier FROM orders o JOIN customers c ON o.customer = c.name AND c.tier = 1',
  },
  {
    name: 'a correlated EXISTS in the ON condition of an inner join',
    sql: 'SELECT o.id, c.name FROM orders o JOIN customers c ON o.customer = c.name AND EXISTS (SELECT 1 FROM regions r WHERE r.code = c.region)',
    same: 'SELECT o.id, c.name FROM orders o JOIN customers c ON o.customer = c.name WHERE c.region IN (SELECT code FROM regions)',
  },
  {
    name: 'VALUES rows',
    sql: 'SELECT * FROM (VALUES (1, (SELECT max(id) FROM orders)), ((SELECT 2) + 1, 7)) t(a, b)',
    same: 'SELECT * FROM (VALUES (1, 10), (3, 7)) t(a, b)',
  },
  {
    name: 'IN and EXISTS inside arithmetic and CASE',
    sql: 'SELECT id, CASE WHEN customer IN (SELECT name FROM customers WHERE tier = 1) THEN 1 ELSE 0 END + CASE WHEN EXISTS (SELECT 1 FROM empty) THEN 10 ELSE 0 END FROM orders',
    same: "SELECT id, CASE WHEN customer IN ('alice', 'carol') THEN 1 ELSE 0 END FROM orders",
  },
];

const sorted = (r: Result) => unordered(r.rows);

describe('subqueries anywhere in an expression', function () {
  this.timeout(30_000);

  for (const p of PAIRS) {
    it(p.name, async () => {
      const expected = sorted(await runLocal(p.same));
      expect(expected, 'the reference query has rows').to.not.deep.equal([]);
      expect(sorted(await runLocal(p.sql)), 'local').to.deep.equal(expected);
      for (const partitions of [1, 3])
        expect(sorted(await runDistributed(p.sql, partitions)), `over ${partitions}`).to.deep.equal(expected);
    });
  }

  it('keeps ORDER BY over a subquery in arithmetic in order', async () => {
    const r = await runLocal('SELECT id FROM orders ORDER BY (SELECT 1) * id DESC LIMIT 3');
    expect(r.rows).to.deep.equal([[10], [9], [8]]);
  });

  it('refuses subqueries in the ON condition of an outer join, at the subquery', async () => {
    const sql =
      'SELECT o.id FROM orders o\nLEFT JOIN customers c ON o.customer = c.name AND c.tier IN (SELECT 1)';
    const e = await asyncErrorOf(() => runLocal(sql));
    expect(e.code).to.equal('NOT_SUPPORTED');
    expect(e.message).to.contain('LEFT join');
    expect(e.location, 'the IN predicate').to.deep.equal({ line: 2, column: 50 });
  });

  it('refuses subqueries where no clause takes them, at the subquery', async () => {
    const sql = 'SELECT id FROM orders UNION SELECT id FROM orders\nORDER BY (SELECT 1) + id';
    const e = await asyncErrorOf(() => runLocal(sql));
    expect(e.code).to.equal('NOT_SUPPORTED');
    expect(e.message).to.match(/^line 2:10: Subqueries are not supported in this position/);
  });
});
