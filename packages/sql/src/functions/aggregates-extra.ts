import { internalError, QuarryError } from '@quarry/common';
import { BlockBuilder, type Block } from '../page/block.js';
import { BIGINT, BOOLEAN, DOUBLE, VARCHAR, isNumeric, physicalKind } from '../types/index.js';
import { define } from './aggregate-registry.js';
import { Counter, F64State, U8State, nullsFrom, oneValueAccumulator } from './aggregate-state.js';
import { DistinctSketch, precisionFor } from './distinct-sketch.js';
import { hashAt } from './value-hash.js';

/** Aggregates beyond count/sum/avg/min/max: approx_distinct, arbitrary, count_if, bool_*, variance. */

// --- approx_distinct: a HyperLogLog per group (distinct-sketch.ts) ------------------------------

/** Trino's default standard error of approx_distinct, and the range its second argument may take. */
export const APPROX_DISTINCT_DEFAULT_ERROR = 0.023;
export const APPROX_DISTINCT_MIN_ERROR = 0.0040625;
export const APPROX_DISTINCT_MAX_ERROR = 0.26;

/** Checks approx_distinct's max standard error; throws the user error Trino raises. */
export function checkMaxStandardError(error: unknown): number {
  const e = typeof error === 'number' ? error : Number.NaN;
  if (!(e >= APPROX_DISTINCT_MIN_ERROR && e <= APPROX_DISTINCT_MAX_ERROR)) {
    throw new QuarryError(
      'INVALID_FUNCTION_ARGUMENT',
      `Max standard error must be in [${APPROX_DISTINCT_MIN_ERROR}, ${APPROX_DISTINCT_MAX_ERROR}]: ${String(error)}`,
    );
  }
  return e;
}

define({
  name: 'approx_distinct',
  signatures: ['approx_distinct(T)', 'approx_distinct(T, double)'],
  resolve: ([t, error, ...rest]) => {
    if (!t || rest.length > 0) return undefined;
    if (error && !(isNumeric(error) || error.kind === 'unknown')) return undefined;
    return { argTypes: error ? [t, DOUBLE] : [t], intermediateTypes: [VARCHAR], resultType: BIGINT };
  },
  create: (sig) => {
    const kind = physicalKind(sig.argTypes[0]!);
    const sketches: (DistinctSketch | undefined)[] = [];
    let precision = sig.argTypes.length === 1 ? precisionFor(APPROX_DISTINCT_DEFAULT_ERROR) : undefined;
    let bytes = 0;
    const sketchOf = (g: number): DistinctSketch => {
      let s = sketches[g];
      if (!s) {
        s = sketches[g] = new DistinctSketch(precision);
        bytes += s.bytes() + 48;
      }
      return s;
    };
    return {
      addInput(groups, _n, args, count) {
        if (count === 0) return;
        // the planner checked that the error is a constant in range
        precision ??= precisionFor(checkMaxStandardError(args[1]!.values[0]));
        const values = args[0]!;
        const nulls = values.nulls;
        for (let i = 0; i < count; i++) {
          if (nulls !== undefined && nulls[i] === 1) continue;
          const s = sketchOf(groups[i]!);
          const before = s.bytes();
          s.add(hashAt(values, kind, i));
          bytes += s.bytes() - before;
        }
      },
      addIntermediate(groups, _n, states, count) {
        const state = states[0]!;
        for (let i = 0; i < count; i++) {
          if (state.nulls !== undefined && state.nulls[i] === 1) continue;
          const other = DistinctSketch.decode(state.values[i] as string);
          if (!other) throw internalError('approx_distinct: an intermediate state is not a sketch');
          const g = groups[i]!;
          const mine = sketches[g];
          if (!mine) {
            sketches[g] = other;
            bytes += other.bytes() + 48;
            continue;
          }
          const before = mine.bytes();
          mine.merge(other);
          bytes += mine.bytes() - before;
        }
      },
      intermediate: (n) => {
        const b = new BlockBuilder(VARCHAR, n);
        for (let g = 0; g < n; g++) b.append(sketches[g]?.encode() ?? null);
        return [b.build()];
      },
      result: (n) => {
        const out = new Float64Array(n);
        for (let g = 0; g < n; g++) out[g] = Math.round(sketches[g]?.estimate() ?? 0);
        return { type: BIGINT, length: n, values: out, nulls: undefined };
      },
      bytes: () => bytes,
    };
  },
});

// --- arbitrary / any_value ---------------------------------------------------------------------

for (const name of ['arbitrary', 'any_value'] as const) {
  define({
    name,
    signatures: [`${name}(T)`],
    resolve: ([t, ...rest]) =>
      t && rest.length === 0 ? { argTypes: [t], intermediateTypes: [t], resultType: t } : undefined,
    // the first non-null value a group sees, never replaced
    create: (sig) => oneValueAccumulator(sig.resultType, () => false),
  });
}

// --- count_if ----------------------------------------------------------------------------------

