import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { QuarryError } from '@quarry/common';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';

/**
 * Your own files (issue 17, point 5): Parquet and CSV files DuckDB writes, registered with
 * `CALL lake.system.register_table` or declared with `CREATE TABLE … WITH (external_location …)`,
 * queried through a local cluster of two workers and compared with DuckDB's answers on the same
 * files; statistics come from the Parquet footers; bad calls and locations fail with clear errors.
 */
describe('lake tables over your own files', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'quarry-own-files-'));
  const data = join(dir, 'data');
  const catalogs = join(dir, 'catalogs');
  let cluster: InProcessCluster;
  let duck: DuckDBInstance;
  let con: DuckDBConnection;

  const q = (sql: string) => cluster.client.query(sql);
  const err = async (sql: string): Promise<string> => {
    const e = (await q(sql).catch((x: unknown) => x)) as QuarryError;
    expect(e, sql).to.be.instanceOf(QuarryError);
    return `${e.code}: ${e.message}`;
  };
  /** DuckDB's rows, integers as numbers (the client's form for bigint within 2^53). */
  const duckRows = async (sql: string) =>
    (await con.runAndReadAll(sql))
      .getRowsJS()
      .map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));

  before(async () => {
    mkdirSync(join(data, 'orders'), { recursive: true });
    mkdirSync(catalogs);
    writeFileSync(
      join(catalogs, 'lake.properties'),
      `connector.name=lake\nlake.root=${join(dir, 'warehouse')}\nlake.external-location-prefixes=${data}\n`,
    );
    duck = await DuckDBInstance.create();
    con = await duck.connect();
    for (const [part, from, to] of [
      [0, 0, 5000],
      [1, 5000, 12000],
      [2, 12000, 15000],
    ] as const) {
      await con.run(
        `COPY (SELECT i AS orderkey, i % 97 AS custkey, (i % 1000 * 1.25)::DECIMAL(12,2) AS total,
            DATE '2023-01-01' + (i % 365)::INTEGER AS orderdate, CASE WHEN i % 4 = 0 THEN 'F' ELSE 'O' END AS status
          FROM range(${from}, ${to}) t(i))
          TO '${join(data, 'orders', `part-${part}.parquet`)}' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)`,
      );
    }
    await con.run(
      `COPY (SELECT i AS custkey, 'Customer#' || i AS name, ['DE', 'FR', 'JP', 'BR'][i % 4 + 1] AS nation FROM range(0, 97) t(i))
        TO '${join(data, 'customers.csv')}' (HEADER, DELIMITER ';')`,
    );
    await con.run(
      `COPY (SELECT i AS id,
          CASE WHEN i % 10 = 0 THEN NULL WHEN i % 10 = 1 THEN [] ELSE ['t' || (i % 3), CASE WHEN i % 4 = 0 THEN NULL ELSE 'x' END] END AS tags,
          CASE WHEN i % 7 = 0 THEN NULL ELSE MAP {'k' || (i % 5): i, 'z': NULL::BIGINT} END AS attrs,
          CASE WHEN i % 9 = 0 THEN NULL ELSE {'score': i % 13, 'who': CASE WHEN i % 2 = 0 THEN NULL ELSE 'w' || i END} END AS info
        FROM range(0, 20000) t(i)) TO '${join(data, 'events.parquet')}' (FORMAT PARQUET, ROW_GROUP_SIZE 4096)`,
    );
    cluster = await startInProcessCluster({
      workers: 2,
      coordinator: { catalogDir: catalogs },
      worker: { catalogDir: catalogs },
    });
    await q('CREATE SCHEMA lake.mine');
  });

  after(async () => {
    await cluster?.stop();
    con?.closeSync();
    duck?.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a Parquet directory and a CSV file and answers as DuckDB does', async () => {
    await q(
      `CALL lake.system.register_table(schema_name => 'mine', table_name => 'orders', table_location => '${join(data, 'orders')}')`,
    );
    await q(
      `CREATE TABLE lake.mine.customers (custkey bigint, name varchar, nation varchar)
        WITH (external_location = '${join(data, 'customers.csv')}', format = 'CSV', csv_separator = ';', skip_header_line_count = 1)`,
    );
    expect((await q('SHOW TABLES FROM lake.mine')).rows).to.deep.equal([['customers'], ['orders']]);
    expect(
      (await q('DESCRIBE lake.mine.orders')).rows.map((r) => `${String(r[0])} ${String(r[1])}`),
    ).to.deep.equal([
      'orderkey bigint',
      'custkey bigint',
      'total decimal(12,2)',
      'orderdate date',
      'status varchar',
    ]);
    const sql = `SELECT c.nation, o.status, count(*) AS n, CAST(sum(o.total) AS varchar) AS total, max(o.orderdate) AS last
      FROM lake.mine.orders o JOIN lake.mine.customers c ON o.custkey = c.custkey
      WHERE o.orderkey >= 1000 GROUP BY c.nation, o.status ORDER BY c.nation, o.status`;
    const mine = (await q(sql)).rows;
    const theirs = await duckRows(
      `SELECT c.nation, o.status, count(*), CAST(sum(o.total) AS VARCHAR), strftime(max(o.orderdate), '%Y-%m-%d')
        FROM read_parquet('${join(data, 'orders')}/*.parquet') o
        JOIN read_csv('${join(data, 'customers.csv')}', delim=';', header=true) c ON o.custkey = c.custkey
        WHERE o.orderkey >= 1000 GROUP BY ALL ORDER BY 1, 2`,
    );
    expect(mine).to.have.length(8);
    expect(mine).to.deep.equal(theirs);
  });

  it('takes statistics from the footers and answers a filtered scan', async () => {
    const stats = (await q('SHOW STATS FOR lake.mine.orders')).rows;
    expect(stats.at(-1)).to.deep.equal([null, null, null, null, 15000, null, null]);
    expect(stats[0]).to.deep.include.members(['orderkey', '0', '14999']);
    const pruned = await q(
      'SELECT count(*), min(orderkey) FROM lake.mine.orders WHERE orderkey BETWEEN 6000 AND 6100',
    );
    expect(pruned.rows).to.deep.equal([[101, 6000]]);
  });

  it('takes positional arguments, and refuses bad calls and locations naming line and column', async () => {
    await q(`CALL lake.system.register_table('mine', 'again', '${join(data, 'orders', 'part-1.parquet')}')`);
    expect((await q('SELECT count(*) FROM lake.mine.again')).rows).to.deep.equal([[7000]]);
    expect(await err("CALL lake.system.nope('x')")).to.equal(
      'PROCEDURE_NOT_FOUND: line 1:6: Procedure not registered: lake.system.nope',
    );
    expect(await err("CALL lake.system.register_table('mine', 't')")).to.equal(
      "INVALID_ARGUMENTS: line 1:1: Required procedure argument 'table_location' is missing",
    );
    expect(
      await err("CALL lake.system.register_table('mine', table_name => 't', table_location => '/x')"),
    ).to.equal('INVALID_ARGUMENTS: line 1:33: Named and positional arguments cannot be mixed');
    expect(await err("CALL lake.system.register_table('mine', 't', '/etc')")).to.match(
      /^ACCESS_DENIED: line 1:6: lake: catalog 'lake' may not read '\/etc': it is not under lake.external-location-prefixes/,
    );
    expect(await err(`CALL lake.system.register_table('mine', 't', '${data}/../warehouse')`)).to.match(
      /^INVALID_ARGUMENTS: line 1:6: .*'\.' and '\.\.' segments are not allowed$/,
    );
    expect(
      await err(`CALL lake.system.register_table('mine', 'orders', '${join(data, 'orders')}')`),
    ).to.equal("ALREADY_EXISTS: line 1:6: Table 'lake.mine.orders' already exists");
    expect(await err('INSERT INTO lake.mine.orders SELECT * FROM lake.mine.orders')).to.match(
      /^NOT_SUPPORTED: line 1:13: Table 'lake.mine.orders' is read-only/,
    );
  });

  it('reads nested columns DuckDB wrote (LIST, MAP, STRUCT) through UNNEST, subscripts and field access', async () => {
    const file = join(data, 'events.parquet');
    await q(`CALL lake.system.register_table('mine', 'events', '${file}')`);
    expect(
      (await q('DESCRIBE lake.mine.events')).rows.map((r) => `${String(r[0])} ${String(r[1])}`),
    ).to.deep.equal([
      'id bigint',
      'tags array(varchar)',
      'attrs map(varchar, bigint)',
      'info row(score bigint, who varchar)',
    ]);
    const tags = await q(
      'SELECT t, count(*) FROM lake.mine.events CROSS JOIN UNNEST(tags) AS u(t) GROUP BY t ORDER BY t',
    );
    expect(tags.rows).to.deep.equal(
      await duckRows(
        `SELECT t, count(*) FROM (SELECT unnest(tags) AS t FROM read_parquet('${file}')) GROUP BY t ORDER BY t NULLS LAST`,
      ),
    );
    const counts = await q(
      `SELECT count(*), count(tags), sum(cardinality(tags)), count(attrs), sum(cardinality(attrs)),
        sum(element_at(attrs, 'k1')), count(info), sum(info.score), count(info.who) FROM lake.mine.events`,
    );
    expect(counts.rows).to.deep.equal(
      await duckRows(
        `SELECT count(*), count(tags), sum(len(tags)), count(attrs), sum(cardinality(attrs)),
          sum(attrs['k1']), count(info), sum(info.score), count(info.who) FROM read_parquet('${file}')`,
      ),
    );
    expect(counts.rows[0]![0]).to.equal(20000);
  });

  it('drops registered and external tables without touching their files', async () => {
    await q('DROP TABLE lake.mine.again');
    await q('DROP TABLE lake.mine.events');
    await q("CALL lake.system.unregister_table(schema_name => 'mine', table_name => 'customers')");
    expect((await q('SHOW TABLES FROM lake.mine')).rows).to.deep.equal([['orders']]);
    expect(readdirSync(join(data, 'orders')).sort()).to.deep.equal([
      'part-0.parquet',
      'part-1.parquet',
      'part-2.parquet',
    ]);
    expect(readdirSync(data).sort()).to.deep.equal(['customers.csv', 'events.parquet', 'orders']);
  });
});
