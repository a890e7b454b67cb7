import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTERVAL_DAY_TIME,
  MAX_DECIMAL_PRECISION,
  commonSuperType,
  decimalType,
  integralAsDecimal,
  isIntegral,
  isNumeric,
  isComposite,
  isOrderable,
  physicalKind,
  type DataType,
} from '../types/index.js';
import { QuarryError } from '@quarry/common';
import { resolveArrayConcat, resolveCompositeComparison } from './arrays.js';
import * as H from './helpers.js';
import { concat2 } from './limits.js';
import { defineFamily, defineGenerator, type Generator, type Resolution } from './registry.js';
import { addMonthsToDays, compareVarchar, type Long } from '../types/values.js';

/** Arithmetic, comparison and string operators (`$add`, `$eq`, `$concat`, …). */

type ArithOp = 'add' | 'subtract' | 'multiply' | 'divide' | 'modulus';

const OP_SYMBOL: Record<ArithOp, string> = {
  add: '+',
  subtract: '-',
  multiply: '*',
  divide: '/',
  modulus: '%',
};

function asDecimal(t: DataType): DataType & { kind: 'decimal' } {
  const d = t.kind === 'decimal' ? t : integralAsDecimal(t);
  return d as DataType & { kind: 'decimal' };
}

function decimalResult(
  op: ArithOp,
  a: DataType & { kind: 'decimal' },
  b: DataType & { kind: 'decimal' },
): DataType {
  const cap = (p: number) => Math.min(MAX_DECIMAL_PRECISION, p);
  switch (op) {
    case 'add':
    case 'subtract': {
      const s = Math.max(a.scale, b.scale);
      return decimalType(cap(1 + s + Math.max(a.precision - a.scale, b.precision - b.scale)), s);
    }
    case 'multiply':
      return decimalType(cap(a.precision + b.precision), Math.min(MAX_DECIMAL_PRECISION, a.scale + b.scale));
    case 'divide':
      return decimalType(
        cap(a.precision + b.scale + Math.max(0, b.scale - a.scale)),
        Math.max(a.scale, b.scale),
      );
    case 'modulus': {
      const s = Math.max(a.scale, b.scale);
      return decimalType(cap(Math.min(b.precision - b.scale, a.precision - a.scale) + s), s);
    }
  }
}

function resolveArithmetic(op: ArithOp, types: readonly DataType[]): Resolution | undefined {
  if (types.length !== 2) return undefined;
  const [a, b] = types as [DataType, DataType];
  const temporal = resolveTemporal(op, a, b);
  if (temporal) return temporal;
  const t = commonSuperType(a, b);
  if (!t || !isNumeric(t)) return undefined;
  if (t.kind === 'decimal') {
    const da = asDecimal(a.kind === 'unknown' ? t : a);
    const db = asDecimal(b.kind === 'unknown' ? t : b);
    return { id: `${op}:decimal`, argTypes: [da, db], returnType: decimalResult(op, da, db) };
  }
  return {
    id: `${op}:${physicalKind(t) === 'long' ? 'bigint' : t.kind === 'double' || t.kind === 'real' ? 'double' : 'int32'}`,
    argTypes: [t, t],
    returnType: t,
  };
}

