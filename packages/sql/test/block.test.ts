/** Blocks and pages: building (narrow and wide longs), slicing, taking positions, concatenating. */
import { expect } from 'chai';
import {
  BlockBuilder,
  concatBlocks,
  concatPages,
  constantBlock,
  isNull,
  nullBlock,
  pageFromRows,
  pageRows,
  sliceBlock,
  takeBlock,
  takePage,
  valueAt,
  type Block,
} from '../src/page/block.js';
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, VARCHAR, decimalType } from '../src/types/types.js';

function build(
  type: Parameters<typeof constantBlock>[0],
  values: readonly unknown[],
  capacity?: number,
): Block {
  const b = new BlockBuilder(type, capacity);
  for (const v of values) b.append(v);
  return b.build();
}

const values = (block: Block): unknown[] => Array.from({ length: block.length }, (_, i) => valueAt(block, i));
const BIG = 2n ** 60n;

describe('BlockBuilder', () => {
  it('builds each physical layout', () => {
    expect(build(BOOLEAN, [true, false, 1, 0]).values).to.deep.equal(Uint8Array.of(1, 0, 1, 0));
    expect(build(INTEGER, [1, -2]).values).to.deep.equal(Int32Array.of(1, -2));
    expect(build(DOUBLE, [0.5, -1]).values).to.deep.equal(Float64Array.of(0.5, -1));
    expect(build(BIGINT, [1, 2]).values).to.deep.equal(Float64Array.of(1, 2));
    expect(build(VARCHAR, ['a', '']).values).to.deep.equal(['a', '']);
    expect(values(build(BOOLEAN, [true, false]))).to.deep.equal([true, false]);
  });

  it('marks nulls and leaves a zero or empty placeholder', () => {
    const s = build(VARCHAR, ['a', null, 'c']);
    expect(Array.from(s.nulls!)).to.deep.equal([0, 1, 0]);
    expect(s.values).to.deep.equal(['a', '', 'c']);
    expect(isNull(s, 1)).to.equal(true);
    expect(isNull(s, 0)).to.equal(false);
    const n = build(INTEGER, [null, 5]);
    expect(Array.from(n.values as Int32Array)).to.deep.equal([0, 5]);
    expect(build(INTEGER, [1, 2]).nulls).to.equal(undefined);
  });

  it('widens a long block to bigints when a value passes 2^53', () => {
    const b = build(BIGINT, [1, null, BIG, -3]);
    expect(b.values).to.deep.equal([1n, 0n, BIG, -3n]);
    expect(Array.from(b.nulls!)).to.deep.equal([0, 1, 0, 0]);
    expect(values(b)).to.deep.equal([1n, null, BIG, -3n]);
  });

  it('widens for an unsafe JS number too, keeping its exact value', () => {
    const b = build(BIGINT, [2 ** 60, 7]);
    expect(b.values).to.deep.equal([BIG, 7n]);
  });

  it('stores bigints that all fit as a narrow block', () => {
    const b = build(decimalType(20, 2), [5n, -6n, 9007199254740991n]);
    expect(b.values).to.be.instanceOf(Float64Array);
    expect(Array.from(b.values as Float64Array)).to.deep.equal([5, -6, 9007199254740991]);
  });

  it('grows past its capacity, before and after widening, with nulls', () => {
    const input: unknown[] = [];
    for (let i = 0; i < 1000; i++) input.push(i % 10 === 3 ? null : i === 500 ? BIG : i);
    const b = build(BIGINT, input, 16);
    expect(b.length).to.equal(1000);
    expect(values(b)).to.deep.equal(input.map((v) => (v === null ? null : BigInt(v as number | bigint))));
    const strings = build(
      VARCHAR,
      input.map((v) => (v === null ? null : String(v))),
      16,
    );
    expect(values(strings)).to.deep.equal(input.map((v) => (v === null ? null : String(v))));
    expect(strings.values.length).to.equal(1000);
  });

  it('copies rows from other blocks with appendFrom', () => {
    const src = build(VARCHAR, ['x', null, 'z']);
    const b = new BlockBuilder(VARCHAR);
    b.appendFrom(src, 2);
    b.appendFrom(src, 1);
    b.appendNull();
    expect(b.length).to.equal(3);
    expect(values(b.build())).to.deep.equal(['z', null, null]);
  });

  it('makes constant and null blocks', () => {
    expect(values(constantBlock(INTEGER, 7, 3))).to.deep.equal([7, 7, 7]);
    expect(values(constantBlock(BIGINT, BIG, 2))).to.deep.equal([BIG, BIG]);
    expect(values(constantBlock(VARCHAR, null, 2))).to.deep.equal([null, null]);
    expect(values(nullBlock(DOUBLE, 2))).to.deep.equal([null, null]);
  });
});

