/**
 * max_by / min_by (rows with a NULL key skipped, a NULL value kept, states merged across tasks) and
 * listagg(x, sep) WITHIN GROUP (ORDER BY …) (an ordered aggregate: its aggregation is never split,
 * each group's rows meet in one task), locally and distributed over 1 and 3 partitions; their
 * errors; the plan and its validation.
 */
import { expect } from 'chai';
import { validatePlanFragment } from '../src/index.js';
import { explainPlan } from '../src/plan/explain.js';
import { runCases, type Case } from './support/cases.js';
import { asyncErrorOf, expectError } from './support/errors.js';
import { plan, runLocal } from './support/run.js';

const CASES: Case[] = [
  {
    sql: 'SELECT max_by(id, amount), min_by(id, amount), max_by(customer, placed), min_by(customer, id) FROM orders',
    rows: [[7, 5, 'dave', 'alice']],
  },
  {
    sql: 'SELECT customer, max_by(id, qty), min_by(price, id) FROM orders GROUP BY customer ORDER BY 1 NULLS FIRST',
    rows: [
      [null, 5, 0.01],
      ['alice', 9, 5.25],
      ['bob', 6, 20],
      ['carol', 4, null],
      ['dave', 7, 2499.9975],
      ['élodie', 10, 1.25],
    ],
  },
  // a NULL key is skipped; the value of the best key is kept even when NULL; no key: NULL
  {
    sql: 'SELECT g, max_by(n, x), min_by(x, n) FROM nums GROUP BY g ORDER BY 1 NULLS FIRST',
    rows: [
      [null, 8, 8],
      ['a', 2, 1.5],
      ['b', null, 3],
      ['c', 5, 5],
    ],
  },
  { sql: 'SELECT max_by(id, qty) FROM orders WHERE qty IS NULL', rows: [[null]] },
  {
    sql: "SELECT listagg(customer, ',') WITHIN GROUP (ORDER BY id) FROM orders",
    rows: [['alice,bob,alice,carol,bob,dave,alice,élodie']],
  },
  {
    sql: "SELECT customer, listagg(CAST(id AS varchar), '-') WITHIN GROUP (ORDER BY id DESC) FROM orders GROUP BY customer ORDER BY 1 NULLS FIRST",
    rows: [
      [null, '8-5'],
      ['alice', '9-3-1'],
      ['bob', '6-2'],
      ['carol', '4'],
      ['dave', '7'],
      ['élodie', '10'],
    ],
  },
  {
    sql: "SELECT listagg(DISTINCT customer, ', ') WITHIN GROUP (ORDER BY customer DESC) FROM orders",
    rows: [['élodie, dave, carol, bob, alice']],
  },
  {
    sql: 'SELECT listagg(customer) WITHIN GROUP (ORDER BY qty DESC NULLS FIRST, id) FILTER (WHERE id > 2) FROM orders',
    rows: [['bobalicecaroldavealiceélodie']],
  },
  {
    sql: "SELECT g, listagg(CAST(n AS varchar), '+') WITHIN GROUP (ORDER BY x NULLS FIRST) FROM nums GROUP BY g ORDER BY 1 NULLS FIRST",
    rows: [
      [null, '8'],
      ['a', '2+1+2'],
      ['b', '3'],
      ['c', '6+7+5'],
    ],
  },
  {
    sql: "SELECT listagg(customer, ',') WITHIN GROUP (ORDER BY id) FROM orders WHERE id < 0",
    rows: [[null]],
  },
];

describe('max_by, min_by and listagg', () => {
  runCases(CASES);

  it('gathers the rows of a listagg aggregation instead of splitting it', async () => {
    const distributed = await plan(
      "SELECT customer, listagg(customer, ',') WITHIN GROUP (ORDER BY id) FROM orders GROUP BY customer",
    );
    const text = explainPlan(distributed);
    expect(text).to.not.match(/Aggregate\(partial\)/);
    expect(text).to.match(/Aggregate\(single\) by \[0\] listagg\(#\d+, #\d+ ORDER BY #\d+ ASC\)/);
    for (const f of distributed.fragments) validatePlanFragment(JSON.parse(JSON.stringify(f)));
  });

  it('refuses an ordered call in a split aggregation step', async () => {
    const distributed = await plan('SELECT customer, count(*) FROM orders GROUP BY customer');
    const f = JSON.parse(
      JSON.stringify(distributed.fragments.find((x) => JSON.stringify(x).includes('partial'))),
    );
    const find = (n: { kind: string; input?: unknown; aggregates?: unknown[] }): typeof n =>
      n.kind === 'Aggregate' ? n : find(n.input as typeof n);
    const agg = find(f.root);
    (agg.aggregates![0] as { orderBy: unknown }).orderBy = [
      { channel: 0, ascending: true, nullsFirst: false },
    ];
    expectError(() => validatePlanFragment(f), 'INVALID_MESSAGE', /orderBy orders a split aggregation/);
  });

  for (const [sql, code, message] of [
    ["SELECT listagg(customer, ',') FROM orders", 'SYNTAX_ERROR', /line 1:8: listagg\(\) needs WITHIN GROUP/],
    [
      'SELECT listagg(customer, customer) WITHIN GROUP (ORDER BY id) FROM orders',
      'SYNTAX_ERROR',
      /line 1:26: The separator of listagg\(\) must be a string literal/,
    ],
    [
      "SELECT listagg(customer, ',' ON OVERFLOW TRUNCATE) WITHIN GROUP (ORDER BY id) FROM orders",
      'NOT_SUPPORTED',
      /line 1:30: ON OVERFLOW TRUNCATE is not supported/,
    ],
    ["SELECT listagg(id, ',') WITHIN GROUP (ORDER BY id) FROM orders", 'FUNCTION_NOT_FOUND', /listagg/],
    [
      'SELECT max(id) WITHIN GROUP (ORDER BY id) FROM orders',
      'NOT_SUPPORTED',
      /line 1:39: ORDER BY inside max\(\)/,
    ],
    [
      "SELECT listagg(customer, ',') WITHIN GROUP (ORDER BY id) OVER () FROM orders",
      'NOT_SUPPORTED',
      /not supported as a window function/,
    ],
    ['SELECT max_by(id) FROM orders', 'FUNCTION_NOT_FOUND', /max_by\(V, K\)/],
  ] as const) {
    it(`refuses ${sql}`, async () => {
      const e = await asyncErrorOf(() => runLocal(sql));
      expect(e.code, e.message).to.equal(code);
      expect(e.message).to.match(message);
    });
  }
});
