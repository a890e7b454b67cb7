/**
 * Hash aggregation by groups (NULL keys, many groups, the group-by hash), min and max over every
 * orderable type, FILTER masks and the memory limit; each run in one `single` step and split into
 * `partial` and `final` steps, which must agree (see support/aggregation.ts).
 */
import { expect } from 'chai';
import { HashAggregationOperator } from '../src/operators/aggregate.js';
import { GroupByHash } from '../src/operators/group-by-hash.js';
import { pageFromRows } from '../src/page/block.js';
import { BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, VARCHAR, decimalType } from '../src/types/types.js';
import { aggregate, calls, columnsOf, node } from './support/aggregation.js';
import { asyncErrorOf } from './support/errors.js';
import { collectPages, collectRows, pagesOf, sortRows, taskContext } from './support/operators.js';

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
