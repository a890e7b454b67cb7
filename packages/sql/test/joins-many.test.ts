/**
 * Joins of many relations: join ordering keeps sets of relations in bigint bitsets, so a join of
 * 33, 60 or 100 tables plans (once, table 33 collided with table 1 in a 32-bit mask and planning
 * crashed), greedily beyond the dynamic-programming limit, joining along the conditions without
 * cross products, and runs to the right answer locally and distributed.
 */
import { expect } from 'chai';
import { contains, MAX_DP_RELATIONS, only, size, within } from '../src/optimizer/join-order.js';
import { children, type PlanNode } from '../src/plan/nodes.js';
import { logical, runDistributed, runLocal } from './support/run.js';

/** `n` copies of `regions` joined in a chain on their code (4 codes match; one is NULL). */
function chain(n: number): string {
  const from = Array.from({ length: n }, (_, i) => `regions r${i}`).join(', ');
  const where = Array.from({ length: n - 1 }, (_, i) => `r${i}.code = r${i + 1}.code`).join(' AND ');
  return `SELECT count(*), min(r${n - 1}.label) FROM ${from} WHERE ${where}`;
}

/** `n` copies joined with JOIN … ON, each to the first (a star). */
function star(n: number): string {
  let sql = `SELECT count(*), max(r${n - 1}.label) FROM regions r0`;
  for (let i = 1; i < n; i++) sql += ` JOIN regions r${i} ON r${i}.code = r0.code`;
  return sql;
}

function joins(root: PlanNode): PlanNode[] {
  return [root, ...children(root).flatMap(joins)].filter((n) => n.kind === 'Join');
}

describe('joins of many relations', function () {
  this.timeout(60_000);

  it('keeps relation sets of any width', () => {
    const set = only(0) | only(40) | only(99);
    expect(size(set)).to.equal(3);
    expect(contains(set, 99)).to.equal(true);
    expect(contains(set, 32)).to.equal(false);
    expect(contains(set, 67)).to.equal(false); // 99 - 32: what a 32-bit shift would alias
    expect(within(only(40), set)).to.equal(true);
    expect(within(only(8), set)).to.equal(false);
    expect(MAX_DP_RELATIONS).to.be.lessThan(33);
  });

  for (const n of [33, 60, 100]) {
    it(`plans a ${n}-way chain of joins along its conditions, with no cross product`, async () => {
      const root = await logical(chain(n));
      const js = joins(root);
      expect(js).to.have.length(n - 1);
      for (const j of js) expect(j.kind === 'Join' && j.leftKeys.length, 'hash keys').to.equal(1);
    });

    it(`runs a ${n}-way chain of joins, locally and distributed`, async () => {
      expect((await runLocal(chain(n))).rows).to.deep.equal([[4, 'East']]);
      expect((await runDistributed(chain(n))).rows).to.deep.equal([[4, 'East']]);
    });
  }

  it('runs a 60-way star of JOIN … ON', async () => {
    expect((await runLocal(star(60))).rows).to.deep.equal([[4, 'South']]);
    expect((await runDistributed(star(60), 2)).rows).to.deep.equal([[4, 'South']]);
  });

  it('cross-joins the unconnected parts of a 40-way join only where nothing connects them', async () => {
    const sql = `${chain(39)} AND r0.code = 'east' AND o.qty > 0`.replace(' FROM ', ' FROM orders o, ');
    const root = await logical(sql);
    const crosses = joins(root).filter((j) => j.kind === 'Join' && j.leftKeys.length === 0);
    expect(crosses, 'one cross product, between the two parts').to.have.length(1);
    const orders = (await runLocal('SELECT count(*) FROM orders WHERE qty > 0')).rows[0]![0];
    expect((await runLocal(sql)).rows).to.deep.equal([[orders, 'East']]);
    expect((await runDistributed(sql)).rows).to.deep.equal([[orders, 'East']]);
  });
});
