import { QuarryError, type SourceLocation } from '@quarry/common';
import type { IntervalLiteral, NumericLiteral, TypeName } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  INTERVAL_DAY_TIME,
  INTERVAL_YEAR_MONTH,
  MAX_DECIMAL_PRECISION,
  REAL,
  SMALLINT,
  TINYINT,
  charType,
  decimalType,
  integerLiteralType,
  varcharType,
  arrayType,
  isComparable,
  mapType,
  rowType,
  typeToString,
  type DataType,
} from '../types/index.js';
import { literalOf } from '../expr/literal-values.js';
import { normalizeLong, parseDate, parseDecimal, parseTimestamp, type Long } from '../types/values.js';

/** Literals and type names of the SQL text, turned into typed IR literals and DataTypes. */

export { literalOf } from '../expr/literal-values.js';

function longLiteral(v: Long, type: DataType): Expr {
  return literalOf(v, type);
}

export function numericLiteral(node: NumericLiteral): Expr {
  const { text, loc } = node;
  switch (node.numericType) {
    case 'integer': {
      const type = integerLiteralType(text);
      return longOrInt(BigInt(text), type);
    }
    case 'decimal': {
      const m = /^([+-]?)(\d*)\.?(\d*)$/.exec(text);
      if (!m) throw invalidLiteral(`Invalid numeric literal: ${text}`, loc);
      const intDigits = (m[2] ?? '').replace(/^0+/, '');
      const scale = (m[3] ?? '').length;
      const precision = Math.max(1, intDigits.length + scale);
      if (precision > MAX_DECIMAL_PRECISION) {
        throw invalidLiteral(`Decimal literal has too many digits (max 38): ${text}`, loc);
      }
      const type = decimalType(precision, scale);
      return longLiteral(parseDecimal(text, scale)!, type);
    }
    case 'double': {
      const v = Number(text);
      if (!Number.isFinite(v)) throw invalidLiteral(`Double literal out of range: ${text}`, loc);
      return literalOf(v, DOUBLE);
    }
  }
}

function longOrInt(v: bigint, type: DataType): Expr {
  if (type.kind === 'integer') return literalOf(Number(v), type);
  return literalOf(normalizeLong(v), type);
}

export function typedLiteral(typeName: string, value: string, loc: SourceLocation): Expr {
  switch (typeName.toLowerCase()) {
    case 'date': {
      const d = parseDate(value);
      if (d === undefined) throw invalidLiteral(`'${value}' is not a valid date literal`, loc);
      return literalOf(d, DATE);
    }
    case 'timestamp': {
      const ts = parseTimestamp(value);
      if (ts === undefined) throw invalidLiteral(`'${value}' is not a valid timestamp literal`, loc);
      const frac = /\.(\d+)\s*$/.exec(value)?.[1]?.length ?? 0;
      return literalOf(ts, { kind: 'timestamp', precision: Math.max(frac, 0) });
    }
    case 'decimal': {
      const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(value);
      if (!m || ((m[2] ?? '') === '' && (m[3] ?? '') === ''))
        throw invalidLiteral(`'${value}' is not a valid decimal literal`, loc);
      const scale = (m[3] ?? '').length;
      const precision = Math.max(1, (m[2] ?? '').replace(/^0+/, '').length + scale);
      return longLiteral(
        parseDecimal(value, scale)!,
        decimalType(Math.min(precision, MAX_DECIMAL_PRECISION), scale),
      );
    }
    default:
      return {
        kind: 'cast',
        arg: literalOf(value, varcharType(value.length)),
        type: typeFromName(typeName, [], loc),
        safe: false,
      };
  }
}

const MS = { DAY: 86_400_000, HOUR: 3_600_000, MINUTE: 60_000, SECOND: 1000 } as const;

