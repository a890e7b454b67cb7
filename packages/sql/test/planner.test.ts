/**
 * The planner: output names and types, semantic errors with their position, ORDER BY and DISTINCT
 * plans, and the distributed plan (exchanges, partial/final aggregation, fragments).
 */
import { expect } from 'chai';
import type { ErrorCode } from '@quarry/common';
import { explainPlan } from '../src/plan/explain.js';
import type { AggregateNode, PlanNode } from '../src/plan/nodes.js';
import { parseStatement } from '../src/parser/parser.js';
import { PlannerMetadata, collectTableNames, planLogical } from '../src/planner/index.js';
import { typeToString } from '../src/types/types.js';
import { registryOf } from './support/connector.js';
import { shopConnector } from './support/data.js';
import { asyncErrorOf } from './support/errors.js';
import { SESSION, logical, plan, runDistributed, runLocal } from './support/run.js';

/** Output columns as `name:type`. */
async function columnsOf(sql: string): Promise<string[]> {
  return (await plan(sql)).columns.map((c) => `${c.name}:${typeToString(c.type)}`);
}

/** The nodes of a plan from the root down (single-input chains). */
function chain(node: PlanNode): PlanNode[] {
  return 'input' in node ? [node, ...chain(node.input)] : [node];
}

describe('planner: output columns', () => {
  const cases: [string, string[]][] = [
    ['SELECT 1', ['_col0:integer']],
    [
      "SELECT 1, 'ab', 2.50, 1E0, true, NULL",
      [
        '_col0:integer',
        '_col1:varchar(2)',
        '_col2:decimal(3,2)',
        '_col3:double',
        '_col4:boolean',
        '_col5:unknown',
      ],
    ],
    [
      'SELECT id, customer AS who, amount * 2 FROM orders',
      ['id:integer', 'who:varchar', '_col2:decimal(22,2)'],
    ],
    ['SELECT o.id FROM orders o', ['id:integer']],
    [
      'SELECT orders.id, shop.orders.qty, mem.shop.orders.price FROM orders',
      ['id:integer', 'qty:bigint', 'price:double'],
    ],
    [
      'SELECT * FROM orders',
      [
        'id:integer',
        'customer:varchar',
        'amount:decimal(12,2)',
        'qty:bigint',
        'price:double',
        'placed:date',
        'shipped:boolean',
      ],
    ],
    ['SELECT o.*, 1 FROM big o', ['g:varchar', 'v:bigint', 'd:decimal(20,2)', '_col3:integer']],
    [
      'SELECT count(*), count(amount) AS n, sum(amount), avg(qty), max(placed) FROM orders',
      ['_col0:bigint', 'n:bigint', '_col2:decimal(38,2)', '_col3:double', '_col4:date'],
    ],
    ['SELECT customer, sum(qty) total FROM orders GROUP BY customer', ['customer:varchar', 'total:bigint']],
    ["SELECT placed + interval '1' day, year(placed) FROM orders", ['_col0:date', '_col1:bigint']],
    ['SELECT x, y FROM (VALUES (1, 2.5), (2, NULL)) AS t(x, y)', ['x:integer', 'y:decimal(2,1)']],
    ['WITH t AS (SELECT id AS k FROM orders) SELECT k FROM t', ['k:integer']],
    ['SELECT id FROM orders ORDER BY price', ['id:integer']],
  ];
  for (const [sql, columns] of cases) {
    it(sql, async () => {
      expect(await columnsOf(sql)).to.deep.equal(columns);
    });
  }
});