function resolveTemporal(op: ArithOp, a: DataType, b: DataType): Resolution | undefined {
  const interval = (t: DataType) => t.kind === 'interval_day_time' || t.kind === 'interval_year_month';
  if (op === 'add' && interval(a) && (b.kind === 'date' || b.kind === 'timestamp')) {
    const r = resolveTemporal(op, b, a);
    return r && { id: `${r.id}:swapped`, argTypes: [a, b], returnType: r.returnType };
  }
  if ((op === 'add' || op === 'subtract') && (a.kind === 'date' || a.kind === 'timestamp') && interval(b)) {
    return { id: `${op}:${a.kind}:${b.kind}`, argTypes: [a, b], returnType: a.kind === 'date' ? DATE : a };
  }
  if ((op === 'add' || op === 'subtract') && interval(a) && a.kind === b.kind) {
    return { id: `${op}:${a.kind}`, argTypes: [a, b], returnType: a };
  }
  // timestamp - timestamp: the day-to-second interval between them
  if (op === 'subtract' && a.kind === 'timestamp' && b.kind === 'timestamp') {
    const t = a.precision >= b.precision ? a : b;
    return { id: 'subtract:timestamps', argTypes: [t, t], returnType: INTERVAL_DAY_TIME };
  }
  // interval × number, number × interval, interval ÷ number
  const number = (t: DataType) => isNumeric(t) || t.kind === 'unknown';
  if (op === 'multiply' && interval(a) && number(b))
    return { id: `multiply:${a.kind}`, argTypes: [a, scaleType(b)], returnType: a };
  if (op === 'multiply' && number(a) && interval(b))
    return { id: `multiply:${b.kind}:swapped`, argTypes: [scaleType(a), b], returnType: b };
  if (op === 'divide' && interval(a) && number(b))
    return { id: `divide:${a.kind}`, argTypes: [a, DOUBLE], returnType: a };
  return undefined;
}

/** Intervals scale by a bigint exactly, by anything else as a double. */
function scaleType(t: DataType): DataType {
  return isIntegral(t) || t.kind === 'unknown' ? BIGINT : DOUBLE;
}

function scaleInterval(v: number, factor: Long | number, months: boolean): number {
  const r = Math.trunc(v * Number(factor));
  if (!Number.isSafeInteger(r) || (months && Math.abs(r) > 2147483647))
    throw new QuarryError('NUMERIC_VALUE_OUT_OF_RANGE', 'interval arithmetic overflow');
  return r + 0;
}

function divideInterval(v: number, divisor: number, months: boolean): number {
  if (divisor === 0) throw new QuarryError('DIVISION_BY_ZERO', 'Division by zero');
  return scaleInterval(v, 1 / divisor, months);
}

for (const op of ['add', 'subtract', 'multiply', 'divide', 'modulus'] as const) {
  defineFamily(`$${op}`, {
    resolve: (types) => resolveArithmetic(op, types),
    signatures: [
      `<numeric> ${OP_SYMBOL[op]} <numeric>`,
      ...(op === 'add' || op === 'subtract' ? ['date ± interval', 'timestamp ± interval'] : []),
    ],
  });
}

const INT32_BOUNDS: Record<string, [number, number]> = {
  tinyint: [-128, 127],
  smallint: [-32768, 32767],
  integer: [-2147483648, 2147483647],
};

function int32Checked(expr: (a: string, b: string, ref: (v: unknown) => string) => string): Generator {
  return ([a, b], _types, rt, ctx) => {
    const [lo, hi] = INT32_BOUNDS[rt.kind] ?? [-2147483648, 2147483647];
    const bounds = `${ctx.ref(lo)}, ${ctx.ref(hi)}, ${ctx.ref(rt.kind)}`;
    return `${ctx.ref(H.checkInt32)}(${expr(a!, b!, (v) => ctx.ref(v))}, ${bounds})`;
  };
}

// Products of int32 values may round above 2^53, but never across the int32 bounds: the check holds.
defineGenerator(
  'add:int32',
  int32Checked((a, b) => `${a} + ${b}`),
);
defineGenerator(
  'subtract:int32',
  int32Checked((a, b) => `${a} - ${b}`),
);
defineGenerator(
  'multiply:int32',
  int32Checked((a, b) => `${a} * ${b}`),
);
defineGenerator(
  'divide:int32',
  int32Checked((a, b, ref) => `${ref(H.int32Divide)}(${a}, ${b})`),
);
defineGenerator('modulus:int32', ([a, b], _t, _r, ctx) => `${ctx.ref(H.int32Modulus)}(${a}, ${b})`);

