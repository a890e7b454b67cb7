/** FETCH FIRST … WITH TIES: the rows tied with the last one fetched come too. */
import { expect } from 'chai';
import { runCases, type Case } from './support/cases.js';
import { asyncErrorOf } from './support/errors.js';
import { plan, runLocal } from './support/run.js';
import { children, type PlanNode } from '../src/plan/nodes.js';

const CASES: Case[] = [
  { sql: 'SELECT qty FROM orders ORDER BY qty FETCH FIRST 3 ROWS WITH TIES', rows: [[1], [1], [2], [2]] },
  {
    sql: 'SELECT customer, id FROM orders ORDER BY customer FETCH FIRST 2 ROWS WITH TIES',
    rows: [
      ['alice', 1],
      ['alice', 3],
      ['alice', 9],
    ],
    unordered: true,
  },
  {
    sql: 'SELECT customer FROM orders ORDER BY customer NULLS FIRST FETCH FIRST 1 ROW WITH TIES',
    rows: [[null], [null]],
  },
  { sql: 'SELECT n FROM nums ORDER BY n OFFSET 1 ROWS FETCH FIRST 1 ROWS WITH TIES', rows: [[2], [2]] },
  { sql: 'SELECT n FROM nums ORDER BY n OFFSET 2 ROWS FETCH FIRST 0 ROWS WITH TIES', rows: [] },
  {
    sql: 'SELECT id FROM orders ORDER BY id FETCH FIRST 20 ROWS WITH TIES',
    rows: Array.from({ length: 10 }, (_, i) => [i + 1]),
  },
];

describe('ordering: FETCH FIRST WITH TIES', () => {
  runCases(CASES);

  it('keeps the sort whole (no TopN) and refuses WITH TIES without ORDER BY', async () => {
    const p = await plan('SELECT qty FROM orders ORDER BY qty FETCH FIRST 3 ROWS WITH TIES');
    const all = (n: PlanNode): PlanNode[] => [n, ...children(n).flatMap(all)];
    const kinds = p.fragments.flatMap((f) => all(f.root).map((n) => n.kind));
    expect(kinds).to.include('Sort').and.not.include('TopN');
    const e = await asyncErrorOf(() => runLocal('SELECT qty FROM orders FETCH FIRST 3 ROWS WITH TIES'));
    expect(e.code).to.equal('INVALID_ARGUMENTS');
  });
});
