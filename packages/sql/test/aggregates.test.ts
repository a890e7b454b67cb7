/**
 * Hash aggregation: every aggregate in one `single` step and split into `partial` steps (one per
 * simulated task, states moved through the page serde) and a `final` step, which must agree.
 */
import { expect } from 'chai';
import { resolveAggregate } from '../src/functions/aggregates.js';
import { HashAggregationOperator } from '../src/operators/aggregate.js';
import { GroupByHash } from '../src/operators/group-by-hash.js';
import { pageFromRows, type Page } from '../src/page/block.js';
import { deserializePage, serializePage } from '../src/page/serde.js';
import type { AggregateCall, AggregateNode, AggregateStep, Column, PlanNode } from '../src/plan/nodes.js';
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  VARCHAR,
  decimalType,
  typeToString,
  type DataType,
} from '../src/types/types.js';
import { formatDecimal, type Long } from '../src/types/values.js';
import { asyncErrorOf } from './support/errors.js';
import { collectPages, collectRows, pagesOf, sortRows, taskContext } from './support/operators.js';

interface Call {
  readonly fn: string;
  readonly args?: readonly number[];
  readonly mask?: number;
}

function calls(types: readonly DataType[], specs: readonly Call[]): AggregateCall[] {
  return specs.map(({ fn, args = [], mask }) => {
    const sig = resolveAggregate(
      fn,
      args.map((c) => types[c]!),
    );
    return {
      fn,
      args,
      argTypes: sig.argTypes,
      distinct: false,
      resultType: sig.resultType,
      ...(mask !== undefined ? { mask } : {}),
    };
  });
}

function source(columns: readonly Column[]): PlanNode {
  return { kind: 'Values', rows: [], outputs: columns };
}

function node(
  step: AggregateStep,
  input: readonly Column[],
  groupBy: readonly number[],
  aggregates: AggregateCall[],
): AggregateNode {
  const keys = groupBy.map((c) => input[c]!);
  const rest =
    step === 'partial'
      ? aggregates.flatMap((a) =>
          resolveAggregate(a.fn, a.argTypes).intermediateTypes.map((type, i) => ({
            name: `${a.fn}_s${i}`,
            type,
          })),
        )
      : aggregates.map((a) => ({ name: a.fn, type: a.resultType }));
  return { kind: 'Aggregate', input: source(input), step, groupBy, aggregates, outputs: [...keys, ...rest] };
}

const columnsOf = (types: readonly DataType[]): Column[] => types.map((type, i) => ({ name: `c${i}`, type }));

/** One aggregation step over all pages. */
async function single(
  types: readonly DataType[],
  pages: readonly Page[],
  groupBy: readonly number[],
  specs: readonly Call[],
) {
  const n = node('single', columnsOf(types), groupBy, calls(types, specs));
  return collectRows(new HashAggregationOperator(n, pagesOf(pages), taskContext()));
}

/** Partial steps over `tasks` groups of pages, states serialized, then one final step. */
async function split(
  types: readonly DataType[],
  pages: readonly Page[],
  groupBy: readonly number[],
  specs: readonly Call[],
  tasks = 2,
) {
  const aggs = calls(types, specs);
  const partial = node('partial', columnsOf(types), groupBy, aggs);
  const stateTypes = partial.outputs.map((c) => c.type);
  const states: Page[] = [];
  for (let t = 0; t < tasks; t++) {
    const mine = pages.filter((_, i) => i % tasks === t);
    for (const p of await collectPages(new HashAggregationOperator(partial, pagesOf(mine), taskContext()))) {
      states.push(deserializePage(serializePage(p), stateTypes));
    }
  }
  const final = node(
    'final',
    partial.outputs,
    groupBy.map((_, i) => i),
    aggs,
  );
  return collectRows(new HashAggregationOperator(final, pagesOf(states), taskContext()));
}

/** Runs both ways, checks they agree (ignoring group order), and returns the rows sorted. */
async function aggregate(
  types: readonly DataType[],
  pages: readonly Page[],
  groupBy: readonly number[],
  specs: readonly Call[],
) {
  const a = sortRows(await single(types, pages, groupBy, specs));
  const b = sortRows(await split(types, pages, groupBy, specs));
  const c = sortRows(await split(types, pages, groupBy, specs, 3));
  expect(b, 'partial → final agrees with single').to.deep.equal(a);
  expect(c, 'with three partial tasks too').to.deep.equal(a);
  return a;
}

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

