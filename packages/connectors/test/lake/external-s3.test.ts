import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { QuarryError } from '@quarry/common';
import { lakeConfigFromProperties, type LakeConnector } from '../../src/index.js';
import { lakeConnector, s3LakeBackend, scan, sorted, storageOf, type LakeBackend } from './support.js';

/**
 * Registered and external tables on S3 (s3rver): files DuckDB wrote, uploaded beside the
 * catalog's root, read through the catalog's own S3 client; the prefixes property is checked.
 */
describe('lake tables over your own files on S3', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'quarry-external-s3-'));
  let backend: LakeBackend;
  let lake: LakeConnector;
  let expected: unknown[][];

  const upload = async (uri: string, path: string) => {
    const writer = storageOf(lake).createFile(uri);
    await writer.write(readFileSync(path));
    await writer.finish();
  };

  before(async () => {
    backend = await s3LakeBackend();
    lake = lakeConnector(backend, { 'lake.external-location-prefixes': 's3a://warehouse/mine/' });
    await lake.createSchema('s', { ifNotExists: false, properties: {} });
    const duck = await DuckDBInstance.create();
    const con = await duck.connect();
    const select = `SELECT i AS k, 'name ' || i AS v, (i * 0.25)::DECIMAL(9,2) AS d FROM range(0, 3000) t(i)`;
    await con.run(`COPY (${select}) TO '${join(dir, 'x.parquet')}' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)`);
    await con.run(`COPY (${select}) TO '${join(dir, 'x.csv')}' (HEADER)`);
    expected = (await con.runAndReadAll(`SELECT k::VARCHAR, v FROM (${select})`))
      .getRowsJS()
      .map((r) => [r[0], r[1]]);
    con.closeSync();
    duck.closeSync();
    await upload('s3://warehouse/mine/parquet/part-0.parquet', join(dir, 'x.parquet'));
    await upload('s3://warehouse/mine/parquet/_SUCCESS', join(dir, 'x.csv'));
    await upload('s3://warehouse/mine/csv/x.csv', join(dir, 'x.csv'));
  });

  after(async () => {
    await lake?.close();
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a Parquet directory and declares a CSV directory on S3', async () => {
    await lake.callProcedure({
      schema: 'system',
      name: 'register_table',
      args: ['s', 'p', 's3://warehouse/mine/parquet/'],
    });
    expect((await lake.getTable('s', 'p'))!.rowCount).to.equal(3000);
    expect(
      await lake.splits({ catalog: 'lake', schema: 's', table: 'p' }, { targetSplits: 2 }),
    ).to.have.length(2);
    const parquet = await scan(lake, { catalog: 'lake', schema: 's', table: 'p' }, ['k', 'v']);
    expect(sorted(parquet.map(([k, v]) => [String(k), v]))).to.deep.equal(sorted(expected));
    await lake.createTable(
      { catalog: 'lake', schema: 's', table: 'c' },
      [
        { name: 'k', type: { kind: 'bigint' } },
        { name: 'v', type: { kind: 'varchar' } },
        { name: 'd', type: { kind: 'decimal', precision: 9, scale: 2 } },
      ],
      {
        ifNotExists: false,
        properties: {
          external_location: 's3://warehouse/mine/csv',
          format: 'CSV',
          skip_header_line_count: 1,
        },
      },
    );
    const csv = await scan(lake, { catalog: 'lake', schema: 's', table: 'c' }, ['k', 'v']);
    expect(sorted(csv.map(([k, v]) => [String(k), v]))).to.deep.equal(sorted(expected));
  });

  it('refuses locations outside the prefixes and prefixes on another storage', async () => {
    const e = await lake
      .callProcedure({ schema: 'system', name: 'register_table', args: ['s', 'q', 's3://warehouse/mine2/x'] })
      .catch((x: unknown) => x as QuarryError);
    expect((e as QuarryError).code).to.equal('ACCESS_DENIED');
    const root = await lake
      .callProcedure({ schema: 'system', name: 'register_table', args: ['s', 'q', lake.config.root] })
      .catch((x: unknown) => x as QuarryError);
    expect((root as QuarryError).message).to.match(/inside or above the catalog's own directory/);
    expect(() =>
      lakeConfigFromProperties(
        backend.properties({ 'lake.external-location-prefixes': '/local/dir' }),
        'lake.properties',
      ),
    ).to.throw(/lake.external-location-prefixes: '\/local\/dir' is not on the storage of lake.root/);
  });
});
