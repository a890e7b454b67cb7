import { expect } from 'chai';
import {
  driverRowCount,
  generate,
  TPCH_TABLE_NAMES,
  type GeneratedChunk,
  type TpchTableName,
} from '../../src/tpch/generator/index.js';
import { columnNames, plain } from './reference.js';

type Column = GeneratedChunk['columns'][number];

function concat(parts: readonly Column[]): Column {
  const first = parts[0];
  if (first === undefined) throw new Error('nothing to concatenate');
  if (Array.isArray(first)) return (parts as string[][]).flat();
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = first instanceof Float64Array ? new Float64Array(total) : new Int32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p as ArrayLike<number>, at);
    at += p.length;
  }
  return out;
}

/** Generates the driver rows [start, end) as consecutive chunks of the given sizes (the last one repeats). */
function inChunks(
  table: TpchTableName,
  sf: number,
  { start, end }: { start: number; end: number },
  sizes: readonly number[],
): GeneratedChunk {
  const columns = columnNames(table);
  const chunks: GeneratedChunk[] = [];
  let i = 0;
  for (let at = start; at < end; i++) {
    const size = Math.min(sizes[Math.min(i, sizes.length - 1)] ?? 1, end - at);
    chunks.push(generate({ table, scaleFactor: sf, start: at, count: size, columns }));
    at += size;
  }
  return {
    rowCount: chunks.reduce((n, c) => n + c.rowCount, 0),
    columns: columns.map((_, c) => concat(chunks.map((chunk) => chunk.columns[c] as Column))),
  };
}

function expectSameChunk(got: GeneratedChunk, want: GeneratedChunk): void {
  expect(got.rowCount).to.equal(want.rowCount);
  got.columns.forEach((column, c) => {
    expect(plain(column), `column ${c}`).to.deep.equal(plain(want.columns[c]));
  });
}

describe('tpch generator: splitting', function () {
  this.timeout(60_000);

  for (const table of TPCH_TABLE_NAMES) {
    it(`${table}: chunks of odd sizes concatenate to the whole table (SF 0.01)`, () => {
      const drivers = driverRowCount(table, 0.01);
      const whole = generate({
        table,
        scaleFactor: 0.01,
        start: 0,
        count: drivers,
        columns: columnNames(table),
      });
      expectSameChunk(inChunks(table, 0.01, { start: 0, end: drivers }, [1, 7, 3, 333, 41]), whole);
    });
  }

  it('a range generated alone equals the same rows inside a larger range, deep into SF 1 tables', () => {
    // the last two end at the table's end
    const cases: [TpchTableName, number, number][] = [
      ['lineitem', 1_234_567, 13],
      ['orders', 1_499_890, 99],
      ['partsupp', 199_001, 17],
      ['part', 123_457, 11],
      ['customer', 149_987, 13],
      ['supplier', 9_971, 29],
    ];
    for (const [table, start, count] of cases) {
      const columns = columnNames(table);
      const before = generate({ table, scaleFactor: 1, start: start - 5, count: 5, columns }).rowCount;
      const end = Math.min(start + count + 3, driverRowCount(table, 1));
      const larger = generate({ table, scaleFactor: 1, start: start - 5, count: end - (start - 5), columns });
      const alone = generate({ table, scaleFactor: 1, start, count, columns });
      const slice = {
        rowCount: alone.rowCount,
        columns: larger.columns.map((c) => c.slice(before, before + alone.rowCount)),
      };
      expectSameChunk(alone, slice);
    }
  });

  it('at SF 30000 (64-bit key stream) an o_custkey range equals the same rows inside a larger range', () => {
    const start = 12_345_678_901;
    const larger = generate({
      table: 'orders',
      scaleFactor: 30_000,
      start: start - 3,
      count: 10,
      columns: ['o_custkey'],
    }).columns[0] as Float64Array;
    const alone = generate({ table: 'orders', scaleFactor: 30_000, start, count: 4, columns: ['o_custkey'] })
      .columns[0] as Float64Array;
    expect(plain(alone)).to.deep.equal(plain(larger.slice(3, 7)));
    for (const key of larger) {
      expect(key).to.be.within(1, 4_500_000_000);
      expect(key % 3).to.not.equal(0);
    }
  });

  it('an empty range has no rows', () => {
    const chunk = generate({
      table: 'lineitem',
      scaleFactor: 0.01,
      start: 100,
      count: 0,
      columns: ['l_orderkey', 'l_comment'],
    });
    expect(chunk.rowCount).to.equal(0);
    expect(chunk.columns.map((c) => c.length)).to.deep.equal([0, 0]);
  });
});
