import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  REAL,
  SMALLINT,
  TINYINT,
  VARCHAR,
  arrayType,
  decimalType,
  mapType,
  rowType,
  type ColumnMetadata,
  type DataType,
  type MapValue,
} from '@quarry/sql';

const TS6: DataType = { kind: 'timestamp', precision: 6 };
const D38 = 10n ** 38n - 1n;
const map = (keys: unknown[], values: unknown[]): MapValue => ({ keys, values });

/** Composite columns of every kind, nested several levels, with a scalar key column. */
export const NESTED: readonly ColumnMetadata[] = [
  { name: 'id', type: INTEGER },
  { name: 'a', type: arrayType(INTEGER) },
  { name: 'm', type: mapType(VARCHAR, BIGINT) },
  {
    name: 'r',
    type: rowType([
      { name: 'x', type: INTEGER },
      { name: 'y', type: VARCHAR },
    ]),
  },
  {
    name: 'ar',
    type: arrayType(
      rowType([
        { name: 'k', type: BIGINT },
        { name: 'd', type: decimalType(38, 10) },
      ]),
    ),
  },
  { name: 'ma', type: mapType(INTEGER, arrayType(DOUBLE)) },
  { name: 'aa', type: arrayType(arrayType(INTEGER)) },
  {
    name: 'rr',
    type: rowType([
      {
        name: 'inner',
        type: rowType([
          { name: 'day', type: DATE },
          { name: 'ts', type: TS6 },
        ]),
      },
      { name: 'flags', type: mapType(VARCHAR, BOOLEAN) },
    ]),
  },
  {
    name: 'misc',
    type: rowType([
      { type: decimalType(5, 2) },
      { type: decimalType(18, 4) },
      { type: REAL },
      { type: SMALLINT },
      { type: TINYINT },
      { type: arrayType(VARCHAR) },
    ]),
  },
];

/**
 * Every NULL shape at every level: a NULL column value, empty arrays and maps, arrays of NULL
 * elements, maps of NULL values, rows of NULL fields, NULL rows inside arrays; plus extremes
 * (64-bit integers past 2^53, 38-digit decimals, dates and timestamps before 1970, non-ASCII text).
 */
export const NESTED_ROWS: readonly (readonly unknown[])[] = [
  [
    1,
    [1, 2147483647, -2147483648],
    map(['a', 'b', 'ü 😀'], [1, 2n ** 63n - 1n, -(2n ** 63n)]),
    [7, 'ünïcödé'],
    [
      [9007199254740993n, D38],
      [-1, -D38],
    ],
    map([3, 1, 2], [[1.5, -0.25], [Number.MAX_VALUE], [0]]),
    [[1, 2], [3]],
    [[18262, 1577836801500001], map(['t', 'f'], [true, false])],
    [-99999, 10n ** 18n - 1n, 1.5, -32768, 127, ['x', 'y']],
  ],
  [2, null, null, null, null, null, null, null, null],
  [3, [], map([], []), [null, null], [], map([], []), [], [null, null], [null, null, null, null, null, null]],
  [
    4,
    [null],
    map(['k'], [null]),
    [null, 'only y'],
    [null, [null, null], [5, 10]],
    map([1, 2, 3], [null, [], [null, 1.5]]),
    [null, [], [null], [1, null, 2]],
    [[null, null], map(['t', 'n'], [true, null])],
    [1, -1, null, 0, null, []],
  ],
  [
    5,
    [null, 5, null],
    map(['z'], [0]),
    [0, ''],
    [[0, 0]],
    map([-7], [null]),
    [[], []],
    [[-719162, -62135596800000000], map([], [])],
    [0, 0, -0.5, 1, -1, [null, '', 'a']],
  ],
];

/** Rows with no NULL column value (a file of them declares every column REQUIRED). */
export const NESTED_ROWS_NOT_NULL = NESTED_ROWS.filter((r) => r.every((v) => v !== null));
