import { QuarryError } from '@quarry/common';
import { BIGINT, VARCHAR } from '../types/index.js';
import { normalizeLong, type Long } from '../types/values.js';
import { defineFamily, defineGenerator } from './registry.js';
import { isInt, isStr } from './scalars.js';

/**
 * `from_base(string, radix)` and `to_base(x, radix)`, as Trino's: radixes 2–36, digits and letters
 * either case, an optional leading `-`; a string that is not a number of the radix, or one outside
 * bigint, is INVALID_FUNCTION_ARGUMENT. (dbt-trino's column introspection calls `from_base`.)
 */
const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

function invalid(message: string): never {
  throw new QuarryError('INVALID_FUNCTION_ARGUMENT', message);
}

function radixOf(radix: Long): number {
  const r = Number(radix);
  if (!(r >= 2 && r <= 36)) invalid(`Radix must be between 2 and 36`);
  return r;
}

function fromBase(text: string, radix: Long): Long {
  const r = radixOf(radix);
  const negative = text.startsWith('-');
  const digits = negative || text.startsWith('+') ? text.slice(1) : text;
  if (digits === '') invalid(`Not a valid base-${r} number: ${text}`);
  let value = 0n;
  for (const ch of digits.toLowerCase()) {
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= r) invalid(`Not a valid base-${r} number: ${text}`);
    value = value * BigInt(r) + BigInt(d);
    if (value > MAX + 1n) invalid(`Not a valid base-${r} number: ${text}`);
  }
  const signed = negative ? -value : value;
  if (signed < MIN || signed > MAX) invalid(`Not a valid base-${r} number: ${text}`);
  return normalizeLong(signed);
}

function toBase(value: Long, radix: Long): string {
  return BigInt(value).toString(radixOf(radix));
}

defineFamily('from_base', {
  signatures: ['from_base(varchar, bigint) → bigint'],
  resolve: (ts) =>
    ts.length === 2 && isStr(ts[0]!) && isInt(ts[1]!)
      ? { id: 'from_base', argTypes: [ts[0]!, BIGINT], returnType: BIGINT }
      : undefined,
});
defineGenerator('from_base', (args, _t, _r, ctx) => `${ctx.ref(fromBase)}(${args.join(', ')})`, {
  arity: [2, 2],
});

defineFamily('to_base', {
  signatures: ['to_base(bigint, bigint) → varchar'],
  resolve: (ts) =>
    ts.length === 2 && isInt(ts[0]!) && isInt(ts[1]!)
      ? { id: 'to_base', argTypes: [BIGINT, BIGINT], returnType: VARCHAR }
      : undefined,
});
defineGenerator('to_base', (args, _t, _r, ctx) => `${ctx.ref(toBase)}(${args.join(', ')})`, {
  arity: [2, 2],
});
