/**
 * information_schema in every catalog: Trino's columns (hidden ones by name only), rows listed from
 * the connector while planning, and WHERE equalities on the schema and table names keeping that
 * listing to what was asked for — a catalog is not listed whole for one table's columns.
 */
import { expect } from 'chai';
import { parseStatement } from '../src/parser/parser.js';
import { planStatement } from '../src/planner/index.js';
import { listingHints } from '../src/planner/information-schema-filters.js';
import { MapCatalogRegistry } from '../src/spi/connector.js';
import { MemConnector } from './support/connector.js';
import { BIG, CUSTOMERS, EMPTY, NUMS, ORDERS, REGIONS } from './support/data.js';
import { asyncErrorOf } from './support/errors.js';
import { runPlan, SESSION } from './support/run.js';

/** The shop connector, counting what it is asked to list. */
class CountingConnector extends MemConnector {
  readonly calls: string[] = [];
  constructor() {
    super({
      shop: { orders: ORDERS, big: BIG, empty: EMPTY, customers: CUSTOMERS, regions: REGIONS, nums: NUMS },
      other: {},
    });
  }
  override async listSchemas() {
    this.calls.push('listSchemas');
    return super.listSchemas();
  }
  override async listTables(schema: string) {
    this.calls.push(`listTables ${schema}`);
    return super.listTables(schema);
  }
  override async getTable(schema: string, table: string) {
    this.calls.push(`getTable ${schema}.${table}`);
    return super.getTable(schema, table);
  }
}

async function run(sql: string, connector = new CountingConnector()) {
  const catalogs = new MapCatalogRegistry([['mem', connector]]);
  const plan = await planStatement(parseStatement(sql), catalogs, { ...SESSION, queryId: 'q' });
  return { result: await runPlan(plan, catalogs, 2), calls: connector.calls };
}

