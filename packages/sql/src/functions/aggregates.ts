import type { Block } from '../page/block.js';
import {
  BIGINT,
  DOUBLE,
  REAL,
  decimalType,
  isIntegral,
  isNumeric,
  isOrderable,
  physicalKind,
  type DataType,
} from '../types/index.js';
import { toBig, type Long } from '../types/values.js';
import { decimalDivide } from './helpers.js';
import { define, type Accumulator, type AggregateSignature } from './aggregate-registry.js';
// registers the further aggregates too: importing this module makes every aggregate available
import './aggregates-extra.js';
import './aggregates-by.js';
import './listagg.js';
import './array-agg.js';

export {
  createAccumulator,
  isAggregateFunction,
  resolveAggregate,
  type Accumulator,
  type AggregateFunction,
  type AggregateSignature,
} from './aggregate-registry.js';

/** count, sum, avg, min and max (their registration; see aggregate-registry.ts for the contract). */
import {
  Counter,
  DoubleSum,
  LongSum,
  checkBigintSum,
  checkDecimalSum,
  oneValueAccumulator,
  preferred,
} from './aggregate-state.js';

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
  create: (sig) => (sig.argTypes[0]!.kind === 'decimal' ? decimalAvg(sig) : doubleAvg(sig)),
});

/** avg over decimals: an exact sum (as wide as needed) and a count, divided rounding half away from zero. */
function decimalAvg(sig: AggregateSignature): Accumulator {
  const counter = new Counter();
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

/** avg over integral and floating inputs: they average as doubles. */
function doubleAvg(sig: AggregateSignature): Accumulator {
  const counter = new Counter();
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
}

// --- min / max ---------------------------------------------------------------------------------

for (const name of ['min', 'max'] as const) {
  define({
    name,
    signatures: [`${name}(T) for orderable T`],
    resolve: ([t, ...rest]) => {
      if (!t || rest.length || !isOrderable(t)) return undefined;
      return { argTypes: [t], intermediateTypes: [t], resultType: t };
    },
    create: (sig) => oneValueAccumulator(sig.resultType, preferred(sig.resultType, name)),
  });
}
