/**
 * Planning is bounded: long chains of set operations either plan (a chain of UNIONs becomes one
 * Union) or fail with QUERY_TOO_COMPLEX, never a stack overflow or an internal error; a plan with
 * more stages than `query.max-stage-count` fails planning with the count and the limit.
 */
import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { parseStatement } from '../src/parser/parser.js';
import {
  DEFAULT_MAX_STAGE_COUNT,
  planDistributed,
  planStatement,
  PlannerMetadata,
  type Session,
} from '../src/planner/index.js';
import { boundedRecursion } from '../src/planner/limits.js';
import type { PlanNode } from '../src/plan/nodes.js';
import { asyncErrorOf, errorOf } from './support/errors.js';
import { NOW } from './support/expressions.js';
import { runLocal } from './support/run.js';
import { tpchRegistry } from './support/tpch-schema.js';

const SESSION: Session = { catalog: 'tpch', schema: 'tiny', properties: {}, now: NOW };

async function planned(sql: string) {
  const statement = parseStatement(sql);
  return planDistributed(statement, await PlannerMetadata.load(statement, tpchRegistry(), SESSION));
}

function chain(n: number, op: string | ((i: number) => string)): string {
  const branches = Array.from({ length: n }, (_, i) => `select n_name, ${i} from nation`);
  return branches.reduce((sql, b, i) => `${sql} ${typeof op === 'string' ? op : op(i)} ${b}`);
}

function count(node: PlanNode, kind: PlanNode['kind']): number {
  const kids = node.kind === 'Union' ? node.inputs : 'input' in node ? [node.input] : [];
  return (node.kind === kind ? 1 : 0) + kids.reduce((n, k) => n + count(k, kind), 0);
}

/** Planning fails cleanly: QUERY_TOO_COMPLEX, a user error. */
async function expectTooComplex(sql: string): Promise<QuarryError> {
  const e = await asyncErrorOf(() => planned(sql));
  expect(e.code, e.message).to.equal('QUERY_TOO_COMPLEX');
  expect(e.type).to.equal('USER_ERROR');
  return e;
}

describe('planner limits', function () {
  this.timeout(60_000);

  it('plans a 1 000-branch UNION and UNION ALL as one Union of 1 000 inputs', async () => {
    for (const op of ['UNION', 'UNION ALL']) {
      const plan = await planned(chain(1_000, op));
      const root = plan.fragments.find((f) => f.id === plan.rootId)!;
      const unions = plan.fragments.reduce((n, f) => n + count(f.root, 'Union'), 0);
      expect(unions, op).to.equal(1);
      expect(plan.fragments.length, op).to.be.greaterThan(1_000);
      expect(root).to.not.equal(undefined);
    }
  });

  it('keeps UNION DISTINCT semantics when chains are merged', async () => {
    const r = await runLocal(
      'select x from (select 1 as x union select 2 union select 1 union all select 2 union select 3) t order by x',
    );
    expect(r.rows).to.deep.equal([[1], [2], [3]]);
    // ((1 UNION 1) UNION ALL 1) UNION ALL 2: the distinct step applies to what precedes it only
    const all = await runLocal(
      'select x from (select 1 as x union select 1 union all select 1 union all select 2) t order by x',
    );
    expect(all.rows).to.deep.equal([[1], [1], [2]]);
    const mixed = await runLocal(
      'select x from (select 1 as x union all select 1 union select 2.5 union select 1) t order by x',
    );
    expect(mixed.rows.map((r) => Number(r[0]))).to.deep.equal([1, 2.5]);
  });

  it('refuses 1 000-branch INTERSECT, EXCEPT and alternating chains with QUERY_TOO_COMPLEX', async () => {
    for (const op of ['INTERSECT', 'EXCEPT', 'INTERSECT ALL', 'EXCEPT ALL']) {
      const e = await expectTooComplex(chain(1_000, op));
      expect(e.message).to.match(/too complex/);
    }
    await expectTooComplex(chain(1_000, (i) => (i % 2 ? 'UNION' : 'UNION ALL')));
  });

  it('fails planning past query.max-stage-count, naming the count and the limit', async () => {
    const statement = parseStatement(chain(1_000, 'UNION ALL'));
    const e = await asyncErrorOf(() => planStatement(statement, tpchRegistry(), SESSION));
    expect(e.code).to.equal('QUERY_TOO_COMPLEX');
    expect(e.message).to.match(
      new RegExp(
        `Number of stages in the query \\(1002\\) exceeds the allowed maximum \\(${DEFAULT_MAX_STAGE_COUNT}\\)`,
      ),
    );
    const few = parseStatement(chain(10, 'UNION ALL'));
    const small = await asyncErrorOf(() => planStatement(few, tpchRegistry(), SESSION, { maxStageCount: 5 }));
    expect(small.message).to.include('(12) exceeds the allowed maximum (5)');
    const plan = await planStatement(statement, tpchRegistry(), SESSION, { maxStageCount: 2_000 });
    expect(plan.fragments.length).to.equal(1_002);
  });

  it('plans long expression chains up to the depth limit and refuses deeper ones', async () => {
    const sum = (n: number) => Array.from({ length: n }, () => '1').join(' + ');
    expect((await runLocal(`select ${sum(900)}`)).rows).to.deep.equal([[900]]);
    const ors = Array.from({ length: 1_900 }, (_, i) => `tier = ${i}`).join(' OR ');
    expect((await runLocal(`select count(*) from customers where ${ors}`)).rows).to.deep.equal([[6]]);
    for (const sql of [`select ${sum(1_900)}`, `select name from customers where tier = ${sum(1_900)}`]) {
      const e = await asyncErrorOf(() => runLocal(sql));
      expect(e.code, e.message).to.equal('QUERY_TOO_COMPLEX');
      expect(e.message).to.match(/expression nests deeper than 1000/);
    }
  });

  it('plans or refuses deeply nested subqueries, never overflowing', async () => {
    for (const depth of [20, 60, 95]) {
      const sql = `select ${'(select '.repeat(depth)}1${')'.repeat(depth)}`;
      try {
        const r = await runLocal(sql);
        expect(r.rows).to.deep.equal([[1]]);
      } catch (e) {
        expect(e, String(e)).to.be.instanceOf(QuarryError);
        expect((e as QuarryError).code).to.be.oneOf(['QUERY_TOO_COMPLEX', 'SYNTAX_ERROR']);
        expect((e as QuarryError).type).to.equal('USER_ERROR');
      }
    }
  });

  it('turns a stack overflow in a planning step into QUERY_TOO_COMPLEX', () => {
    const deep = (n: number): number => (n === 0 ? 0 : 1 + deep(n - 1));
    const e = errorOf(() => boundedRecursion(() => deep(10_000_000)));
    expect(e.code).to.equal('QUERY_TOO_COMPLEX');
    expect(
      errorOf(() =>
        boundedRecursion(() => {
          throw new QuarryError('SYNTAX_ERROR', 'x');
        }),
      ).code,
    ).to.equal('SYNTAX_ERROR');
  });
});
