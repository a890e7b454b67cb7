/**
 * Weighted word lists from dists.dss, ready for drawing. dbgen picks from a list by drawing a uniform
 * integer over the total weight and taking the first entry whose cumulative weight reaches it; a table
 * with one slot per unit of weight gives the same answer in one lookup.
 */
import { DISTRIBUTIONS } from './dists.generated.js';
import type { DistributionName } from './dists-parser.js';
import type { RandomStream } from './random.js';

export class Distribution {
  readonly values: readonly string[];
  /** Running totals of the file's weights; for `nations` these are the region keys. */
  readonly cumulativeWeights: readonly number[];
  /** Entry index for each unit of weight: a draw in [0, slots.length) picks `slots[draw]`. */
  readonly slots: Int32Array;

  constructor(name: DistributionName) {
    const raw = DISTRIBUTIONS[name];
    this.values = raw.values;
    let total = 0;
    this.cumulativeWeights = raw.weights.map((w) => (total += w));
    // `nations` carries region adjustments (some negative), not weights: it is never drawn from.
    const drawable = raw.weights.every((w) => w > 0);
    this.slots = new Int32Array(drawable ? total : 0);
    if (drawable) {
      let slot = 0;
      raw.weights.forEach((weight, index) => {
        this.slots.fill(index, slot, slot + weight);
        slot += weight;
      });
    }
  }

  get size(): number {
    return this.values.length;
  }

  /** A weighted random entry; uses one draw of the stream. */
  pick(stream: RandomStream): string {
    if (this.slots.length === 0) throw new Error('internal error: drawing from a list without weights');
    return this.values[this.slots[stream.int(0, this.slots.length - 1)] as number] as string;
  }

  value(index: number): string {
    const v = this.values[index];
    if (v === undefined) throw new Error(`internal error: no entry ${index} in distribution`);
    return v;
  }
}

/** The lists the tables draw from, built once. */
export const DISTS = {
  containers: new Distribution('p_cntr'),
  colors: new Distribution('colors'),
  partTypes: new Distribution('p_types'),
  nations: new Distribution('nations'),
  regions: new Distribution('regions'),
  orderPriorities: new Distribution('o_oprio'),
  shipInstructions: new Distribution('instruct'),
  shipModes: new Distribution('smode'),
  returnFlags: new Distribution('rflag'),
  marketSegments: new Distribution('msegmnt'),
} as const;
