/**
 * approx_distinct as Trino has it: a HyperLogLog per group (standard error 2.3 % by default, or the
 * bound given), exact for small groups, NULLs ignored, 0 for no input, partial states merged across
 * tasks; a max standard error outside [0.0040625, 0.26] or not constant is refused by name. And the
 * sketch underneath at precisions other than the lake's.
 */
import { expect } from 'chai';
import { DistinctSketch, exactLimit, precisionFor } from '../src/functions/distinct-sketch.js';
import { hashInt32, hashString } from '../src/functions/value-hash.js';
import { BIGINT, INTEGER, VARCHAR } from '../src/types/types.js';
import { MemConnector } from './support/connector.js';
import { asyncErrorOf } from './support/errors.js';
import { runDistributed, runLocal } from './support/run.js';

const ROWS = 120_000;

/** `big`: k in [0, ROWS) with k % 3 = 0 NULL in `v`; `g` has 4 groups of different cardinalities. */
function bigConnector(): MemConnector {
  const rows = Array.from({ length: ROWS }, (_, k) => [
    k % 4,
    k % 4 === 0 ? k % 50 : k, // group 0: 25 values (k is a multiple of 4), the others 30 000
    k % 3 === 0 ? null : `s${k % 40_000}`,
  ]);
  return new MemConnector({
    shop: {
      big: {
        columns: [
          { name: 'g', type: INTEGER },
          { name: 'k', type: BIGINT },
          { name: 'v', type: VARCHAR },
        ],
        rows,
        splitRows: 10_000,
      },
    },
  });
}

/** Exact distinct counts of the same data, for comparison. */
function exact(): { k: number[]; v: number } {
  const k = [0, 1, 2, 3].map(() => new Set<number>());
  const v = new Set<string>();
  for (let i = 0; i < ROWS; i++) {
    k[i % 4]!.add(i % 4 === 0 ? i % 50 : i);
    if (i % 3 !== 0) v.add(`s${i % 40_000}`);
  }
  return { k: k.map((s) => s.size), v: v.size };
}

/** Within `sigmas` standard errors of `want`. */
const within =
  (want: number, error: number, sigmas = 3) =>
  (got: unknown) =>
    typeof got === 'number' && Math.abs(got / want - 1) <= sigmas * error;

