import { QuarryError } from '@quarry/common';
import { BlockBuilder, type Block } from '../page/block.js';
import { BIGINT, physicalKind, type DataType } from '../types/index.js';
import type { Accumulator } from './aggregate-registry.js';
import { compareVarchar, normalizeLong, toBig, type Long } from '../types/values.js';

/**
 * Growable per-group state for accumulators: typed arrays indexed by group id, exact long sums,
 * double sums and counters.
 */

export class F64State {
  values = new Float64Array(64);
  ensure(n: number): void {
    if (n <= this.values.length) return;
    const next = new Float64Array(Math.max(n, this.values.length * 2));
    next.set(this.values);
    this.values = next;
  }
}

export class U8State {
  values = new Uint8Array(64);
  ensure(n: number): void {
    if (n <= this.values.length) return;
    const next = new Uint8Array(Math.max(n, this.values.length * 2));
    next.set(this.values);
    this.values = next;
  }
}

export function nullsFrom(has: Uint8Array, n: number): Uint8Array | undefined {
  let any = false;
  const nulls = new Uint8Array(n);
  for (let g = 0; g < n; g++) {
    if (has[g] === 0) {
      nulls[g] = 1;
      any = true;
    }
  }
  return any ? nulls : undefined;
}

const SPLIT = 2 ** 51;
const SPLIT_BIG = 2n ** 51n;

/**
 * Exact sums of `long` values (bigint, decimal unscaled) in two doubles per group: `low` within
 * ±2^51 and `high` counting units of 2^51, so every addition of a value up to 2^53 stays exact
 * without leaving typed arrays. A group that meets a bigint value (a wide block) or whose high part
 * passes 2^52 continues as a bigint.
 */
export class LongSum {
  private readonly low = new F64State();
  private readonly high = new F64State();
  private readonly has = new U8State();
  private big: Map<number, bigint> | undefined;

  ensure(n: number): void {
    this.low.ensure(n);
    this.high.ensure(n);
    this.has.ensure(n);
  }

  private toBigGroup(g: number): bigint {
    const b = BigInt(this.high.values[g]!) * SPLIT_BIG + BigInt(this.low.values[g]!);
    this.high.values[g] = 0;
    this.low.values[g] = 0;
    return b;
  }

  add(g: number, v: Long): void {
    this.has.values[g] = 1;
    const big = this.big?.get(g);
    if (big !== undefined) {
      this.big!.set(g, big + toBig(v));
      return;
    }
    if (typeof v === 'bigint' || Math.abs(this.high.values[g]!) > 2 ** 52) {
      (this.big ??= new Map()).set(g, this.toBigGroup(g) + toBig(v));
      return;
    }
    this.addNumber(g, v);
  }

  private addNumber(g: number, x: number): void {
    let v = x;
    const high = this.high.values;
    if (v >= SPLIT || v <= -SPLIT) {
      const hv = Math.trunc(v / SPLIT);
      v -= hv * SPLIT;
      high[g] = high[g]! + hv;
    }
    let s = this.low.values[g]! + v;
    if (s >= SPLIT) {
      s -= SPLIT;
      high[g] = high[g]! + 1;
    } else if (s <= -SPLIT) {
      s += SPLIT;
      high[g] = high[g]! - 1;
    }
    this.low.values[g] = s;
  }

  addBlock(groups: Int32Array, block: Block, count: number): void {
    const vals = block.values;
    const nulls = block.nulls;
    if (vals instanceof Float64Array) {
      const low = this.low.values;
      const high = this.high.values;
      const has = this.has.values;
      const big = this.big;
      for (let i = 0; i < count; i++) {
        if (nulls !== undefined && nulls[i] === 1) continue;
        const g = groups[i]!;
        let v = vals[i]!;
        if (big !== undefined && big.has(g)) {
          this.add(g, v);
          continue;
        }
        if (v >= SPLIT || v <= -SPLIT) {
          const hv = Math.trunc(v / SPLIT);
          v -= hv * SPLIT;
          high[g] = high[g]! + hv;
        }
        let s = low[g]! + v;
        if (s >= SPLIT) {
          s -= SPLIT;
          high[g] = high[g]! + 1;
        } else if (s <= -SPLIT) {
          s += SPLIT;
          high[g] = high[g]! - 1;
        }
        low[g] = s;
        has[g] = 1;
      }
      return;
    }
    for (let i = 0; i < count; i++) {
      if (nulls !== undefined && nulls[i] === 1) continue;
      this.add(groups[i]!, vals[i] as Long);
    }
  }

  get(g: number): Long | null {
    if (this.has.values[g] === 0) return null;
    const big = this.big?.get(g);
    if (big !== undefined) return normalizeLong(big);
    const h = this.high.values[g]!;
    const l = this.low.values[g]!;
    if (h === 0) return l;
    return normalizeLong(BigInt(h) * SPLIT_BIG + BigInt(l));
  }

  hasValue(g: number): boolean {
    return this.has.values[g] === 1;
  }