describe('planner: errors', () => {
  const cases: [string, ErrorCode, string][] = [
    ['SELECT nope FROM orders', 'COLUMN_NOT_FOUND', "line 1:8: Column 'nope' cannot be resolved"],
    [
      'SELECT id FROM orders WHERE x.id > 1',
      'COLUMN_NOT_FOUND',
      "line 1:29: Column 'x.id' cannot be resolved",
    ],
    [
      'SELECT orders.qty FROM orders o',
      'COLUMN_NOT_FOUND',
      "line 1:8: Column 'orders.qty' cannot be resolved",
    ],
    ['SELECT x FROM (SELECT 1 AS x, 2 AS x)', 'AMBIGUOUS_NAME', "line 1:8: Column 'x' is ambiguous"],
    [
      'SELECT id AS a, customer AS a FROM orders ORDER BY a',
      'AMBIGUOUS_NAME',
      "line 1:52: 'a' in ORDER BY is ambiguous",
    ],
    [
      'SELECT customer, id FROM orders GROUP BY customer',
      'EXPRESSION_NOT_AGGREGATE',
      "line 1:18: 'id' must be an aggregate expression or appear in GROUP BY clause",
    ],
    [
      'SELECT count(*), id FROM orders',
      'EXPRESSION_NOT_AGGREGATE',
      "line 1:18: 'id' must be an aggregate expression or appear in GROUP BY clause",
    ],
    [
      'SELECT id FROM orders WHERE count(*) > 1',
      'EXPRESSION_NOT_AGGREGATE',
      'line 1:29: WHERE clause cannot contain aggregations, window functions or grouping operations',
    ],
    [
      'SELECT customer FROM orders GROUP BY 2',
      'INVALID_COLUMN_REFERENCE',
      'line 1:38: GROUP BY position 2 is not in select list',
    ],
    [
      'SELECT customer FROM orders GROUP BY 0',
      'INVALID_COLUMN_REFERENCE',
      'line 1:38: GROUP BY position 0 is not in select list',
    ],
    [
      'SELECT id FROM orders ORDER BY 3',
      'INVALID_COLUMN_REFERENCE',
      'line 1:32: ORDER BY position 3 is not in select list',
    ],
    [
      'SELECT id FROM orders ORDER BY 0',
      'INVALID_COLUMN_REFERENCE',
      'line 1:32: ORDER BY position 0 is not in select list',
    ],
    ["SELECT 'a' + 1", 'TYPE_MISMATCH', 'line 1:8: Cannot apply operator: varchar(1) + integer'],
    [
      'SELECT id FROM orders WHERE customer',
      'TYPE_MISMATCH',
      'line 1:29: WHERE operand must be boolean, not varchar',
    ],
    ['SELECT foo(id) FROM orders', 'FUNCTION_NOT_FOUND', "line 1:8: Function 'foo' not registered"],
    [
      'SELECT sum(customer) FROM orders',
      'FUNCTION_NOT_FOUND',
      /^line 1:8: Unexpected parameters \(varchar\) for function sum/.source,
    ],
    [
      'SELECT sum(count(*)) FROM orders',
      'NESTED_AGGREGATION',
      'line 1:12: Cannot nest aggregations inside aggregation',
    ],
    [
      'SELECT count(*) FROM orders GROUP BY count(*)',
      'EXPRESSION_NOT_AGGREGATE',
      'line 1:38: GROUP BY clause cannot contain aggregations or window functions',
    ],
    [
      'SELECT DISTINCT id FROM orders ORDER BY price',
      'EXPRESSION_NOT_AGGREGATE',
      'line 1:41: For SELECT DISTINCT, ORDER BY expressions must appear in select list',
    ],
    ['SELECT * FROM nope', 'TABLE_NOT_FOUND', "line 1:15: Table 'mem.shop.nope' does not exist"],
    ['SELECT * FROM other.nope', 'SCHEMA_NOT_FOUND', "line 1:15: Schema 'mem.other' does not exist"],
    ['SELECT * FROM cat.x.nope', 'CATALOG_NOT_FOUND', "line 1:15: Catalog 'cat' not found"],
    [
      'SELECT * FROM orders a LEFT JOIN orders b ON a.id IN (SELECT 1)',
      'NOT_SUPPORTED',
      'line 1:46: Subqueries in the ON condition of a LEFT join are not supported (only in inner joins)',
    ],
    ["SELECT date '2024-13-01'", 'INVALID_LITERAL', "line 1:8: '2024-13-01' is not a valid date literal"],
    ['SELECT sum(*) FROM orders', 'INVALID_ARGUMENTS', 'line 1:8: sum(*) is not allowed; only count(*)'],
    ['SELECT 1 FROM orders LIMIT 2 + 1', 'SYNTAX_ERROR', /^line 1:30:/.source],
  ];
  for (const [sql, code, message] of cases) {
    it(sql, async () => {
      const e = await asyncErrorOf(() => plan(sql));
      expect(e.code, e.message).to.equal(code);
      if (message.startsWith('^')) expect(e.message).to.match(new RegExp(message));
      else expect(e.message).to.equal(message);
    });
  }

  it('refuses statements other than queries', async () => {
    const statement = parseStatement('CREATE TABLE t (x integer)');
    const metadata = new PlannerMetadata(SESSION);
    const e = await asyncErrorOf(async () => planLogical(statement, metadata));
    expect(e.code).to.equal('NOT_SUPPORTED');
    expect(e.message).to.match(/^line 1:1: CreateTable statements are not supported yet$/);
  });

  it('names every table of a statement, CTE names included', () => {
    const names = collectTableNames(
      parseStatement('WITH t AS (SELECT * FROM orders) SELECT * FROM t, (SELECT 1 FROM mem.shop.big) b'),
    );
    expect(names.map((n) => n.map((p) => p.value).join('.'))).to.deep.equal(['orders', 't', 'mem.shop.big']);
  });

  it('resolves names case-insensitively and fails lazily for unknown ones', async () => {
    const metadata = await PlannerMetadata.load(
      parseStatement('SELECT * FROM ORDERS, nope'),
      registryOf(shopConnector()),
      SESSION,
    );
    const loc = { line: 3, column: 4 };
    const orders = metadata.relation([{ kind: 'Identifier', value: 'orders', quoted: false, loc }], loc);
    expect(orders.kind === 'table' && orders.table.table).to.equal('orders');
    const e = await asyncErrorOf(async () =>
      metadata.relation([{ kind: 'Identifier', value: 'nope', quoted: false, loc }], loc),
    );
    expect(e.message).to.equal("line 3:4: Table 'mem.shop.nope' does not exist");
  });
});

