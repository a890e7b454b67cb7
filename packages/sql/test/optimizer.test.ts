/** The optimizer rules, each on hand-built plans and through the planner. */
import { expect } from 'chai';
import type { Expr } from '../src/expr/ir.js';
import { RULES, optimize } from '../src/optimizer/index.js';
import { foldConstants } from '../src/optimizer/rules/fold-constants.js';
import { limitToTopN } from '../src/optimizer/rules/limit-to-topn.js';
import { pruneColumns } from '../src/optimizer/rules/prune-columns.js';
import type { Column, FilterNode, PlanNode, ProjectNode, TableScanNode } from '../src/plan/nodes.js';
import { BIGINT, BOOLEAN, DATE, INTEGER, VARCHAR, type DataType } from '../src/types/types.js';
import { parseDate } from '../src/types/values.js';
import { translate, type Columns } from './support/expressions.js';
import { logical } from './support/run.js';

const SCAN_COLUMNS: Columns = { a: INTEGER, b: VARCHAR, c: BIGINT, d: DATE };
const col = (name: string, type: DataType): Column => ({ name, type });

function scan(): TableScanNode {
  return {
    kind: 'TableScan',
    table: { catalog: 'mem', schema: 'shop', table: 't' },
    columns: Object.keys(SCAN_COLUMNS),
    outputs: Object.entries(SCAN_COLUMNS).map(([n, t]) => col(n, t)),
  };
}

function project(input: PlanNode, sqls: string[], columns: Columns = SCAN_COLUMNS): ProjectNode {
  const exprs = sqls.map((s) => translate(s, columns));
  return { kind: 'Project', input, exprs, outputs: exprs.map((e, i) => col(`p${i}`, e.type)) };
}

function filter(input: PlanNode, sql: string, columns: Columns = SCAN_COLUMNS): FilterNode {
  return { kind: 'Filter', input, predicate: translate(sql, columns), outputs: input.outputs };
}

/** Plans as data, with long literal forms rendered by JSON. */
const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

function findAll(node: PlanNode, kind: PlanNode['kind']): PlanNode[] {
  const here = node.kind === kind ? [node] : [];
  return 'input' in node ? [...here, ...findAll(node.input, kind)] : here;
}

describe('optimizer', () => {
  it('applies its rules once each, in order', () => {
    expect(RULES.map((r) => r.name)).to.deep.equal([
      'fold-constants',
      'push-predicates',
      'push-semi-joins',
      'push-predicates',
      'reorder-joins',
      'extract-join-keys',
      'semi-join-reduction',
      'limit-to-topn',
      'prune-columns',
      'choose-join-distribution',
    ]);
    const seen: string[] = [];
    const spy = (name: string) => ({ name, apply: (n: PlanNode) => (seen.push(name), n) });
    const plan = scan();
    expect(optimize(plan, [spy('x'), spy('y')])).to.equal(plan);
    expect(seen).to.deep.equal(['x', 'y']);
  });
});

describe('optimizer: fold constants', () => {
  it('turns a constant expression into a literal', () => {
    const folded = foldConstants.apply(
      project(scan(), ['1 + 2', "date '1998-12-01' - interval '90' day", "upper('x') || 'y'"]),
    ) as ProjectNode;
    expect(json(folded.exprs)).to.deep.equal([
      { kind: 'literal', value: 3, type: { kind: 'integer' } },
      { kind: 'literal', value: parseDate('1998-09-02'), type: { kind: 'date' } },
      { kind: 'literal', value: 'Xy', type: { kind: 'varchar' } },
    ]);
  });

  it('folds the constant parts of an expression over columns', () => {
    const folded = foldConstants.apply(
      project(scan(), ['a + (1 + 2)', "d > date '2024-01-31' + interval '1' month"]),
    ) as ProjectNode;
    const [sum, cmp] = folded.exprs as [Expr & { kind: 'call' }, Expr & { kind: 'call' }];
    expect(json(sum.args)).to.deep.equal([
      { kind: 'input', channel: 0, type: { kind: 'integer' } },
      { kind: 'literal', value: 3, type: { kind: 'integer' } },
    ]);
    expect(json(cmp.args[1])).to.deep.equal({
      kind: 'literal',
      value: parseDate('2024-02-29'),
      type: { kind: 'date' },
    });
  });

  it('writes folded longs beyond 2^53 as decimal strings', () => {
    const folded = foldConstants.apply(project(scan(), ['9007199254740992 + 1', '1.5 * 2'])) as ProjectNode;
    expect(json(folded.exprs)).to.deep.equal([
      { kind: 'literal', value: '9007199254740993', type: { kind: 'bigint' } },
      { kind: 'literal', value: 30, type: { kind: 'decimal', precision: 12, scale: 1 } },
    ]);
  });

  it('leaves an expression that fails alone, so the error happens only if a row reaches it', () => {
    const before = project(scan(), ['CASE WHEN a > 0 THEN 1 / 0 END', '1 / 0']);
    const after = foldConstants.apply(before) as ProjectNode;
    const [caseExpr, division] = after.exprs as [Expr & { kind: 'case' }, Expr];
    expect(json(caseExpr.whens[0]!.then)).to.deep.equal(json(before.exprs[1]));
    expect(json(division)).to.deep.equal(json(before.exprs[1]));
  });

  it('folds filter predicates and VALUES rows', () => {
    const f = foldConstants.apply(filter(scan(), 'a > 2 * 3 AND NOT (1 = 2)')) as FilterNode;
    expect(json(f.predicate)).to.deep.include({ kind: 'and' });
    const args = (f.predicate as Expr & { kind: 'and' }).args;
    expect(json(args[1])).to.deep.equal({ kind: 'literal', value: true, type: { kind: 'boolean' } });
    const values: PlanNode = { kind: 'Values', rows: [[translate('2 + 2')]], outputs: [col('x', INTEGER)] };
    const folded = foldConstants.apply(values);
    expect(folded.kind === 'Values' ? json(folded.rows) : undefined).to.deep.equal([
      [{ kind: 'literal', value: 4, type: { kind: 'integer' } }],
    ]);
  });

  it('folds date arithmetic in a planned query into a date literal', async () => {
    const plan = await logical(
      "SELECT placed FROM orders WHERE placed <= date '1998-12-01' - interval '90' day",
    );
    const f = findAll(plan, 'Filter')[0] as FilterNode;
    expect(json(f.predicate)).to.deep.equal({
      kind: 'call',
      fn: 'le:strict',
      args: [
        { kind: 'input', channel: 0, type: { kind: 'date' } },
        { kind: 'literal', value: parseDate('1998-09-02'), type: { kind: 'date' } },
      ],
      type: { kind: 'boolean' },
    });
  });
});

