import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  REAL,
  SMALLINT,
  TINYINT,
  charType,
  decimalType,
  normalizeLong,
  pageFromRows,
  varcharType,
  type ColumnMetadata,
  type Page,
} from '@quarry/sql';

/** One column of every type lake tables hold. */
export const ALL_TYPES: readonly ColumnMetadata[] = [
  { name: 'b', type: BOOLEAN },
  { name: 't', type: TINYINT },
  { name: 's', type: SMALLINT },
  { name: 'i', type: INTEGER },
  { name: 'l', type: BIGINT },
  { name: 'r', type: REAL },
  { name: 'd', type: DOUBLE },
  { name: 'd5', type: decimalType(5, 2) },
  { name: 'd18', type: decimalType(18, 4) },
  { name: 'd38', type: decimalType(38, 10) },
  { name: 'v', type: varcharType() },
  { name: 'v10', type: varcharType(10) },
  { name: 'c', type: charType(5) },
  { name: 'dt', type: DATE },
  { name: 'ts', type: { kind: 'timestamp', precision: 6 } },
];

const MAX_REAL = Math.fround(3.4028234663852886e38);
const D38 = 10n ** 38n - 1n;

/** Extremes, NULLs, values just past 2^53, special doubles, non-ASCII text. */
export const ALL_TYPES_ROWS: readonly (readonly unknown[])[] = [
  [
    false,
    -128,
    -32768,
    -2147483648,
    -(2n ** 63n),
    -MAX_REAL,
    -Number.MAX_VALUE,
    -99999,
    -(10n ** 18n - 1n),
    -D38,
    '',
    '',
    '',
    -719162,
    -62135596800000000,
  ],
  [
    true,
    127,
    32767,
    2147483647,
    2n ** 63n - 1n,
    MAX_REAL,
    Number.MAX_VALUE,
    99999,
    10n ** 18n - 1n,
    D38,
    'ünïcödé 😀 漢字',
    'abcdefghij',
    'ab   ',
    2932896,
    253402300799999999,
  ],
  Array.from({ length: 15 }, () => null),
  [true, 0, -1, 42, 9007199254740993n, 1.5, Number.NaN, 1, 9007199254740993n, 1n, 'x', 'y', 'z    ', 0, 0],
  [
    false,
    1,
    1,
    1,
    -9007199254740993n,
    Math.fround(-0.1),
    Number.POSITIVE_INFINITY,
    -1,
    -5,
    -(2n ** 100n),
    'a\u0000b',
    'é',
    'é    ',
    19000,
    1_700_000_000_123_456,
  ],
  [
    null,
    null,
    7,
    null,
    5,
    null,
    Number.NEGATIVE_INFINITY,
    null,
    12345,
    null,
    'only some',
    null,
    null,
    -1,
    null,
  ],
  [true, 5, null, -7, null, Math.fround(1e-30), 5e-324, 5, null, 10n ** 20n, null, '', 'x    ', null, -1],
];

export function allTypesPage(): Page {
  return pageFromRows(
    ALL_TYPES.map((c) => c.type),
    ALL_TYPES_ROWS,
  );
}

/** Rows with bigints in canonical form (numbers when safe), so layouts compare equal. */
export function canonical(rows: readonly (readonly unknown[])[]): unknown[][] {
  return rows.map((r) => r.map((v) => (typeof v === 'bigint' ? normalizeLong(v) : v)));
}

/** `n` rows of (id integer, name varchar, amount decimal(12,2)), ids from `start`. */
export const NUMBERS: readonly ColumnMetadata[] = [
  { name: 'id', type: INTEGER },
  { name: 'name', type: varcharType() },
  { name: 'amount', type: decimalType(12, 2) },
];

export function numbersPage(start: number, n: number): Page {
  return pageFromRows(
    NUMBERS.map((c) => c.type),
    Array.from({ length: n }, (_, k) => {
      const id = start + k;
      return [id, `name-${String(id).padStart(5, '0')}`, id % 10 === 0 ? null : id * 100 + 25];
    }),
  );
}
