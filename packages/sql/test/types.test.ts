/** SQL types: names, physical layouts, and Trino's implicit coercions. */
import { expect } from 'chai';
import { canCoerce, commonSuperType, integerLiteralType, integralAsDecimal } from '../src/types/coercion.js';
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  INTERVAL_DAY_TIME,
  INTERVAL_YEAR_MONTH,
  REAL,
  SMALLINT,
  TINYINT,
  UNKNOWN,
  VARCHAR,
  arrayType,
  charType,
  decimalType,
  isIntegral,
  isNumeric,
  mapType,
  physicalKind,
  rowType,
  typeToString,
  typesEqual,
  varcharType,
  type DataType,
} from '../src/types/types.js';
import { expectError } from './support/errors.js';

const ts = (precision: number): DataType => ({ kind: 'timestamp', precision });
const str = (t: DataType | undefined): string | undefined => (t === undefined ? undefined : typeToString(t));

describe('types', () => {
  it('prints type names as Trino does', () => {
    expect(
      [
        BOOLEAN,
        TINYINT,
        SMALLINT,
        INTEGER,
        BIGINT,
        REAL,
        DOUBLE,
        decimalType(12, 2),
        VARCHAR,
        varcharType(25),
        charType(1),
        DATE,
        ts(6),
        INTERVAL_DAY_TIME,
        INTERVAL_YEAR_MONTH,
        UNKNOWN,
      ].map(typeToString),
    ).to.deep.equal([
      'boolean',
      'tinyint',
      'smallint',
      'integer',
      'bigint',
      'real',
      'double',
      'decimal(12,2)',
      'varchar',
      'varchar(25)',
      'char(1)',
      'date',
      'timestamp(6)',
      'interval day to second',
      'interval year to month',
      'unknown',
    ]);
  });

  it('lays each type out in one physical kind', () => {
    const kinds = (types: DataType[]) => types.map(physicalKind);
    expect(kinds([BOOLEAN, UNKNOWN])).to.deep.equal(['bool', 'bool']);
    expect(kinds([TINYINT, SMALLINT, INTEGER, DATE, INTERVAL_YEAR_MONTH])).to.deep.equal(
      Array(5).fill('int32'),
    );
    expect(kinds([BIGINT, decimalType(38, 10), decimalType(1, 0)])).to.deep.equal(['long', 'long', 'long']);
    expect(kinds([REAL, DOUBLE, ts(3), INTERVAL_DAY_TIME])).to.deep.equal(Array(4).fill('float64'));
    expect(kinds([VARCHAR, charType(3)])).to.deep.equal(['string', 'string']);
  });

  it('validates decimal precision and scale', () => {
    expect(decimalType(38, 38)).to.deep.equal({ kind: 'decimal', precision: 38, scale: 38 });
    expectError(() => decimalType(0, 0), 'INVALID_LITERAL', 'DECIMAL precision must be in range [1, 38]: 0');
    expectError(
      () => decimalType(39, 0),
      'INVALID_LITERAL',
      'DECIMAL precision must be in range [1, 38]: 39',
    );
    expectError(
      () => decimalType(5, 6),
      'INVALID_LITERAL',
      'DECIMAL scale must be in range [0, precision (5)]: 6',
    );
    expectError(() => decimalType(5, -1), 'INVALID_LITERAL');
    expectError(() => decimalType(5.5, 1), 'INVALID_LITERAL');
  });

  it('classifies types', () => {
    expect([TINYINT, SMALLINT, INTEGER, BIGINT, REAL, decimalType(3, 1)].map(isIntegral)).to.deep.equal([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect([REAL, DOUBLE, decimalType(3, 1), BIGINT, VARCHAR, DATE].map(isNumeric)).to.deep.equal([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(typesEqual(decimalType(10, 2), decimalType(10, 2))).to.equal(true);
    expect(typesEqual(decimalType(10, 2), decimalType(10, 3))).to.equal(false);
    expect(typesEqual(VARCHAR, varcharType(3))).to.equal(false);
  });
});

describe('types: coercion', () => {
  it('widens integers to the larger integral type', () => {
    expect(str(commonSuperType(INTEGER, BIGINT))).to.equal('bigint');
    expect(str(commonSuperType(BIGINT, TINYINT))).to.equal('bigint');
    expect(str(commonSuperType(TINYINT, SMALLINT))).to.equal('smallint');
    expect(str(commonSuperType(SMALLINT, INTEGER))).to.equal('integer');
  });

  it('combines decimals and integers by integer digits and scale', () => {
    expect(str(commonSuperType(INTEGER, decimalType(5, 2)))).to.equal('decimal(12,2)');
    expect(str(commonSuperType(BIGINT, decimalType(5, 2)))).to.equal('decimal(21,2)');
    expect(str(commonSuperType(TINYINT, decimalType(1, 1)))).to.equal('decimal(4,1)');
    expect(str(commonSuperType(decimalType(5, 2), decimalType(10, 4)))).to.equal('decimal(10,4)');
    expect(str(commonSuperType(decimalType(38, 0), decimalType(10, 5)))).to.equal('decimal(38,5)');
    expect(
      ['tinyint', 'smallint', 'integer', 'bigint'].map((k) =>
        str(integralAsDecimal({ kind: k } as DataType)),
      ),
    ).to.deep.equal(['decimal(3,0)', 'decimal(5,0)', 'decimal(10,0)', 'decimal(19,0)']);
  });

  it('goes to double for decimals with floating point, and between real and wide integers', () => {
    expect(str(commonSuperType(decimalType(5, 2), DOUBLE))).to.equal('double');
    expect(str(commonSuperType(INTEGER, DOUBLE))).to.equal('double');
    expect(str(commonSuperType(REAL, DOUBLE))).to.equal('double');
    expect(str(commonSuperType(REAL, SMALLINT))).to.equal('real');
    expect(str(commonSuperType(REAL, REAL))).to.equal('real');
  });

  it('combines strings, dates and timestamps', () => {
    expect(str(commonSuperType(varcharType(3), varcharType(5)))).to.equal('varchar(5)');
    expect(str(commonSuperType(VARCHAR, varcharType(3)))).to.equal('varchar');
    expect(str(commonSuperType(charType(2), charType(5)))).to.equal('char(5)');
    expect(str(commonSuperType(charType(2), varcharType(5)))).to.equal('varchar(5)');
    expect(str(commonSuperType(DATE, ts(3)))).to.equal('timestamp(3)');
    expect(str(commonSuperType(ts(6), ts(3)))).to.equal('timestamp(6)');
  });

  it('lets NULL take any type', () => {
    for (const t of [BOOLEAN, BIGINT, VARCHAR, DATE, decimalType(3, 1)]) {
      expect(str(commonSuperType(UNKNOWN, t))).to.equal(typeToString(t));
      expect(str(commonSuperType(t, UNKNOWN))).to.equal(typeToString(t));
    }
  });

  it('finds no common type for unrelated types', () => {
    expect(commonSuperType(VARCHAR, INTEGER)).to.equal(undefined);
    expect(commonSuperType(BOOLEAN, INTEGER)).to.equal(undefined);
    expect(commonSuperType(DATE, INTEGER)).to.equal(undefined);
    expect(commonSuperType(DATE, VARCHAR)).to.equal(undefined);
    expect(commonSuperType(INTERVAL_DAY_TIME, INTERVAL_YEAR_MONTH)).to.equal(undefined);
  });

  it('coerces only towards wider types', () => {
    expect(canCoerce(INTEGER, BIGINT)).to.equal(true);
    expect(canCoerce(BIGINT, INTEGER)).to.equal(false);
    expect(canCoerce(INTEGER, decimalType(10, 0))).to.equal(true);
    expect(canCoerce(INTEGER, decimalType(9, 0))).to.equal(false);
    expect(canCoerce(decimalType(5, 2), DOUBLE)).to.equal(true);
    expect(canCoerce(DOUBLE, decimalType(5, 2))).to.equal(false);
    expect(canCoerce(UNKNOWN, DATE)).to.equal(true);
  });

  it('coerces composite types part by part, whatever their row field names (as Trino)', () => {
    const row = (...fields: [string | undefined, DataType][]) =>
      rowType(fields.map(([name, type]) => (name === undefined ? { type } : { name, type })));
    expect(canCoerce(row([undefined, decimalType(2, 1)]), row(['x', DOUBLE]))).to.equal(true);
    expect(canCoerce(row(['a', INTEGER]), row(['b', BIGINT]))).to.equal(true);
    expect(canCoerce(row(['a', BIGINT]), row(['a', INTEGER]))).to.equal(false);
    expect(canCoerce(row(['a', INTEGER]), row(['a', INTEGER], ['b', INTEGER]))).to.equal(false);
    expect(canCoerce(arrayType(UNKNOWN), arrayType(DATE))).to.equal(true);
    expect(canCoerce(arrayType(row([undefined, INTEGER])), arrayType(row(['k', BIGINT])))).to.equal(true);
    expect(canCoerce(mapType(varcharType(3), INTEGER), mapType(VARCHAR, BIGINT))).to.equal(true);
    expect(canCoerce(mapType(VARCHAR, BIGINT), mapType(VARCHAR, INTEGER))).to.equal(false);
    expect(canCoerce(arrayType(INTEGER), mapType(INTEGER, INTEGER))).to.equal(false);
  });

  it('types integer literals by size', () => {
    expect(str(integerLiteralType('0'))).to.equal('integer');
    expect(str(integerLiteralType('2147483647'))).to.equal('integer');
    expect(str(integerLiteralType('-2147483648'))).to.equal('integer');
    expect(str(integerLiteralType('2147483648'))).to.equal('bigint');
    expect(str(integerLiteralType('9223372036854775807'))).to.equal('bigint');
    expect(str(integerLiteralType('-9223372036854775808'))).to.equal('bigint');
    expect(str(integerLiteralType('9223372036854775808'))).to.equal('decimal(19,0)');
    expect(str(integerLiteralType('12345678901234567890123'))).to.equal('decimal(23,0)');
  });
});