describe('aggregates: grouping', () => {
  it('makes NULL its own group', async () => {
    const types = [VARCHAR, INTEGER];
    const pages = [
      pageFromRows(types, [
        ['a', 1],
        [null, 2],
        ['a', 3],
      ]),
      pageFromRows(types, [
        [null, 4],
        ['', 5],
        ['b', null],
      ]),
    ];
    expect(await aggregate(types, pages, [0], [{ fn: 'count' }, { fn: 'sum', args: [1] }])).to.deep.equal([
      ['', 1, 5],
      ['a', 2, 4],
      ['b', 1, null],
      [null, 2, 6],
    ]);
  });

  it('groups on several keys of mixed types', async () => {
    const types = [VARCHAR, INTEGER, BOOLEAN, BIGINT, DOUBLE, DATE];
    const pages = [
      pageFromRows(types, [
        ['ab', 1, true, 5, 0.5, 10],
        ['a', 1, true, 5, 0.5, 10],
        ['ab', 1, true, 5, 0.5, 10],
        ['ab', 1, false, 5, 0.5, 10],
      ]),
      pageFromRows(types, [
        ['ab', 1, true, 5n, 0.5, 10],
        ['ab', null, true, 5, 0.5, 10],
        ['ab', 1, true, 2n ** 60n, 0.5, 10],
        ['ab', 1, true, 5, 0.5, 11],
        [null, null, null, null, null, null],
        [null, null, null, null, null, null],
      ]),
    ];
    const rows = await aggregate(types, pages, [0, 1, 2, 3, 4, 5], [{ fn: 'count' }]);
    expect(rows).to.deep.equal(
      sortRows([
        ['a', 1, true, 5, 0.5, 10, 1],
        ['ab', 1, false, 5, 0.5, 10, 1],
        ['ab', 1, true, 5, 0.5, 10, 3],
        ['ab', 1, true, 5, 0.5, 11, 1],
        ['ab', 1, true, 1152921504606846976n, 0.5, 10, 1],
        ['ab', null, true, 5, 0.5, 10, 1],
        [null, null, null, null, null, null, 2],
      ]),
    );
  });

  it('keeps composite string keys apart however they are split', async () => {
    const types = [VARCHAR, VARCHAR];
    const pages = [
      pageFromRows(types, [
        ['ab', 'c'],
        ['a', 'bc'],
        ['a\u0000', 'b'],
        ['a', '\u0000b'],
        ['', 'x'],
        [null, 'x'],
        ['N', 'x'],
      ]),
    ];
    const rows = await aggregate(types, pages, [0, 1], [{ fn: 'count' }]);
    expect(rows).to.have.length(7);
    expect(rows.every((r) => r[2] === 1)).to.equal(true);
  });

  it('puts -0 with 0 and NaN with NaN', async () => {
    const types = [DOUBLE];
    const pages = [pageFromRows(types, [[0], [-0], [NaN], [NaN], [1]])];
    const rows = await aggregate(types, pages, [0], [{ fn: 'count' }]);
    expect(sortRows(rows.map((r) => [String(r[0]), r[1]]))).to.deep.equal([
      ['0', 2],
      ['1', 1],
      ['NaN', 2],
    ]);
  });

  it('finds a key in a narrow block and the same key in a wide block', async () => {
    const types = [BIGINT, INTEGER];
    const narrow = pageFromRows(types, [
      [5, 1],
      [7, 1],
    ]);
    const wide = pageFromRows(types, [
      [5n, 10],
      [2n ** 60n, 100],
    ]);
    expect(Array.isArray(wide.blocks[0]!.values)).to.equal(true);
    expect(await aggregate(types, [narrow, wide], [0], [{ fn: 'sum', args: [1] }])).to.deep.equal([
      [1152921504606846976n, 100],
      [5, 11],
      [7, 1],
    ]);
  });

  it('emits many groups in pages of at most 8192 rows', async () => {
    const types = [INTEGER];
    const rows = Array.from({ length: 20_000 }, (_, i) => [i % 10_000]);
    const n = node('single', columnsOf(types), [0], calls(types, [{ fn: 'count' }]));
    const pages = await collectPages(
      new HashAggregationOperator(n, pagesOf([pageFromRows(types, rows)]), taskContext()),
    );
    expect(pages.map((p) => p.rowCount)).to.deep.equal([8192, 1808]);
    const counts = pages.flatMap((p) => Array.from(p.blocks[1]!.values as Float64Array));
    expect(counts.every((c) => c === 2)).to.equal(true);
  });

  it('assigns dense group ids in order of first appearance', () => {
    const hash = new GroupByHash([VARCHAR]);
    const page = pageFromRows([VARCHAR], [['b'], ['a'], ['b'], [null], ['a']]);
    expect(Array.from(hash.groupIds(page.blocks, 5).subarray(0, 5))).to.deep.equal([0, 1, 0, 2, 1]);
    expect(hash.groupCount).to.equal(3);
    const more = pageFromRows([VARCHAR], [[null], ['c']]);
    expect(Array.from(hash.groupIds(more.blocks, 2).subarray(0, 2))).to.deep.equal([2, 3]);
  });
});