describe('approx_distinct', function () {
  this.timeout(60_000);
  const connector = bigConnector();
  const truth = exact();

  it('estimates per group within three standard errors (2.3 %), exactly for small groups, over 1 and 3 partitions', async () => {
    const sql = 'SELECT g, approx_distinct(k), count(DISTINCT k) FROM big GROUP BY g ORDER BY g';
    for (const result of [
      await runLocal(sql, connector),
      await runDistributed(sql, 1, connector),
      await runDistributed(sql, 3, connector),
    ]) {
      expect(result.rows.map((r) => r[0])).to.deep.equal([0, 1, 2, 3]);
      expect(result.rows[0]!.slice(1)).to.deep.equal([25, 25]);
      for (const [g, estimate, count] of result.rows.slice(1)) {
        expect(count).to.equal(truth.k[g as number]);
        expect(estimate, `group ${String(g)}`).to.satisfy(within(truth.k[g as number]!, 0.023));
        expect(estimate).to.not.equal(count); // an estimate, not count(DISTINCT) in disguise
      }
      expect(result.columns[1]).to.deep.equal({ name: '_col1', type: 'bigint' });
    }
  });

  it('takes a max standard error: a tighter bound gives a closer estimate; NULLs are ignored', async () => {
    const sql = 'SELECT approx_distinct(v, 0.005), approx_distinct(v, 0.26), approx_distinct(v) FROM big';
    const [row] = (await runDistributed(sql, 3, connector)).rows;
    expect(row![0]).to.satisfy(within(truth.v, 0.005));
    expect(row![1]).to.satisfy(within(truth.v, 0.26));
    expect(row![2]).to.satisfy(within(truth.v, 0.023));
  });

  it('is 0 without input and for groups of NULLs only', async () => {
    const none = await runDistributed('SELECT approx_distinct(k) FROM big WHERE g > 10', 3, connector);
    expect(none.rows).to.deep.equal([[0]]);
    const nulls = await runLocal(
      'SELECT g, approx_distinct(CASE WHEN g = 1 THEN NULL ELSE g END) FROM big GROUP BY g ORDER BY g',
      connector,
    );
    expect(nulls.rows).to.deep.equal([
      [0, 1],
      [1, 0],
      [2, 1],
      [3, 1],
    ]);
  });

  it('works as a window function: the same estimate per partition as GROUP BY, and over growing frames', async () => {
    const grouped = await runLocal('SELECT g, approx_distinct(k) FROM big GROUP BY g ORDER BY g', connector);
    const windowed = await runDistributed(
      'SELECT DISTINCT g, approx_distinct(k) OVER (PARTITION BY g) FROM big ORDER BY g',
      3,
      connector,
    );
    expect(windowed.rows).to.deep.equal(grouped.rows);
    const running = await runLocal(
      'SELECT k, approx_distinct(k % 3) OVER (ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM big WHERE g = 1 AND k < 20 ORDER BY k',
      connector,
    );
    // k = 1, 5, 9, 13, 17: k % 3 = 1, 2, 0, 1, 2
    expect(running.rows).to.deep.equal([
      [1, 1],
      [5, 2],
      [9, 3],
      [13, 3],
      [17, 3],
    ]);
    const e = await asyncErrorOf(() =>
      runLocal('SELECT approx_distinct(k, 0.5) OVER (PARTITION BY g) FROM big', connector),
    );
    expect(e.message).to.equal('line 1:27: Max standard error must be in [0.0040625, 0.26]: 0.5');
  });

  it('refuses a max standard error out of range or not constant, naming it and where it is', async () => {
    for (const [arg, shown] of [
      ['0.3', '0.3'],
      ['0.004', '0.004'],
      ['-1', '-1'],
    ]) {
      const e = await asyncErrorOf(() => runLocal(`SELECT approx_distinct(k, ${arg}) FROM big`, connector));
      expect(e.code).to.equal('INVALID_FUNCTION_ARGUMENT');
      expect(e.message).to.equal(`line 1:27: Max standard error must be in [0.0040625, 0.26]: ${shown}`);
    }
    const e = await asyncErrorOf(() => runLocal('SELECT approx_distinct(k, g / 100.0) FROM big', connector));
    expect(e.code).to.equal('INVALID_FUNCTION_ARGUMENT');
    expect(e.message).to.match(/max standard error must be a constant/);
    const types = await asyncErrorOf(() => runLocal("SELECT approx_distinct(k, 'x') FROM big", connector));
    expect(types.code).to.equal('FUNCTION_NOT_FOUND');
  });
});

describe('distinct sketch precisions', () => {
  it('chooses the precision from the standard error as Trino sizes its HyperLogLog', () => {
    expect(precisionFor(0.023)).to.equal(11);
    expect(precisionFor(0.0040625)).to.equal(16);
    expect(precisionFor(0.26)).to.equal(4);
    expect(precisionFor(0.0325)).to.equal(10);
  });

  for (const p of [8, 11, 16]) {
    // 4 standard errors: the small precisions' estimates spread a little wider than 1.04/√m
    it(`precision ${p}: exact up to ${exactLimit(p)} values, then within four standard errors; survives encoding`, () => {
      const error = 1.04 / Math.sqrt(2 ** p);
      for (const n of [exactLimit(p), 5_000, 200_000]) {
        const s = new DistinctSketch(p);
        for (let i = 0; i < n; i++) s.add(hashString(`x${i}`));
        if (n <= exactLimit(p)) expect(s.estimate()).to.equal(n);
        else expect(s.estimate(), `${n} values`).to.satisfy(within(n, error, 4));
        const back = DistinctSketch.decode(s.encode());
        expect(back?.precision).to.equal(p);
        expect(back?.estimate()).to.equal(s.estimate());
      }
    });
  }

  it('counts the hash 0 like any other, and grows its exact table without losing values', () => {
    const s = new DistinctSketch(11);
    s.add(0);
    s.add(0);
    for (let i = 1; i <= 300; i++) s.add(hashInt32(i));
    expect(s.estimate()).to.equal(301);
    const copy = DistinctSketch.decode(s.encode())!;
    expect(copy.estimate()).to.equal(301);
    copy.add(0);
    expect(copy.estimate()).to.equal(301);
  });

  it('refuses to merge sketches of different precisions', () => {
    expect(() => new DistinctSketch(10).merge(new DistinctSketch(11))).to.throw(RangeError, /precision/);
    expect(() => new DistinctSketch(3)).to.throw(RangeError, /outside/);
  });
});
