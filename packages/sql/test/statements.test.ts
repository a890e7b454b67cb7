/**
 * Statements answered from metadata through `planStatement`: EXPLAIN (logical and distributed,
 * one varchar column of plan text), SHOW CATALOGS/SCHEMAS/TABLES/COLUMNS and DESCRIBE, each a
 * single stage of VALUES that runs like any query.
 */
import { expect } from 'chai';
import { parseStatement } from '../src/parser/parser.js';
import { MapCatalogRegistry, type Connector, type TableMetadata } from '../src/spi/connector.js';
import { BIGINT, DATE, DOUBLE, decimalType, varcharType } from '../src/types/types.js';
import { planStatement } from '../src/planner/index.js';
import { registryOf } from './support/connector.js';
import { shopConnector } from './support/data.js';
import { asyncErrorOf } from './support/errors.js';
import { runPlan, SESSION } from './support/run.js';

async function run(sql: string) {
  const connector = shopConnector();
  const p = await planStatement(parseStatement(sql), registryOf(connector), SESSION);
  return { plan: p, result: await runPlan(p, registryOf(connector), 3) };
}

/** A connector whose one table knows statistics of every kind of column. */
const STATS_TABLE: TableMetadata = {
  catalog: 'stats',
  schema: 's',
  table: 't',
  rowCount: 1000,
  columns: [
    { name: 'k', type: BIGINT, distinctCount: 1000, nullsFraction: 0, low: 1, high: 2n ** 60n },
    {
      name: 'price',
      type: decimalType(12, 2),
      distinctCount: 321,
      nullsFraction: 0.25,
      low: -150,
      high: 99999,
    },
    { name: 'day', type: DATE, distinctCount: 30, low: 0, high: 19000 },
    { name: 'name', type: varcharType(), distinctCount: 7, nullsFraction: 0.5, low: 'a', high: 'z' },
    { name: 'nothing', type: DOUBLE },
  ],
};

const statsConnector: Connector = {
  connectorName: 'stats',
  listSchemas: async () => ['s'],
  schemaExists: async (schema) => schema === 's',
  listTables: async () => ['t'],
  getTable: async (schema, table) => (schema === 's' && table === 't' ? STATS_TABLE : undefined),
  splits: async () => [],
  pageSource: async function* () {},
};

describe('statements: SHOW STATS', () => {
  it('shows each column’s distinct values, NULL fraction and range (numbers and dates), then the row count', async () => {
    const catalogs = new MapCatalogRegistry([['stats', statsConnector]]);
    const p = await planStatement(parseStatement('SHOW STATS FOR stats.s.t'), catalogs, SESSION);
    const result = await runPlan(p, catalogs, 1);
    expect(result.columns).to.deep.equal([
      { name: 'column_name', type: 'varchar' },
      { name: 'data_size', type: 'double' },
      { name: 'distinct_values_count', type: 'double' },
      { name: 'nulls_fraction', type: 'double' },
      { name: 'row_count', type: 'double' },
      { name: 'low_value', type: 'varchar' },
      { name: 'high_value', type: 'varchar' },
    ]);
    expect(result.rows).to.deep.equal([
      ['k', null, 1000, 0, null, '1', '1152921504606846976'],
      ['price', null, 321, 0.25, null, '-1.50', '999.99'],
      ['day', null, 30, null, null, '1970-01-01', '2022-01-08'],
      ['name', null, 7, 0.5, null, null, null],
      ['nothing', null, null, null, null, null, null],
      [null, null, null, null, 1000, null, null],
    ]);
  });

  it('names a table that does not exist', async () => {
    const e = await asyncErrorOf(() => run('SHOW STATS FOR nope'));
    expect(e.code).to.equal('TABLE_NOT_FOUND');
  });
});

describe('statements: SHOW CREATE TABLE', () => {
  it('prints a CREATE TABLE for the columns, names quoted where SQL needs it', async () => {
    const catalogs = new MapCatalogRegistry([
      ['stats', statsConnector],
      [
        'odd',
        {
          ...statsConnector,
          getTable: async (schema, table) => ({
            catalog: 'odd',
            schema,
            table,
            columns: [
              { name: 'select', type: BIGINT },
              { name: 'Mixed Case', type: varcharType(10) },
            ],
          }),
        },
      ],
    ]);
    const show = async (sql: string) =>
      (await runPlan(await planStatement(parseStatement(sql), catalogs, SESSION), catalogs, 1)).rows;
    expect(await show('SHOW CREATE TABLE stats.s.t')).to.deep.equal([
      [
        'CREATE TABLE stats.s.t (\n   k bigint,\n   price decimal(12,2),\n   day date,\n   name varchar,\n   nothing double\n)',
      ],
    ]);
    expect(await show('SHOW CREATE TABLE odd.s.t')).to.deep.equal([
      ['CREATE TABLE odd.s.t (\n   "select" bigint,\n   "Mixed Case" varchar(10)\n)'],
    ]);
    const e = await asyncErrorOf(() => run('SHOW CREATE TABLE nope'));
    expect(e.code).to.equal('TABLE_NOT_FOUND');
  });
});

