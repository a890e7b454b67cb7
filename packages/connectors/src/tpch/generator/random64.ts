/**
 * The 64-bit stream dbgen switches to for `o_custkey` and `l_partkey` at scale 30 000 and above, where
 * keys outgrow the 31-bit generator: seed ← seed · 6364136223846793005 + 1 (mod 2⁶⁴, signed), value =
 * |seed| mod range. Quirk kept from dbgen: the end-of-row jump still uses the 31-bit multiplier and
 * modulus on the 64-bit seed.
 *
 * Positioning at a later row: for a one-draw-per-row column (`o_custkey`) the jump is exact. For
 * `l_partkey`, whose rows use a varying number of their 7 draws, the serial state depends on every
 * earlier order's line count; this jumps 7 draws per order with the 64-bit recurrence, as dbgen's own
 * parallel chunks do, which may differ from a serial run. Unverified: no reference data exists here for
 * these scales.
 */
import type { KeyStream } from './random.js';

const MASK64 = (1n << 64n) - 1n;
const A64 = 6364136223846793005n;
const C64 = 1n;
const MODULUS32 = 2147483647n;
const MULTIPLIER32 = 16807n;

/** The 64-bit recurrence applied n times, by composing affine maps. */
function advance64(seed: bigint, n: bigint): bigint {
  let mul = 1n;
  let add = 0n;
  let stepMul = A64;
  let stepAdd = C64;
  let rest = n;
  while (rest > 0n) {
    if (rest & 1n) {
      mul = (mul * stepMul) & MASK64;
      add = (add * stepMul + stepAdd) & MASK64;
    }
    stepAdd = (stepAdd * stepMul + stepAdd) & MASK64;
    stepMul = (stepMul * stepMul) & MASK64;
    rest >>= 1n;
  }
  return BigInt.asIntN(64, seed * mul + add);
}

export class RandomStream64 implements KeyStream {
  private seed: bigint;
  private used = 0;

  constructor(
    initialSeed: number,
    private readonly drawsPerRow: number,
    firstRow: number,
  ) {
    this.seed = advance64(BigInt(initialSeed), BigInt(drawsPerRow) * BigInt(firstRow));
  }

  int(low: number, high: number): number {
    this.seed = BigInt.asIntN(64, this.seed * A64 + C64);
    this.used++;
    const magnitude = this.seed < 0n ? -this.seed : this.seed;
    return low + Number(magnitude % BigInt(high - low + 1));
  }

  endRow(): void {
    let skip = this.drawsPerRow - this.used;
    let mult = MULTIPLIER32;
    while (skip > 0) {
      if (skip % 2 === 1) this.seed = BigInt.asIntN(64, mult * this.seed) % MODULUS32;
      skip = Math.floor(skip / 2);
      mult = (mult * mult) % MODULUS32;
    }
    this.used = 0;
  }
}
