/**
 * Joins of every type over the shop catalog: keys with NULLs and duplicates, residual
 * conditions, USING, comma joins, outer joins turned inner by a WHERE, empty build sides.
 * Expected rows were checked against PostgreSQL where the two agree on semantics.
 */
import { expect } from 'chai';
import { runCases, type Case } from './support/cases.js';
import { registryOf } from './support/connector.js';
import { plan, runLocal, runPlan } from './support/run.js';
import { FACT_ROWS, starConnector } from './support/star.js';

const CASES: Case[] = [
  {
    sql: 'SELECT o.id, c.region FROM orders o JOIN customers c ON o.customer = c.name ORDER BY 1, 2',
    rows: [
      [1, 'north'],
      [2, 'east'],
      [2, 'south'],
      [3, 'north'],
      [4, null],
      [6, 'east'],
      [6, 'south'],
      [9, 'north'],
    ],
  },
  {
    sql: 'SELECT o.id, c.name, c.region FROM orders o LEFT JOIN customers c ON o.customer = c.name ORDER BY 1, 3',
    rows: [
      [1, 'alice', 'north'],
      [2, 'bob', 'east'],
      [2, 'bob', 'south'],
      [3, 'alice', 'north'],
      [4, 'carol', null],
      [5, null, null],
      [6, 'bob', 'east'],
      [6, 'bob', 'south'],
      [7, null, null],
      [8, null, null],
      [9, 'alice', 'north'],
      [10, null, null],
    ],
  },
  {
    sql: 'SELECT o.id, c.name, c.tier FROM orders o RIGHT JOIN customers c ON o.customer = c.name ORDER BY 3, 2, 1',
    rows: [
      [1, 'alice', 1],
      [3, 'alice', 1],
      [9, 'alice', 1],
      [4, 'carol', 1],
      [2, 'bob', 2],
      [6, 'bob', 2],
      [null, null, 2],
      [2, 'bob', 3],
      [6, 'bob', 3],
      [null, 'erin', 3],
    ],
  },
  {
    sql: 'SELECT o.id, c.name, c.tier FROM orders o FULL JOIN customers c ON o.customer = c.name ORDER BY 1, 2, 3',
    rows: [
      [1, 'alice', 1],
      [2, 'bob', 2],
      [2, 'bob', 3],
      [3, 'alice', 1],
      [4, 'carol', 1],
      [5, null, null],
      [6, 'bob', 2],
      [6, 'bob', 3],
      [7, null, null],
      [8, null, null],
      [9, 'alice', 1],
      [10, null, null],
      [null, 'erin', 3],
      [null, null, 2],
    ],
  },
  {
    sql: 'SELECT c.name, r.label FROM customers c FULL OUTER JOIN regions r ON c.region = r.code ORDER BY 1, 2',
    rows: [
      ['alice', 'North'],
      ['bob', 'East'],
      ['bob', 'South'],
      ['carol', null],
      ['erin', 'East'],
      [null, 'Nowhere'],
      [null, 'Unknown'],
      [null, null],
    ],
  },
  { sql: 'SELECT count(*) FROM orders CROSS JOIN regions', rows: [[50]], unordered: true },
  {
    sql: "SELECT o.id, r.code FROM orders o, regions r WHERE o.id < 3 AND r.code LIKE 'n%' ORDER BY 1, 2",
    rows: [
      [1, 'north'],
      [1, 'nowhere'],
      [2, 'north'],
      [2, 'nowhere'],
    ],
  },
  {
    sql: 'SELECT o.id, c.tier FROM orders o JOIN customers c ON o.customer = c.name AND c.tier > 1 ORDER BY 1, 2',
    rows: [
      [2, 2],
      [2, 3],
      [6, 2],
      [6, 3],
    ],
  },
  {
    sql: 'SELECT o.id, c.tier FROM orders o LEFT JOIN customers c ON o.customer = c.name AND c.tier > 1 ORDER BY 1, 2',
    rows: [
      [1, null],
      [2, 2],
      [2, 3],
      [3, null],
      [4, null],
      [5, null],
      [6, 2],
      [6, 3],
      [7, null],
      [8, null],
      [9, null],
      [10, null],
    ],
  },
  {
    sql: 'SELECT o.id, c.tier FROM orders o LEFT JOIN customers c ON o.customer = c.name AND o.qty > 2 ORDER BY 1, 2',
    rows: [
      [1, null],
      [2, null],
      [3, 1],
      [4, 1],
      [5, null],
      [6, 2],
      [6, 3],
      [7, null],
      [8, null],
      [9, 1],
      [10, null],
    ],
  },
  {
    sql: 'SELECT o.id, c.tier FROM orders o JOIN customers c ON o.qty > c.tier * 3 ORDER BY 1, 2',
    rows: [
      [4, 1],
      [4, 1],
      [6, 1],
      [6, 1],
      [6, 2],
      [6, 2],
      [6, 3],
      [6, 3],
      [7, 1],
      [7, 1],
      [9, 1],
      [9, 1],
      [9, 2],
      [9, 2],
    ],
  },
  {
    sql: 'SELECT o.id, c.tier FROM orders o LEFT JOIN customers c ON o.qty > c.tier * 3 ORDER BY 1, 2',
    rows: [
      [1, null],
      [2, null],
      [3, null],
      [4, 1],
      [4, 1],
      [5, null],
      [6, 1],
      [6, 1],
      [6, 2],
      [6, 2],
      [6, 3],
      [6, 3],
      [7, 1],
      [7, 1],
      [8, null],
      [9, 1],
      [9, 1],
      [9, 2],
      [9, 2],
      [10, null],
    ],
  },
  {
    sql: 'SELECT o.id, c.tier FROM orders o FULL JOIN customers c ON o.qty = c.tier + 8 ORDER BY 1, 2',
    rows: [
      [1, null],
      [2, null],
      [3, null],
      [4, null],
      [5, null],
      [6, 2],
      [6, 2],
      [7, null],
      [8, null],
      [9, null],
      [10, null],
      [null, 1],
      [null, 1],
      [null, 3],
      [null, 3],
    ],
  },
  {
    sql: 'SELECT name, region, tier, label FROM customers JOIN regions ON region = code ORDER BY 1, 2',
    rows: [
      ['alice', 'north', 1, 'North'],
      ['bob', 'east', 3, 'East'],
      ['bob', 'south', 2, 'South'],
      ['erin', 'east', 3, 'East'],
    ],
  },
  {
    sql: 'SELECT * FROM customers c JOIN (SELECT code AS region, label FROM regions) r USING (region) ORDER BY 1, 2',
    rows: [
      ['east', 'bob', 3, 'East'],
      ['east', 'erin', 3, 'East'],
      ['north', 'alice', 1, 'North'],
      ['south', 'bob', 2, 'South'],
    ],
  },
  {
    sql: 'SELECT region, c.name, r.label FROM customers c FULL JOIN (SELECT code AS region, label FROM regions) r USING (region) ORDER BY 1, 2',
    rows: [
      ['east', 'bob', 'East'],
      ['east', 'erin', 'East'],
      ['north', 'alice', 'North'],
      ['nowhere', null, 'Nowhere'],
      ['south', 'bob', 'South'],
      ['west', null, null],
      [null, 'carol', null],
      [null, null, 'Unknown'],
    ],
  },
  {
    sql: 'SELECT o.id, c.name FROM orders o LEFT JOIN customers c ON o.customer = c.name WHERE c.name IS NULL ORDER BY 1',
    rows: [
      [5, null],
      [7, null],
      [8, null],
      [10, null],
    ],
  },
  {
    sql: "SELECT o.id, c.region FROM orders o LEFT JOIN customers c ON o.customer = c.name WHERE c.region = 'east' ORDER BY 1",
    rows: [
      [2, 'east'],
      [6, 'east'],
    ],
  },
  {
    sql: 'SELECT a.id, b.id FROM orders a JOIN orders b ON a.placed = b.placed AND a.id < b.id ORDER BY 1',
    rows: [[1, 10]],
  },
  {
    sql: 'SELECT o.customer, count(*), sum(c.tier) FROM orders o JOIN customers c ON o.customer = c.name GROUP BY o.customer ORDER BY 1',
    rows: [
      ['alice', 3, 3],
      ['bob', 4, 10],
      ['carol', 1, 1],
    ],
  },
  {
    sql: 'SELECT r.label, count(o.id) FROM regions r LEFT JOIN customers c ON c.region = r.code LEFT JOIN orders o ON o.customer = c.name GROUP BY r.label ORDER BY 1',
    rows: [
      ['East', 2],
      ['North', 3],
      ['Nowhere', 0],
      ['South', 2],
      ['Unknown', 0],
    ],
  },
  {
    sql: 'SELECT o.id, c.tier, r.label FROM orders o, customers c, regions r WHERE o.customer = c.name AND c.region = r.code ORDER BY 1, 2',
    rows: [
      [1, 1, 'North'],
      [2, 2, 'South'],
      [2, 3, 'East'],
      [3, 1, 'North'],
      [6, 2, 'South'],
      [6, 3, 'East'],
      [9, 1, 'North'],
    ],
  },
  {
    sql: 'SELECT n.n, b.v FROM nums n JOIN big b ON n.n = b.v ORDER BY 1',
    rows: [
      [1, 1],
      [2, 2],
      [2, 2],
    ],
  },
  { sql: 'SELECT a.g, b.g FROM nums a JOIN nums b ON a.x = b.x AND a.n <> b.n ORDER BY 1, 2', rows: [] },
  { sql: 'SELECT count(*) FROM orders o JOIN empty e ON o.qty = e.x', rows: [[0]], unordered: true },
  {
    sql: 'SELECT o.id FROM orders o LEFT JOIN empty e ON o.qty = e.x WHERE e.x IS NULL ORDER BY 1',
    rows: [[1], [2], [3], [4], [5], [6], [7], [8], [9], [10]],
  },
  {
    sql: 'SELECT count(*), count(e.x) FROM empty e RIGHT JOIN orders o ON o.qty = e.x',
    rows: [[10, 0]],
    unordered: true,
  },
];

