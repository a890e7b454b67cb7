/**
 * Distinct counts of lake tables: written as sketches per file by CREATE TABLE AS and INSERT,
 * merged over the current version's files by getTable, kept out of row groups, and absent (not
 * wrong) for files committed before sketches existed.
 */
import { expect } from 'chai';
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  decimalType,
  pageFromRows,
  varcharType,
  type ColumnMetadata,
  type Page,
  type TableMetadata,
  type TableRef,
  type WritableConnector,
} from '@quarry/sql';
import type { LakeConnector } from '../../src/index.js';
import { LakeLayout } from '../../src/lake/layout.js';
import { latestVersion, writeVersion, type TableVersion } from '../../src/lake/metadata.js';
import {
  createTableAs,
  lakeConnector,
  localLakeBackend,
  scan,
  storageOf,
  writeAttempt,
  type LakeBackend,
} from './support.js';

const COLUMNS: readonly ColumnMetadata[] = [
  { name: 'k', type: BIGINT },
  { name: 'cat', type: varcharType() },
  { name: 'day', type: DATE },
  { name: 'flag', type: BOOLEAN },
  { name: 'price', type: DOUBLE },
  { name: 'sparse', type: decimalType(12, 2) },
  { name: 'nothing', type: INTEGER },
];
const CATEGORIES = ['AIR', 'MAIL', 'RAIL', 'SHIP', 'TRUCK', 'REG AIR', 'FOB'];

/** Rows k in [from, to): 7 categories (an 8th from k 2000 on), 30 days, 500 prices, NULLs. */
function rows(from: number, to: number): Page {
  return pageFromRows(
    COLUMNS.map((c) => c.type),
    Array.from({ length: to - from }, (_, j) => {
      const k = from + j;
      return [
        k,
        k >= 2000 ? 'NEW' : CATEGORIES[k % 7]!,
        19_000 + (k % 30),
        k % 2 === 0,
        (k % 500) / 4,
        k % 3 === 0 ? null : (k % 40) * 100,
        null,
      ];
    }),
  );
}

async function insert(
  lake: WritableConnector,
  ref: TableRef,
  partitions: readonly Page[][],
  queryId: string,
) {
  const handle = await lake.beginWrite(ref, { kind: 'insert', columns: COLUMNS, queryId });
  const fragments = await Promise.all(
    partitions.map((pages, taskPartition) =>
      writeAttempt(lake, handle, { taskPartition, attempt: 0 }, pages),
    ),
  );
  return lake.commitWrite(handle, fragments);
}

function distinct(table: TableMetadata | undefined): Record<string, number | undefined> {
  return Object.fromEntries(table!.columns.map((c) => [c.name, c.distinctCount]));
}

/** Within 10 % of `n` (a sketch beyond its exact range), and never above `max`. */
function near(n: number, max = n) {
  return (x: number | undefined) => x !== undefined && Math.abs(x / n - 1) < 0.1 && x <= max;
}

