/**
 * Aggregates beyond the basics: DISTINCT aggregates (through MarkDistinct, so correct when split
 * into partial and final steps), stddev and variance, bool_and/bool_or/every, count_if,
 * approx_distinct (exact for few values), arbitrary, GROUPING SETS, ROLLUP, CUBE and grouping().
 * Expected rows were checked against PostgreSQL where the two agree on semantics.
 */
import { runCases, type Case } from './support/cases.js';

const CASES: Case[] = [
  {
    sql: 'SELECT count(DISTINCT customer), count(DISTINCT qty), count(*) FROM orders',
    rows: [[5, 7, 10]],
    unordered: true,
  },
  {
    sql: 'SELECT g, count(DISTINCT n), sum(DISTINCT n), sum(n), avg(DISTINCT x) FROM nums GROUP BY g ORDER BY 1',
    rows: [
      ['a', 2, 3, 5, 2],
      ['b', 1, 3, 3, 3.5],
      ['c', 3, 18, 18, 1.3333333333333333],
      [null, 1, 8, 8, 8],
    ],
  },
  {
    sql: 'SELECT count(DISTINCT n) FILTER (WHERE x > 1), count(DISTINCT g) FROM nums',
    rows: [[5, 3]],
    unordered: true,
  },
  {
    sql: 'SELECT g, stddev(x), stddev_pop(x), variance(x), var_pop(x), stddev_samp(n), var_samp(n) FROM nums GROUP BY g ORDER BY 1',
    rows: [
      ['a', 0.7071067811865476, 0.5, 0.5, 0.25, 0.5773502691896257, 0.3333333333333333],
      ['b', 0.7071067811865476, 0.5, 0.5, 0.25, null, null],
      ['c', 3.2145502536643185, 2.6246692913372702, 10.333333333333334, 6.888888888888889, 1, 1],
      [null, null, 0, null, 0, null, null],
    ],
  },
  {
    sql: 'SELECT bool_and(shipped), bool_or(shipped), every(qty > 0) FROM orders',
    rows: [[false, true, true]],
    unordered: true,
  },
  {
    sql: 'SELECT customer, bool_and(shipped), bool_or(shipped) FROM orders GROUP BY customer ORDER BY 1',
    rows: [
      ['alice', false, true],
      ['bob', false, true],
      ['carol', null, null],
      ['dave', true, true],
      ['élodie', true, true],
      [null, false, false],
    ],
  },
  { sql: 'SELECT count_if(shipped), count_if(qty > 2) FROM orders', rows: [[5, 5]], unordered: true },
  {
    sql: 'SELECT approx_distinct(customer), approx_distinct(qty) FROM orders',
    rows: [[5, 7]],
    unordered: true,
  },
  {
    sql: 'SELECT customer, arbitrary(customer) FROM orders GROUP BY customer ORDER BY 1',
    rows: [
      ['alice', 'alice'],
      ['bob', 'bob'],
      ['carol', 'carol'],
      ['dave', 'dave'],
      ['élodie', 'élodie'],
      [null, null],
    ],
  },
  {
    sql: 'SELECT g, n, count(*) FROM nums GROUP BY GROUPING SETS ((g), (n), ()) ORDER BY 1, 2, 3',
    rows: [
      ['a', null, 3],
      ['b', null, 2],
      ['c', null, 3],
      [null, 1, 1],
      [null, 2, 2],
      [null, 3, 1],
      [null, 5, 1],
      [null, 6, 1],
      [null, 7, 1],
      [null, 8, 1],
      [null, null, 1],
      [null, null, 1],
      [null, null, 9],
    ],
  },
  {
    sql: 'SELECT g, n, count(*), grouping(g, n) FROM nums GROUP BY ROLLUP (g, n) ORDER BY 1, 2, 3',
    rows: [
      ['a', 1, 1, 0],
      ['a', 2, 2, 0],
      ['a', null, 3, 1],
      ['b', 3, 1, 0],
      ['b', null, 1, 0],
      ['b', null, 2, 1],
      ['c', 5, 1, 0],
      ['c', 6, 1, 0],
      ['c', 7, 1, 0],
      ['c', null, 3, 1],
      [null, 8, 1, 0],
      [null, null, 1, 1],
      [null, null, 9, 3],
    ],
  },
  {
    sql: 'SELECT g, n > 3, count(*) FROM nums GROUP BY CUBE (g, n > 3) ORDER BY 1, 2, 3',
    rows: [
      ['a', false, 3],
      ['a', null, 3],
      ['b', false, 1],
      ['b', null, 1],
      ['b', null, 2],
      ['c', true, 3],
      ['c', null, 3],
      [null, false, 4],
      [null, true, 1],
      [null, true, 4],
      [null, null, 1],
      [null, null, 1],
      [null, null, 9],
    ],
  },
  {
    sql: 'SELECT shipped, count(DISTINCT customer), sum(qty) FROM orders GROUP BY ROLLUP (shipped) ORDER BY 1, 2',
    rows: [
      [false, 2, 9],
      [true, 4, 21],
      [null, 1, 5],
      [null, 5, 35],
    ],
  },
  {
    sql: 'SELECT qty % 3, count(*) FROM orders GROUP BY 1 ORDER BY 1',
    rows: [
      [0, 1],
      [1, 5],
      [2, 3],
      [null, 1],
    ],
  },
  {
    sql: 'SELECT year(placed) AS y, month(placed), count(*) FROM orders GROUP BY 1, 2 HAVING count(*) >= 1 ORDER BY 1, 2',
    rows: [
      [2023, 12, 1],
      [2024, 1, 3],
      [2024, 2, 3],
      [2024, 3, 2],
      [null, null, 1],
    ],
  },
  { sql: 'SELECT count(*), count(DISTINCT x) FROM empty', rows: [[0, 0]], unordered: true },
  {
    sql: 'SELECT customer, count(DISTINCT placed), max(amount) FROM orders GROUP BY customer HAVING count(DISTINCT placed) > 1 ORDER BY 1',
    rows: [
      ['alice', 3, '10.50'],
      ['bob', 2, '123.45'],
    ],
  },
  {
    sql: 'SELECT DISTINCT customer, shipped FROM orders ORDER BY 1, 2',
    rows: [
      ['alice', false],
      ['alice', true],
      ['bob', false],
      ['bob', true],
      ['carol', null],
      ['dave', true],
      ['élodie', true],
      [null, false],
      [null, null],
    ],
  },
  {
    sql: 'SELECT sum(DISTINCT qty), avg(DISTINCT amount) FROM orders',
    rows: [[32, '1270.18']],
    unordered: true,
  },
];

describe('grouping', () => runCases(CASES));
