/**
 * The distinct-count sketch of lake statistics: exact up to exactLimit() values, a HyperLogLog
 * beyond (standard error ≈ 3.3 %; asserted within 10 %, three standard errors), merges as unions,
 * survives its encoding, and hashes every column type so that equal SQL values count once.
 */
import { expect } from 'chai';
import {
  BIGINT,
  DOUBLE,
  DistinctSketch,
  INTEGER,
  exactLimit,
  hashBlock,
  hashFloat64,
  hashInt32,
  hashLong,
  hashString,
  pageFromRows,
  physicalKind,
  varcharType,
} from '@quarry/sql';
import { StatsAccumulator } from '../../src/lake/stats.js';
import { ALL_TYPES, ALL_TYPES_ROWS, allTypesPage } from './fixtures.js';

const MAX_ERROR = 0.1;

function sketchOf(hashes: Iterable<number>): DistinctSketch {
  const s = new DistinctSketch();
  for (const h of hashes) s.add(h);
  return s;
}

function* range(from: number, to: number, hash: (i: number) => number = hashInt32): Generator<number> {
  for (let i = from; i < to; i++) yield hash(i);
}

describe('lake distinct-count sketch', () => {
  it('counts exactly up to its exact limit, NULL-free and with repeats', () => {
    for (const n of [0, 1, 2, 7, 25, 150, exactLimit()]) {
      const s = sketchOf([...range(0, n), ...range(0, n)]);
      expect(s.estimate(), `${n} values`).to.equal(n);
      expect(DistinctSketch.decode(s.encode())?.estimate()).to.equal(n);
    }
  });

  for (const [name, hash] of [
    ['integers', hashInt32],
    ['bigints', (i: number) => hashLong(i * 1_000_003)],
    ['doubles', (i: number) => hashFloat64(i / 7)],
    ['strings', (i: number) => hashString(`value-${i}`)],
  ] as const) {
    it(`estimates 10^2 to 10^6 distinct ${name} within ${MAX_ERROR * 100} %`, () => {
      for (const n of [100, 300, 1_000, 10_000, 100_000, 1_000_000]) {
        const s = sketchOf(range(0, n, hash));
        expect(Math.abs(s.estimate() / n - 1), `${n} values: ${s.estimate()}`).to.be.below(MAX_ERROR);
        expect(DistinctSketch.decode(s.encode())?.estimate(), 'after encoding').to.equal(s.estimate());
      }
    });
  }

  it('merges as a union: the merged sketch is the sketch of all values, in either mode', () => {
    const cases: [number, number, number, number][] = [
      [0, 100, 50, 150], // exact + exact, still exact
      [0, 120, 100, 220], // exact + exact beyond the limit
      [0, 60_000, 40_000, 100_000], // HyperLogLog + HyperLogLog, overlapping
      [0, 100_000, 10, 90], // HyperLogLog + exact
      [5, 50, 0, 100_000], // exact + HyperLogLog
    ];
    for (const [a0, a1, b0, b1] of cases) {
      const a = sketchOf(range(a0, a1));
      a.merge(sketchOf(range(b0, b1)));
      const all = sketchOf(range(Math.min(a0, b0), Math.max(a1, b1)));
      expect(a.encode(), `[${a0}, ${a1}) ∪ [${b0}, ${b1})`).to.equal(all.encode());
    }
    const exact = sketchOf(range(0, 100));
    exact.merge(sketchOf(range(50, 150)));
    expect(exact.estimate()).to.equal(150);
    const wide = sketchOf(range(0, 60_000));
    wide.merge(sketchOf(range(40_000, 100_000)));
    expect(Math.abs(wide.estimate() / 100_000 - 1)).to.be.below(MAX_ERROR);
    const empty = new DistinctSketch();
    empty.merge(new DistinctSketch());
    expect(empty.estimate()).to.equal(0);
  });

  it('encodes compactly: 4 bytes a value while exact, 641 bytes beyond', () => {
    expect(Buffer.from(sketchOf(range(0, 10)).encode(), 'base64')).to.have.length(41);
    expect(Buffer.from(sketchOf(range(0, exactLimit())).encode(), 'base64')).to.have.length(641);
    expect(Buffer.from(sketchOf(range(0, 1_000_000)).encode(), 'base64')).to.have.length(641);
  });

  it('decodes what it encoded and nothing else', () => {
    const dense = Buffer.from(sketchOf(range(0, 5000)).encode(), 'base64');
    const bad = [
      '',
      Buffer.from([9, 1, 2, 3, 4]).toString('base64'), // unknown tag
      Buffer.from([1, 1, 2, 3]).toString('base64'), // exact, not whole hashes
      dense.subarray(0, 600).toString('base64'), // truncated
      Buffer.from([2, ...new Array<number>(640).fill(0xff)]).toString('base64'), // registers beyond 23
    ];
    for (const text of bad) expect(DistinctSketch.decode(text), JSON.stringify(text)).to.equal(undefined);
  });

  it('hashes equal SQL values alike: longs as numbers or bigints, -0 and 0, every NaN', () => {
    for (const v of [0, 1, -1, 42, -(2 ** 40) - 3, 2 ** 53 - 1, -(2 ** 53 - 1)])
      expect(hashLong(BigInt(v)), String(v)).to.equal(hashLong(v));
    expect(hashLong(2n ** 63n)).to.not.equal(hashLong(-(2n ** 63n)));
    expect(hashLong(2n ** 100n)).to.not.equal(hashLong(2n ** 101n));
    expect(hashFloat64(-0)).to.equal(hashFloat64(0));
    const payload = new DataView(new ArrayBuffer(8));
    payload.setUint32(0, 1234, true);
    payload.setUint32(4, 0x7ff00001, true);
    expect(hashFloat64(payload.getFloat64(0, true))).to.equal(hashFloat64(Number.NaN));
    expect(
      new Set(['', 'a', 'a\u0000', 'b', 'ab', 'ba', 'é', 'e\u0301'].map((s) => hashString(s))).size,
    ).to.equal(8);
  });

  it('gives the same sketch for a long column in a narrow block and in a wide (bigint) block', () => {
    const narrow = pageFromRows([BIGINT], [[1], [2], [-3], [null]]).blocks[0]!;
    const wide = pageFromRows([BIGINT], [[1n], [2n], [-3n], [2n ** 60n], [null]]).blocks[0]!;
    expect(wide.values).to.satisfy((v: unknown) => Array.isArray(v));
    const a = new DistinctSketch();
    hashBlock(narrow, 'long', a);
    const b = new DistinctSketch();
    hashBlock(wide, 'long', b);
    expect(a.estimate()).to.equal(3);
    expect(b.estimate()).to.equal(4);
    a.merge(b);
    expect(a.estimate()).to.equal(4);
  });

  it('counts the distinct non-NULL values of every lake type in a page', () => {
    const page = allTypesPage();
    ALL_TYPES.forEach((column, i) => {
      const acc = new StatsAccumulator(column.type);
      acc.add(page.blocks[i]!);
      const expected = new Set(
        ALL_TYPES_ROWS.map((r) => r[i])
          .filter((v) => v !== null)
          .map((v) => (Object.is(v, -0) ? '0' : String(v))),
      ).size;
      const sketch = acc.encode().sketch;
      expect(sketch, column.name).to.be.a('string');
      expect(DistinctSketch.decode(sketch!)?.estimate(), column.name).to.equal(expected);
    });
  });

  it('counts nothing for NULLs: a column of NULLs has no distinct values', () => {
    for (const type of [INTEGER, BIGINT, DOUBLE, varcharType()]) {
      const acc = new StatsAccumulator(type);
      acc.add(pageFromRows([type], [[null], [null]]).blocks[0]!);
      expect(DistinctSketch.decode(acc.encode().sketch!)?.estimate(), physicalKind(type)).to.equal(0);
    }
  });
});
