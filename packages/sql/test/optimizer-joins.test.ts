/**
 * The join rules of the optimizer, each applied alone (after the rules it relies on) to plans the
 * planner built: predicate pushdown, semi joins moved down, join ordering, key extraction,
 * semi-join reduction and the broadcast/partitioned choice.
 */
import { expect } from 'chai';
import { optimize, type PlanRule } from '../src/optimizer/index.js';
import type { OptimizerContext } from '../src/optimizer/rule.js';
import { chooseJoinDistribution } from '../src/optimizer/rules/choose-join-distribution.js';
import { extractJoinKeys } from '../src/optimizer/rules/extract-join-keys.js';
import { foldConstants } from '../src/optimizer/rules/fold-constants.js';
import { pushPredicates } from '../src/optimizer/rules/push-predicates.js';
import { pushSemiJoins } from '../src/optimizer/rules/push-semi-joins.js';
import { reorderJoins } from '../src/optimizer/rules/reorder-joins.js';
import { semiJoinReduction } from '../src/optimizer/rules/semi-join-reduction.js';
import { explainLogicalPlan } from '../src/plan/explain.js';
import { children, type PlanNode } from '../src/plan/nodes.js';
import { parseStatement } from '../src/parser/parser.js';
import { QueryPlanner } from '../src/planner/query.js';
import type { MemConnector } from './support/connector.js';
import { shopConnector } from './support/data.js';
import { metadataFor } from './support/run.js';
import { starConnector } from './support/star.js';

async function planned(sql: string, connector: MemConnector, rules: readonly PlanRule[]): Promise<PlanNode> {
  const metadata = await metadataFor(sql, connector);
  const node = new QueryPlanner(metadata).planQuery(parseStatement(sql) as never).node;
  const ctx: OptimizerContext = { session: metadata.session };
  return optimize(node, rules, ctx);
}

function all(root: PlanNode): PlanNode[] {
  return [root, ...children(root).flatMap(all)];
}

function kinds(root: PlanNode): string[] {
  return all(root).map((n) => n.kind);
}