describe('statements: SHOW and DESCRIBE', () => {
  it('SHOW CATALOGS', async () => {
    const { plan, result } = await run('SHOW CATALOGS');
    expect(plan.fragments).to.have.length(1);
    expect(result.columns).to.deep.equal([{ name: 'Catalog', type: 'varchar' }]);
    expect(result.rows).to.deep.equal([['mem']]);
  });

  it('SHOW SCHEMAS, from the session catalog or a named one, information_schema among them', async () => {
    expect((await run('SHOW SCHEMAS')).result.rows).to.deep.equal([['information_schema'], ['shop']]);
    expect((await run("SHOW SCHEMAS FROM mem LIKE 's%'")).result.rows).to.deep.equal([['shop']]);
    const e = await asyncErrorOf(() => run('SHOW SCHEMAS FROM nope'));
    expect(e.code).to.equal('CATALOG_NOT_FOUND');
  });

  it('SHOW TABLES, with LIKE', async () => {
    const { result } = await run('SHOW TABLES');
    expect(result.columns).to.deep.equal([{ name: 'Table', type: 'varchar' }]);
    expect(result.rows).to.deep.equal([['big'], ['customers'], ['empty'], ['nums'], ['orders'], ['regions']]);
    expect((await run("SHOW TABLES FROM mem.shop LIKE '%s'")).result.rows).to.deep.equal([
      ['customers'],
      ['nums'],
      ['orders'],
      ['regions'],
    ]);
    expect((await asyncErrorOf(() => run('SHOW TABLES FROM other'))).code).to.equal('SCHEMA_NOT_FOUND');
  });

  it('SHOW COLUMNS and DESCRIBE: name, type, extra, comment', async () => {
    for (const sql of ['SHOW COLUMNS FROM customers', 'DESCRIBE customers', 'DESC mem.shop.customers']) {
      const { result } = await run(sql);
      expect(
        result.columns.map((c) => c.name),
        sql,
      ).to.deep.equal(['Column', 'Type', 'Extra', 'Comment']);
      expect(result.rows, sql).to.deep.equal([
        ['name', 'varchar', '', ''],
        ['region', 'varchar', '', ''],
        ['tier', 'integer', '', ''],
      ]);
    }
    expect((await run("SHOW COLUMNS FROM orders LIKE 'p%'")).result.rows.map((r) => r[0])).to.deep.equal([
      'price',
      'placed',
    ]);
    const e = await asyncErrorOf(() => run('DESCRIBE nope'));
    expect(e.code).to.equal('TABLE_NOT_FOUND');
  });
});

describe('statements: EXPLAIN', () => {
  const SQL =
    'SELECT c.region, count(*) FROM orders o JOIN customers c ON o.customer = c.name GROUP BY c.region';

  it('shows the distributed plan by default: stages, their distribution and exchanges', async () => {
    const { plan, result } = await run(`EXPLAIN ${SQL}`);
    expect(plan.fragments).to.have.length(1);
    expect(result.columns).to.deep.equal([{ name: 'Query Plan', type: 'varchar' }]);
    expect(result.rows).to.have.length(1);
    const text = String(result.rows[0]![0]);
    expect(text).to.match(/^Stage 0 \[single\] → output single/);
    expect(text).to.match(/Stage \d+ \[source\] → output hash\(0\)/);
    expect(text).to.match(/Join\(INNER, (broadcast|partitioned)\) on #\d+ = #\d+/);
    expect(text).to.match(/Aggregate\(partial\)/);
    expect(text).to.match(/Aggregate\(final\)/);
    expect((await run(`EXPLAIN (TYPE DISTRIBUTED) ${SQL}`)).result.rows).to.deep.equal(result.rows);
  });

  it('shows the logical plan with TYPE LOGICAL: one tree, no stages', async () => {
    const text = String((await run(`EXPLAIN (TYPE LOGICAL) ${SQL}`)).result.rows[0]![0]);
    expect(text).to.not.match(/Stage/);
    expect(text).to.match(/^- /);
    expect(text).to.match(/Aggregate\(single\)/);
    expect(text).to.match(/TableScan mem\.shop\.orders/);
    expect(text).to.match(/TableScan mem\.shop\.customers/);
  });

  it('validates with TYPE VALIDATE, and refuses other formats', async () => {
    expect((await run(`EXPLAIN (TYPE VALIDATE) ${SQL}`)).result.rows).to.deep.equal([[true]]);
    expect((await asyncErrorOf(() => run(`EXPLAIN (FORMAT JSON) ${SQL}`))).code).to.equal('NOT_SUPPORTED');
  });

  it('plans EXPLAIN ANALYZE as the query itself, marked for the coordinator to answer with its statistics', async () => {
    const plain = await run(SQL);
    const analyzed = await run(`EXPLAIN ANALYZE VERBOSE ${SQL}`);
    expect(analyzed.plan.analyze).to.deep.equal({ verbose: true });
    expect((await run(`EXPLAIN ANALYZE ${SQL}`)).plan.analyze).to.deep.equal({ verbose: false });
    expect(plain.plan.analyze).to.equal(undefined);
    expect(analyzed.plan.fragments).to.deep.equal(plain.plan.fragments);
    expect(analyzed.result.rows).to.deep.equal(plain.result.rows);
    const e = await asyncErrorOf(() => run('EXPLAIN ANALYZE SHOW TABLES'));
    expect(e.code).to.equal('NOT_SUPPORTED');
    expect(e.message).to.equal('line 1:17: EXPLAIN ANALYZE of SHOW TABLES is not supported');
  });

  it('reports planning errors of the explained query', async () => {
    const e = await asyncErrorOf(() => run('EXPLAIN SELECT nope FROM orders'));
    expect(e.code).to.equal('COLUMN_NOT_FOUND');
  });
});