describe('lake column statistics', function () {
  this.timeout(20_000);
  let backend: LakeBackend;
  let lake: LakeConnector;
  let n = 0;
  const ref: TableRef = { catalog: 'lake', schema: 's', table: 't' };

  before(() => {
    backend = localLakeBackend();
  });
  beforeEach(async () => {
    lake = lakeConnector(backend, { 'lake.parquet.row-group-rows': '64' });
    await lake.createSchema('s', { ifNotExists: false, properties: {} });
    n++;
  });
  afterEach(async () => lake.close());
  after(async () => backend.close());

  it('CREATE TABLE AS: distinct counts per column, exact for few values, never above the rows', async () => {
    await createTableAs(lake, {
      ref,
      columns: COLUMNS,
      partitions: [[rows(0, 600)], [rows(600, 1200)]],
      queryId: `ctas${n}`,
    });
    const d = distinct(await lake.getTable('s', 't'));
    expect(d).to.deep.include({ cat: 7, day: 30, flag: 2, sparse: 40, nothing: 0 });
    expect(d.k).to.satisfy(near(1200));
    expect(d.price).to.satisfy(near(500));
  });

  it('NULL fractions and value ranges over the files, in the engine layout, for SHOW STATS', async () => {
    await createTableAs(lake, {
      ref,
      columns: COLUMNS,
      partitions: [[rows(0, 600)], [rows(600, 1200)]],
      queryId: `ranges${n}`,
    });
    const table = (await lake.getTable('s', 't'))!;
    const by = Object.fromEntries(table.columns.map((c) => [c.name, c]));
    expect(by['k']).to.deep.include({ nullsFraction: 0, low: 0, high: 1199 });
    expect(by['day']).to.deep.include({ nullsFraction: 0, low: 19_000, high: 19_029 });
    expect(by['flag']).to.deep.include({ low: 0, high: 1 });
    expect(by['price']).to.deep.include({ low: 0, high: 124.75 });
    expect(by['sparse']).to.deep.include({ nullsFraction: 400 / 1200, low: 0, high: 3900 });
    expect(by['nothing']!.nullsFraction).to.equal(1);
    expect(by['nothing']).to.not.have.any.keys('low', 'high');
    expect(by['cat']).to.not.have.any.keys('low', 'high');
  });

  it('INSERT: the estimate covers every file of the current version, and repeated values count once', async () => {
    await createTableAs(lake, { ref, columns: COLUMNS, partitions: [[rows(0, 1200)]], queryId: `ctas${n}` });
    await insert(lake, ref, [[rows(1200, 1800)], [rows(1800, 2400)]], `more${n}`);
    let d = distinct(await lake.getTable('s', 't'));
    expect(d).to.deep.include({ cat: 8, day: 30, flag: 2 });
    expect(d.k).to.satisfy(near(2400));
    await insert(lake, ref, [[rows(0, 2400)]], `again${n}`);
    const table = await lake.getTable('s', 't');
    expect(table?.rowCount).to.equal(4800);
    d = distinct(table);
    expect(d).to.deep.include({ cat: 8, day: 30, flag: 2, sparse: 40, nothing: 0 });
    expect(d.k).to.satisfy(near(2400, 2400));
  });

  it('a table without rows has no distinct values', async () => {
    await lake.createTable(ref, COLUMNS, { ifNotExists: false, properties: {} });
    expect(Object.values(distinct(await lake.getTable('s', 't')))).to.deep.equal(COLUMNS.map(() => 0));
  });

  it('keeps sketches per file only: row groups in the table metadata have none', async () => {
    await createTableAs(lake, { ref, columns: COLUMNS, partitions: [[rows(0, 500)]], queryId: `ctas${n}` });
    const version = await current(lake);
    const [file] = version.files;
    expect(file!.rowGroups.length).to.be.above(1);
    expect(file!.stats.every((s) => typeof s.sketch === 'string')).to.equal(true);
    expect(file!.rowGroups.flatMap((g) => g.stats).some((s) => s.sketch !== undefined)).to.equal(false);
  });

  it('reads metadata written before sketches: no distinct counts, the rest as before, also after an INSERT', async () => {
    await createTableAs(lake, { ref, columns: COLUMNS, partitions: [[rows(0, 300)]], queryId: `ctas${n}` });
    const old = await current(lake);
    const stripped: TableVersion = {
      ...old,
      version: old.version + 1,
      files: old.files.map((f) => ({
        ...f,
        stats: f.stats.map(({ nulls, min, max }) => ({ nulls, min, max })),
      })),
    };
    const layout = new LakeLayout(lake.config.root);
    const tableDir = layout.tableDir('s', 't');
    expect(await writeVersion(storageOf(lake), layout, tableDir, stripped)).to.equal(true);
    let table = await lake.getTable('s', 't');
    expect(table?.rowCount).to.equal(300);
    expect(table?.columns.map((c) => c.distinctCount)).to.deep.equal(COLUMNS.map(() => undefined));
    expect(await scan(lake, ref, ['k'])).to.have.length(300);
    // new files carry sketches, the old ones still have none: the merged count stays unknown
    await insert(lake, ref, [[rows(300, 400)]], `more${n}`);
    table = await lake.getTable('s', 't');
    expect(table?.rowCount).to.equal(400);
    expect(table?.columns.map((c) => c.distinctCount)).to.deep.equal(COLUMNS.map(() => undefined));
  });

  async function current(connector: LakeConnector): Promise<TableVersion> {
    const layout = new LakeLayout(connector.config.root);
    return (await latestVersion(storageOf(connector), layout, layout.tableDir('s', 't')))!;
  }
});