describe('rule push-predicates', () => {
  it('turns WHERE conjuncts over a comma join into the join condition and pushes one-side ones down', async () => {
    const root = await planned(
      "SELECT o.id FROM orders o, customers c WHERE o.customer = c.name AND o.qty > 2 AND c.region = 'east'",
      shopConnector(),
      [pushPredicates],
    );
    const join = all(root).find((n) => n.kind === 'Join')!;
    expect(join.kind === 'Join' && join.filter && explainLogicalPlan(root)).to.match(
      /Join\(INNER\) filter eq:strict\(#1, #7\)/,
    );
    expect(
      kinds(join).filter((k) => k === 'Filter'),
      'one filter on each side',
    ).to.have.length(2);
    expect(
      all(root).filter((n) => n.kind === 'Filter' && !children(n).some((c) => c.kind === 'TableScan')),
    ).to.deep.equal([]);
  });

  it('makes a LEFT join inner when the WHERE rejects its padded NULLs, and keeps it when not', async () => {
    const inner = await planned(
      "SELECT o.id FROM orders o LEFT JOIN customers c ON o.customer = c.name WHERE c.region = 'east'",
      shopConnector(),
      [pushPredicates],
    );
    expect(all(inner).find((n) => n.kind === 'Join')).to.include({ joinType: 'INNER' });
    const outer = await planned(
      'SELECT o.id FROM orders o LEFT JOIN customers c ON o.customer = c.name WHERE c.region IS NULL',
      shopConnector(),
      [pushPredicates],
    );
    expect(all(outer).find((n) => n.kind === 'Join')).to.include({ joinType: 'LEFT' });
  });

  it('factors conjuncts common to every disjunct out of an OR (TPC-H Q19)', async () => {
    const root = await planned(
      'SELECT 1 FROM orders o, customers c WHERE (o.customer = c.name AND o.qty > 5) OR (o.customer = c.name AND c.tier = 1)',
      shopConnector(),
      [pushPredicates],
    );
    expect(explainLogicalPlan(root)).to.match(/Join\(INNER\) filter \(eq:strict\(#1, #7\) AND/);
  });
});

describe('rule reorder-joins and extract-join-keys', () => {
  it('orders a comma join along its equalities, never a cross product, and extracts hash keys', async () => {
    const sql = 'SELECT count(*) FROM dim_a, dim_b, fact WHERE fact.a = dim_a.a AND fact.b = dim_b.b';
    const root = await planned(sql, starConnector(), [pushPredicates, reorderJoins, extractJoinKeys]);
    const joins = all(root).filter((n) => n.kind === 'Join');
    expect(joins).to.have.length(2);
    for (const j of joins)
      expect(j.kind === 'Join' && j.leftKeys.length, explainLogicalPlan(root)).to.equal(1);
  });

  it('computes an expression key in a projection below the join', async () => {
    const root = await planned(
      'SELECT count(*) FROM fact f JOIN dim_a d ON f.b % 10 = d.a',
      starConnector(),
      [pushPredicates, reorderJoins, extractJoinKeys],
    );
    const join = all(root).find((n) => n.kind === 'Join');
    expect(join?.kind === 'Join' && join.filter).to.equal(undefined);
    expect(explainLogicalPlan(root)).to.match(/Project .*mod/);
  });
});

describe('rule push-semi-joins', () => {
  it('moves a semi join with a small build side below the joins, next to the table it tests', async () => {
    const sql =
      'SELECT count(*) FROM fact f, dim_b d WHERE f.b = d.b AND f.a IN (SELECT a FROM dim_a WHERE a < 2)';
    const before = await planned(sql, starConnector(), [pushPredicates]);
    const after = await planned(sql, starConnector(), [pushPredicates, pushSemiJoins, pushPredicates]);
    const below = (root: PlanNode) => {
      const semi = all(root).find((n) => n.kind === 'SemiJoin')!;
      return all(semi).filter((n) => n.kind === 'Join').length;
    };
    expect(below(before), 'the planner puts it above the FROM').to.equal(1);
    expect(below(after)).to.equal(0);
  });
});

describe('rule semi-join-reduction', () => {
  it('filters an aggregation joined to a small relation by that relation’s keys', async () => {
    const sql = `SELECT d.name FROM dim_a d JOIN (SELECT a, count(*) AS n FROM fact GROUP BY a) s ON s.a = d.a WHERE d.name = 'a1'`;
    const rules = [pushPredicates, reorderJoins, extractJoinKeys];
    const before = await planned(sql, starConnector(), rules);
    const after = await planned(sql, starConnector(), [...rules, semiJoinReduction]);
    const semis = (root: PlanNode) => all(root).filter((n) => n.kind === 'SemiJoin').length;
    expect(semis(before)).to.equal(0);
    expect(semis(after)).to.equal(1);
    const agg = all(after).find((n) => n.kind === 'Aggregate')!;
    expect(kinds(agg)).to.include('SemiJoin');
  });
});

describe('rule choose-join-distribution', () => {
  const rules = [foldConstants, pushPredicates, reorderJoins, extractJoinKeys, chooseJoinDistribution];
  it('broadcasts a small build side and partitions comparable sides', async () => {
    const small = await planned(
      'SELECT count(*) FROM fact f JOIN dim_a d ON f.a = d.a',
      starConnector(),
      rules,
    );
    expect(all(small).find((n) => n.kind === 'Join')).to.include({ distribution: 'broadcast' });
    const self = await planned(
      'SELECT count(*) FROM fact f JOIN fact g ON f.id = g.id',
      starConnector(),
      rules,
    );
    expect(all(self).find((n) => n.kind === 'Join')).to.include({ distribution: 'partitioned' });
  });
});
