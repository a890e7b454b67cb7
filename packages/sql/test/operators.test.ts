/** Sort, TopN, Limit and Filter/Project over columnar pages. */
import { expect } from 'chai';
import { FilterOperator, ProjectOperator } from '../src/operators/filter-project.js';
import { LimitOperator } from '../src/operators/limit.js';
import type { Operator } from '../src/operators/operator.js';
import { SortOperator, TopNOperator, sortedPositions } from '../src/operators/sort.js';
import { pageFromRows, pageRows, type Page } from '../src/page/block.js';
import type { Column, PlanNode, SortKey } from '../src/plan/nodes.js';
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, VARCHAR, type DataType } from '../src/types/types.js';
import { canonical, translate } from './support/expressions.js';
import { collectPages, collectRows, pagesOf, random, taskContext } from './support/operators.js';

const asc = (channel: number, nullsFirst = false): SortKey => ({ channel, ascending: true, nullsFirst });
const desc = (channel: number, nullsFirst = false): SortKey => ({ channel, ascending: false, nullsFirst });
const columns = (types: readonly DataType[]): Column[] => types.map((type, i) => ({ name: `c${i}`, type }));
const values = (types: readonly DataType[]): PlanNode => ({
  kind: 'Values',
  rows: [],
  outputs: columns(types),
});

/** The rows of a page in sorted order. */
function sorted(types: readonly DataType[], rows: unknown[][], keys: readonly SortKey[]): unknown[][] {
  const page = pageFromRows(types, rows);
  return Array.from(sortedPositions(page, keys), (p) => rows[p]!);
}

function paged(types: readonly DataType[], rows: readonly unknown[][], size: number): Page[] {
  const pages: Page[] = [];
  for (let i = 0; i < rows.length; i += size) pages.push(pageFromRows(types, rows.slice(i, i + size)));
  return pages;
}

describe('sort: row order', () => {
  const types = [INTEGER];
  const rows = [[3], [null], [1], [2], [null]];

  it('sorts ascending and descending with NULLS LAST by default', () => {
    expect(sorted(types, rows, [asc(0)])).to.deep.equal([[1], [2], [3], [null], [null]]);
    expect(sorted(types, rows, [desc(0)])).to.deep.equal([[3], [2], [1], [null], [null]]);
  });

  it('puts NULLs first when asked, in both directions', () => {
    expect(sorted(types, rows, [asc(0, true)])).to.deep.equal([[null], [null], [1], [2], [3]]);
    expect(sorted(types, rows, [desc(0, true)])).to.deep.equal([[null], [null], [3], [2], [1]]);
  });

  it('orders NaN above every other double, below NULLS LAST', () => {
    const d = [[NaN], [1], [-Infinity], [null], [Infinity], [-1.5], [NaN]];
    const show = (rs: unknown[][]) => rs.map((r) => String(r[0]));
    expect(show(sorted([DOUBLE], d, [asc(0)]))).to.deep.equal([
      '-Infinity',
      '-1.5',
      '1',
      'Infinity',
      'NaN',
      'NaN',
      'null',
    ]);
    expect(show(sorted([DOUBLE], d, [desc(0)]))).to.deep.equal([
      'NaN',
      'NaN',
      'Infinity',
      '1',
      '-1.5',
      '-Infinity',
      'null',
    ]);
    expect(show(sorted([DOUBLE], d, [asc(0, true)]))).to.deep.equal([
      'null',
      '-Infinity',
      '-1.5',
      '1',
      'Infinity',
      'NaN',
      'NaN',
    ]);
  });

  it('is stable: equal keys keep their input order in both directions', () => {
    const t = [INTEGER, INTEGER];
    const r = [
      [2, 0],
      [1, 1],
      [2, 2],
      [1, 3],
      [null, 4],
      [2, 5],
      [null, 6],
    ];
    expect(sorted(t, r, [asc(0)]).map((x) => x[1])).to.deep.equal([1, 3, 0, 2, 5, 4, 6]);
    expect(sorted(t, r, [desc(0)]).map((x) => x[1])).to.deep.equal([0, 2, 5, 1, 3, 4, 6]);
  });

  it('sorts by several keys', () => {
    const t = [VARCHAR, INTEGER];
    const r = [
      ['b', 1],
      ['a', 1],
      ['b', 2],
      ['a', 3],
      [null, 0],
      ['a', null],
    ];
    expect(sorted(t, r, [asc(0), desc(1)])).to.deep.equal([
      ['a', 3],
      ['a', 1],
      ['a', null],
      ['b', 2],
      ['b', 1],
      [null, 0],
    ]);
    expect(sorted(t, r, [desc(1, true), asc(0)])).to.deep.equal([
      ['a', null],
      ['a', 3],
      ['b', 2],
      ['a', 1],
      ['b', 1],
      [null, 0],
    ]);
  });

  it('sorts strings by code unit, booleans false first, and long values exactly', () => {
    expect(sorted([VARCHAR], [['b'], ['B'], [''], ['ab'], ['a']], [asc(0)])).to.deep.equal([
      [''],
      ['B'],
      ['a'],
      ['ab'],
      ['b'],
    ]);
    expect(sorted([BOOLEAN], [[true], [false], [null], [true]], [asc(0)])).to.deep.equal([
      [false],
      [true],
      [true],
      [null],
    ]);
    const longs = [[9007199254740993n], [9007199254740992n], [-1], [2n ** 62n], [5]];
    expect(sorted([BIGINT], longs, [asc(0)]).map((r) => canonical(r[0]))).to.deep.equal([
      -1,
      5,
      9007199254740992n,
      9007199254740993n,
      4611686018427387904n,
    ]);
  });
});

