/**
 * Whole queries over the in-memory catalog, run twice: as one operator tree, and as distributed
 * fragments whose pages cross stages through the serde and hash partitioning. Both must give the
 * expected rows, as a client would see them.
 */
import { expect } from 'chai';
import type { ExternalValue } from '../src/types/values.js';
import { asyncErrorOf } from './support/errors.js';
import { runDistributed, runLocal, unordered } from './support/run.js';

interface Case {
  readonly sql: string;
  readonly rows: ExternalValue[][];
  /** Compare ignoring row order (no ORDER BY). */
  readonly unordered?: boolean;
}

const CASES: Case[] = [
  {
    sql: 'SELECT id, customer, amount FROM orders WHERE shipped ORDER BY id',
    rows: [
      [1, 'alice', '10.50'],
      [3, 'alice', '3.99'],
      [6, 'bob', '123.45'],
      [7, 'dave', '9999.99'],
      [10, 'élodie', '2.50'],
    ],
  },
  {
    sql: 'SELECT customer, count(*), count(amount), sum(amount), avg(amount), min(placed), max(qty) FROM orders GROUP BY customer ORDER BY customer',
    rows: [
      ['alice', 3, 3, '15.49', '5.16', '2023-12-31', 7],
      ['bob', 2, 2, '143.45', '71.73', '2024-01-17', 10],
      ['carol', 1, 0, null, null, '2024-02-14', 5],
      ['dave', 1, 1, '9999.99', '9999.99', '2024-03-31', 4],
      ['élodie', 1, 1, '2.50', '2.50', '2024-01-05', 2],
      [null, 2, 1, '0.01', '0.01', '2024-02-29', 1],
    ],
  },
  {
    sql: 'SELECT count(*), count(customer), sum(amount), avg(amount), sum(qty), min(price), max(price) FROM orders',
    rows: [[10, 8, '10161.44', '1270.18', 35, 0.01, 2499.9975]],
  },
  {
    sql: 'SELECT shipped, sum(qty) FROM orders GROUP BY shipped',
    rows: [
      [true, 21],
      [false, 9],
      [null, 5],
    ],
    unordered: true,
  },
  {
    sql: 'SELECT customer, count(*) FROM orders GROUP BY customer HAVING count(*) > 1 ORDER BY customer',
    rows: [
      ['alice', 3],
      ['bob', 2],
      [null, 2],
    ],
  },
  {
    sql: 'SELECT customer, sum(amount) AS s FROM orders GROUP BY customer HAVING sum(amount) > 10 ORDER BY s DESC LIMIT 2',
    rows: [
      ['dave', '9999.99'],
      ['bob', '143.45'],
    ],
  },
  {
    sql: "SELECT count(*) FILTER (WHERE shipped), count(amount) FILTER (WHERE qty > 2), sum(qty) FILTER (WHERE customer = 'alice') FROM orders",
    rows: [[5, 4, 12]],
  },
  {
    sql: 'SELECT year(placed), count(*) FROM orders GROUP BY year(placed) ORDER BY 1',
    rows: [
      [2023, 1],
      [2024, 8],
      [null, 1],
    ],
  },
  {
    sql: 'SELECT month(placed) AS m, count(*) FROM orders GROUP BY 1 ORDER BY m DESC NULLS FIRST',
    rows: [
      [null, 1],
      [12, 1],
      [3, 2],
      [2, 3],
      [1, 3],
    ],
  },
  {
    sql: 'SELECT qty % 2 = 0 AS even, count(*) FROM orders GROUP BY qty % 2 = 0 ORDER BY 1',
    rows: [
      [false, 5],
      [true, 4],
      [null, 1],
    ],
  },
  {
    sql: "SELECT count(*) FROM orders WHERE placed >= date '2024-02-01' AND placed < date '2024-02-01' + interval '1' month",
    rows: [[3]],
  },
  {
    sql: 'SELECT id, price FROM orders ORDER BY price DESC LIMIT 3',
    rows: [
      [7, 2499.9975],
      [2, 20],
      [6, 12.345],
    ],
  },
  { sql: 'SELECT id FROM orders ORDER BY id OFFSET 3 LIMIT 4', rows: [[4], [5], [6], [7]] },
  { sql: 'SELECT id FROM orders ORDER BY id DESC OFFSET 8', rows: [[2], [1]] },
  { sql: 'SELECT id FROM orders ORDER BY id LIMIT 0', rows: [] },
  {
    sql: 'SELECT DISTINCT shipped FROM orders',
    rows: [[true], [false], [null]],
    unordered: true,
  },
  {
    sql: 'SELECT g, sum(v), sum(d), count(*), min(v), max(d) FROM big GROUP BY g ORDER BY g',
    rows: [
      ['a', '18014398509481986', '109007199254740991.01', 3, 2, '100000000000000000.00'],
      ['b', 0, '0.00', 2, -1, '0.01'],
      ['c', null, null, 1, null, null],
    ],
  },
  { sql: "SELECT sum(v) FROM big WHERE g = 'b'", rows: [[0]] },
  { sql: 'SELECT count(*), sum(x), max(x), avg(x) FROM empty', rows: [[0, null, null, null]] },
  { sql: 'SELECT x, count(*) FROM empty GROUP BY x', rows: [] },
  {
    sql: 'WITH t AS (SELECT customer, qty FROM orders WHERE qty > 3) SELECT customer, sum(qty) FROM t GROUP BY customer ORDER BY 2 DESC',
    rows: [
      ['bob', 10],
      ['alice', 7],
      ['carol', 5],
      ['dave', 4],
    ],
  },
  { sql: 'SELECT n + 1 FROM (SELECT count(*) AS n FROM orders)', rows: [[11]] },
  {
    sql: "SELECT 1 + 2, 'x' || 'y', CAST('2.50' AS decimal(4,2)), date '2024-01-31' + interval '1' month",
    rows: [[3, 'xy', '2.50', '2024-02-29']],
  },
  {
    sql: 'SELECT y, x FROM (VALUES (1, 2.5), (2, NULL), (3, -1)) AS t(x, y) ORDER BY y',
    rows: [
      ['-1.0', 3],
      ['2.5', 1],
      [null, 2],
    ],
  },
  {
    sql: "SELECT id, CASE WHEN amount > 100 THEN 'big' WHEN amount IS NULL THEN 'none' ELSE 'small' END FROM orders WHERE id IN (4, 6, 9) ORDER BY id",
    rows: [
      [4, 'none'],
      [6, 'big'],
      [9, 'small'],
    ],
  },
  {
    sql: "SELECT id FROM orders WHERE customer LIKE '%e' OR customer LIKE 'b_b' ORDER BY id",
    rows: [[1], [2], [3], [6], [7], [9], [10]],
  },
  { sql: 'SELECT id FROM orders WHERE customer IS NULL', rows: [[5], [8]], unordered: true },
  {
    sql: 'SELECT customer, qty * price FROM orders WHERE price IS NOT NULL AND qty * price > 100 ORDER BY 2',
    rows: [
      ['bob', 123.45],
      ['dave', 9999.99],
    ],
  },
];