defineGenerator('add:double', ([a, b]) => `(${a} + ${b})`);
defineGenerator('subtract:double', ([a, b]) => `(${a} - ${b})`);
defineGenerator('multiply:double', ([a, b]) => `(${a} * ${b})`);
defineGenerator('divide:double', ([a, b]) => `(${a} / ${b})`);
defineGenerator('modulus:double', ([a, b]) => `(${a} % ${b})`);

/** Inline fast path for long-kind values: plain numbers whose result stays safe; else the helper. */
function longFast(op: string, helper: (a: never, b: never) => unknown): Generator {
  return ([a, b], _t, _r, ctx) => {
    const t = ctx.temp();
    return `(typeof ${a} === 'number' && typeof ${b} === 'number' && (${t} = ${a} ${op} ${b}) <= 9007199254740991 && ${t} >= -9007199254740991 ? ${t} : ${ctx.ref(helper)}(${a}, ${b}))`;
  };
}

defineGenerator('add:bigint', longFast('+', H.bigintAdd));
defineGenerator('subtract:bigint', longFast('-', H.bigintSubtract));
defineGenerator('multiply:bigint', longFast('*', H.bigintMultiply));
defineGenerator('divide:bigint', ([a, b], _t, _r, ctx) => `${ctx.ref(H.bigintDivide)}(${a}, ${b})`);
defineGenerator('modulus:bigint', ([a, b], _t, _r, ctx) => `${ctx.ref(H.bigintModulus)}(${a}, ${b})`);

function scales(types: readonly DataType[], rt: DataType): { sa: number; sb: number; rs: number } {
  const sa = asDecimal(types[0]!).scale;
  const sb = asDecimal(types[1]!).scale;
  return { sa, sb, rs: asDecimal(rt).scale };
}

defineGenerator('add:decimal', ([a, b], types, rt, ctx) => {
  const { sa, sb, rs } = scales(types, rt);
  if (sa === sb)
    return longFast('+', (x: never, y: never) => H.decimalAdd(x, 1, y, 1))([a!, b!], types, rt, ctx);
  return `${ctx.ref(H.decimalAdd)}(${a}, ${ctx.ref(10 ** (rs - sa))}, ${b}, ${ctx.ref(10 ** (rs - sb))})`;
});
defineGenerator('subtract:decimal', ([a, b], types, rt, ctx) => {
  const { sa, sb, rs } = scales(types, rt);
  if (sa === sb)
    return longFast('-', (x: never, y: never) => H.decimalAdd(x, 1, y, -1))([a!, b!], types, rt, ctx);
  return `${ctx.ref(H.decimalAdd)}(${a}, ${ctx.ref(10 ** (rs - sa))}, ${b}, ${ctx.ref(-(10 ** (rs - sb)))})`;
});
defineGenerator('multiply:decimal', longFast('*', H.decimalMultiply));
defineGenerator('divide:decimal', ([a, b], types, rt, ctx) => {
  const { sa, sb, rs } = scales(types, rt);
  return `${ctx.ref(H.decimalDivide)}(${a}, ${b}, ${ctx.ref(rs - sa + sb)})`;
});
defineGenerator('modulus:decimal', ([a, b], types, rt, ctx) => {
  const { sa, sb, rs } = scales(types, rt);
  return `${ctx.ref(H.decimalModulus)}(${a}, ${ctx.ref(10 ** (rs - sa))}, ${b}, ${ctx.ref(10 ** (rs - sb))})`;
});