describe('sort and topN operators', () => {
  const types = [INTEGER, INTEGER];

  async function runSort(rows: unknown[][], keys: SortKey[], pageSize: number): Promise<unknown[][]> {
    const node = { kind: 'Sort' as const, input: values(types), keys, outputs: columns(types) };
    return collectRows(new SortOperator(node, pagesOf(paged(types, rows, pageSize)), taskContext()));
  }

  async function runTopN(
    rows: unknown[][],
    keys: SortKey[],
    count: number,
    pageSize: number,
  ): Promise<unknown[][]> {
    const node = { kind: 'TopN' as const, input: values(types), keys, count, outputs: columns(types) };
    return collectRows(new TopNOperator(node, pagesOf(paged(types, rows, pageSize)), taskContext()));
  }

  it('sorts rows from many pages and emits pages of at most 8192 rows', async () => {
    const next = random(1);
    const rows = Array.from({ length: 20_000 }, (_, i) => [Math.floor(next() * 100), i]);
    const node = { kind: 'Sort' as const, input: values(types), keys: [asc(0)], outputs: columns(types) };
    const pages = await collectPages(new SortOperator(node, pagesOf(paged(types, rows, 777)), taskContext()));
    expect(pages.map((p) => p.rowCount)).to.deep.equal([8192, 8192, 3616]);
    const out = pages.flatMap(pageRows);
    const expected = [...rows].sort(
      (a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number),
    );
    expect(out).to.deep.equal(expected);
  });

  it('emits nothing for no input', async () => {
    expect(await runSort([], [asc(0)], 10)).to.deep.equal([]);
    expect(await runTopN([], [asc(0)], 5, 10)).to.deep.equal([]);
  });

  it('gives the same rows as sort then limit, ties and NULLs included', async () => {
    const next = random(42);
    const rows = Array.from({ length: 30_000 }, (_, i) => [
      next() < 0.05 ? null : Math.floor(next() * 50),
      i,
    ]);
    const keySets: SortKey[][] = [[asc(0)], [desc(0)], [asc(0, true)], [desc(0, true), desc(1)]];
    for (const keys of keySets) {
      const all = await runSort(rows, keys, 1000);
      for (const count of [0, 1, 10, 999, 9000, 30_000, 50_000]) {
        const top = await runTopN(rows, keys, count, 1000);
        expect(top, `${JSON.stringify(keys)} top ${count}`).to.deep.equal(all.slice(0, count));
      }
    }
  });

  it('works with pages larger than the count and a single page', async () => {
    const rows = [
      [5, 0],
      [3, 1],
      [9, 2],
      [1, 3],
      [3, 4],
    ];
    expect(await runTopN(rows, [asc(0)], 3, 100)).to.deep.equal([
      [1, 3],
      [3, 1],
      [3, 4],
    ]);
    expect(await runTopN(rows, [desc(0)], 2, 1)).to.deep.equal([
      [9, 2],
      [5, 0],
    ]);
  });
});

