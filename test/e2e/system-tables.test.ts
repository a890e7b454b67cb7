import { expect } from 'chai';
import { QuarryClient } from '@quarry/client';
import { QuarryError, randomSuffix } from '@quarry/common';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

const ADMIN_TOKEN = 'admin-token-for-the-system-tables-test';

/**
 * The system catalog on a real cluster: `system.runtime.*` from the coordinator's own state (a
 * finished query, a failed one with its error code, a task attempt that failed and its retry, the
 * workers and the coordinator), SQL text only for its owner or an admin, and `system.jdbc.*`,
 * `system.metadata.*` and `information_schema` answering the exact statements the Trino JDBC
 * driver and dbt-trino send.
 */
describe('system catalog: runtime, jdbc and metadata tables', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;
  let alice: QuarryClient;
  let mallory: QuarryClient;
  let admin: QuarryClient;
  const retried = `sys_retry_${randomSuffix(6)}`;
  const failed = `sys_fail_${randomSuffix(6)}`;
  const RETRIED_SQL = 'select o_orderstatus, count(*) from tpch.tiny.orders group by 1 order by 1';
  const FAILED_SQL = 'select count(*) from tpch.tiny.lineitem';

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      coordinator: { adminToken: ADMIN_TOKEN },
      worker: {
        failureInjection: parseFailureInjection(
          [
            'query=sys_retry_,stage=1,partition=0,attempt=0,when=midway,action=EXTERNAL',
            'query=sys_fail_,stage=1,partition=0,when=start,action=USER_ERROR',
          ].join(';'),
        ),
      },
    });
    const connectAs = (user: string, adminToken?: string) =>
      QuarryClient.connect({
        servers: cluster.servers.nats.url,
        prefix: cluster.prefix,
        user,
        ...(adminToken ? { adminToken } : {}),
      });
    [alice, mallory, admin] = await Promise.all([
      connectAs('alice'),
      connectAs('mallory'),
      connectAs('root', ADMIN_TOKEN),
    ]);
    await alice.query(RETRIED_SQL, { queryId: retried, session: { retry_policy: 'TASK' } });
    const err = await alice.query(FAILED_SQL, { queryId: failed }).then(
      () => undefined,
      (e: unknown) => e as QuarryError,
    );
    expect(err?.code).to.equal('INJECTED_USER_ERROR');
  });

  after(async () => {
    await Promise.all([alice, mallory, admin].map((c) => c?.close()));
    await cluster?.stop();
  });

  const QUERIES = (ids: string) =>
    `select query_id, state, "user", query, error_type, error_code, queued_time_ms >= 0, created <= "end"
     from system.runtime.queries where query_id in (${ids}) order by query_id`;

  it('lists finished and failed queries with their states, users and error codes; SQL only for the owner', async () => {
    const ids = `'${retried}', '${failed}'`;
    const own = await alice.query(QUERIES(ids));
    expect(own.rows).to.deep.equal([
      [failed, 'FAILED', 'alice', FAILED_SQL, 'USER_ERROR', 'INJECTED_USER_ERROR', true, true],
      [retried, 'FINISHED', 'alice', RETRIED_SQL, null, null, true, true],
    ]);
    const other = await mallory.query(QUERIES(ids));
    expect(other.rows.map((r) => [r[0], r[1], r[3]])).to.deep.equal([
      [failed, 'FAILED', null],
      [retried, 'FINISHED', null],
    ]);
    const root = await admin.query(QUERIES(ids));
    expect(root.rows.map((r) => r[3])).to.deep.equal([FAILED_SQL, RETRIED_SQL]);
  });

  it('selects every column with Trino types (timestamps, the null array of resource groups)', async () => {
    const all = await alice.query(`select * from system.runtime.queries where query_id = '${retried}'`);
    expect(all.columns.map((c) => `${c.name} ${c.type}`)).to.deep.equal([
      'query_id varchar',
      'state varchar',
      'user varchar',
      'source varchar',
      'query varchar',
      'resource_group_id array(varchar)',
      'queued_time_ms bigint',
      'analysis_time_ms bigint',
      'planning_time_ms bigint',
      'created timestamp(3)',
      'started timestamp(3)',
      'last_heartbeat timestamp(3)',
      'end timestamp(3)',
      'error_type varchar',
      'error_code varchar',
    ]);
    const row = all.rows[0]!;
    expect(row[5]).to.equal(null);
    expect(String(row[9])).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
    const tasks = await alice.query(`select * from system.runtime.tasks where query_id = '${retried}'`);
    expect(tasks.columns).to.have.length(24);
    expect(tasks.rows.length).to.be.greaterThan(2);
  });

  it('shows the asking query itself (being planned: its rows are listed then) with its own SQL', async () => {
    const sql = `select state, query from system.runtime.queries where "user" = 'mallory' and state <> 'FINISHED'`;
    const result = await mallory.query(sql);
    expect(result.rows).to.deep.equal([['PLANNING', sql]]);
  });

  it('lists every task attempt, the failed one and its retry, on the workers that ran them', async () => {
    const result = await alice.query(
      `select task_id, stage_id, state, node_id, output_rows from system.runtime.tasks
       where query_id = '${retried}' and stage_id = '${retried}.1' order by task_id`,
    );
    const attempts = result.rows.filter((r) => String(r[0]).startsWith(`${retried}.1.0.`));
    expect(attempts.map((r) => [r[0], r[2]])).to.deep.equal([
      [`${retried}.1.0.0`, 'FAILED'],
      [`${retried}.1.0.1`, 'FINISHED'],
    ]);
    for (const r of result.rows) expect(['w1', 'w2']).to.include(r[3]);
    expect(Number(attempts[1]![4])).to.be.greaterThan(0);
  });

  it('lists the coordinator and the workers as nodes', async () => {
    const result = await alice.query(
      'select node_id, coordinator, state, node_version from system.runtime.nodes order by coordinator desc, node_id',
    );
    expect(result.rows).to.deep.equal([
      [cluster.coordinator.id, true, 'active', 'quarry'],
      ['w1', false, 'active', 'quarry'],
      ['w2', false, 'active', 'quarry'],
    ]);
  });

  it("answers the Trino JDBC driver's DatabaseMetaData queries", async () => {
    const q = async (sql: string) => (await alice.query(sql)).rows;
    expect(await q('SELECT TABLE_CAT FROM system.jdbc.catalogs ORDER BY TABLE_CAT')).to.deep.include.members([
      ['system'],
      ['tpch'],
    ]);
    expect(
      await q(
        "SELECT TABLE_SCHEM, TABLE_CATALOG FROM system.jdbc.schemas WHERE TABLE_CATALOG = 'tpch' AND TABLE_SCHEM LIKE 'tin_' ESCAPE '\\' ORDER BY TABLE_CATALOG, TABLE_SCHEM",
      ),
    ).to.deep.equal([['tiny', 'tpch']]);
    const tables = await q(
      "SELECT TABLE_CAT, TABLE_SCHEM, TABLE_NAME, TABLE_TYPE, REMARKS, TYPE_CAT, TYPE_SCHEM, TYPE_NAME, SELF_REFERENCING_COL_NAME, REF_GENERATION FROM system.jdbc.tables WHERE TABLE_CAT = 'tpch' AND TABLE_SCHEM LIKE 'tiny' ESCAPE '\\' AND TABLE_NAME LIKE '%' ESCAPE '\\' AND TABLE_TYPE IN ('TABLE', 'VIEW') ORDER BY TABLE_TYPE, TABLE_CAT, TABLE_SCHEM, TABLE_NAME",
    );
    expect(tables.map((r) => r[2])).to.deep.equal([
      'customer',
      'lineitem',
      'nation',
      'orders',
      'part',
      'partsupp',
      'region',
      'supplier',
    ]);
    expect(tables[0]).to.deep.equal([
      'tpch',
      'tiny',
      'customer',
      'TABLE',
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
    const columns = await q(
      "SELECT TABLE_CAT, TABLE_SCHEM, TABLE_NAME, COLUMN_NAME, DATA_TYPE, TYPE_NAME, COLUMN_SIZE, BUFFER_LENGTH, DECIMAL_DIGITS, NUM_PREC_RADIX, NULLABLE, REMARKS, COLUMN_DEF, SQL_DATA_TYPE, SQL_DATETIME_SUB, CHAR_OCTET_LENGTH, ORDINAL_POSITION, IS_NULLABLE, SCOPE_CATALOG, SCOPE_SCHEMA, SCOPE_TABLE, SOURCE_DATA_TYPE, IS_AUTOINCREMENT, IS_GENERATEDCOLUMN FROM system.jdbc.columns WHERE TABLE_CAT = 'tpch' AND TABLE_SCHEM LIKE 'tiny' ESCAPE '\\' AND TABLE_NAME LIKE 'nation' ESCAPE '\\' AND COLUMN_NAME LIKE '%' ESCAPE '\\' ORDER BY TABLE_CAT, TABLE_SCHEM, TABLE_NAME, ORDINAL_POSITION",
    );
    expect(columns.map((r) => [r[3], r[4], r[5], r[16]])).to.deep.equal([
      ['n_nationkey', 4, 'integer', 1],
      ['n_name', 12, 'varchar(25)', 2],
      ['n_regionkey', 4, 'integer', 3],
      ['n_comment', 12, 'varchar(152)', 4],
    ]);
    expect(columns[1]!.slice(6, 11)).to.deep.equal([25, null, null, null, 1]);
    expect(await q('SELECT TABLE_TYPE FROM system.jdbc.table_types')).to.deep.equal([['TABLE'], ['VIEW']]);
    const types = await q(
      'SELECT TYPE_NAME, DATA_TYPE, PRECISION, LITERAL_PREFIX, LITERAL_SUFFIX, CREATE_PARAMS, NULLABLE, CASE_SENSITIVE, SEARCHABLE, UNSIGNED_ATTRIBUTE, FIXED_PREC_SCALE, AUTO_INCREMENT, LOCAL_TYPE_NAME, MINIMUM_SCALE, MAXIMUM_SCALE, SQL_DATA_TYPE, SQL_DATETIME_SUB, NUM_PREC_RADIX FROM system.jdbc.types ORDER BY DATA_TYPE',
    );
    expect(types.find((r) => r[0] === 'bigint')?.slice(0, 3)).to.deep.equal(['bigint', -5, 19]);
    expect(types.find((r) => r[0] === 'varchar')?.[5]).to.equal('length');
  });

  it("answers dbt-trino's introspection of information_schema and system.metadata", async () => {
    const q = async (sql: string) => (await alice.query(sql)).rows;
    const relations = await q(`
      select t.table_catalog as database, t.table_name as name, t.table_schema as schema,
        case when mv.name is not null then 'materialized_view'
             when t.table_type = 'BASE TABLE' then 'table'
             when t.table_type = 'VIEW' then 'view'
             else t.table_type end as table_type
      from tpch.INFORMATION_SCHEMA.tables t
      left join (select * from system.metadata.materialized_views
                 where catalog_name = 'tpch' and schema_name = 'tiny') mv
        on mv.catalog_name = t.table_catalog and mv.schema_name = t.table_schema and mv.name = t.table_name
      where t.table_schema = 'tiny' order by name`);
    expect(relations[2]).to.deep.equal(['tpch', 'nation', 'tiny', 'table']);
    expect(relations).to.have.length(8);
    const columns = await q(`
      select column_name, data_type from tpch.INFORMATION_SCHEMA.columns
      where table_catalog = 'tpch' and table_schema = 'tiny' and table_name = 'region'`);
    expect(columns).to.deep.equal([
      ['r_regionkey', 'integer'],
      ['r_name', 'varchar(25)'],
      ['r_comment', 'varchar(152)'],
    ]);
    expect(
      await q(
        `select count(*) from tpch.INFORMATION_SCHEMA.schemata where catalog_name = 'tpch' and schema_name = 'tiny'`,
      ),
    ).to.deep.equal([[1]]);
    expect(
      await q(`select connector_name from system.metadata.catalogs where catalog_name = 'system'`),
    ).to.deep.equal([['system']]);
    expect(await q('show tables from system.runtime')).to.deep.equal([['nodes'], ['queries'], ['tasks']]);
  });

  it('names a table the system catalog does not have', async () => {
    const err = await alice.query('select * from system.runtime.sessions').then(
      () => undefined,
      (e: unknown) => e as QuarryError,
    );
    expect(err?.code).to.equal('TABLE_NOT_FOUND');
    expect(err?.message).to.contain("'system.runtime.sessions'");
  });
});