// date and interval arithmetic: dates are days, day-time intervals ms, year-month intervals months.
// An argument may be a literal's code such as `-12`: negate it as `-(…)`, never by prefixing `-`.
const MS_PER_DAY = 86_400_000;
function dateDayTime(sign: 1 | -1): Generator {
  return ([d, i], _t, _r, ctx) => `${ctx.ref(dateAddMillis)}(${d}, ${sign} * ${i})`;
}
function dateAddMillis(days: number, ms: number): number {
  if (ms % MS_PER_DAY !== 0) {
    throw new QuarryError('INVALID_FUNCTION_ARGUMENT', 'Cannot add hour, minutes or seconds to a date');
  }
  return days + ms / MS_PER_DAY;
}
defineGenerator('add:date:interval_day_time', dateDayTime(1));
defineGenerator('subtract:date:interval_day_time', dateDayTime(-1));
defineGenerator(
  'add:date:interval_day_time:swapped',
  ([i, d], _t, _r, ctx) => `${ctx.ref(dateAddMillis)}(${d}, ${i})`,
);
defineGenerator(
  'add:date:interval_year_month',
  ([d, m], _t, _r, ctx) => `${ctx.ref(addMonthsToDays)}(${d}, ${m})`,
);
defineGenerator(
  'subtract:date:interval_year_month',
  ([d, m], _t, _r, ctx) => `${ctx.ref(addMonthsToDays)}(${d}, -(${m}))`,
);
defineGenerator(
  'add:date:interval_year_month:swapped',
  ([m, d], _t, _r, ctx) => `${ctx.ref(addMonthsToDays)}(${d}, ${m})`,
);
defineGenerator('add:timestamp:interval_day_time', ([t, i]) => `(${t} + ${i} * 1000)`);
defineGenerator('subtract:timestamp:interval_day_time', ([t, i]) => `(${t} - ${i} * 1000)`);
defineGenerator('add:timestamp:interval_day_time:swapped', ([i, t]) => `(${t} + ${i} * 1000)`);
defineGenerator(
  'add:timestamp:interval_year_month',
  ([t, m], _t, _r, ctx) => `${ctx.ref(timestampAddMonths)}(${t}, ${m})`,
);
defineGenerator(
  'subtract:timestamp:interval_year_month',
  ([t, m], _t, _r, ctx) => `${ctx.ref(timestampAddMonths)}(${t}, -(${m}))`,
);
defineGenerator(
  'add:timestamp:interval_year_month:swapped',
  ([m, t], _t, _r, ctx) => `${ctx.ref(timestampAddMonths)}(${t}, ${m})`,
);
defineGenerator('subtract:timestamps', ([a, b]) => `Math.trunc((${a} - ${b}) / 1000)`);
for (const kind of ['interval_day_time', 'interval_year_month'] as const) {
  const months = kind === 'interval_year_month';
  defineGenerator(
    `multiply:${kind}`,
    ([i, n], _t, _r, ctx) => `${ctx.ref(scaleInterval)}(${i}, ${n}, ${months})`,
  );
  defineGenerator(
    `multiply:${kind}:swapped`,
    ([n, i], _t, _r, ctx) => `${ctx.ref(scaleInterval)}(${i}, ${n}, ${months})`,
  );
  defineGenerator(
    `divide:${kind}`,
    ([i, n], _t, _r, ctx) => `${ctx.ref(divideInterval)}(${i}, ${n}, ${months})`,
  );
}
defineGenerator('add:interval_day_time', ([a, b]) => `(${a} + ${b})`);
defineGenerator('subtract:interval_day_time', ([a, b]) => `(${a} - ${b})`);
defineGenerator('add:interval_year_month', ([a, b]) => `(${a} + ${b})`);
defineGenerator('subtract:interval_year_month', ([a, b]) => `(${a} - ${b})`);

function timestampAddMonths(micros: number, months: number): number {
  const perDay = MS_PER_DAY * 1000;
  const days = Math.floor(micros / perDay);
  return addMonthsToDays(days, months) * perDay + (micros - days * perDay);
}