describe('information_schema', () => {
  it('has Trino’s columns; hidden ones are not in *, but can be selected by name', async () => {
    const { result } = await run(
      "select * from mem.information_schema.columns where table_name = 'regions' order by ordinal_position",
    );
    expect(result.columns.map((c) => `${c.name} ${c.type}`)).to.deep.equal([
      'table_catalog varchar',
      'table_schema varchar',
      'table_name varchar',
      'column_name varchar',
      'ordinal_position bigint',
      'column_default varchar',
      'is_nullable varchar',
      'data_type varchar',
    ]);
    expect(result.rows[0]).to.deep.equal(['mem', 'shop', 'regions', 'code', 1, null, 'YES', 'varchar']);
    const hidden = await run(
      "select comment, extra_info, column_comment from information_schema.columns where table_name = 'regions'",
    );
    expect(hidden.result.rows[0]).to.deep.equal([null, null, null]);
    const tables = await run('select * from information_schema.tables');
    expect(tables.result.columns.map((c) => c.name)).to.deep.equal([
      'table_catalog',
      'table_schema',
      'table_name',
      'table_type',
    ]);
  });

  it('lists one table’s columns without listing the catalog', async () => {
    const { result, calls } = await run(
      "select column_name from mem.information_schema.columns where table_schema = 'shop' and table_name = 'regions'",
    );
    expect(result.rows.map((r) => r[0])).to.deep.equal(['code', 'label']);
    expect(calls).to.deep.equal(['getTable shop.regions']);
  });

  it('lists only the schemas named, by equality or IN, qualified or not', async () => {
    for (const where of [
      "t.table_schema = 'shop'",
      "'shop' = table_schema",
      "table_schema in ('shop', 'nowhere') and table_type = 'BASE TABLE'",
    ]) {
      const { result, calls } = await run(
        `select t.table_name from information_schema.tables t where ${where}`,
      );
      expect(calls, where).to.deep.equal(['listTables shop']);
      expect(result.rows.length, where).to.equal(6);
    }
  });

  it('lists everything when a condition cannot narrow it (OR, a function, a renamed column)', async () => {
    for (const sql of [
      "select table_name from information_schema.tables where table_schema = 'shop' or table_name = 'x'",
      "select table_name from information_schema.tables where lower(table_schema) = 'shop'",
      "select a from information_schema.tables as t (a, b, c, d) where b = 'shop'",
    ]) {
      const { calls, result } = await run(sql);
      expect(calls, sql).to.include('listSchemas');
      expect(result.rows.length, sql).to.be.greaterThan(0);
    }
  });

  it('a filtered reference and an unfiltered one of the same table list everything', async () => {
    const { result } = await run(
      "select count(*) from information_schema.schemata a, information_schema.schemata b where a.schema_name = 'shop'",
    );
    expect(result.rows).to.deep.equal([[3]]);
    const hints = listingHints(
      parseStatement(
        "select 1 from information_schema.tables where table_schema = 'a' union all select 1 from information_schema.tables where table_schema = 'b'",
      ),
      () => ['table_schema'],
      (n) => n.map((p) => p.value).join('.'),
    );
    expect([...hints.get('information_schema.tables')!.schemas!].sort()).to.deep.equal(['a', 'b']);
  });

  it('takes no hint from a name the table lacks (it may be an outer query’s column)', async () => {
    const { result, calls } = await run(
      "select count(*) from information_schema.columns c where c.table_schema = 'shop' and c.table_name = 'regions' and exists (select 1 from information_schema.schemata where table_schema = 'shop')",
    );
    expect(calls).to.deep.equal(['getTable shop.regions', 'listSchemas']);
    expect(result.rows).to.deep.equal([[2]]);
  });

  it('takes LIKE without wildcards (escapes resolved) as equality, as the JDBC driver sends it', async () => {
    const { result, calls } = await run(
      "select column_name from information_schema.columns where table_schema like 'shop' escape '\\' and table_name like 'regions' escape '\\' order by 1",
    );
    expect(calls).to.deep.equal(['getTable shop.regions']);
    expect(result.rows.length).to.equal(2);
    const hintsOf = (where: string) =>
      listingHints(
        parseStatement(`select 1 from system.jdbc.columns where ${where}`),
        () => ['table_cat', 'table_schem', 'table_name', 'query_id'],
        (n) => n.map((p) => p.value).join('.'),
      ).get('system.jdbc.columns')!;
    const exact = hintsOf(
      "table_cat = 'tpch' and table_schem like 'ti\\_ny' escape '\\' and query_id in ('q1', 'q2')",
    );
    expect([...exact.catalogs!]).to.deep.equal(['tpch']);
    expect([...exact.schemas!]).to.deep.equal(['ti_ny']);
    expect([...exact.queries!].sort()).to.deep.equal(['q1', 'q2']);
    // a wildcard, an escape at the end, NOT LIKE: no hint
    const none = hintsOf(
      "table_name like 'na%' and table_schem like 'x\\' escape '\\' and table_cat not like 'a'",
    );
    expect(none).to.deep.equal({});
  });

  it('lists its own tables, and SHOW SCHEMAS and SHOW TABLES see it', async () => {
    const { result } = await run(
      "select table_name from information_schema.tables where table_schema = 'information_schema'",
    );
    expect(result.rows.map((r) => r[0])).to.deep.equal([
      'applicable_roles',
      'columns',
      'enabled_roles',
      'roles',
      'schemata',
      'table_privileges',
      'tables',
      'views',
    ]);
    expect((await run('show schemas')).result.rows).to.deep.equal([
      ['information_schema'],
      ['other'],
      ['shop'],
    ]);
    expect((await run("show tables from information_schema like '%s'")).result.rows).to.deep.equal([
      ['applicable_roles'],
      ['columns'],
      ['enabled_roles'],
      ['roles'],
      ['table_privileges'],
      ['tables'],
      ['views'],
    ]);
    expect((await run('describe information_schema.schemata')).result.rows.map((r) => r[0])).to.deep.equal([
      'catalog_name',
      'schema_name',
    ]);
  });

  it('refuses a table it does not have, naming it', async () => {
    const e = await asyncErrorOf(() => run('select * from information_schema.nope'));
    expect([e.code, e.message]).to.deep.equal([
      'TABLE_NOT_FOUND',
      "line 1:15: Table 'mem.information_schema.nope' does not exist",
    ]);
  });
});
