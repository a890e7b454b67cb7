/**
 * How joins are planned and distributed: comma joins ordered along their equality predicates with
 * the big table probing, broadcast or partitioned joins (automatic, or forced by
 * `join_distribution_type`), exchanges shared by a join and an aggregation on the same keys, semi
 * joins moved down to the table they filter, and aggregations reduced by a small join partner.
 */
import { expect } from 'chai';
import type { PlanFragment } from '../src/plan/fragment.js';
import { children, type PlanNode } from '../src/plan/nodes.js';
import { registryOf } from './support/connector.js';
import { asyncErrorOf } from './support/errors.js';
import { logical, plan, runLocal, runPlan, unordered } from './support/run.js';
import { FACT_ROWS, starConnector } from './support/star.js';

function nodes(root: PlanNode): PlanNode[] {
  return [root, ...children(root).flatMap(nodes)];
}

function ofKind<K extends PlanNode['kind']>(root: PlanNode, kind: K): Extract<PlanNode, { kind: K }>[] {
  return nodes(root).filter((n): n is Extract<PlanNode, { kind: K }> => n.kind === kind);
}

/** The table a plan's probe path (through `input`) reads. */
function probeTable(node: PlanNode): string | undefined {
  if (node.kind === 'TableScan') return node.table.table;
  return 'input' in node ? probeTable(node.input) : undefined;
}

function fragmentOf(fragments: readonly PlanFragment[], kind: PlanNode['kind']): PlanFragment {
  const f = fragments.find((x) => nodes(x.root).some((n) => n.kind === kind));
  if (!f) throw new Error(`no fragment with a ${kind}`);
  return f;
}

async function rows(sql: string, properties: Record<string, string> = {}, partitions = 3) {
  const connector = starConnector();
  return (await runPlan(await plan(sql, connector, properties), registryOf(connector), partitions)).rows;
}

const STAR = `SELECT count(*), sum(v) FROM dim_a, fact, dim_b
  WHERE fact.a = dim_a.a AND fact.b = dim_b.b AND dim_b.label = 'even' AND dim_a.name <> 'a3'`;
// ids with an even b (so an even id) and a ≠ 3: even ids not ending in 3 → all even ids
const STAR_COUNT = FACT_ROWS / 2;
const STAR_SUM = ((FACT_ROWS / 2) * (FACT_ROWS - 2)) / 2 / 100;

describe('distribution: join order', () => {
  it('orders comma joins along their equality predicates, the big table probing', async () => {
    const root = await logical(STAR, starConnector());
    const joins = ofKind(root, 'Join');
    expect(joins).to.have.length(2);
    for (const j of joins) expect(j.leftKeys.length, 'no cross join').to.equal(1);
    expect(probeTable(joins[0]!)).to.equal('fact');
    for (const j of joins) expect(probeTable(j.build)).to.match(/^dim_/);
    const expected = [[STAR_COUNT, STAR_SUM.toFixed(2)]];
    expect((await runLocal(STAR, starConnector())).rows).to.deep.equal(expected);
    expect(await rows(STAR)).to.deep.equal(expected);
  });

  it('puts the smaller input on the build side whatever the order written', async () => {
    for (const sql of [
      'SELECT count(*) FROM dim_a d JOIN fact f ON f.a = d.a',
      'SELECT count(*) FROM fact f JOIN dim_a d ON f.a = d.a',
    ]) {
      const [join] = ofKind(await logical(sql, starConnector()), 'Join');
      expect(probeTable(join!.input), sql).to.equal('fact');
      expect(await rows(sql)).to.deep.equal([[FACT_ROWS]]);
    }
  });
});

