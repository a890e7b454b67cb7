import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { QuarryError } from '@quarry/common';
import { formatDecimal, physicalKind, typeToString, type TableRef } from '@quarry/sql';
import { LakeConnector, lakeConfigFromProperties } from '../../src/index.js';
import { collect, scan, sorted } from './support.js';

/**
 * Registered and external lake tables over files DuckDB writes: Parquet (every type DuckDB maps
 * to ours, NULLs, several files and row groups) and CSV. What the lake reads is compared with
 * what DuckDB reads from the same files.
 */
describe('lake tables over files of other writers', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'quarry-external-'));
  const data = join(dir, 'data');
  const root = join(dir, 'root');
  let lake: LakeConnector;
  let duck: DuckDBInstance;
  let con: DuckDBConnection;

  const ref = (table: string): TableRef => ({ catalog: 'lake', schema: 's', table });
  const register = (table: string, location: string) =>
    lake.callProcedure({ schema: 'system', name: 'register_table', args: ['s', table, location] });
  const failure = async (p: Promise<unknown>): Promise<string> => {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e, 'expected an error').to.be.instanceOf(QuarryError);
    return `${(e as QuarryError).code}: ${(e as QuarryError).message}`;
  };
  /** DuckDB's rows of a query, values as the lake's scan gives them (see `asOurs`). */
  const duckRows = async (sql: string) =>
    (await con.runAndReadAll(sql))
      .getRowsJS()
      .map((r) => r.map((v) => (typeof v === 'bigint' ? String(v) : v)));

  before(async () => {
    mkdirSync(join(data, 'parquet'), { recursive: true });
    mkdirSync(join(data, 'empty'), { recursive: true });
    lake = new LakeConnector(
      'lake',
      lakeConfigFromProperties(
        { 'lake.root': root, 'lake.external-location-prefixes': `${data}, file:///nonexistent-prefix` },
        'lake.properties',
      ),
    );
    await lake.createSchema('s', { ifNotExists: false, properties: {} });
    duck = await DuckDBInstance.create();
    con = await duck.connect();
    const select = `SELECT i::INTEGER AS id, (i * 1000000007)::BIGINT AS big, i::SMALLINT AS sm, (i % 100)::TINYINT AS ti,
        i / 7.0 AS dbl, (i / 4.0)::REAL AS re, (i * 1.25)::DECIMAL(10,2) AS dec, (i * 12345.678901)::DECIMAL(38,6) AS wide,
        CASE WHEN i % 5 = 0 THEN NULL ELSE 'v' || i END AS name, DATE '2024-01-01' + i::INTEGER AS day,
        TIMESTAMP '2024-01-01 00:00:00' + i * INTERVAL 90 MINUTE AS ts, (TIMESTAMP '2000-01-01' + i * INTERVAL 1 SECOND)::TIMESTAMP_MS AS ts_ms,
        (TIMESTAMP '1969-12-31 23:59:59' + i * INTERVAL 1 MICROSECOND)::TIMESTAMP_NS AS ts_ns,
        i % 3 = 0 AS flag, (i % 200)::UTINYINT AS u8, (i * 40000)::UINTEGER AS u32`;
    await con.run(
      `COPY (${select} FROM range(0, 6000) t(i)) TO '${join(data, 'parquet', 'a.parquet')}' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)`,
    );
    await con.run(
      `COPY (${select} FROM range(6000, 7000) t(i)) TO '${join(data, 'parquet', 'b.parquet')}' (FORMAT PARQUET)`,
    );
    writeFileSync(join(data, 'parquet', '_SUCCESS'), '');
    await con.run(
      `COPY (SELECT i AS id, 'n|' || i AS name, (i * 0.5)::DECIMAL(8,1) AS amount, DATE '2020-02-28' + i::INTEGER AS day FROM range(0, 50) t(i))
        TO '${join(data, 'people.csv')}' (HEADER, DELIMITER '|')`,
    );
    writeFileSync(join(data, 'bad.csv'), 'id,day\n1,2020-01-01\n2,not a date\n');
    writeFileSync(join(data, 'notes.parquet'), 'this is not parquet');
    await con.run(
      `COPY (SELECT ['x'::BLOB] AS xs, 1 AS id) TO '${join(data, 'list.parquet')}' (FORMAT PARQUET)`,
    );
  });

  after(async () => {
    con?.closeSync();
    duck?.closeSync();
    await lake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a directory DuckDB wrote and reads every value as DuckDB does, skipping hidden files', async () => {
    await register('all_types', join(data, 'parquet'));
    const table = (await lake.getTable('s', 'all_types'))!;
    expect(table.columns.map((c) => `${c.name} ${typeToString(c.type)}`)).to.deep.equal([
      'id integer',
      'big bigint',
      'sm smallint',
      'ti tinyint',
      'dbl double',
      're real',
      'dec decimal(10,2)',
      'wide decimal(38,6)',
      'name varchar',
      'day date',
      'ts timestamp(6)',
      'ts_ms timestamp(3)',
      'ts_ns timestamp(6)',
      'flag boolean',
      'u8 smallint',
      'u32 bigint',
    ]);
    const mine = (await scan(lake, ref('all_types'))).map((r) =>
      r.map((v, i) => {
        const type = table.columns[i]!.type;
        if (v === null) return null;
        if (type.kind === 'decimal') return formatDecimal(v as number | bigint, type.scale);
        return physicalKind(type) === 'long' ? String(v) : v;
      }),
    );
    const theirs = await duckRows(
      `SELECT id, big::VARCHAR, sm, ti, dbl, re::DOUBLE, dec::VARCHAR, wide::VARCHAR, name, date_diff('day', DATE '1970-01-01', day)::INTEGER,
        epoch_us(ts)::DOUBLE, epoch_us(ts_ms)::DOUBLE, epoch_us(ts_ns::TIMESTAMP)::DOUBLE, flag, u8, u32::VARCHAR
        FROM read_parquet('${join(data, 'parquet')}/*.parquet')`,
    );
    expect(mine).to.have.length(7000);
    expect(sorted(mine)).to.deep.equal(sorted(theirs));
  });

  it('has statistics from the footers and splits per row group, pruned by them', async () => {
    const table = (await lake.getTable('s', 'all_types'))!;
    expect(table.rowCount).to.equal(7000);
    const id = table.columns.find((c) => c.name === 'id')!;
    expect([id.low, id.high, id.nullsFraction]).to.deep.equal([0, 6999, 0]);
    const name = table.columns.find((c) => c.name === 'name')!;
    expect(name.nullsFraction).to.equal(0.2);
    const all = await lake.splits(ref('all_types'), { targetSplits: 4 });
    expect(all).to.have.length(4); // a.parquet: 3 row groups (2048, 2048, 1904), b.parquet: 1
    const some = await lake.splits(ref('all_types'), {
      targetSplits: 4,
      constraint: {
        id: {
          nullAllowed: false,
          low: { value: 2100, inclusive: true },
          high: { value: 2200, inclusive: true },
        },
      },
    });
    expect(some).to.have.length(1);
    const rows = await collect(lake.pageSource(ref('all_types'), some[0]!, ['id']));
    expect(rows.reduce((n, p) => n + p.rowCount, 0)).to.equal(2048);
  });

  it('reads CSV with declared columns, separator and header options', async () => {
    await lake.createTable(
      ref('people'),
      [
        { name: 'id', type: { kind: 'bigint' } },
        { name: 'name', type: { kind: 'varchar' } },
        { name: 'amount', type: { kind: 'decimal', precision: 8, scale: 1 } },
        { name: 'day', type: { kind: 'date' } },
      ],
      {
        ifNotExists: false,
        properties: {
          external_location: pathToFileURL(join(data, 'people.csv')).href,
          format: 'csv',
          csv_separator: '|',
          skip_header_line_count: 1,
        },
      },
    );
    const mine = (await scan(lake, ref('people'))).map(([id, name, amount, day]) => [
      String(id),
      name,
      formatDecimal(amount as number, 1),
      day,
    ]);
    const theirs = await duckRows(
      `SELECT id::VARCHAR, name, amount::VARCHAR, date_diff('day', DATE '1970-01-01', day)::INTEGER FROM read_csv('${join(data, 'people.csv')}', delim='|', header=true)`,
    );
    expect(mine).to.have.length(50);
    expect(sorted(mine)).to.deep.equal(sorted(theirs));
  });

  it('names file, line and column of a CSV value that does not cast', async () => {
    await lake.createTable(
      ref('bad_csv'),
      [
        { name: 'id', type: { kind: 'integer' } },
        { name: 'day', type: { kind: 'date' } },
      ],
      {
        ifNotExists: false,
        properties: { external_location: join(data, 'bad.csv'), format: 'CSV', skip_header_line_count: 1 },
      },
    );
    expect(await failure(scan(lake, ref('bad_csv')))).to.match(
      /^INVALID_CAST_ARGUMENT: lake: file:\/\/.*\/bad\.csv line 3, column 'day': Cannot cast 'not a date' to DATE$/,
    );
  });

  it('is read-only, and DROP TABLE and unregister_table leave the files', async () => {
    await register('to_drop', join(data, 'parquet'));
    expect(
      await failure(lake.beginWrite(ref('to_drop'), { kind: 'insert', columns: [], queryId: 'q1' })),
    ).to.match(/^NOT_SUPPORTED: Table 'lake.s.to_drop' is read-only/);
    await lake.dropTable(ref('to_drop'), { ifExists: false });
    await lake.callProcedure({ schema: 'system', name: 'unregister_table', args: ['s', 'all_types'] });
    expect(await lake.getTable('s', 'all_types')).to.equal(undefined);
    expect(readdirSync(join(data, 'parquet')).sort()).to.deep.equal(['_SUCCESS', 'a.parquet', 'b.parquet']);
    expect(
      await failure(lake.callProcedure({ schema: 'system', name: 'unregister_table', args: ['s', 'nope'] })),
    ).to.equal("TABLE_NOT_FOUND: Table 'lake.s.nope' does not exist");
  });

  it('refuses bad locations and files with clear errors', async () => {
    const where = pathToFileURL(data).href;
    expect(await failure(register('x', join(data, 'missing')))).to.equal(
      `TABLE_NOT_FOUND: lake: location '${where}/missing' does not exist`,
    );
    expect(await failure(register('x', join(data, 'empty')))).to.equal(
      `INVALID_ARGUMENTS: lake: location '${where}/empty' holds no data files`,
    );
    expect(await failure(register('x', join(data, 'notes.parquet')))).to.match(
      /^INVALID_ARGUMENTS: lake: file:.*notes\.parquet is not a readable Parquet file/,
    );
    expect(await failure(register('x', join(data, 'list.parquet')))).to.match(
      /^NOT_SUPPORTED: lake: column 'xs' of file:.*list\.parquet has type BYTE_ARRAY, which lake tables cannot read$/,
    );
    expect(await failure(register('x', `${data}/../root/s`))).to.match(
      /^INVALID_ARGUMENTS: lake: location '.*' is invalid: '\.' and '\.\.' segments are not allowed$/,
    );
    expect(await failure(register('x', '/etc'))).to.match(
      /^ACCESS_DENIED: lake: catalog 'lake' may not read '\/etc': it is not under lake.external-location-prefixes/,
    );
    expect(await failure(register('x', 'relative/dir'))).to.match(/a local path must be absolute$/);
    expect(await failure(register('x', 's3://bucket/x'))).to.match(/^ACCESS_DENIED: .* not under/);
  });

  it('registers once per query: a resumed CALL (same query id) changes nothing, another one fails', async () => {
    const call = (queryId: string) =>
      lake.callProcedure({
        schema: 'system',
        name: 'register_table',
        args: ['s', 'once', join(data, 'parquet')],
        queryId,
      });
    await call('q_reg');
    await call('q_reg');
    expect(await failure(call('q_other'))).to.equal("ALREADY_EXISTS: Table 'lake.s.once' already exists");
    await lake.dropTable(ref('once'), { ifExists: false });
  });

  it('lists a table whose files went missing, and says so when it is read', async () => {
    mkdirSync(join(data, 'gone'));
    copyFileSync(join(data, 'parquet', 'b.parquet'), join(data, 'gone', 'b.parquet'));
    await register('gone', join(data, 'gone'));
    expect((await lake.getTable('s', 'gone'))!.rowCount).to.equal(1000);
    rmSync(join(data, 'gone'), { recursive: true });
    const table = (await lake.getTable('s', 'gone'))!;
    expect([table.columns.length, table.rowCount]).to.deep.equal([16, undefined]);
    expect(await failure(scan(lake, ref('gone')))).to.equal(
      `TABLE_NOT_FOUND: lake: location '${pathToFileURL(data).href}/gone' does not exist`,
    );
  });

  it('refuses a split naming a file outside the allowed locations (a forged task spec)', async () => {
    const forged = (uri: string) => ({
      catalog: 'lake',
      info: { uri, bytes: 10, rowGroup: 0, rowStart: 0, rowEnd: 1, columns: [], external: true },
    });
    expect(() => lake.pageSource(ref('x'), forged('file:///etc/passwd'), [])).to.throw(
      QuarryError,
      /may not read 'file:\/\/\/etc\/passwd'/,
    );
    expect(() => lake.pageSource(ref('x'), forged(`${pathToFileURL(data).href}/../root/s`), [])).to.throw(
      QuarryError,
      /'\.' and '\.\.' segments are not allowed/,
    );
  });

  it('checks declared Parquet columns against the files', async () => {
    const create = (columns: { name: string; type: { kind: 'bigint' } | { kind: 'integer' } }[]) =>
      lake.createTable(ref('declared'), columns, {
        ifNotExists: false,
        properties: { external_location: join(data, 'parquet') },
      });
    expect(await failure(create([{ name: 'id', type: { kind: 'bigint' } }]))).to.match(
      /^TYPE_MISMATCH: lake: column 'id' is bigint in the table but integer in file:.*a\.parquet$/,
    );
    expect(await failure(create([{ name: 'nope', type: { kind: 'integer' } }]))).to.match(
      /^TYPE_MISMATCH: lake: file:.*a\.parquet has no column 'nope'/,
    );
    await create([{ name: 'id', type: { kind: 'integer' } }]);
    expect((await scan(lake, ref('declared'))).length).to.equal(7000);
  });
});
