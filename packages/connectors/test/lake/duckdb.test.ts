import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { formatDecimal, pageFromRows, physicalKind, type DataType } from '@quarry/sql';
import type { LakeConnector, LakeSplitInfo } from '../../src/index.js';
import { ALL_TYPES, ALL_TYPES_ROWS, allTypesPage } from './fixtures.js';
import { createTableAs, lakeConnector, localLakeBackend, scan, type LakeBackend } from './support.js';

/**
 * DuckDB reads the Parquet files a lake table is made of and sees the same rows. Values are
 * compared in a form both sides state exactly: integers and decimals as text, dates as days,
 * timestamps as µs, doubles as numbers.
 */
describe('lake files read by DuckDB', function () {
  this.timeout(20_000);
  let backend: LakeBackend;
  let lake: LakeConnector;

  before(() => {
    backend = localLakeBackend();
    lake = lakeConnector(backend, { 'lake.parquet.row-group-rows': '4' });
  });
  after(async () => {
    await lake.close();
    await backend.close();
  });

  const sqlFor = (name: string, type: DataType): string => {
    switch (type.kind) {
      case 'bigint':
      case 'decimal':
        return `CAST("${name}" AS VARCHAR)`;
      case 'date':
        return `date_diff('day', DATE '1970-01-01', "${name}")`;
      case 'timestamp':
        return `CAST(epoch_us("${name}") AS DOUBLE)`;
      case 'real':
      case 'double':
        return `CAST("${name}" AS DOUBLE)`;
      default:
        return `"${name}"`;
    }
  };
  const ours = (type: DataType, v: unknown): unknown => {
    if (v === null) return null;
    if (type.kind === 'decimal') return formatDecimal(v as number | bigint, type.scale);
    if (physicalKind(type) === 'long') return String(v);
    return v;
  };
  const key = (row: unknown[]) => JSON.stringify(row.map((v) => (Number.isNaN(v) ? 'NaN' : v)));

  it('sees every row and value of every type, NULLs included, across files with REQUIRED and OPTIONAL columns', async () => {
    await lake.createSchema('s', { ifNotExists: false, properties: {} });
    const ref = { catalog: 'lake', schema: 's', table: 'all_types' };
    // rows without NULLs first: the first file of task 0 declares every column REQUIRED
    const full = pageFromRows(
      ALL_TYPES.map((c) => c.type),
      ALL_TYPES_ROWS.filter((r) => r.every((v) => v !== null)),
    );
    await createTableAs(lake, {
      ref,
      columns: ALL_TYPES,
      partitions: [[full, allTypesPage()], [allTypesPage()]],
    });
    const files = [
      ...new Set(
        (await lake.splits(ref, { targetSplits: 1 })).map((s) =>
          fileURLToPath((s.info as LakeSplitInfo).uri),
        ),
      ),
    ];
    expect(files).to.have.length(3);

    const duck = await DuckDBInstance.create();
    const con = await duck.connect();
    try {
      const list = files.map((f) => `'${f}'`).join(', ');
      const columns = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet([${list}])`);
      expect(
        columns.getRowObjectsJS().map((r) => `${String(r['column_name'])} ${String(r['column_type'])}`),
      ).to.deep.equal([
        'b BOOLEAN',
        't TINYINT',
        's SMALLINT',
        'i INTEGER',
        'l BIGINT',
        'r FLOAT',
        'd DOUBLE',
        'd5 DECIMAL(5,2)',
        'd18 DECIMAL(18,4)',
        'd38 DECIMAL(38,10)',
        'v VARCHAR',
        'v10 VARCHAR',
        'c VARCHAR',
        'dt DATE',
        'ts TIMESTAMP',
      ]);
      const select = ALL_TYPES.map((c) => sqlFor(c.name, c.type)).join(', ');
      const result = await con.runAndReadAll(`SELECT ${select} FROM read_parquet([${list}])`);
      const theirs = result.getRowsJS().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
      const mine = (await scan(lake, ref)).map((r) => r.map((v, i) => ours(ALL_TYPES[i]!.type, v)));
      expect(theirs.map(key).sort()).to.deep.equal(mine.map(key).sort());
      expect(mine).to.have.length(2 * ALL_TYPES_ROWS.length + full.rowCount);
    } finally {
      con.closeSync();
      duck.closeSync();
    }
  });
});
