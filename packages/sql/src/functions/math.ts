import { QuarryError } from '@quarry/common';
import {
  BOOLEAN,
  DOUBLE,
  INTEGER_RANGES,
  MAX_DECIMAL_PRECISION,
  commonSuperType,
  decimalType,
  isIntegral,
  isNumeric,
  isOrderable,
  physicalKind,
  type DataType,
} from '../types/index.js';
import { compareVarchar, normalizeLong, pow10Big, toBig, type Long } from '../types/values.js';
import { bigintAbs } from './helpers.js';
import { defineFamily, defineGenerator, resolveFunction, type FunctionFamily } from './registry.js';
import { isInt, overDoubles, simple } from './scalars.js';

/** More math: mod, sign, truncate, greatest/least, sqrt, logarithms, power, trigonometry, constants, random. */

const isNum = (t: DataType) => isNumeric(t) || t.kind === 'unknown';

// --- abs: integers overflow on their minimum value, as in Trino ---------------------------------

defineFamily('abs', {
  signatures: ['abs(<numeric>)'],
  resolve: ([t, ...rest]) => {
    if (!t || rest.length || !isNumeric(t)) return undefined;
    // integers overflow on their minimum value, as in Trino
    const id =
      t.kind === 'bigint'
        ? 'abs:bigint'
        : physicalKind(t) === 'long'
          ? 'abs:long'
          : isIntegral(t)
            ? 'abs:int32'
            : 'abs:number';
    return { id, argTypes: [t], returnType: t };
  },
});
defineGenerator('abs:number', ([a]) => `Math.abs(${a})`);
defineGenerator('abs:long', ([a], _t, _r, ctx) => `${ctx.ref(absLong)}(${a})`);
defineGenerator('abs:bigint', ([a], _t, _r, ctx) => `${ctx.ref(absBigint)}(${a})`);
defineGenerator('abs:int32', ([a], _t, rt, ctx) => {
  const [lo] = INTEGER_RANGES[rt.kind as 'tinyint' | 'smallint' | 'integer'];
  return `${ctx.ref(absInt32)}(${a}, ${ctx.ref(lo)}, ${ctx.ref(rt.kind)})`;
});
/** abs of an integer type's smallest value does not fit it: Trino's error names the value and type. */
function absOutOfRange(value: Long, typeName: string): never {
  throw new QuarryError('NUMERIC_VALUE_OUT_OF_RANGE', `Value ${value} is out of range for abs(${typeName})`);
}
function absInt32(v: number, min: number, typeName: string): number {
  return v === min ? absOutOfRange(v, typeName) : Math.abs(v);
}
function absBigint(v: Long): Long {
  return v === INTEGER_RANGES.bigint[0] ? absOutOfRange(v, 'bigint') : bigintAbs(v);
}
function absLong(v: Long): Long {
  if (typeof v === 'number') return Math.abs(v);
  return normalizeLong(v < 0n ? -v : v);
}

defineFamily('mod', {
  signatures: ['mod(<numeric>, <numeric>)'],
  resolve: (ts) => {
    try {
      return resolveFunction('$modulus', ts);
    } catch {
      return undefined;
    }
  },
});

defineFamily('sign', {
  signatures: ['sign(<numeric>)'],
  resolve: ([t, ...rest]) => {
    if (!t || rest.length || !isNumeric(t)) return undefined;
    if (t.kind === 'decimal') return { id: 'sign:long', argTypes: [t], returnType: decimalType(1, 0) };
    if (physicalKind(t) === 'long') return { id: 'sign:long', argTypes: [t], returnType: t };
    return { id: 'sign:number', argTypes: [t], returnType: t };
  },
});
defineGenerator('sign:number', ([a]) => `(${a} > 0 ? 1 : ${a} < 0 ? -1 : ${a})`);
defineGenerator('sign:long', ([a]) => `(${a} > 0 ? 1 : ${a} < 0 ? -1 : 0)`);