describe('distribution: broadcast and partitioned joins', () => {
  const JOIN = 'SELECT d.name, count(*) FROM fact f JOIN dim_a d ON f.a = d.a GROUP BY d.name';
  const expected = unordered(Array.from({ length: 10 }, (_, i) => [`a${i}`, FACT_ROWS / 10]));

  it('broadcasts a small build side to the tasks scanning the probe side', async () => {
    const p = await plan(JOIN, starConnector());
    const joinStage = fragmentOf(p.fragments, 'Join');
    expect(joinStage.distribution).to.equal('source');
    const [join] = ofKind(joinStage.root, 'Join');
    expect(join!.distribution).to.equal('broadcast');
    const buildStage = p.fragments.find((f) => f.outputPartitioning.kind === 'broadcast');
    expect(buildStage, 'a broadcast stage').to.not.equal(undefined);
    expect(joinStage.inputs).to.include(buildStage!.id);
    expect(unordered(await rows(JOIN))).to.deep.equal(expected);
    expect(unordered(await rows(JOIN, {}, 1))).to.deep.equal(expected);
  });

  it('hash-partitions both sides on the keys under join_distribution_type=PARTITIONED', async () => {
    const properties = { join_distribution_type: 'PARTITIONED' };
    const p = await plan(JOIN, starConnector(), properties);
    const joinStage = fragmentOf(p.fragments, 'Join');
    expect(joinStage.distribution).to.equal('hash');
    expect(joinStage.inputs).to.have.length(2);
    for (const id of joinStage.inputs) {
      expect(p.fragments[id]!.outputPartitioning.kind, `stage ${id}`).to.equal('hash');
    }
    expect(unordered(await rows(JOIN, properties))).to.deep.equal(expected);
    expect(unordered(await rows(JOIN, properties, 1))).to.deep.equal(expected);
  });

  it('forces a broadcast under join_distribution_type=BROADCAST', async () => {
    const sql = 'SELECT count(*) FROM dim_a d JOIN fact f ON f.a = d.a';
    const [join] = ofKind(
      await logical(sql, starConnector(), { join_distribution_type: 'BROADCAST' }),
      'Join',
    );
    expect(join!.distribution).to.equal('broadcast');
  });

  it('aggregates in the join stage when the join already partitioned the rows on the grouping key', async () => {
    const sql = 'SELECT f.a, count(*) FROM fact f JOIN dim_a d ON f.a = d.a GROUP BY f.a';
    const p = await plan(sql, starConnector(), { join_distribution_type: 'PARTITIONED' });
    const joinStage = fragmentOf(p.fragments, 'Join');
    const [agg] = ofKind(joinStage.root, 'Aggregate');
    expect(agg?.step, 'one aggregation step beside the join').to.equal('single');
    expect(ofKind(p.fragments[0]!.root, 'Aggregate')).to.deep.equal([]);
    const want = unordered(Array.from({ length: 10 }, (_, i) => [i, FACT_ROWS / 10]));
    expect(unordered(await rows(sql, { join_distribution_type: 'PARTITIONED' }))).to.deep.equal(want);
  });

  it('partitions RIGHT and FULL joins, whose unmatched build rows must be emitted once', async () => {
    for (const type of ['RIGHT', 'FULL']) {
      const sql = `SELECT count(*), count(f.id), count(d.b) FROM dim_b d ${type} JOIN fact f ON f.b = d.b + 40`;
      const [join] = ofKind(
        (await plan(sql, starConnector())).fragments
          .flatMap((f) => ofKind(f.root, 'Join'))
          .map((j) => j as PlanNode)
          .at(0)!,
        'Join',
      );
      expect(join, type).to.not.equal(undefined);
      const p = await plan(sql, starConnector());
      expect(fragmentOf(p.fragments, 'Join').distribution, type).to.equal('hash');
      // b + 40 matches b in 40..49 for d.b in 0..9: 10 × 40 fact rows; RIGHT keeps all 2000 fact rows
      const expected = type === 'RIGHT' ? [[FACT_ROWS, FACT_ROWS, 400]] : [[FACT_ROWS + 40, FACT_ROWS, 440]];
      expect(await rows(sql), type).to.deep.equal(expected);
      expect(await rows(sql, {}, 1), type).to.deep.equal(expected);
    }
  });

  it('rejects an unknown join_distribution_type', async () => {
    const e = await asyncErrorOf(() =>
      logical('SELECT 1', starConnector(), { join_distribution_type: 'SIDEWAYS' }),
    );
    expect(e.code).to.equal('INVALID_SESSION_PROPERTY');
  });
});

