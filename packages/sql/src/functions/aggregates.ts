import { QuarryError } from '@quarry/common';
import { BlockBuilder, type Block } from '../page/block.js';
import {
  BIGINT,
  DOUBLE,
  REAL,
  decimalType,
  isIntegral,
  isNumeric,
  isOrderable,
  physicalKind,
  typeToString,
  type DataType,
} from '../types/index.js';
import { normalizeLong, toBig, type Long } from '../types/values.js';
import { decimalDivide } from './helpers.js';

/**
 * Aggregate functions, each split in two steps for distributed execution: leaf tasks run
 * `addInput` and emit intermediate state columns; the final stage merges states with
 * `addIntermediate` and emits results. A state column is NULL for a group that saw no input.
 */
export interface AggregateSignature {
  readonly argTypes: readonly DataType[];
  readonly intermediateTypes: readonly DataType[];
  readonly resultType: DataType;
}

export interface Accumulator {
  /** Adds rows: row i belongs to group `groups[i]`; `groupCount` is the number of groups so far. */
  addInput(groups: Int32Array, groupCount: number, args: readonly Block[], count: number): void;
  addIntermediate(groups: Int32Array, groupCount: number, states: readonly Block[], count: number): void;
  intermediate(groupCount: number): Block[];
  result(groupCount: number): Block;
  /** Retained bytes, for memory accounting. */
  bytes(): number;
}

export interface AggregateFunction {
  readonly name: string;
  resolve(argTypes: readonly DataType[]): AggregateSignature | undefined;
  readonly signatures: readonly string[];
  create(signature: AggregateSignature): Accumulator;
}

const registry = new Map<string, AggregateFunction>();

export function isAggregateFunction(name: string): boolean {
  return registry.has(name);
}

export function resolveAggregate(name: string, argTypes: readonly DataType[]): AggregateSignature {
  const fn = registry.get(name);
  if (!fn) throw new QuarryError('FUNCTION_NOT_FOUND', `Function '${name}' not registered`);
  const sig = fn.resolve(argTypes);
  if (!sig) {
    throw new QuarryError(
      'FUNCTION_NOT_FOUND',
      `Unexpected parameters (${argTypes.map(typeToString).join(', ')}) for function ${name}. Expected: ${fn.signatures.join(', ')}`,
    );
  }
  return sig;
}

export function createAccumulator(name: string, argTypes: readonly DataType[]): Accumulator {
  const fn = registry.get(name);
  if (!fn) throw new QuarryError('FUNCTION_NOT_FOUND', `Function '${name}' not registered`);
  return fn.create(resolveAggregate(name, argTypes));
}

function define(fn: AggregateFunction): void {
  registry.set(fn.name, fn);
}

// --- growable per-group state --------------------------------------------------------------------

class F64State {
  values = new Float64Array(64);
  ensure(n: number): void {
    if (n <= this.values.length) return;
    const next = new Float64Array(Math.max(n, this.values.length * 2));
    next.set(this.values);
    this.values = next;
  }
}

class U8State {
  values = new Uint8Array(64);
  ensure(n: number): void {
    if (n <= this.values.length) return;
    const next = new Uint8Array(Math.max(n, this.values.length * 2));
    next.set(this.values);
    this.values = next;
  }
}