describe('blocks: slice, take, concat', () => {
  it('slices typed arrays without copying', () => {
    const b = build(INTEGER, [0, 1, 2, 3, null, 5]);
    const s = sliceBlock(b, 2, 5);
    expect(s.length).to.equal(3);
    expect(values(s)).to.deep.equal([2, 3, null]);
    expect((s.values as Int32Array).buffer).to.equal((b.values as Int32Array).buffer);
    expect(values(sliceBlock(build(VARCHAR, ['a', 'b', 'c']), 1, 3))).to.deep.equal(['b', 'c']);
  });

  it('takes positions in the given order, with repeats', () => {
    const b = build(VARCHAR, ['a', null, 'c', 'd']);
    expect(values(takeBlock(b, [3, 0, 0, 1]))).to.deep.equal(['d', 'a', 'a', null]);
    expect(takeBlock(b, [0, 2]).nulls, 'no null taken: no null mask').to.equal(undefined);
    expect(values(takeBlock(b, Int32Array.of(2, 1, 0), 2))).to.deep.equal(['c', null]);
  });

  it('narrows a wide block when the taken values all fit', () => {
    const b = build(BIGINT, [1, BIG, 3]);
    const small = takeBlock(b, [0, 2]);
    expect(small.values).to.be.instanceOf(Float64Array);
    expect(values(small)).to.deep.equal([1, 3]);
    const big = takeBlock(b, [1, 0]);
    expect(big.values).to.deep.equal([BIG, 1n]);
  });

  it('concatenates narrow and wide blocks into a wide one, and narrow ones into a narrow one', () => {
    const narrow = build(BIGINT, [1, null]);
    const wide = build(BIGINT, [BIG]);
    const both = concatBlocks(BIGINT, [narrow, wide, narrow]);
    expect(both.values).to.deep.equal([1n, 0n, BIG, 1n, 0n]);
    expect(Array.from(both.nulls!)).to.deep.equal([0, 1, 0, 0, 1]);
    const two = concatBlocks(BIGINT, [narrow, narrow]);
    expect(two.values).to.be.instanceOf(Float64Array);
    expect(values(two)).to.deep.equal([1, null, 1, null]);
    expect(concatBlocks(BIGINT, [wide])).to.equal(wide);
    expect(concatBlocks(BIGINT, []).length).to.equal(0);
  });

  it('concatenates and takes whole pages', () => {
    const types = [INTEGER, VARCHAR];
    const a = pageFromRows(types, [
      [1, 'a'],
      [2, null],
    ]);
    const b = pageFromRows(types, [[3, 'c']]);
    const all = concatPages(types, [a, b]);
    expect(all.rowCount).to.equal(3);
    expect(pageRows(all)).to.deep.equal([
      [1, 'a'],
      [2, null],
      [3, 'c'],
    ]);
    expect(pageRows(takePage(all, [2, 0]))).to.deep.equal([
      [3, 'c'],
      [1, 'a'],
    ]);
    expect(concatPages(types, [a])).to.equal(a);
  });

  it('builds pages from rows and reads them back', () => {
    const types = [BOOLEAN, BIGINT, DOUBLE, VARCHAR];
    const rows = [
      [true, BIG, 0.5, 'x'],
      [null, null, null, null],
      [false, 2n, -0.25, ''],
    ];
    expect(pageRows(pageFromRows(types, rows))).to.deep.equal([
      [true, BIG, 0.5, 'x'],
      [null, null, null, null],
      [false, 2n, -0.25, ''],
    ]);
  });
});
