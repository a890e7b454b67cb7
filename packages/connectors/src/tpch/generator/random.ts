/**
 * dbgen's random number streams. Every generated column draws from its own stream: a Park–Miller
 * generator (seed ← seed · 16807 mod 2³¹−1) with a fixed initial seed and a fixed budget of draws per
 * driver row. After each row the stream jumps to the start of the next row's budget whether or not the
 * row used it all, which is what makes any row reachable without generating the rows before it: the
 * state at row r is seed₀ · 16807^(budget·r) mod 2³¹−1.
 *
 * All arithmetic stays exact in doubles: seeds are below 2³¹ and every product is split so that it
 * stays below 2⁵³.
 */

export const MODULUS = 2147483647;
const MULTIPLIER = 16807;

/**
 * x mod 2³¹−1 for 0 ≤ x < 2⁵³, without `%` (a slow library call on doubles): since 2³¹ ≡ 1, x = h·2³¹ + l
 * reduces to h + l = x − h·(2³¹−1), which is below twice the modulus.
 */
function reduce(x: number): number {
  const r = x - Math.floor(x / 2147483648) * MODULUS;
  return r >= MODULUS ? r - MODULUS : r;
}

/** a · b mod 2³¹−1 for 0 ≤ a, b < 2³¹−1, exact: b is split so that no product exceeds 2⁴⁸. */
export function mulMod(a: number, b: number): number {
  const high = Math.floor(b / 65536);
  const low = b - high * 65536;
  return reduce(reduce(a * high) * 65536 + a * low);
}

/** 16807ⁿ mod 2³¹−1, by squaring; n may be any non-negative integer below 2⁵³. */
export function multiplierPower(n: number): number {
  let result = 1;
  let base = MULTIPLIER;
  let rest = n;
  while (rest > 0) {
    if (rest % 2 === 1) result = mulMod(result, base);
    base = mulMod(base, base);
    rest = Math.floor(rest / 2);
  }
  return result;
}

/** One Park–Miller step, by Schrage's method so that no intermediate leaves the int32 range. */
export function nextSeed(seed: number): number {
  const high = (seed / 127773) | 0;
  const next = 16807 * (seed - high * 127773) - 2836 * high;
  return next > 0 ? next : next + MODULUS;
}

/**
 * A column's stream positioned at a driver row. Draw with `int` (or the special draws) during the row,
 * then call `endRow` once per driver row.
 */
export class RandomStream {
  private rowStart: number;
  private seed: number;
  private readonly rowStride: number;

  /**
   * @param initialSeed dbgen's seed for this column
   * @param drawsPerRow dbgen's per-row budget for this column (its "boundary")
   * @param firstRow 0-based driver row the stream is positioned at
   */
  constructor(initialSeed: number, drawsPerRow: number, firstRow: number) {
    this.rowStride = multiplierPower(drawsPerRow);
    this.rowStart = mulMod(initialSeed, multiplierPower(drawsPerRow * firstRow));
    this.seed = this.rowStart;
  }

  /**
   * Uniform integer in [low, high], computed exactly as dbgen does: the seed as a fraction of the
   * modulus, scaled by the range width in double precision, truncated.
   */
  int(low: number, high: number): number {
    this.seed = nextSeed(this.seed);
    return low + Math.floor((this.seed / MODULUS) * (high - low + 1));
  }

  /**
   * The draw dbgen makes for random alphanumerics, `RANDOM(x, 0, MAX_LONG)`: its range width overflows
   * 32-bit arithmetic to −2³¹, so the value is negative (or zero) and its low bits are used as is.
   */
  overflowedInt(): number {
    this.seed = nextSeed(this.seed);
    return Math.trunc((this.seed / MODULUS) * -2147483648);
  }

  /** Moves to the first draw of the next driver row. */
  endRow(): void {
    this.rowStart = mulMod(this.rowStart, this.rowStride);
    this.seed = this.rowStart;
  }
}

/** What key columns draw from: the stream above, or the 64-bit one dbgen uses at very large scales. */
export interface KeyStream {
  int(low: number, high: number): number;
  endRow(): void;
}
