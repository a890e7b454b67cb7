import { expect } from 'chai';
import {
  driverRowCount,
  estimatedRowCount,
  generate,
  TPCH_TABLE_NAMES,
  type TpchTableName,
} from '../../src/tpch/generator/index.js';
import { referenceLines } from './reference.js';

const counts = (sf: number, count: (table: TpchTableName, sf: number) => number): Record<string, number> =>
  Object.fromEntries(TPCH_TABLE_NAMES.map((t) => [t, count(t, sf)]));

describe('tpch generator: row counts', function () {
  this.timeout(30_000);

  it('match the reference files at SF 0.01', () => {
    const reference = Object.fromEntries(TPCH_TABLE_NAMES.map((t) => [t, referenceLines(t).length]));
    expect(counts(0.01, estimatedRowCount)).to.deep.equal(reference);
  });

  it('are the official ones at SF 1', () => {
    expect(counts(1, estimatedRowCount)).to.deep.equal({
      nation: 25,
      region: 5,
      part: 200_000,
      supplier: 10_000,
      partsupp: 800_000,
      customer: 150_000,
      orders: 1_500_000,
      lineitem: 6_001_215,
    });
    expect(driverRowCount('lineitem', 1)).to.equal(1_500_000);
    expect(driverRowCount('partsupp', 1)).to.equal(200_000);
  });

  it('counts lineitem exactly up to SF 10 and estimates 4 lines per order above', () => {
    expect(estimatedRowCount('lineitem', 10)).to.equal(59_986_052);
    expect(estimatedRowCount('lineitem', 100)).to.equal(600_000_000);
    expect(estimatedRowCount('orders', 1000)).to.equal(1_500_000_000);
  });

  it('scale like dbgen: fractions dropped at SF >= 1, per-mille scaling below with at least one row', () => {
    expect(counts(2.5, driverRowCount)).to.deep.equal(counts(2, driverRowCount));
    expect(counts(0.005, driverRowCount)).to.deep.equal({
      nation: 25,
      region: 5,
      part: 1000,
      supplier: 50,
      partsupp: 1000,
      customer: 750,
      orders: 7500,
      lineitem: 7500,
    });
    // 1000 × 0.0015 = 1.5, truncated to 1 per mille
    expect(driverRowCount('part', 0.0015)).to.equal(200);
    expect(driverRowCount('supplier', 0.0015)).to.equal(10);
    // below 1 per mille every scaled table keeps one row
    expect(counts(0.0001, driverRowCount)).to.deep.equal({
      nation: 25,
      region: 5,
      part: 1,
      supplier: 1,
      partsupp: 1,
      customer: 1,
      orders: 1,
      lineitem: 1,
    });
  });

  it('keeps keys within the scaled tables', () => {
    const orders = generate({
      table: 'orders',
      scaleFactor: 0.005,
      start: 0,
      count: 7500,
      columns: ['o_custkey'],
    }).columns[0] as Float64Array;
    expect(Math.max(...orders)).to.be.at.most(750);
    const lines = generate({
      table: 'lineitem',
      scaleFactor: 0.005,
      start: 0,
      count: 7500,
      columns: ['l_partkey', 'l_suppkey'],
    });
    expect(Math.max(...(lines.columns[0] as Float64Array))).to.be.at.most(1000);
    expect(Math.max(...(lines.columns[1] as Float64Array))).to.be.at.most(50);
    const tiny = generate({
      table: 'lineitem',
      scaleFactor: 0.0001,
      start: 0,
      count: 1,
      columns: ['l_partkey', 'l_suppkey'],
    });
    expect(
      new Set([...(tiny.columns[0] as Float64Array), ...(tiny.columns[1] as Float64Array)]),
    ).to.deep.equal(new Set([1]));
  });

  it('generates keys beyond 32 bits at SF 1000', () => {
    const orders = driverRowCount('orders', 1000);
    const chunk = generate({
      table: 'lineitem',
      scaleFactor: 1000,
      start: orders - 2,
      count: 2,
      columns: ['l_orderkey', 'l_partkey', 'l_suppkey'],
    });
    const keys = [...new Set(chunk.columns[0] as Float64Array)];
    // order index i maps to key ⌊i/8⌋·32 + i mod 8; the last index, 1.5e9, is a multiple of 8
    expect(keys).to.deep.equal([(1_499_999_999 - 7) * 4 + 7, 6_000_000_000]);
    for (const partKey of chunk.columns[1] as Float64Array) expect(partKey).to.be.within(1, 200_000_000);
    for (const suppKey of chunk.columns[2] as Float64Array) expect(suppKey).to.be.within(1, 10_000_000);
  });
});