describe('limit operator', () => {
  const types = [INTEGER];
  const pages = [
    pageFromRows(types, [[0], [1], [2]]),
    pageFromRows(types, [[3], [4], [5], [6]]),
    pageFromRows(types, [[7], [8], [9], [10], [11]]),
  ];

  async function limit(count: number, offset: number, input: Operator = pagesOf(pages)): Promise<number[]> {
    const node = { kind: 'Limit' as const, input: values(types), count, offset, outputs: columns(types) };
    return (await collectRows(new LimitOperator(node, input))).map((r) => r[0] as number);
  }

  it('skips the offset and passes count rows across page boundaries', async () => {
    expect(await limit(5, 2)).to.deep.equal([2, 3, 4, 5, 6]);
    expect(await limit(5, 3)).to.deep.equal([3, 4, 5, 6, 7]);
    expect(await limit(3, 0)).to.deep.equal([0, 1, 2]);
    expect(await limit(4, 0)).to.deep.equal([0, 1, 2, 3]);
    expect(await limit(2, 6)).to.deep.equal([6, 7]);
    expect(await limit(100, 10)).to.deep.equal([10, 11]);
    expect(await limit(100, 0)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('yields nothing for LIMIT 0 or an offset past the end', async () => {
    expect(await limit(0, 0)).to.deep.equal([]);
    expect(await limit(5, 12)).to.deep.equal([]);
    expect(await limit(5, 1000)).to.deep.equal([]);
  });

  it('stops pulling its input once it has its rows', async () => {
    let pulled = 0;
    const input: Operator = {
      async *execute() {
        for (const p of pages) {
          pulled++;
          yield p;
        }
        throw new Error('pulled past the end');
      },
    };
    expect(await limit(4, 0, input)).to.deep.equal([0, 1, 2, 3]);
    expect(pulled).to.equal(2);
    expect(await limit(0, 0, input)).to.deep.equal([]);
  });

  it('passes whole pages through untouched when they fit', async () => {
    const node = {
      kind: 'Limit' as const,
      input: values(types),
      count: 7,
      offset: 0,
      outputs: columns(types),
    };
    const out = await collectPages(new LimitOperator(node, pagesOf(pages)));
    expect(out[0]).to.equal(pages[0]);
    expect(out[1]).to.equal(pages[1]);
    expect(out.length).to.equal(2);
  });
});

describe('filter and project operators', () => {
  const types = [INTEGER, VARCHAR];
  const cols = { x: INTEGER, s: VARCHAR };
  const pages = [
    pageFromRows(types, [
      [1, 'a'],
      [2, 'b'],
    ]),
    pageFromRows(types, [[-1, 'c']]),
    pageFromRows(types, [
      [3, null],
      [-2, 'e'],
      [null, 'f'],
    ]),
  ];

  it('keeps rows where the predicate is TRUE and drops empty pages', async () => {
    const node = {
      kind: 'Filter' as const,
      input: values(types),
      predicate: translate('x > 0', cols),
      outputs: columns(types),
    };
    const out = await collectPages(new FilterOperator(node, pagesOf(pages)));
    expect(out.length).to.equal(2);
    expect(out[0]).to.equal(pages[0], 'a page that passes whole is not copied');
    expect(out.flatMap(pageRows)).to.deep.equal([
      [1, 'a'],
      [2, 'b'],
      [3, null],
    ]);
  });

  it('computes expressions per page', async () => {
    const exprs = [translate("s || '!'", cols), translate('x * 10', cols), translate('x', cols)];
    const node = {
      kind: 'Project' as const,
      input: values(types),
      exprs,
      outputs: columns([VARCHAR, INTEGER, INTEGER]),
    };
    expect(await collectRows(new ProjectOperator(node, pagesOf(pages)))).to.deep.equal([
      ['a!', 10, 1],
      ['b!', 20, 2],
      ['c!', -10, -1],
      [null, 30, 3],
      ['e!', -20, -2],
      ['f!', null, null],
    ]);
  });
});