describe('planner: ORDER BY, DISTINCT, LIMIT', () => {
  it('orders by an alias of the select list', async () => {
    const sql = 'SELECT id, amount AS a FROM orders WHERE amount IS NOT NULL ORDER BY a DESC';
    const sort = chain(await logical(sql)).find((n) => n.kind === 'Sort');
    expect(sort && sort.kind === 'Sort' ? sort.keys : undefined).to.deep.equal([
      { channel: 1, ascending: false, nullsFirst: false },
    ]);
    expect((await runLocal(sql)).rows.map((r) => r[0])).to.deep.equal([7, 6, 2, 1, 3, 10, 9, 5]);
  });

  it('orders by ordinals, NULLS LAST by default and FIRST when asked', async () => {
    expect(
      (await runLocal('SELECT customer, id FROM orders ORDER BY 1 DESC, 2')).rows.map((r) => r[1]),
    ).to.deep.equal([10, 7, 4, 2, 6, 1, 3, 9, 5, 8]);
    expect(
      (await runLocal('SELECT customer, id FROM orders ORDER BY 1 NULLS FIRST, 2 DESC')).rows.map(
        (r) => r[1],
      ),
    ).to.deep.equal([8, 5, 9, 3, 1, 6, 2, 4, 7, 10]);
  });

  it('orders by an expression outside the select list through a hidden column', async () => {
    const sql = 'SELECT id FROM orders ORDER BY qty * price DESC, id LIMIT 4';
    const root = await logical(sql);
    expect(root.kind).to.equal('Project');
    expect(root.outputs.map((c) => c.name)).to.deep.equal(['id']);
    const topN = chain(root).find((n) => n.kind === 'TopN')!;
    expect(topN.outputs.length, 'the sort key travels as a hidden column').to.equal(2);
    expect((await runLocal(sql)).rows).to.deep.equal([[7], [6], [2], [1]]);
    expect((await runDistributed(sql)).rows).to.deep.equal([[7], [6], [2], [1]]);
  });

  it('orders by a column that is not selected', async () => {
    const sql = 'SELECT customer FROM orders WHERE id > 3 ORDER BY price DESC';
    const result = await runLocal(sql);
    expect(result.columns).to.deep.equal([{ name: 'customer', type: 'varchar' }]);
    expect(result.rows.map((r) => r[0])).to.deep.equal([
      'dave',
      'bob',
      'élodie',
      'alice',
      null,
      'carol',
      null,
    ]);
  });

  it('plans DISTINCT as a grouping on every output column', async () => {
    const root = await logical('SELECT DISTINCT customer, shipped FROM orders');
    const agg = chain(root).find((n) => n.kind === 'Aggregate') as AggregateNode;
    expect(agg.groupBy).to.deep.equal([0, 1]);
    expect(agg.aggregates).to.deep.equal([]);
    const result = await runDistributed('SELECT DISTINCT customer FROM orders ORDER BY customer');
    expect(result.rows).to.deep.equal([['alice'], ['bob'], ['carol'], ['dave'], ['élodie'], [null]]);
  });

  it('turns ORDER BY … LIMIT into TopN, and OFFSET into a Limit above it', async () => {
    expect(
      chain(await logical('SELECT id FROM orders ORDER BY id LIMIT 3')).map((n) => n.kind),
    ).to.deep.equal(['TopN', 'Project', 'TableScan']);
    const withOffset = chain(await logical('SELECT id FROM orders ORDER BY id OFFSET 3 LIMIT 4'));
    expect(withOffset.map((n) => n.kind)).to.deep.equal(['Limit', 'TopN', 'Project', 'TableScan']);
    expect(withOffset[0]).to.include({ count: 4, offset: 3 });
    expect(withOffset[1]).to.include({ count: 7 });
    expect((await runDistributed('SELECT id FROM orders ORDER BY id OFFSET 3 LIMIT 4')).rows).to.deep.equal([
      [4],
      [5],
      [6],
      [7],
    ]);
  });
});