describe('distribution: semi joins and reductions', () => {
  it('moves a semi join with a small build side down to the table it filters', async () => {
    const sql = `SELECT count(*) FROM fact f, dim_b d WHERE f.b = d.b AND f.a IN (SELECT a FROM dim_a WHERE name = 'a1')`;
    const root = await logical(sql, starConnector());
    const [semi] = ofKind(root, 'SemiJoin');
    expect(ofKind(semi!.input, 'Join'), 'no join below the semi join').to.deep.equal([]);
    expect(probeTable(semi!)).to.equal('fact');
    expect(await rows(sql)).to.deep.equal([[FACT_ROWS / 10]]);
  });

  it('filters an aggregation by the keys of a small join partner before aggregating', async () => {
    const sql = `SELECT d.name, s.total FROM dim_a d JOIN (SELECT a, sum(v) AS total FROM fact GROUP BY a) s
      ON s.a = d.a WHERE d.name = 'a3'`;
    const root = await logical(sql, starConnector());
    const [agg] = ofKind(root, 'Aggregate');
    expect(ofKind(agg!.input, 'SemiJoin'), 'a semi join below the aggregation').to.have.length(1);
    // ids ending in 3: 3, 13, …, 1993 → 200 rows, sum of ids = 200 × (3 + 1993) / 2
    const total = ((200 * (3 + 1993)) / 2 / 100).toFixed(2);
    expect(await rows(sql)).to.deep.equal([['a3', total]]);
    expect((await runLocal(sql, starConnector())).rows).to.deep.equal([['a3', total]]);
  });
});

describe('distribution: shared stages', () => {
  it('computes a WITH query referenced twice once, its stage read by both consumers', async () => {
    const sql = `WITH per_a AS (SELECT a, sum(v) AS total FROM fact GROUP BY a)
      SELECT p.a, p.total FROM per_a p WHERE p.total = (SELECT max(total) FROM per_a)`;
    const p = await plan(sql, starConnector());
    const readers = new Map<number, number>();
    for (const f of p.fragments) for (const i of f.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
    const shared = [...readers.entries()].filter(([, n]) => n > 1).map(([id]) => id);
    expect(shared, 'one stage read by two stages').to.have.length(1);
    expect(ofKind(p.fragments[shared[0]!]!.root, 'TableScan').map((s) => s.table.table)).to.deep.equal([
      'fact',
    ]);
    // a = 9: ids 9, 19, …, 1999 → 200 × (9 + 1999) / 2 cents
    const expected = [[9, ((200 * (9 + 1999)) / 2 / 100).toFixed(2)]];
    expect(await rows(sql)).to.deep.equal(expected);
    expect(await rows(sql, {}, 1)).to.deep.equal(expected);
  });
});

describe('distribution: EXISTS over a large build side', () => {
  it('holds the probe rows and streams the build side through them', async () => {
    const exists = 'EXISTS (SELECT 1 FROM fact f WHERE f.a = d.a AND f.id > 1995 AND f.b <> d.a)';
    for (const [sql, expected] of [
      [`SELECT count(*) FROM dim_a d WHERE ${exists}`, [[4]]],
      [`SELECT count(*) FROM dim_a d WHERE NOT ${exists}`, [[6]]],
      [`SELECT a, ${exists} FROM dim_a d ORDER BY a`, Array.from({ length: 10 }, (_, a) => [a, a >= 6])],
    ] as const) {
      const [semi] = ofKind(await logical(sql, starConnector()), 'SemiJoin');
      expect(semi?.indexProbe, sql).to.equal(true);
      expect((await runLocal(sql, starConnector())).rows, sql).to.deep.equal(expected);
      expect(await rows(sql), sql).to.deep.equal(expected);
      expect(await rows(sql, { join_distribution_type: 'PARTITIONED' }), sql).to.deep.equal(expected);
    }
  });
});
