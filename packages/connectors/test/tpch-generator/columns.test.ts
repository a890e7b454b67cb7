import { expect } from 'chai';
import { driverRowCount, generate, TPCH_TABLE_NAMES, TPCH_TABLES } from '../../src/tpch/generator/index.js';
import { columnNames, plain } from './reference.js';

/** A small deterministic shuffle source, so that failures reproduce. */
function* pseudoRandom(seed: number): Generator<number> {
  let s = seed;
  for (;;) {
    s = (s * 48271) % 2147483647;
    yield s / 2147483647;
  }
}

describe('tpch generator: columns', function () {
  this.timeout(60_000);

  for (const table of TPCH_TABLE_NAMES) {
    it(`${table}: column subsets, in any order, equal the same columns of the full generation`, () => {
      const all = columnNames(table);
      const start = Math.floor(driverRowCount(table, 0.01) / 3);
      const count = Math.min(500, driverRowCount(table, 0.01) - start);
      const full = generate({ table, scaleFactor: 0.01, start, count, columns: all });
      const random = pseudoRandom(table.length * 7919);
      const subsets = [
        ...all.map((c) => [c]),
        [...all].reverse(),
        ...Array.from({ length: 6 }, () => all.filter(() => (random.next().value as number) < 0.4)),
      ];
      for (const subset of subsets) {
        const chunk = generate({ table, scaleFactor: 0.01, start, count, columns: subset });
        expect(chunk.rowCount, subset.join(',')).to.equal(full.rowCount);
        subset.forEach((name, i) => {
          const want = full.columns[all.indexOf(name)];
          expect(plain(chunk.columns[i]), `${table}.${name} in [${subset.join(',')}]`).to.deep.equal(
            plain(want),
          );
        });
      }
    });
  }

  it('returns each column in the layout of its type', () => {
    for (const table of TPCH_TABLE_NAMES) {
      const columns = TPCH_TABLES[table].columns;
      const chunk = generate({
        table,
        scaleFactor: 0.01,
        start: 0,
        count: 3,
        columns: columns.map((c) => c.name),
      });
      columns.forEach((column, i) => {
        const data = chunk.columns[i];
        const expected = {
          bigint: Float64Array,
          decimal: Float64Array,
          integer: Int32Array,
          date: Int32Array,
          varchar: Array,
          char: Array,
        }[column.type.kind];
        expect(data, `${table}.${column.name}`).to.be.instanceOf(expected);
        expect(data?.length).to.equal(chunk.rowCount);
      });
    }
  });

  it('repeats a column asked for twice, and returns no columns when none are asked for', () => {
    const twice = generate({
      table: 'orders',
      scaleFactor: 0.01,
      start: 5,
      count: 10,
      columns: ['o_clerk', 'o_orderkey', 'o_clerk'],
    });
    expect(twice.columns[2]).to.deep.equal(twice.columns[0]);
    const none = generate({ table: 'lineitem', scaleFactor: 0.01, start: 5, count: 10, columns: [] });
    expect(none.columns).to.deep.equal([]);
    expect(none.rowCount).to.equal(
      generate({ table: 'lineitem', scaleFactor: 0.01, start: 5, count: 10, columns: ['l_orderkey'] })
        .rowCount,
    );
  });

  it('uses the types of the TPC-H specification', () => {
    const kinds = (table: keyof typeof TPCH_TABLES): string[] =>
      TPCH_TABLES[table].columns.map((c) => `${c.name}:${c.type.kind}`);
    expect(kinds('nation')).to.deep.equal([
      'n_nationkey:integer',
      'n_name:varchar',
      'n_regionkey:integer',
      'n_comment:varchar',
    ]);
    expect(kinds('lineitem').slice(0, 11)).to.deep.equal([
      'l_orderkey:bigint',
      'l_partkey:bigint',
      'l_suppkey:bigint',
      'l_linenumber:integer',
      'l_quantity:decimal',
      'l_extendedprice:decimal',
      'l_discount:decimal',
      'l_tax:decimal',
      'l_returnflag:char',
      'l_linestatus:char',
      'l_shipdate:date',
    ]);
    expect(TPCH_TABLES.part.columns.find((c) => c.name === 'p_name')?.type).to.deep.equal({
      kind: 'varchar',
      length: 55,
    });
    expect(TPCH_TABLES.customer.columns.find((c) => c.name === 'c_mktsegment')?.type).to.deep.equal({
      kind: 'varchar',
      length: 10,
    });
  });
});