describe('aggregates: extremes', () => {
  it('takes min and max of strings, dates, booleans and decimals', async () => {
    const types = [VARCHAR, DATE, BOOLEAN, decimalType(10, 2)];
    const pages = [
      pageFromRows(types, [
        ['pear', 100, true, 150],
        ['apple', -5, null, -250],
      ]),
      pageFromRows(types, [['zoo', 7, false, 9007199254740993n]]),
    ];
    const specs = [0, 1, 2, 3].flatMap((c) => [
      { fn: 'min', args: [c] },
      { fn: 'max', args: [c] },
    ]);
    expect(await aggregate(types, pages, [], specs)).to.deep.equal([
      ['apple', 'zoo', -5, 100, false, true, -250, 9007199254740993n],
    ]);
  });

  it('orders NaN above all doubles, whatever the input order', async () => {
    const types = [DOUBLE];
    for (const values of [
      [NaN, 1, 2],
      [1, NaN, 2],
      [2, 1, NaN],
    ]) {
      const pages = values.map((v) => pageFromRows(types, [[v]]));
      const rows = await aggregate(
        types,
        pages,
        [],
        [
          { fn: 'min', args: [0] },
          { fn: 'max', args: [0] },
        ],
      );
      expect(rows.map((r) => r.map(String))).to.deep.equal([['1', 'NaN']]);
    }
    const onlyNaN = await aggregate(types, [pageFromRows(types, [[NaN]])], [], [{ fn: 'min', args: [0] }]);
    expect(String(onlyNaN[0]![0])).to.equal('NaN');
  });
});

describe('aggregates: masks and memory', () => {
  it('feeds only rows whose mask is TRUE (FILTER (WHERE …))', async () => {
    const types = [INTEGER, BOOLEAN];
    const pages = [
      pageFromRows(types, [
        [1, true],
        [2, false],
        [3, null],
        [4, true],
        [null, true],
      ]),
    ];
    expect(
      await aggregate(
        types,
        pages,
        [],
        [
          { fn: 'count', mask: 1 },
          { fn: 'count', args: [0], mask: 1 },
          { fn: 'sum', args: [0], mask: 1 },
        ],
      ),
    ).to.deep.equal([[3, 2, 5]]);
  });

  it('fails cleanly when the hash table passes the memory limit', async () => {
    const types = [INTEGER];
    const rows = Array.from({ length: 5000 }, (_, i) => [i]);
    const n = node('single', columnsOf(types), [0], calls(types, [{ fn: 'count' }]));
    const op = new HashAggregationOperator(n, pagesOf([pageFromRows(types, rows)]), taskContext(64 * 1024));
    const e = await asyncErrorOf(() => collectRows(op));
    expect(e.code).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
    expect(e.type).to.equal('INSUFFICIENT_RESOURCES');
    expect(e.message).to.match(/^Query exceeded per-task memory limit of 64kB \(used \d+kB\)$/);
  });
});