define({
  name: 'count_if',
  signatures: ['count_if(boolean)'],
  resolve: ([t, ...rest]) =>
    t && rest.length === 0 && (t.kind === 'boolean' || t.kind === 'unknown')
      ? { argTypes: [BOOLEAN], intermediateTypes: [BIGINT], resultType: BIGINT }
      : undefined,
  create: () => {
    const c = new Counter();
    return {
      addInput(groups, n, args, count) {
        c.ensure(n);
        const b = args[0]!;
        const counts = c.counts.values;
        for (let i = 0; i < count; i++)
          if (b.values[i] === 1 && (b.nulls === undefined || b.nulls[i] !== 1)) counts[groups[i]!]!++;
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

// --- bool_and / every / bool_or ----------------------------------------------------------------

for (const [name, isAnd] of [
  ['bool_and', true],
  ['every', true],
  ['bool_or', false],
] as const) {
  define({
    name,
    signatures: [`${name}(boolean)`],
    resolve: ([t, ...rest]) =>
      t && rest.length === 0 && (t.kind === 'boolean' || t.kind === 'unknown')
        ? { argTypes: [BOOLEAN], intermediateTypes: [BOOLEAN], resultType: BOOLEAN }
        : undefined,
    create: () => {
      const value = new U8State();
      const has = new U8State();
      const add = (groups: Int32Array, n: number, b: Block, count: number) => {
        value.ensure(n);
        has.ensure(n);
        for (let i = 0; i < count; i++) {
          if (b.nulls !== undefined && b.nulls[i] === 1) continue;
          const g = groups[i]!;
          const v = b.values[i] as number;
          if (has.values[g] === 0) {
            has.values[g] = 1;
            value.values[g] = v;
          } else value.values[g] = isAnd ? value.values[g]! & v : value.values[g]! | v;
        }
      };
      const out = (n: number): Block => {
        value.ensure(n);
        has.ensure(n);
        return {
          type: BOOLEAN,
          length: n,
          values: value.values.slice(0, n),
          nulls: nullsFrom(has.values, n),
        };
      };
      return {
        addInput: (groups, n, args, count) => add(groups, n, args[0]!, count),
        addIntermediate: (groups, n, states, count) => add(groups, n, states[0]!, count),
        intermediate: (n) => [out(n)],
        result: out,
        bytes: () => value.values.byteLength * 2,
      };
    },
  });
}

// --- variance and standard deviation -----------------------------------------------------------

/** Per group: count, mean and sum of squared deviations (Welford), merged with Chan's formula. */
class Moments {
  readonly n = new F64State();
  readonly mean = new F64State();
  readonly m2 = new F64State();
  ensure(size: number): void {
    this.n.ensure(size);
    this.mean.ensure(size);
    this.m2.ensure(size);
  }
  add(g: number, x: number): void {
    const n = ++this.n.values[g]!;
    const delta = x - this.mean.values[g]!;
    this.mean.values[g]! += delta / n;
    this.m2.values[g]! += delta * (x - this.mean.values[g]!);
  }
  merge(g: number, nb: number, meanB: number, m2b: number): void {
    if (nb === 0) return;
    const na = this.n.values[g]!;
    const n = na + nb;
    const delta = meanB - this.mean.values[g]!;
    this.mean.values[g]! += (delta * nb) / n;
    this.m2.values[g]! += m2b + (delta * delta * na * nb) / n;
    this.n.values[g] = n;
  }
}

const VARIANCE: Record<string, (n: number, m2: number) => number | null> = {
  variance: (n, m2) => (n < 2 ? null : m2 / (n - 1)),
  var_samp: (n, m2) => (n < 2 ? null : m2 / (n - 1)),
  var_pop: (n, m2) => (n === 0 ? null : m2 / n),
  stddev: (n, m2) => (n < 2 ? null : Math.sqrt(m2 / (n - 1))),
  stddev_samp: (n, m2) => (n < 2 ? null : Math.sqrt(m2 / (n - 1))),
  stddev_pop: (n, m2) => (n === 0 ? null : Math.sqrt(m2 / n)),
};

for (const [name, finish] of Object.entries(VARIANCE)) {
  define({
    name,
    signatures: [`${name}(double)`],
    resolve: ([t, ...rest]) =>
      t && rest.length === 0 && (isNumeric(t) || t.kind === 'unknown')
        ? { argTypes: [DOUBLE], intermediateTypes: [BIGINT, DOUBLE, DOUBLE], resultType: DOUBLE }
        : undefined,
    create: () => {
      const m = new Moments();
      return {
        addInput(groups, n, args, count) {
          m.ensure(n);
          const b = args[0]!;
          const vals = b.values as Float64Array;
          for (let i = 0; i < count; i++) {
            if (b.nulls !== undefined && b.nulls[i] === 1) continue;
            m.add(groups[i]!, vals[i]!);
          }
        },
        addIntermediate(groups, n, states, count) {
          m.ensure(n);
          const [cn, mean, m2] = states as [Block, Block, Block];
          for (let i = 0; i < count; i++) {
            if (cn.nulls !== undefined && cn.nulls[i] === 1) continue;
            m.merge(groups[i]!, Number(cn.values[i]), mean.values[i] as number, m2.values[i] as number);
          }
        },
        intermediate: (n) => {
          m.ensure(n);
          return [
            { type: BIGINT, length: n, values: m.n.values.slice(0, n), nulls: undefined },
            { type: DOUBLE, length: n, values: m.mean.values.slice(0, n), nulls: undefined },
            { type: DOUBLE, length: n, values: m.m2.values.slice(0, n), nulls: undefined },
          ];
        },
        result: (n) => {
          m.ensure(n);
          const b = new BlockBuilder(DOUBLE, n);
          for (let g = 0; g < n; g++) b.append(finish(m.n.values[g]!, m.m2.values[g]!));
          return b.build();
        },
        bytes: () => m.n.values.byteLength * 3,
      };
    },
  });
}