describe('queries end to end', () => {
  for (const c of CASES) {
    it(c.sql, async () => {
      const expected = c.unordered ? unordered(c.rows) : c.rows;
      const local = await runLocal(c.sql);
      expect(c.unordered ? unordered(local.rows) : local.rows, 'local').to.deep.equal(expected);
      for (const partitions of [1, 3]) {
        const distributed = await runDistributed(c.sql, partitions);
        expect(distributed.columns, 'columns').to.deep.equal(local.columns);
        expect(
          c.unordered ? unordered(distributed.rows) : distributed.rows,
          `distributed over ${partitions}`,
        ).to.deep.equal(expected);
      }
    });
  }

  it('raises errors of evaluation from inside tasks', async () => {
    for (const run of [runLocal, (sql: string) => runDistributed(sql)]) {
      const e = await asyncErrorOf(() => run('SELECT 10 / (id - 1) FROM orders'));
      expect(e.code).to.equal('DIVISION_BY_ZERO');
      const cast = await asyncErrorOf(() =>
        run("SELECT CAST(customer AS integer) FROM orders WHERE customer = 'bob'"),
      );
      expect(cast.message).to.equal("Cannot cast 'bob' to INTEGER");
    }
  });

  it('returns every row of a scan spread over many splits', async () => {
    const result = await runDistributed('SELECT id FROM orders');
    expect(unordered(result.rows)).to.deep.equal(unordered(Array.from({ length: 10 }, (_, i) => [i + 1])));
  });
});
