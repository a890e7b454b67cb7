/**
 * Hash aggregation without groups and exact sums and averages: every aggregate in one `single` step
 * and split into `partial` steps (one per simulated task, states moved through the page serde) and a
 * `final` step, which must agree (see support/aggregation.ts). Grouping: aggregates-grouping.test.ts.
 */
import { expect } from 'chai';
import { resolveAggregate } from '../src/functions/aggregates.js';
import { HashAggregationOperator } from '../src/operators/aggregate.js';
import { pageFromRows } from '../src/page/block.js';
import {
  BIGINT,
  DATE,
  DOUBLE,
  INTEGER,
  VARCHAR,
  decimalType,
  typeToString,
  type DataType,
} from '../src/types/types.js';
import { formatDecimal, type Long } from '../src/types/values.js';
import { aggregate, calls, columnsOf, node, single, type Call } from './support/aggregation.js';
import { asyncErrorOf } from './support/errors.js';
import { collectRows, pagesOf, taskContext } from './support/operators.js';

const dec = (scale: number) => (v: unknown) => (v === null ? null : formatDecimal(v as Long, scale));

describe('aggregates: global', () => {
  const types = [INTEGER, DOUBLE, VARCHAR];
  const pages = [
    pageFromRows(types, [
      [1, 0.5, 'b'],
      [null, 1.25, null],
    ]),
    pageFromRows(types, [[4, null, 'a']]),
    pageFromRows(types, [
      [2, 2.25, 'c'],
      [null, null, null],
    ]),
  ];

  it('counts rows and non-NULL values', async () => {
    expect(
      await aggregate(
        types,
        pages,
        [],
        [{ fn: 'count' }, { fn: 'count', args: [0] }, { fn: 'count', args: [2] }],
      ),
    ).to.deep.equal([[5, 3, 3]]);
  });

  it('sums, averages and finds extremes skipping NULLs', async () => {
    const rows = await aggregate(
      types,
      pages,
      [],
      [
        { fn: 'sum', args: [0] },
        { fn: 'avg', args: [0] },
        { fn: 'min', args: [0] },
        { fn: 'max', args: [0] },
        { fn: 'sum', args: [1] },
        { fn: 'avg', args: [1] },
        { fn: 'min', args: [1] },
        { fn: 'max', args: [1] },
        { fn: 'min', args: [2] },
        { fn: 'max', args: [2] },
      ],
    );
    expect(rows).to.deep.equal([[7, 7 / 3, 1, 4, 4, 4 / 3, 0.5, 2.25, 'a', 'c']]);
  });

  it('has the result types Trino gives', () => {
    const result = (fn: string, t: DataType) => typeToString(resolveAggregate(fn, [t]).resultType);
    expect(result('sum', INTEGER)).to.equal('bigint');
    expect(result('sum', decimalType(12, 2))).to.equal('decimal(38,2)');
    expect(result('sum', DOUBLE)).to.equal('double');
    expect(result('avg', INTEGER)).to.equal('double');
    expect(result('avg', decimalType(12, 2))).to.equal('decimal(12,2)');
    expect(result('count', VARCHAR)).to.equal('bigint');
    expect(result('min', DATE)).to.equal('date');
    expect(typeToString(resolveAggregate('count', []).resultType)).to.equal('bigint');
  });

  it('yields one row for empty input: count 0, others NULL', async () => {
    const specs: Call[] = [
      { fn: 'count' },
      { fn: 'count', args: [0] },
      { fn: 'sum', args: [0] },
      { fn: 'avg', args: [0] },
      { fn: 'min', args: [2] },
      { fn: 'max', args: [1] },
    ];
    expect(await aggregate(types, [], [], specs)).to.deep.equal([[0, 0, null, null, null, null]]);
    expect(await aggregate(types, [pageFromRows(types, [])], [], specs)).to.deep.equal([
      [0, 0, null, null, null, null],
    ]);
  });

  it('yields NULL sums when every value is NULL', async () => {
    const nulls = [pageFromRows(types, [[null, null, null]])];
    expect(
      await aggregate(
        types,
        nulls,
        [],
        [{ fn: 'count' }, { fn: 'sum', args: [0] }, { fn: 'avg', args: [1] }],
      ),
    ).to.deep.equal([[1, null, null]]);
  });

  it('gives no row for grouped aggregation of empty input, and the partial step gives no row at all', async () => {
    expect(await aggregate(types, [], [2], [{ fn: 'count' }])).to.deep.equal([]);
    const partial = node('partial', columnsOf(types), [], calls(types, [{ fn: 'count' }]));
    expect(await collectRows(new HashAggregationOperator(partial, pagesOf([]), taskContext()))).to.deep.equal(
      [],
    );
  });
});

describe('aggregates: exact sums and averages', () => {
  it('sums bigints beyond 2^53 exactly', async () => {
    const types = [VARCHAR, BIGINT];
    const pages = [
      pageFromRows(types, [
        ['a', 9007199254740991],
        ['a', 2],
        ['b', 1],
      ]),
      pageFromRows(types, [
        ['a', 9007199254740993n],
        ['b', -1],
        ['c', 2n ** 62n],
        ['c', -(2n ** 62n)],
        ['c', 3],
      ]),
    ];
    const rows = await aggregate(
      types,
      pages,
      [0],
      [
        { fn: 'sum', args: [1] },
        { fn: 'avg', args: [1] },
      ],
    );
    expect(rows).to.deep.equal([
      ['a', 18014398509481986n, 18014398509481984 / 3], // avg runs in doubles
      ['b', 0, 0],
      ['c', 3, 1],
    ]);
  });

  it('raises on bigint sum overflow', async () => {
    const types = [BIGINT];
    const pages = [pageFromRows(types, [[9223372036854775807n], [1]])];
    const e = await asyncErrorOf(() => single(types, pages, [], [{ fn: 'sum', args: [0] }]));
    expect(e.code).to.equal('NUMERIC_VALUE_OUT_OF_RANGE');
    expect(e.message).to.equal('bigint addition overflow');
  });

  it('sums and averages decimals exactly, beyond 2^53, rounding averages half away from zero', async () => {
    const types = [VARCHAR, decimalType(20, 2)];
    const pages = [
      pageFromRows(types, [
        ['x', 100],
        ['x', 200],
        ['y', -100],
        ['z', 900719925474099100n],
      ]),
      pageFromRows(types, [
        ['x', 200],
        ['y', -200],
        ['y', -200],
        ['z', 900719925474099100n],
        ['z', 1],
        ['w', null],
      ]),
    ];
    const rows = await aggregate(
      types,
      pages,
      [0],
      [
        { fn: 'sum', args: [1] },
        { fn: 'avg', args: [1] },
        { fn: 'max', args: [1] },
      ],
    );
    expect(rows.map((r) => [r[0], dec(2)(r[1]), dec(2)(r[2]), dec(2)(r[3])])).to.deep.equal([
      ['w', null, null, null],
      ['x', '5.00', '1.67', '2.00'],
      ['y', '-5.00', '-1.67', '-1.00'],
      ['z', '18014398509481982.01', '6004799503160660.67', '9007199254740991.00'],
    ]);
  });

  it('averages integers as doubles', async () => {
    const types = [INTEGER];
    expect(
      await aggregate(
        types,
        [pageFromRows(types, [[1], [2]]), pageFromRows(types, [[2], [4]])],
        [],
        [{ fn: 'avg', args: [0] }],
      ),
    ).to.deep.equal([[2.25]]);
  });
});