describe('planner: distributed plans', () => {
  it('splits a GROUP BY into partial and final aggregation over three fragments', async () => {
    const p = await plan('SELECT customer, count(*) FROM orders GROUP BY customer');
    expect(p.rootId).to.equal(0);
    expect(p.fragments.map((f) => [f.id, f.distribution, f.outputPartitioning, f.inputs])).to.deep.equal([
      [0, 'single', { kind: 'single' }, [1]],
      [1, 'hash', { kind: 'single' }, [2]],
      [2, 'source', { kind: 'hash', channels: [0] }, []],
    ]);
    const final = chain(p.fragments[1]!.root).find((n) => n.kind === 'Aggregate') as AggregateNode;
    const partial = chain(p.fragments[2]!.root).find((n) => n.kind === 'Aggregate') as AggregateNode;
    expect([final.step, partial.step]).to.deep.equal(['final', 'partial']);
    expect(explainPlan(p)).to.equal(
      [
        'Stage 0 [single] → output single',
        '  - RemoteSource from stage 1 => [customer:varchar, _col1:bigint]',
        'Stage 1 [hash] → output single',
        '  - Project #0, #1 => [customer:varchar, _col1:bigint]',
        '    - Aggregate(final) by [0] count(#1) => [customer:varchar, count:bigint]',
        '      - RemoteSource from stage 2 => [customer:varchar, count_state0:bigint]',
        'Stage 2 [source] → output hash(0)',
        '  - Aggregate(partial) by [0] count() => [customer:varchar, count_state0:bigint]',
        '    - Project #0 => [expr0:varchar]',
        '      - TableScan mem.shop.orders => [customer:varchar]',
      ].join('\n'),
    );
  });

  it('gathers a global aggregation into one final task', async () => {
    const p = await plan('SELECT count(*), sum(qty) FROM orders');
    expect(p.fragments.map((f) => [f.distribution, f.outputPartitioning.kind])).to.deep.equal([
      ['single', 'single'],
      ['source', 'single'],
    ]);
    expect(chain(p.fragments[1]!.root)[0]).to.include({ kind: 'Aggregate', step: 'partial' });
  });

  it('runs the root stage as one task for a plain scan', async () => {
    const p = await plan('SELECT id FROM orders');
    expect(p.fragments.map((f) => f.distribution)).to.deep.equal(['single', 'source']);
    expect(p.fragments[0]!.root.kind).to.equal('RemoteSource');
  });

  it('keeps queries without tables in one fragment', async () => {
    const p = await plan('SELECT 1 + 2');
    expect(p.fragments.length).to.equal(1);
    expect(p.fragments[0]).to.include({ distribution: 'single', id: 0 });
  });

  it('runs TopN and Limit in the source stage too, with the offset added to the count', async () => {
    const topN = await plan('SELECT id FROM orders ORDER BY id OFFSET 2 LIMIT 3');
    expect(chain(topN.fragments[1]!.root)[0]).to.include({ kind: 'TopN', count: 5 });
    const limit = await plan('SELECT id FROM orders OFFSET 2 LIMIT 3');
    expect(chain(limit.fragments[0]!.root)[0]).to.include({ kind: 'Limit', count: 3, offset: 2 });
    expect(chain(limit.fragments[1]!.root)[0]).to.include({ kind: 'Limit', count: 5, offset: 0 });
    expect((await runDistributed('SELECT id FROM orders OFFSET 2 LIMIT 3')).rows.length).to.equal(3);
  });

  it('sorts in one task after gathering', async () => {
    const p = await plan('SELECT id FROM orders ORDER BY price');
    expect(p.fragments.map((f) => f.distribution)).to.deep.equal(['single', 'source']);
    expect(chain(p.fragments[0]!.root).map((n) => n.kind)).to.deep.equal(['Project', 'Sort', 'RemoteSource']);
  });

  it('gives the result columns of the logical plan', async () => {
    const p = await plan('SELECT customer AS c, count(*) AS n FROM orders GROUP BY customer ORDER BY n DESC');
    expect(p.columns.map((c) => c.name)).to.deep.equal(['c', 'n']);
    expect(p.fragments[0]!.outputs.map((c) => c.name)).to.deep.equal(['c', 'n']);
  });
});