export function intervalLiteral(node: IntervalLiteral): Expr {
  const { value, startField, endField, negative, loc } = node;
  const sign = negative ? -1 : 1;
  const bad = () =>
    invalidLiteral(
      `Invalid interval literal: '${value}' ${startField}${endField ? ` TO ${endField}` : ''}`,
      loc,
    );
  if (startField === 'YEAR' || startField === 'MONTH') {
    let months: number;
    if (endField === 'MONTH' && startField === 'YEAR') {
      const m = /^\s*(-?)(\d+)-(\d+)\s*$/.exec(value);
      if (!m) throw bad();
      months = (Number(m[2]) * 12 + Number(m[3])) * (m[1] ? -1 : 1);
    } else if (!endField) {
      const m = /^\s*(-?\d+)\s*$/.exec(value);
      if (!m) throw bad();
      months = Number(m[1]) * (startField === 'YEAR' ? 12 : 1);
    } else throw bad();
    return literalOf(sign * months, INTERVAL_YEAR_MONTH);
  }
  let ms: number;
  if (!endField) {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*$/.exec(value);
    if (!m) throw bad();
    ms = Math.round(Number(m[1]) * MS[startField]);
  } else {
    const m = /^\s*(-?)(?:(\d+)\s+)?(\d+)(?::(\d+))?(?::(\d+(?:\.\d+)?))?\s*$/.exec(value);
    if (!m || endField === 'YEAR' || endField === 'MONTH') throw bad();
    const d = Number(m[2] ?? 0);
    const h = Number(m[3] ?? 0);
    const mi = Number(m[4] ?? 0);
    const s = Number(m[5] ?? 0);
    ms = Math.round(((d * 24 + h) * 60 + mi) * 60_000 + s * 1000) * (m[1] ? -1 : 1);
  }
  return literalOf(sign * ms, INTERVAL_DAY_TIME);
}

/** A written type name → DataType; unknown or unsupported types are errors naming the type. */
export function typeFromName(name: string, params: readonly number[], loc: SourceLocation): DataType {
  const n = name.toLowerCase();
  const noParams = (t: DataType) => {
    if (params.length) throw invalidType(`Type ${n} takes no parameters`, loc);
    return t;
  };
  switch (n) {
    case 'boolean':
      return noParams(BOOLEAN);
    case 'tinyint':
      return noParams(TINYINT);
    case 'smallint':
      return noParams(SMALLINT);
    case 'integer':
    case 'int':
      return noParams(INTEGER);
    case 'bigint':
      return noParams(BIGINT);
    case 'real':
      return noParams(REAL);
    case 'double':
      return noParams(DOUBLE);
    case 'date':
      return noParams(DATE);
    case 'decimal':
    case 'numeric': {
      const [p = MAX_DECIMAL_PRECISION, s = 0] = params;
      if (params.length > 2) throw invalidType('DECIMAL takes at most two parameters', loc);
      try {
        return decimalType(p, s);
      } catch (e) {
        throw invalidType((e as Error).message, loc);
      }
    }
    case 'varchar':
      if (params.length > 1) throw invalidType('VARCHAR takes at most one parameter', loc);
      return varcharType(params[0]);
    case 'char':
      if (params.length > 1) throw invalidType('CHAR takes at most one parameter', loc);
      return charType(params[0] ?? 1);
    case 'timestamp': {
      const p = params[0] ?? 3;
      if (params.length > 1 || p < 0 || p > 6)
        throw invalidType('TIMESTAMP precision must be in range [0, 6]', loc);
      return { kind: 'timestamp', precision: p };
    }
    case 'interval day to second':
      return noParams(INTERVAL_DAY_TIME);
    case 'interval year to month':
      return noParams(INTERVAL_YEAR_MONTH);
    default:
      throw new QuarryError('NOT_SUPPORTED', `Unknown type: ${n}`, { location: loc });
  }
}

export function typeFromAst(t: TypeName): DataType {
  if (t.fields) {
    const types = t.fields.map((f) => typeFromAst(f.type));
    if (t.name === 'array') return arrayType(types[0]!);
    if (t.name === 'map') {
      if (!isComparable(types[0]!))
        throw invalidType(`Map key type must be comparable: ${typeToString(types[0]!)}`, t.loc);
      return mapType(types[0]!, types[1]!);
    }
    return rowType(
      t.fields.map((f, i) =>
        f.name === undefined ? { type: types[i]! } : { name: f.name, type: types[i]! },
      ),
    );
  }
  return typeFromName(t.name, t.params, t.loc);
}

function invalidLiteral(message: string, location: SourceLocation): QuarryError {
  return new QuarryError('INVALID_LITERAL', message, { location });
}

function invalidType(message: string, location: SourceLocation): QuarryError {
  return new QuarryError('TYPE_MISMATCH', message, { location });
}
