import {
  BIGINT,
  DOUBLE,
  INTEGER,
  MAX_DECIMAL_PRECISION,
  REAL,
  SMALLINT,
  TINYINT,
  decimalType,
  isIntegral,
  typeToString,
  varcharType,
  arrayType,
  mapType,
  rowType,
  type DataType,
  type RowField,
} from './types.js';

const INTEGRAL_RANK = { tinyint: 1, smallint: 2, integer: 3, bigint: 4 } as const;

/** The decimal type that holds every value of an integral type exactly, as Trino coerces them. */
export function integralAsDecimal(t: DataType): DataType {
  switch (t.kind) {
    case 'tinyint':
      return decimalType(3, 0);
    case 'smallint':
      return decimalType(5, 0);
    case 'integer':
      return decimalType(10, 0);
    default:
      return decimalType(19, 0);
  }
}

/**
 * Trino's common super type: the narrowest type both coerce to implicitly, or undefined when none.
 * Used for arithmetic, comparison, CASE/COALESCE branches, IN lists and UNION columns.
 */
export function commonSuperType(a: DataType, b: DataType): DataType | undefined {
  if (typeToString(a) === typeToString(b)) return a;
  if (a.kind === 'unknown') return b;
  if (b.kind === 'unknown') return a;
  if (isIntegral(a) && isIntegral(b)) {
    return INTEGRAL_RANK[a.kind as keyof typeof INTEGRAL_RANK] >=
      INTEGRAL_RANK[b.kind as keyof typeof INTEGRAL_RANK]
      ? a
      : b;
  }
  if ((a.kind === 'decimal' || isIntegral(a)) && (b.kind === 'decimal' || isIntegral(b))) {
    const da = a.kind === 'decimal' ? a : integralAsDecimal(a);
    const db = b.kind === 'decimal' ? b : integralAsDecimal(b);
    if (da.kind !== 'decimal' || db.kind !== 'decimal') return undefined;
    const scale = Math.max(da.scale, db.scale);
    const intDigits = Math.max(da.precision - da.scale, db.precision - db.scale);
    return decimalType(Math.min(MAX_DECIMAL_PRECISION, intDigits + scale), scale);
  }
  const numeric = (t: DataType) =>
    isIntegral(t) || t.kind === 'decimal' || t.kind === 'real' || t.kind === 'double';
  if (numeric(a) && numeric(b)) {
    if (
      (a.kind === 'real' || isIntegral(a)) &&
      (b.kind === 'real' || isIntegral(b)) &&
      (a.kind === 'real' || b.kind === 'real')
    ) {
      return a.kind === 'real' && b.kind === 'real'
        ? REAL
        : isSmallIntegral(a) || isSmallIntegral(b)
          ? REAL
          : DOUBLE;
    }
    return DOUBLE;
  }
  if ((a.kind === 'varchar' || a.kind === 'char') && (b.kind === 'varchar' || b.kind === 'char')) {
    if (a.kind === 'char' && b.kind === 'char') return { kind: 'char', length: Math.max(a.length, b.length) };
    const la = a.length;
    const lb = b.length;
    return varcharType(la === undefined || lb === undefined ? undefined : Math.max(la, lb));
  }
  if ((a.kind === 'date' && b.kind === 'timestamp') || (a.kind === 'timestamp' && b.kind === 'date')) {
    return a.kind === 'timestamp' ? a : b;
  }
  if (a.kind === 'timestamp' && b.kind === 'timestamp') return a.precision >= b.precision ? a : b;
  return compositeSuperType(a, b);
}

/** Composite types coerce element-wise: `array(integer)` and `array(double)` meet at `array(double)`. */
function compositeSuperType(a: DataType, b: DataType): DataType | undefined {
  if (a.kind === 'array' && b.kind === 'array') {
    const e = commonSuperType(a.element, b.element);
    return e && arrayType(e);
  }
  if (a.kind === 'map' && b.kind === 'map') {
    const k = commonSuperType(a.key, b.key);
    const v = commonSuperType(a.value, b.value);
    return k && v && mapType(k, v);
  }
  if (a.kind === 'row' && b.kind === 'row' && a.fields.length === b.fields.length) {
    const fields = a.fields.map((f, i) => {
      const t = commonSuperType(f.type, b.fields[i]!.type);
      const name = f.name === b.fields[i]!.name ? f.name : undefined;
      return t && (name === undefined ? { type: t } : { name, type: t });
    });
    return fields.every((f) => f !== undefined) ? rowType(fields as RowField[]) : undefined;
  }
  return undefined;
}

function isSmallIntegral(t: DataType): boolean {
  return t.kind === 'tinyint' || t.kind === 'smallint';
}

/**
 * Whether values of `from` coerce implicitly to `to` (without a CAST in the SQL). Composite types
 * coerce when their parts do; row field names do not matter (as Trino: `row(1.5, 'a')` goes into a
 * `row(x double, y varchar)` column).
 */
export function canCoerce(from: DataType, to: DataType): boolean {
  if (from.kind === 'array' && to.kind === 'array') return canCoerce(from.element, to.element);
  if (from.kind === 'map' && to.kind === 'map')
    return canCoerce(from.key, to.key) && canCoerce(from.value, to.value);
  if (from.kind === 'row' && to.kind === 'row')
    return (
      from.fields.length === to.fields.length &&
      from.fields.every((f, i) => canCoerce(f.type, to.fields[i]!.type))
    );
  const s = commonSuperType(from, to);
  return s !== undefined && typeToString(s) === typeToString(to);
}

/** The type of an integer literal: integer when it fits, else bigint, else decimal. */
export function integerLiteralType(text: string): DataType {
  const v = BigInt(text);
  if (v <= 2147483647n && v >= -2147483648n) return INTEGER;
  if (v <= 9223372036854775807n && v >= -9223372036854775808n) return BIGINT;
  return decimalType(Math.min(MAX_DECIMAL_PRECISION, text.replace(/^[-+]?0*/, '').length || 1), 0);
}

export { TINYINT, SMALLINT };