function nullsFrom(has: Uint8Array, n: number): Uint8Array | undefined {
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

/** Exact sums of `long` values (bigint, decimal unscaled), in doubles until a group passes 2^53. */
class LongSum {
  private readonly sums = new F64State();
  private readonly has = new U8State();
  private big: Map<number, bigint> | undefined;

  ensure(n: number): void {
    this.sums.ensure(n);
    this.has.ensure(n);
  }

  add(g: number, v: Long): void {
    this.has.values[g] = 1;
    const big = this.big?.get(g);
    if (big !== undefined) {
      this.big!.set(g, big + toBig(v));
      return;
    }
    if (typeof v === 'number') {
      const s = this.sums.values[g]! + v;
      if (s <= Number.MAX_SAFE_INTEGER && s >= -Number.MAX_SAFE_INTEGER) {
        this.sums.values[g] = s;
        return;
      }
    }
    (this.big ??= new Map()).set(g, BigInt(this.sums.values[g]!) + toBig(v));
  }

  addBlock(groups: Int32Array, block: Block, count: number): void {
    const vals = block.values;
    const nulls = block.nulls;
    if (vals instanceof Float64Array) {
      const sums = this.sums.values;
      const has = this.has.values;
      for (let i = 0; i < count; i++) {
        if (nulls !== undefined && nulls[i] === 1) continue;
        const g = groups[i]!;
        // a group already summed as a bigint stays one: its double slot is stale
        if (this.big === undefined || !this.big.has(g)) {
          const s = sums[g]! + vals[i]!;
          if (s <= Number.MAX_SAFE_INTEGER && s >= -Number.MAX_SAFE_INTEGER) {
            sums[g] = s;
            has[g] = 1;
            continue;
          }
        }
        this.add(g, vals[i]!);
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
    return big !== undefined ? normalizeLong(big) : this.sums.values[g]!;
  }

  hasValue(g: number): boolean {
    return this.has.values[g] === 1;
  }

  /** The sums as a block; `check` validates values that left the double range (overflow). */
  block(type: DataType, n: number, check: (v: Long) => Long): Block {
    const nulls = nullsFrom(this.has.values, n);
    if (this.big === undefined) return { type, length: n, values: this.sums.values.slice(0, n), nulls };
    const values = new Array<bigint>(n);
    for (let g = 0; g < n; g++) values[g] = toBig(check(this.get(g) ?? 0));
    return { type, length: n, values, nulls };
  }

  bytes(): number {
    return this.sums.values.byteLength + this.has.values.byteLength + (this.big?.size ?? 0) * 64;
  }
}

const INT64_MAX = 9223372036854775807n;
function checkBigintSum(v: Long): Long {
  if (typeof v === 'bigint' && (v > INT64_MAX || v < -INT64_MAX - 1n)) {
    throw new QuarryError('NUMERIC_VALUE_OUT_OF_RANGE', 'bigint addition overflow');
  }
  return v;
}
const DECIMAL_LIMIT = 10n ** 38n;
function checkDecimalSum(v: Long): Long {
  if (typeof v === 'bigint' && (v >= DECIMAL_LIMIT || v <= -DECIMAL_LIMIT)) {
    throw new QuarryError('NUMERIC_VALUE_OUT_OF_RANGE', 'Decimal overflow');
  }
  return v;
}

class DoubleSum {
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

class Counter {
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

// --- count -------------------------------------------------------------------------------------

define({
  name: 'count',
  signatures: ['count(*)', 'count(T)'],
  resolve: (args) =>
    args.length <= 1 ? { argTypes: args, intermediateTypes: [BIGINT], resultType: BIGINT } : undefined,
  create: () => {
    const c = new Counter();
    return {
      // count(*) gets no argument, or with FILTER (WHERE …) the mask, NULL on rows not counted
      addInput(groups, n, args, count) {
        c.ensure(n);
        c.addRows(groups, count, args[0]?.nulls);
      },
      addIntermediate(groups, n, states, count) {
        c.ensure(n);
        c.addCounts(groups, states[0]!, count);
      },
      intermediate: (n) => (c.ensure(n), [c.block(n)]),
      result: (n) => (c.ensure(n), c.block(n)),
      bytes: () => c.counts.values.byteLength,
    };
  },
});

// --- sum ---------------------------------------------------------------------------------------

function sumType(t: DataType): DataType | undefined {
  if (isIntegral(t)) return BIGINT;
  if (t.kind === 'decimal') return decimalType(38, t.scale);
  if (t.kind === 'double' || t.kind === 'real') return t;
  if (t.kind === 'unknown') return BIGINT;
  return undefined;
}

define({
  name: 'sum',
  signatures: ['sum(<numeric>)'],
  resolve: ([t, ...rest]) => {
    if (!t || rest.length) return undefined;
    const r = sumType(t);
    return r && { argTypes: [t.kind === 'unknown' ? BIGINT : t], intermediateTypes: [r], resultType: r };
  },
  create: (sig) => {
    const r = sig.resultType;
    if (physicalKind(r) === 'long') {
      const s = new LongSum();
      const check = r.kind === 'bigint' ? checkBigintSum : checkDecimalSum;
      const out = (n: number) => (s.ensure(n), s.block(r, n, check));
      return {
        addInput(groups, n, args, count) {
          s.ensure(n);
          s.addBlock(groups, args[0]!, count);
        },
        addIntermediate(groups, n, states, count) {
          s.ensure(n);
          s.addBlock(groups, states[0]!, count);
        },
        intermediate: (n) => [out(n)],
        result: out,
        bytes: () => s.bytes(),
      };
    }
    const s = new DoubleSum();
    return {
      addInput(groups, n, args, count) {
        s.ensure(n);
        s.addBlock(groups, args[0]!, count);
      },
      addIntermediate(groups, n, states, count) {
        s.ensure(n);
        s.addBlock(groups, states[0]!, count);
      },
      intermediate: (n) => (s.ensure(n), [s.block(r, n)]),
      result: (n) => (s.ensure(n), s.block(r, n)),
      bytes: () => s.sums.values.byteLength * 2,
    };
  },
});

// --- avg ---------------------------------------------------------------------------------------

define({
  name: 'avg',
  signatures: ['avg(<numeric>)'],
  resolve: ([t, ...rest]) => {
    if (!t || rest.length || !(isNumeric(t) || t.kind === 'unknown')) return undefined;
    if (t.kind === 'decimal') {
      return { argTypes: [t], intermediateTypes: [decimalType(38, t.scale), BIGINT], resultType: t };
    }
    const result = t.kind === 'real' ? REAL : DOUBLE;
    return {
      argTypes: [t.kind === 'unknown' ? DOUBLE : t],
      intermediateTypes: [DOUBLE, BIGINT],
      resultType: result,
    };
  },
  create: (sig) => {
    const t = sig.argTypes[0]!;
    const counter = new Counter();
    if (t.kind === 'decimal') {
      const s = new LongSum();
      const sumType = sig.intermediateTypes[0]!;
      return {
        addInput(groups, n, args, count) {
          s.ensure(n);
          counter.ensure(n);
          s.addBlock(groups, args[0]!, count);
          counter.addRows(groups, count, args[0]!.nulls);
        },
        addIntermediate(groups, n, states, count) {
          s.ensure(n);
          counter.ensure(n);
          s.addBlock(groups, states[0]!, count);
          counter.addCounts(groups, states[1]!, count);
        },
        intermediate: (n) => (
          s.ensure(n),
          counter.ensure(n),
          [s.block(sumType, n, checkDecimalSum), counter.block(n)]
        ),
        result: (n) => {
          s.ensure(n);
          counter.ensure(n);
          const out = new Array<Long>(n);
          const nulls = new Uint8Array(n);
          let anyNull = false;
          let wide = false;
          for (let g = 0; g < n; g++) {
            const c = counter.counts.values[g]!;
            const sum = s.get(g);
            if (c === 0 || sum === null) {
              nulls[g] = 1;
              anyNull = true;
              out[g] = 0;
            } else {
              out[g] = decimalDivide(sum, c, 0);
              if (typeof out[g] === 'bigint') wide = true;
            }
          }
          const values = wide ? out.map(toBig) : Float64Array.from(out as number[]);
          return { type: sig.resultType, length: n, values, nulls: anyNull ? nulls : undefined };
        },
        bytes: () => s.bytes() + counter.counts.values.byteLength,
      };
    }
    // integral and floating inputs average as doubles
    const s = new DoubleSum();
    const toDouble = (b: Block, count: number): Block => {
      if (b.values instanceof Float64Array) return b;
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = Number(b.values[i]);
      return { type: DOUBLE, length: count, values: out, nulls: b.nulls };
    };
    return {
      addInput(groups, n, args, count) {
        s.ensure(n);
        counter.ensure(n);
        s.addBlock(groups, toDouble(args[0]!, count), count);
        counter.addRows(groups, count, args[0]!.nulls);
      },
      addIntermediate(groups, n, states, count) {
        s.ensure(n);
        counter.ensure(n);
        s.addBlock(groups, states[0]!, count);
        counter.addCounts(groups, states[1]!, count);
      },
      intermediate: (n) => (s.ensure(n), counter.ensure(n), [s.block(DOUBLE, n), counter.block(n)]),
      result: (n) => {
        s.ensure(n);
        counter.ensure(n);
        const out = new Float64Array(n);
        const nulls = new Uint8Array(n);
        let anyNull = false;
        for (let g = 0; g < n; g++) {
          const c = counter.counts.values[g]!;
          if (c === 0) {
            nulls[g] = 1;
            anyNull = true;
          } else out[g] = s.sums.values[g]! / c;
        }
        return { type: sig.resultType, length: n, values: out, nulls: anyNull ? nulls : undefined };
      },
      bytes: () => s.sums.values.byteLength * 2 + counter.counts.values.byteLength,
    };
  },
});

// --- min / max ---------------------------------------------------------------------------------

for (const name of ['min', 'max'] as const) {
  define({
    name,
    signatures: [`${name}(T) for orderable T`],
    resolve: ([t, ...rest]) => {
      if (!t || rest.length || !isOrderable(t)) return undefined;
      return { argTypes: [t], intermediateTypes: [t], resultType: t };
    },
    create: (sig) => {
      const type = sig.resultType;
      // NaN sorts above every other double, as in ORDER BY, so the result does not depend on input order
      const better =
        name === 'min'
          ? (a: unknown, b: unknown) => (a as number) < (b as number) || (b !== b && a === a)
          : (a: unknown, b: unknown) => (a as number) > (b as number) || (a !== a && b === b);
      const values: unknown[] = [];
      const has = new U8State();
      const add = (groups: Int32Array, n: number, block: Block, count: number) => {
        has.ensure(n);
        if (values.length < n) values.length = n;
        const vals = block.values;
        const nulls = block.nulls;
        const isBool = physicalKind(type) === 'bool';
        for (let i = 0; i < count; i++) {
          if (nulls !== undefined && nulls[i] === 1) continue;
          const g = groups[i]!;
          let v: unknown = vals[i];
          if (typeof v === 'bigint') v = normalizeLong(v);
          if (isBool) v = v === 1;
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
    },
  });
}