// unary minus
defineFamily('$negate', {
  resolve: ([t, ...rest]) => {
    if (!t || rest.length > 0) return undefined;
    if (!isNumeric(t) && t.kind !== 'interval_day_time' && t.kind !== 'interval_year_month') return undefined;
    // integers overflow on their minimum value (-(-128) is no tinyint); decimals and doubles cannot
    const kind =
      t.kind === 'bigint'
        ? 'bigint'
        : physicalKind(t) === 'long'
          ? 'long'
          : t.kind in INT32_BOUNDS
            ? 'int32'
            : 'number';
    return { id: `negate:${kind}`, argTypes: [t], returnType: t };
  },
  signatures: ['-<numeric>', '-<interval>'],
});
defineGenerator('negate:number', ([a]) => `(-(${a}) + 0)`);
defineGenerator('negate:long', ([a], _t, _r, ctx) => `${ctx.ref(H.negateLong)}(${a})`);
defineGenerator('negate:bigint', ([a], _t, _r, ctx) => `${ctx.ref(H.bigintNegate)}(${a})`);
defineGenerator(
  'negate:int32',
  int32Checked((a) => `-(${a}) + 0`),
);

// comparison
const COMPARISONS = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;
for (const [name, op] of Object.entries(COMPARISONS)) {
  defineFamily(`$${name}`, {
    resolve: (types) => {
      if (types.length !== 2) return undefined;
      let t = commonSuperType(types[0]!, types[1]!);
      // NULL = NULL compares two unknowns: NULL, whatever the type
      if (t?.kind === 'unknown') t = BOOLEAN;
      if (t && isComposite(t)) return resolveCompositeComparison(name, t);
      if (!t || !isOrderable(t)) return undefined;
      const kind = physicalKind(t);
      // order comparisons of strings go by code point; equality is the same either way
      const string = kind === 'string' && name !== 'eq' && name !== 'ne';
      return {
        id: `${name}:${kind === 'long' ? 'long' : string ? 'string' : 'strict'}`,
        argTypes: [t, t],
        returnType: BOOLEAN,
      };
    },
    signatures: [`T ${op === '==' ? '=' : op === '!=' ? '<>' : op} T`],
  });
  // long values may mix number and bigint: loose equality compares them by value
  defineGenerator(`${name}:long`, ([a, b]) => `(${a} ${op} ${b})`);
  const strictOp = op === '==' ? '===' : op === '!=' ? '!==' : op;
  defineGenerator(`${name}:strict`, ([a, b]) => `(${a} ${strictOp} ${b})`);
  if (name !== 'eq' && name !== 'ne')
    defineGenerator(
      `${name}:string`,
      ([a, b], _t, _r, ctx) => `(${ctx.ref(compareVarchar)}(${a}, ${b}) ${op} 0)`,
    );
}

// string concatenation
defineFamily('$concat', {
  resolve: (types) => {
    if (types.length !== 2) return undefined;
    if (types.some((t) => t.kind === 'array')) return resolveArrayConcat(types);
    const ok = types.every((t) => t.kind === 'varchar' || t.kind === 'char' || t.kind === 'unknown');
    return ok ? { id: 'concat', argTypes: types, returnType: { kind: 'varchar' } } : undefined;
  },
  signatures: ['varchar || varchar', 'array(T) || array(T)', 'array(T) || T', 'T || array(T)'],
});
defineGenerator('concat', ([a, b], _t, _r, ctx) => `${ctx.ref(concat2)}(${a}, ${b})`);

// LIKE: a constant pattern is compiled once, at code generation
const isText = (t: DataType) => t.kind === 'varchar' || t.kind === 'char' || t.kind === 'unknown';
defineFamily('$like', {
  resolve: (types) => {
    if ((types.length !== 2 && types.length !== 3) || !types.every(isText)) return undefined;
    return { id: 'like', argTypes: types, returnType: BOOLEAN };
  },
  signatures: ['varchar LIKE varchar [ESCAPE varchar]'],
});
defineGenerator('like', ([value, pattern, escape], _t, _r, ctx) => {
  const p = ctx.constant(pattern!);
  const e = escape === undefined ? { value: null } : ctx.constant(escape);
  if (typeof p?.value === 'string' && (e?.value === null || typeof e?.value === 'string')) {
    const re = H.likePattern(p.value, e.value);
    return `${ctx.ref(re)}.test(${value})`;
  }
  return `${ctx.ref(H.like)}(${value}, ${pattern}, ${escape ?? 'null'})`;
});
