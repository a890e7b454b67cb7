import { expect } from 'chai';
import type { ColumnConstraint } from '@quarry/sql';
import type { LakeConnector, LakeSplitInfo } from '../../src/index.js';
import { NUMBERS, numbersPage } from './fixtures.js';
import { collect, createTableAs, lakeConnector, localLakeBackend, type LakeBackend } from './support.js';

describe('lake min/max pushdown', () => {
  let backend: LakeBackend;
  let lake: LakeConnector;
  const ref = { catalog: 'lake', schema: 's', table: 'numbers' };

  before(async () => {
    backend = localLakeBackend();
    lake = lakeConnector(backend, { 'lake.parquet.row-group-rows': '100' });
    await lake.createSchema('s', { ifNotExists: false, properties: {} });
    // ids 0..999 in two files (task partitions) of 5 row groups of 100 ids each
    await createTableAs(lake, {
      ref,
      columns: NUMBERS,
      partitions: [[numbersPage(0, 500)], [numbersPage(500, 500)]],
    });
    // a third file whose only row group has amount NULL everywhere
    const handle = await lake.beginWrite(ref, { kind: 'insert', columns: NUMBERS, queryId: 'nulls' });
    const sink = lake.writeSink(handle, { taskPartition: 0, attempt: 0, queryAttempt: 0 });
    await sink.appendPage(numbersPage(2000, 1)); // id 2000: amount NULL (id % 10 == 0)
    await lake.commitWrite(handle, [await sink.finish()]);
  });
  after(async () => {
    await lake.close();
    await backend.close();
  });

  /** Splits chosen under a constraint, then read: row groups read, and the ids seen. */
  const read = async (constraint: Record<string, ColumnConstraint>) => {
    const before = lake.scanStats.rowGroupsRead;
    const splits = await lake.splits(ref, { targetSplits: 8, constraint });
    const ids: number[] = [];
    for (const split of splits) {
      for (const page of await collect(lake.pageSource(ref, split, ['id'])))
        ids.push(...(page.blocks[0]!.values as Int32Array));
    }
    return { groups: lake.scanStats.rowGroupsRead - before, splits, ids };
  };

  it('without a constraint, reads every row group', async () => {
    const r = await read({});
    expect(r.groups).to.equal(11);
    expect(r.ids).to.have.length(1001);
  });

  it('skips row groups outside a range, with inclusive and exclusive bounds', async () => {
    const inclusive = await read({
      id: { low: { value: 250, inclusive: true }, high: { value: 349, inclusive: true } },
    });
    expect(inclusive.groups).to.equal(2);
    expect(inclusive.ids.filter((i) => i >= 250 && i <= 349)).to.have.length(100);
    // id > 299 AND id < 400: the group 200..299 cannot match, 300..399 can
    const exclusive = await read({
      id: { low: { value: 299, inclusive: false }, high: { value: 400, inclusive: false } },
    });
    expect(exclusive.groups).to.equal(1);
    expect((exclusive.splits[0]!.info as LakeSplitInfo).rowStart).to.equal(300);
    expect((await read({ id: { low: { value: 5000, inclusive: true } } })).groups).to.equal(0);
  });

  it('skips whole files, and row groups matching none of a list of values', async () => {
    const r = await read({ id: { values: [5, 905, 7000] } });
    expect(r.groups).to.equal(2);
    expect(new Set(r.splits.map((s) => (s.info as LakeSplitInfo).uri)).size).to.equal(2);
    expect((await read({ id: { values: [] } })).groups).to.equal(0);
    expect((await read({ id: { values: [Number.NaN] } })).groups).to.equal(0);
  });

  it('prunes on strings and exact decimals (bigint or number bounds)', async () => {
    expect((await read({ name: { low: { value: 'name-00990', inclusive: true } } })).groups).to.equal(2); // 900..999 and 2000
    expect((await read({ name: { high: { value: 'name-00050', inclusive: false } } })).groups).to.equal(1);
    // amount = id * 100 + 25 (unscaled, scale 2): 12345.25 .. is id 123
    const amount = await read({ amount: { values: [12325n] } });
    expect(amount.groups).to.equal(1);
    expect(amount.ids).to.include(123);
    expect((await read({ amount: { low: { value: 99_000, inclusive: true } } })).groups).to.equal(1);
  });

  it('skips a row group holding only NULLs unless NULL is allowed', async () => {
    const notNull = await read({ amount: { low: { value: 0, inclusive: true } } });
    expect(notNull.ids).to.not.include(2000);
    const nullAllowed = await read({
      amount: { low: { value: 10n ** 30n, inclusive: true }, nullAllowed: true },
    });
    expect(nullAllowed.ids).to.include(2000);
  });

  it('ignores constraints it cannot use: unknown columns, values of the wrong type', async () => {
    expect((await read({ nope: { values: [] } })).groups).to.equal(11);
    expect((await read({ id: { values: ['5'] } })).groups).to.equal(11);
  });
});