function truncateDecimal(v: Long, scale: number, digits: number): Long {
  if (digits >= scale) return v;
  const unit = pow10Big(Math.min(scale - digits, 76));
  return normalizeLong((toBig(v) / unit) * unit);
}
defineFamily('truncate', {
  signatures: ['truncate(double)', 'truncate(decimal(p,s))', 'truncate(decimal(p,s), integer)'],
  resolve: (ts) => {
    const [t, d] = ts;
    if (!t || ts.length > 2 || !isNumeric(t) || (d && !isInt(d))) return undefined;
    if (t.kind === 'decimal') {
      if (d) return { id: 'truncate:decimal', argTypes: [t, { kind: 'integer' }], returnType: t };
      return {
        id: 'truncate:decimal0',
        argTypes: [t],
        returnType: decimalType(Math.max(1, Math.min(MAX_DECIMAL_PRECISION, t.precision - t.scale)), 0),
      };
    }
    if (isIntegral(t)) return d ? undefined : { id: 'truncate:identity', argTypes: [t], returnType: t };
    if (d) return { id: 'truncate:double', argTypes: [DOUBLE, { kind: 'integer' }], returnType: DOUBLE };
    return { id: 'truncate:double', argTypes: [t], returnType: t };
  },
});
defineGenerator('truncate:identity', ([a]) => a!);
defineGenerator('truncate:double', ([a, d], _t, _r, ctx) =>
  d === undefined ? `Math.trunc(${a})` : `${ctx.ref(truncateDouble)}(${a}, ${d})`,
);
function truncateDouble(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.trunc(x * f) / f;
}
defineGenerator('truncate:decimal', ([a, d], types, _r, ctx) => {
  const scale = (types[0] as { scale: number }).scale;
  return `${ctx.ref(truncateDecimal)}(${a}, ${ctx.ref(scale)}, ${d})`;
});
defineGenerator('truncate:decimal0', ([a], types, _r, ctx) => {
  const scale = (types[0] as { scale: number }).scale;
  return `${ctx.ref(truncateDecimal0)}(${a}, ${ctx.ref(scale)})`;
});
function truncateDecimal0(v: Long, scale: number): Long {
  return normalizeLong(toBig(v) / pow10Big(scale));
}

// greatest / least: NULL when any argument is NULL, as in Trino
for (const [name, op] of [
  ['greatest', '>'],
  ['least', '<'],
] as const) {
  defineFamily(name, {
    signatures: [`${name}(T, T, ...)`],
    resolve: (ts) => {
      if (ts.length === 0) return undefined;
      let t: DataType | undefined = ts[0];
      for (const x of ts.slice(1)) t = t && commonSuperType(t, x);
      if (!t || !isOrderable(t)) return undefined;
      return { id: name, argTypes: ts.map(() => t!), returnType: t };
    },
  });
  defineGenerator(
    name,
    (args, types, _r, ctx) => {
      const acc = ctx.temp();
      const string = physicalKind(types[0]!) === 'string';
      const better = (a: string) =>
        string ? `${ctx.ref(compareVarchar)}(${a}, ${acc}) ${op} 0` : `${a} ${op} ${acc}`;
      const parts = args.slice(1).map((a) => `${acc} = (${better(a)} ? ${a} : ${acc})`);
      return `(${acc} = ${args[0]}, ${[...parts, acc].join(', ')})`;
    },
    { arity: [1, Infinity] },
  );
}