  /** The sums as a block; `check` validates values that left the double range (overflow). */
  block(type: DataType, n: number, check: (v: Long) => Long): Block {
    const nulls = nullsFrom(this.has.values, n);
    const high = this.high.values;
    let plain = this.big === undefined;
    for (let g = 0; plain && g < n; g++) if (high[g] !== 0) plain = false;
    if (plain) return { type, length: n, values: this.low.values.slice(0, n), nulls };
    const sums = new Array<Long>(n);
    let wide = false;
    for (let g = 0; g < n; g++) {
      const v = check(this.get(g) ?? 0);
      sums[g] = v;
      if (typeof v === 'bigint') wide = true;
    }
    const values = wide ? sums.map(toBig) : Float64Array.from(sums as number[]);
    return { type, length: n, values, nulls };
  }

  bytes(): number {
    return this.low.values.byteLength * 2 + this.has.values.byteLength + (this.big?.size ?? 0) * 64;
  }
}

const INT64_MAX = 9223372036854775807n;
export function checkBigintSum(v: Long): Long {
  if (typeof v === 'bigint' && (v > INT64_MAX || v < -INT64_MAX - 1n)) {
    throw new QuarryError('NUMERIC_VALUE_OUT_OF_RANGE', 'bigint addition overflow');
  }
  return v;
}
const DECIMAL_LIMIT = 10n ** 38n;
export function checkDecimalSum(v: Long): Long {
  if (typeof v === 'bigint' && (v >= DECIMAL_LIMIT || v <= -DECIMAL_LIMIT)) {
    throw new QuarryError('NUMERIC_VALUE_OUT_OF_RANGE', 'Decimal overflow');
  }
  return v;
}

export class DoubleSum {
  readonly sums = new F64State();
  readonly has = new U8State();
  ensure(n: number): void {
    this.sums.ensure(n);
    this.has.ensure(n);
  }
  addBlock(groups: Int32Array, block: Block, count: number): void {
    const vals = block.values as Float64Array;
    const nulls = block.nulls;
    const sums = this.sums.values;
    const has = this.has.values;
    for (let i = 0; i < count; i++) {
      if (nulls !== undefined && nulls[i] === 1) continue;
      const g = groups[i]!;
      sums[g] = sums[g]! + vals[i]!;
      has[g] = 1;
    }
  }
  block(type: DataType, n: number): Block {
    return { type, length: n, values: this.sums.values.slice(0, n), nulls: nullsFrom(this.has.values, n) };
  }
}

export class Counter {
  readonly counts = new F64State();
  ensure(n: number): void {
    this.counts.ensure(n);
  }
  addRows(groups: Int32Array, count: number, nulls: Uint8Array | undefined): void {
    const c = this.counts.values;
    for (let i = 0; i < count; i++) if (nulls === undefined || nulls[i] !== 1) c[groups[i]!]!++;
  }
  addCounts(groups: Int32Array, block: Block, count: number): void {
    const c = this.counts.values;
    const vals = block.values as Float64Array;
    for (let i = 0; i < count; i++)
      if (block.nulls === undefined || block.nulls[i] !== 1) c[groups[i]!]! += vals[i]!;
  }
  block(n: number): Block {
    return { type: BIGINT, length: n, values: this.counts.values.slice(0, n), nulls: undefined };
  }
}

/**
 * Whether `a` replaces `b` as the minimum or maximum of a type's values. NaN sorts above every other
 * double, as in ORDER BY, so the result does not depend on the order of the input.
 */
export function preferred(type: DataType, which: 'min' | 'max'): (a: unknown, b: unknown) => boolean {
  if (physicalKind(type) === 'string')
    return which === 'min'
      ? (a, b) => compareVarchar(a as string, b as string) < 0
      : (a, b) => compareVarchar(a as string, b as string) > 0;
  return which === 'min'
    ? (a, b) => (a as number) < (b as number) || (b !== b && a === a)
    : (a, b) => (a as number) > (b as number) || (a !== a && b === b);
}

/** A value of a block as accumulators keep it: long values as numbers where they fit, booleans as such. */
export function heldValue(block: Block, i: number, isBool: boolean): unknown {
  const v = block.values[i];
  if (typeof v === 'bigint') return normalizeLong(v);
  return isBool ? v === 1 : v;
}

/**
 * An accumulator keeping one value per group: the first non-null one, replaced by any later value
 * `better` prefers (min, max; arbitrary never replaces). States are values of `type` themselves.
 */
export function oneValueAccumulator(
  type: DataType,
  better: (a: unknown, b: unknown) => boolean,
): Accumulator {
  const values: unknown[] = [];
  const has = new U8State();
  const isBool = physicalKind(type) === 'bool';
  const add = (groups: Int32Array, n: number, block: Block, count: number) => {
    has.ensure(n);
    if (values.length < n) values.length = n;
    const { nulls } = block;
    for (let i = 0; i < count; i++) {
      if (nulls !== undefined && nulls[i] === 1) continue;
      const g = groups[i]!;
      const v = heldValue(block, i, isBool);
      if (has.values[g] === 0 || better(v, values[g])) {
        values[g] = v;
        has.values[g] = 1;
      }
    }
  };
  const out = (n: number): Block => {
    has.ensure(n);
    const b = new BlockBuilder(type, n);
    for (let g = 0; g < n; g++) b.append(has.values[g] === 1 ? values[g] : null);
    return b.build();
  };
  return {
    addInput: (groups, n, args, count) => add(groups, n, args[0]!, count),
    addIntermediate: (groups, n, states, count) => add(groups, n, states[0]!, count),
    intermediate: (n) => [out(n)],
    result: out,
    bytes: () => values.length * 16 + has.values.byteLength,
  };
}
