import { expect } from 'chai';
import type { Block } from '../src/page/block.js';
import { createAccumulator } from '../src/functions/aggregates.js';
import { BIGINT, decimalType } from '../src/types/types.js';
import { toBig } from '../src/types/values.js';

/**
 * Exact sums in two doubles per group (a part within ±2^51 and a count of 2^51 units): values up
 * to ±2^53 of both signs, many groups, sums far past 2^53 and back, wide (bigint) values mixed in,
 * always equal to the sum in bigint arithmetic, directly and through partial → final.
 */
describe('exact sums in split doubles', () => {
  const LIMIT = 2 ** 53 - 1;
  let seed = 42;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const values = Array.from({ length: 5000 }, (_, i) => {
    const r = random();
    if (i % 7 === 0) return Math.floor((random() * 2 - 1) * LIMIT);
    return Math.floor((r * 2 - 0.6) * 2 ** 52);
  });
  const groups = Int32Array.from(values, (_, i) => i % 3);
  const expected = [0n, 0n, 0n];
  values.forEach((v, i) => (expected[i % 3]! += BigInt(v)));
  const block = (vs: number[]): Block => ({
    type: BIGINT,
    length: vs.length,
    values: Float64Array.from(vs),
    nulls: undefined,
  });
  const sums = (b: Block) => Array.from({ length: 3 }, (_, g) => toBig(b.values[g] as number | bigint));

  for (const type of [BIGINT, decimalType(38, 2)]) {
    it(`sum over ${type.kind}: exact in one page, in many, and partial → final`, () => {
      const whole = createAccumulator('sum', [type]);
      whole.addInput(groups, 3, [{ ...block(values), type }], values.length);
      expect(sums(whole.result(3))).to.deep.equal(expected);

      const final = createAccumulator('sum', [type]);
      for (let start = 0; start < values.length; start += 700) {
        const part = createAccumulator('sum', [type]);
        const slice = values.slice(start, start + 700);
        part.addInput(groups.slice(start, start + 700), 3, [{ ...block(slice), type }], slice.length);
        final.addIntermediate(new Int32Array([0, 1, 2]), 3, part.intermediate(3), 3);
      }
      expect(sums(final.result(3))).to.deep.equal(expected);
    });
  }

  it('keeps adding exactly after a wide (bigint) value', () => {
    const acc = createAccumulator('sum', [decimalType(38, 0)]);
    acc.addInput(new Int32Array(2), 1, [block([2 ** 52, 2 ** 52])], 2);
    const wide: Block = { type: decimalType(38, 0), length: 1, values: [10n ** 30n], nulls: undefined };
    acc.addInput(new Int32Array(1), 1, [wide], 1);
    acc.addInput(new Int32Array(2), 1, [block([-1, 3])], 2);
    expect(toBig(acc.result(1).values[0] as bigint)).to.equal(2n ** 53n + 10n ** 30n + 2n);
  });
});
