import { expect } from 'chai';
import type { Block } from '../src/page/block.js';
import { createAccumulator } from '../src/functions/aggregates.js';
import { decimalType, BIGINT } from '../src/types/types.js';

/**
 * Exact sums past 2^53: a group whose running sum leaves the double range moves to a bigint, and
 * every later row of the same page must add to that bigint (a regression: they were added to the
 * stale double, so results depended on how rows were split into tasks).
 */
describe('exact sums crossing 2^53 within one page', () => {
  const block = (values: number[]): Block => ({
    type: BIGINT,
    length: values.length,
    values: Float64Array.from(values),
    nulls: undefined,
  });

  for (const [name, type] of [
    ['bigint', BIGINT],
    ['decimal(38,6)', decimalType(38, 6)],
  ] as const) {
    it(`sum(${name}) is exact however the rows are split`, () => {
      const big = 4e15; // three of these pass 2^53 ≈ 9.007e15
      const values = [big, big, big, 7, big, 11, 13];
      const expected = BigInt(big) * 4n + 31n;
      const whole = createAccumulator('sum', [type]);
      whole.addInput(new Int32Array(values.length), 1, [block(values)], values.length);
      expect(BigInt(whole.result(1).values[0] as bigint)).to.equal(expected);
      // split in two pages, and through partial → final
      const a = createAccumulator('sum', [type]);
      const b = createAccumulator('sum', [type]);
      a.addInput(new Int32Array(3), 1, [block(values.slice(0, 3))], 3);
      b.addInput(new Int32Array(4), 1, [block(values.slice(3))], 4);
      const final = createAccumulator('sum', [type]);
      for (const part of [a, b]) {
        const [state] = part.intermediate(1);
        final.addIntermediate(new Int32Array(1), 1, [state!], 1);
      }
      expect(BigInt(final.result(1).values[0] as bigint)).to.equal(expected);
    });
  }
});
