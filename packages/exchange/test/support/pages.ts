import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  VARCHAR,
  decimalType,
  deserializePage,
  pageFromRows,
  pageRows,
  serializePage,
  type DataType,
} from '@quarry/sql';

/**
 * Pages with every physical layout of the engine's page format (bool, int32, float64, long, wide,
 * string), with nulls, serialized by `@quarry/sql` — used here only to check that the exchange
 * returns the engine's bytes exactly; the exchange itself knows no SQL.
 */
export const TYPES: readonly DataType[] = [
  BOOLEAN,
  INTEGER,
  DOUBLE,
  BIGINT,
  decimalType(30, 2),
  VARCHAR,
  DATE,
];

export function samplePage(seed: number, rows = 50): Uint8Array {
  const data = Array.from({ length: rows }, (_, i) => {
    const n = seed * 1000 + i;
    return i % 7 === 3
      ? [null, null, null, null, null, null, null]
      : [
          n % 2 === 0,
          n - 500,
          n / 7,
          n * 1_000_003,
          2n ** 90n + BigInt(n), // beyond 2^53: the "wide" layout
          `row ${n} — ünïcødé ${'x'.repeat(i % 5)}`,
          18_000 + n,
        ];
  });
  return serializePage(pageFromRows(TYPES, data));
}

export function rowsOf(bytes: Uint8Array): unknown[][] {
  return pageRows(deserializePage(bytes, TYPES));
}