for (const name of ['sqrt', 'ln', 'exp', 'log10', 'log2'] as const) {
  defineFamily(
    name,
    overDoubles(`${name}(double) → double`, [isNum], name, () => DOUBLE),
  );
}
defineGenerator('sqrt', ([a]) => `Math.sqrt(${a})`);
defineGenerator('ln', ([a]) => `Math.log(${a})`);
defineGenerator('exp', ([a]) => `Math.exp(${a})`);
defineGenerator('log10', ([a]) => `Math.log10(${a})`);
defineGenerator('log2', ([a]) => `Math.log2(${a})`);
defineFamily(
  'power',
  overDoubles('power(double, double) → double', [isNumeric, isNumeric], 'power', () => DOUBLE),
);
defineFamily(
  'pow',
  overDoubles('pow(double, double) → double', [isNumeric, isNumeric], 'power', () => DOUBLE),
);
defineGenerator('power', ([a, b]) => `Math.pow(${a}, ${b})`);
for (const [name, fn] of [
  ['sin', 'Math.sin'],
  ['cos', 'Math.cos'],
  ['tan', 'Math.tan'],
  ['asin', 'Math.asin'],
  ['acos', 'Math.acos'],
  ['atan', 'Math.atan'],
  ['sinh', 'Math.sinh'],
  ['cosh', 'Math.cosh'],
  ['tanh', 'Math.tanh'],
  ['cbrt', 'Math.cbrt'],
] as const) {
  defineFamily(
    name,
    overDoubles(`${name}(double) → double`, [isNum], name, () => DOUBLE),
  );
  defineGenerator(name, ([a]) => `${fn}(${a})`);
}
defineFamily(
  'atan2',
  overDoubles('atan2(double, double) → double', [isNum, isNum], 'atan2', () => DOUBLE),
);
defineGenerator('atan2', ([a, b]) => `Math.atan2(${a}, ${b})`);
defineFamily(
  'degrees',
  overDoubles('degrees(double) → double', [isNum], 'degrees', () => DOUBLE),
);
defineGenerator('degrees', ([a]) => `(${a} * 180 / Math.PI)`);
defineFamily(
  'radians',
  overDoubles('radians(double) → double', [isNum], 'radians', () => DOUBLE),
);
defineGenerator('radians', ([a]) => `(${a} * Math.PI / 180)`);
defineFamily(
  'log',
  overDoubles('log(double, double) → double', [isNum, isNum], 'log', () => DOUBLE),
);
defineGenerator('log', ([b, x]) => `(Math.log(${x}) / Math.log(${b}))`);
for (const [name, code] of [
  ['pi', 'Math.PI'],
  ['e', 'Math.E'],
  ['nan', 'NaN'],
  ['infinity', 'Infinity'],
] as const) {
  defineFamily(
    name,
    simple(`${name}() → double`, [], name, () => DOUBLE),
  );
  defineGenerator(name, () => code);
}
for (const [name, code] of [
  ['is_nan', (a: string) => `Number.isNaN(${a})`],
  ['is_finite', (a: string) => `Number.isFinite(${a})`],
  ['is_infinite', (a: string) => `(${a} === Infinity || ${a} === -Infinity)`],
] as const) {
  defineFamily(
    name,
    overDoubles(`${name}(double) → boolean`, [isNum], name, () => BOOLEAN),
  );
  defineGenerator(name, ([a]) => code(a!));
}

// random(): not deterministic, never constant-folded
const randomFamily: FunctionFamily = {
  signatures: ['random() → double', 'random(n) → n-typed'],
  deterministic: false,
  resolve: (ts) => {
    if (ts.length === 0) return { id: 'random', argTypes: [], returnType: DOUBLE };
    if (ts.length === 1 && isInt(ts[0]!)) {
      const t = ts[0]!.kind === 'unknown' ? ({ kind: 'bigint' } as DataType) : ts[0]!;
      return { id: 'random:int', argTypes: [t], returnType: t };
    }
    return undefined;
  },
};
defineFamily('random', randomFamily);
defineFamily('rand', randomFamily);
defineGenerator('random', () => 'Math.random()', { nondeterministic: true });
defineGenerator('random:int', ([n], _t, _r, ctx) => `${ctx.ref(randomBelow)}(${n})`, {
  nondeterministic: true,
});
function randomBelow(n: Long): number {
  const m = Number(n);
  if (m <= 0) throw new QuarryError('INVALID_FUNCTION_ARGUMENT', 'bound must be positive');
  return Math.floor(Math.random() * m);
}