describe('optimizer: limit to TopN', () => {
  const sorted = (): PlanNode => ({
    kind: 'Sort',
    input: scan(),
    keys: [{ channel: 0, ascending: true, nullsFirst: false }],
    outputs: scan().outputs,
  });

  it('replaces Limit over Sort by TopN', () => {
    const plan: PlanNode = { kind: 'Limit', input: sorted(), count: 5, offset: 0, outputs: scan().outputs };
    const out = limitToTopN.apply(plan);
    expect(out).to.deep.include({
      kind: 'TopN',
      count: 5,
      keys: [{ channel: 0, ascending: true, nullsFirst: false }],
    });
    expect(out.kind === 'TopN' ? out.input.kind : undefined).to.equal('TableScan');
  });

  it('keeps the offset in a Limit over a TopN of count + offset', () => {
    const plan: PlanNode = { kind: 'Limit', input: sorted(), count: 5, offset: 3, outputs: scan().outputs };
    const out = limitToTopN.apply(plan);
    expect(out).to.deep.include({ kind: 'Limit', count: 5, offset: 3 });
    expect(out.kind === 'Limit' ? out.input : undefined).to.deep.include({ kind: 'TopN', count: 8 });
  });

  it('leaves a Limit that is not over a Sort', () => {
    const plan: PlanNode = { kind: 'Limit', input: scan(), count: 5, offset: 0, outputs: scan().outputs };
    expect(limitToTopN.apply(plan)).to.deep.equal(plan);
  });
});

describe('optimizer: prune columns', () => {
  it('reads only the columns a projection uses', () => {
    const plan = pruneColumns.apply(project(scan(), ['d', 'b || b'])) as ProjectNode;
    const s = plan.input as TableScanNode;
    expect(s.columns).to.deep.equal(['b', 'd']);
    expect(json(plan.exprs)).to.deep.equal(
      json([translate('d', { b: VARCHAR, d: DATE }), translate('b || b', { b: VARCHAR, d: DATE })]),
    );
  });

  it('keeps the columns a filter reads below a projection', () => {
    const plan = pruneColumns.apply(project(filter(scan(), 'c > 5'), ['b'])) as ProjectNode;
    const f = plan.input as FilterNode;
    expect((f.input as TableScanNode).columns).to.deep.equal(['b', 'c']);
    expect(json(f.predicate)).to.deep.equal(json(translate('c > 5', { b: VARCHAR, c: BIGINT })));
    expect(json(plan.exprs)).to.deep.equal([{ kind: 'input', channel: 0, type: { kind: 'varchar' } }]);
  });

  it('drops aggregates nobody reads and keeps sort keys', async () => {
    const plan = await logical(
      'SELECT customer FROM (SELECT customer, count(*) AS n, sum(qty) AS q FROM orders GROUP BY customer) ORDER BY customer',
    );
    const agg = findAll(plan, 'Aggregate')[0]!;
    expect(agg.kind === 'Aggregate' ? agg.aggregates : undefined).to.deep.equal([]);
    expect((findAll(plan, 'TableScan')[0] as TableScanNode).columns).to.deep.equal(['customer']);
  });

  it('leaves only referenced columns in the scan of a planned query', async () => {
    const cases: [string, string[]][] = [
      ['SELECT customer FROM orders WHERE id > 3', ['id', 'customer']],
      ['SELECT count(*) FROM orders', []],
      ['SELECT sum(amount) FROM orders WHERE shipped', ['amount', 'shipped']],
      ['SELECT id FROM orders ORDER BY price', ['id', 'price']],
      ['SELECT count(*) FILTER (WHERE qty > 1) FROM orders', ['qty']],
      ['SELECT * FROM orders', ['id', 'customer', 'amount', 'qty', 'price', 'placed', 'shipped']],
    ];
    for (const [sql, columns] of cases) {
      expect((findAll(await logical(sql), 'TableScan')[0] as TableScanNode).columns, sql).to.deep.equal(
        columns,
      );
    }
  });

  it('prunes VALUES rows to the used columns', () => {
    const values: PlanNode = {
      kind: 'Values',
      rows: [[translate('1'), translate("'a'"), translate('true')]],
      outputs: [col('x', INTEGER), col('y', VARCHAR), col('z', BOOLEAN)],
    };
    const plan = pruneColumns.apply(
      project(values, ['z'], { x: INTEGER, y: VARCHAR, z: BOOLEAN }),
    ) as ProjectNode;
    const v = plan.input;
    expect(v.kind === 'Values' ? json(v.rows) : undefined).to.deep.equal([
      [{ kind: 'literal', value: true, type: { kind: 'boolean' } }],
    ]);
    expect(json(plan.exprs)).to.deep.equal([{ kind: 'input', channel: 0, type: { kind: 'boolean' } }]);
  });
});
