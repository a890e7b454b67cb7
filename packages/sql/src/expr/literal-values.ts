import { QuarryError } from '@quarry/common';
import { physicalKind, type DataType } from '../types/types.js';
import { normalizeLong } from '../types/values.js';
import type { Expr, LiteralValue } from './ir.js';

/**
 * The native value of an IR literal, checked against its type: what compiled code binds. A
 * literal's JSON-safe form arrives in plan fragments from the network, so a value that does not fit
 * its type's layout is refused with INVALID_MESSAGE instead of being trusted.
 */
export function literalNative(value: LiteralValue, type: DataType): unknown {
  if (value === null || type.kind === 'unknown') return null;
  const kind = physicalKind(type);
  switch (kind) {
    case 'bool':
      if (typeof value === 'boolean' || value === 0 || value === 1) return value === true || value === 1;
      break;
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'long':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d{1,40}$/.test(value)) return normalizeLong(BigInt(value));
      break;
    case 'int32':
      if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2 ** 31) return value;
      break;
    case 'float64':
      if (typeof value === 'number') return value;
      break;
    case 'object':
      // composite values have no literal form (they are built by constructors)
      break;
  }
  throw new QuarryError(
    'INVALID_MESSAGE',
    `literal ${describeValue(value)} does not fit its type ${type.kind}`,
  );
}

/** A short, printable description of a value from the network, for error messages. */
export function describeValue(value: unknown): string {
  const text =
    typeof value === 'string'
      ? JSON.stringify(value)
      : typeof value === 'object' && value !== null
        ? Array.isArray(value)
          ? 'an array'
          : 'an object'
        : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** JSON-safe literal form of a native value (long values beyond 2^53 as strings). */
export function literalOf(value: unknown, type: DataType): Expr {
  if (value === null || value === undefined) return { kind: 'literal', value: null, type };
  if (typeof value === 'bigint') return { kind: 'literal', value: value.toString(), type };
  if (physicalKind(type) === 'bool') return { kind: 'literal', value: value === true || value === 1, type };
  return { kind: 'literal', value: value as number | string, type };
}