describe('joins', () => runCases(CASES));

describe('joins: many matches per row (pair batches past a page)', () => {
  it('counts every pair of a many-to-many join, with and without a residual condition', async () => {
    // a takes 10 values over 2000 rows: 200 × 200 pairs per value
    // expected counts by brute force over fact(id, a = id % 10)
    const ids = Array.from({ length: FACT_ROWS }, (_, i) => i);
    const pairs = (cond: (f: number, g: number) => boolean) =>
      ids.reduce((n, f) => n + ids.filter((g) => f % 10 === g % 10 && cond(f, g)).length, 0);
    const matched = (cond: (f: number, g: number) => boolean) =>
      ids.filter((f) => ids.some((g) => f % 10 === g % 10 && cond(f, g))).length;
    const far = (f: number, g: number) => f + 1980 < g;
    const cases: [string, number[][]][] = [
      ['SELECT count(*) FROM fact f JOIN fact g ON f.a = g.a', [[pairs(() => true)]]],
      ['SELECT count(*) FROM fact f JOIN fact g ON f.a = g.a AND f.id < g.id', [[pairs((f, g) => f < g)]]],
      [
        'SELECT count(*), count(g.id) FROM fact f LEFT JOIN fact g ON f.a = g.a AND f.id + 1980 < g.id',
        [[pairs(far) + FACT_ROWS - matched(far), pairs(far)]],
      ],
      [
        'SELECT count(*), count(g.id) FROM fact g RIGHT JOIN fact f ON f.a = g.a AND g.id + 1980 < f.id',
        [[pairs(far) + FACT_ROWS - matched(far), pairs(far)]],
      ],
    ];
    for (const [sql, rows] of cases) {
      expect((await runLocal(sql, starConnector())).rows, sql).to.deep.equal(rows);
      const connector = starConnector();
      const variants: Record<string, string>[] = [{}, { join_distribution_type: 'PARTITIONED' }];
      for (const properties of variants) {
        const result = await runPlan(await plan(sql, connector, properties), registryOf(connector), 3);
        expect(result.rows, `${sql} ${JSON.stringify(properties)}`).to.deep.equal(rows);
      }
    }
  });
});
