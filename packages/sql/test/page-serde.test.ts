/** The binary page format: every layout round-trips exactly, and damaged input is EXCHANGE_CORRUPTED. */
import { expect } from 'chai';
import { pageFromRows, slicePage, valueAt, type Block, type Page } from '../src/page/block.js';
import { PAGE_FORMAT_VERSION, deserializePage, serializePage } from '../src/page/serde.js';
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  INTERVAL_YEAR_MONTH,
  SMALLINT,
  TINYINT,
  VARCHAR,
  decimalType,
  type DataType,
} from '../src/types/types.js';
import { expectError } from './support/errors.js';

function roundTrip(page: Page, types: readonly DataType[]): Page {
  return deserializePage(serializePage(page), types);
}

/** Rows as raw values (no normalization), so layouts and -0 are checked too. */
function raw(page: Page): unknown[][] {
  const rows: unknown[][] = [];
  for (let r = 0; r < page.rowCount; r++) rows.push(page.blocks.map((b) => valueAt(b, r)));
  return rows;
}

function expectSameRows(actual: Page, expected: Page): void {
  expect(actual.rowCount).to.equal(expected.rowCount);
  const a = raw(actual);
  const e = raw(expected);
  let mismatch: string | undefined;
  for (let r = 0; r < e.length && !mismatch; r++) {
    for (let c = 0; c < e[r]!.length; c++) {
      const x = a[r]![c];
      const y = e[r]![c];
      // Object.is tells -0 from 0 and finds NaN equal to itself
      if (!Object.is(x, y)) mismatch ??= `row ${r} column ${c}: ${String(x)} vs ${String(y)}`;
    }
  }
  expect(mismatch).to.equal(undefined);
}

const LAYOUT_CASES: { name: string; type: DataType; values: unknown[] }[] = [
  { name: 'bool', type: BOOLEAN, values: [true, false, true, true, false] },
  { name: 'int32 (integer)', type: INTEGER, values: [0, -1, 2147483647, -2147483648, 42] },
  { name: 'int32 (tinyint)', type: TINYINT, values: [127, -128, 0] },
  { name: 'int32 (smallint)', type: SMALLINT, values: [32767, -32768, 7] },
  { name: 'int32 (date)', type: DATE, values: [0, -719162, 19782, 2932896] },
  { name: 'int32 (interval year to month)', type: INTERVAL_YEAR_MONTH, values: [14, -3, 0] },
  {
    name: 'float64',
    type: DOUBLE,
    values: [0.1, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, 1.7976931348623157e308],
  },
  {
    name: 'float64 (timestamp)',
    type: { kind: 'timestamp', precision: 6 },
    values: [1_710_498_645_123_456, -1],
  },
  { name: 'long narrow', type: BIGINT, values: [0, -1, 9007199254740991, -9007199254740991, 123456789012] },
  { name: 'long narrow (decimal)', type: decimalType(12, 2), values: [12345, -5, 0, 99999999999] },
  {
    name: 'long wide',
    type: BIGINT,
    values: [9223372036854775807n, -9223372036854775808n, 9007199254740993n, 1n, 0n],
  },
  { name: 'long wide (decimal)', type: decimalType(38, 10), values: [10n ** 37n, -(10n ** 38n - 1n), 5n] },
  {
    name: 'string ASCII',
    type: VARCHAR,
    values: ['alice', 'b', 'a longer string with spaces', '"quoted"\n\t'],
  },
  { name: 'string empty', type: VARCHAR, values: ['', '', 'x', ''] },
  {
    name: 'string non-ASCII',
    type: VARCHAR,
    values: ['élodie', '日本語', '😀 emoji', '', 'ÿ', 'mixed ascii'],
  },
];

describe('page serde: layouts', () => {
  for (const { name, type, values } of LAYOUT_CASES) {
    it(`round-trips ${name} without nulls`, () => {
      const page = pageFromRows(
        [type],
        values.map((v) => [v]),
      );
      const back = roundTrip(page, [type]);
      expectSameRows(back, page);
      expect(back.blocks[0]!.nulls).to.equal(undefined);
      // the layout is kept: wide stays wide, narrow stays narrow
      expect(Array.isArray(back.blocks[0]!.values)).to.equal(Array.isArray(page.blocks[0]!.values));
      expect(back.blocks[0]!.values.constructor).to.equal(page.blocks[0]!.values.constructor);
    });

    it(`round-trips ${name} with nulls`, () => {
      const withNulls = values.flatMap((v) => [null, v]);
      const page = pageFromRows(
        [type],
        withNulls.map((v) => [v]),
      );
      const back = roundTrip(page, [type]);
      expectSameRows(back, page);
      expect(Array.from(back.blocks[0]!.nulls!)).to.deep.equal(withNulls.map((v) => (v === null ? 1 : 0)));
    });
  }

  it('marks wide long columns as layout 4 and narrow ones as layout 3', () => {
    const narrow = serializePage(pageFromRows([BIGINT], [[1]]));
    const wide = serializePage(pageFromRows([BIGINT], [[2n ** 60n]]));
    expect(narrow[7]).to.equal(3);
    expect(wide[7]).to.equal(4);
  });

  it('writes the header: version, row count and column count, little-endian', () => {
    const bytes = serializePage(
      pageFromRows(
        [INTEGER, VARCHAR],
        [
          [1, 'a'],
          [2, 'b'],
          [3, 'c'],
        ],
      ),
    );
    expect(bytes[0]).to.equal(PAGE_FORMAT_VERSION);
    expect(bytes.readUInt32LE(1)).to.equal(3);
    expect(bytes.readUInt16LE(5)).to.equal(2);
  });

  it('packs nulls as bits across byte boundaries', () => {
    const nullRows = new Set([0, 7, 8, 15, 16, 23]);
    const rows = Array.from({ length: 25 }, (_, i) => [nullRows.has(i) ? null : i]);
    const page = pageFromRows([INTEGER], rows);
    const back = roundTrip(page, [INTEGER]);
    expect(raw(back)).to.deep.equal(rows);
  });

  it('treats an all-null column and an all-present column alike on both sides', () => {
    const page = pageFromRows(
      [VARCHAR, BIGINT],
      [
        [null, 1],
        [null, 2],
      ],
    );
    const back = roundTrip(page, [VARCHAR, BIGINT]);
    expect(raw(back)).to.deep.equal([
      [null, 1],
      [null, 2],
    ]);
    expect(Array.from(back.blocks[0]!.nulls!)).to.deep.equal([1, 1]);
    expect(back.blocks[1]!.nulls).to.equal(undefined);
  });

  it('round-trips a page of zero rows, and one of zero columns', () => {
    const types = [BOOLEAN, INTEGER, DOUBLE, BIGINT, VARCHAR];
    const empty = roundTrip(pageFromRows(types, []), types);
    expect(empty.rowCount).to.equal(0);
    expect(empty.blocks.map((b) => b.length)).to.deep.equal([0, 0, 0, 0, 0]);
    const noColumns = roundTrip({ blocks: [], rowCount: 17 }, []);
    expect(noColumns).to.deep.equal({ blocks: [], rowCount: 17 });
  });

  it('round-trips many rows of many columns', () => {
    const types = [BOOLEAN, INTEGER, DOUBLE, BIGINT, decimalType(38, 2), VARCHAR, DATE];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const rows = Array.from({ length: 20_000 }, (_, i) => [
      i % 5 === 0 ? null : rand() < 0.5,
      i % 7 === 0 ? null : Math.floor(rand() * 4e9) - 2e9,
      i % 11 === 0 ? null : rand() * 1e6 - 5e5,
      i % 13 === 0 ? null : Math.floor(rand() * 1e15),
      i === 19_999 ? 10n ** 30n + BigInt(i) : Math.floor(rand() * 1e12),
      i % 3 === 0 ? null : `row ${i} ${i % 17 === 0 ? 'ünïcode' : ''}`,
      i % 2 === 0 ? null : i,
    ]);
    const page = pageFromRows(types, rows);
    expect(Array.isArray(page.blocks[4]!.values), 'decimal column is wide').to.equal(true);
    expectSameRows(roundTrip(page, types), page);
  });

  it('serializes slices that share storage with a larger block', () => {
    const types = [INTEGER, DOUBLE, BIGINT, BOOLEAN, VARCHAR];
    const rows = Array.from({ length: 40 }, (_, i) => [i, i / 2, i * 1000, i % 2 === 0, `s${i}`]).map(
      (r, i) => (i % 9 === 0 ? r.map(() => null) : r),
    );
    const page = pageFromRows(types, rows);
    const slice = slicePage(page, 13, 29);
    const back = roundTrip(slice, types);
    expect(raw(back)).to.deep.equal(rows.slice(13, 29));
  });

  it('reads pages from an unaligned offset of a larger buffer', () => {
    const page = pageFromRows(
      [DOUBLE, INTEGER],
      [
        [1.5, 1],
        [2.5, 2],
      ],
    );
    const bytes = serializePage(page);
    const shifted = Buffer.concat([Buffer.from([0xff, 0xee, 0xdd]), bytes]).subarray(3);
    expect(raw(deserializePage(shifted, [DOUBLE, INTEGER]))).to.deep.equal([
      [1.5, 1],
      [2.5, 2],
    ]);
  });

  it('keeps strings apart when lone surrogates meet at a boundary', () => {
    // joined, 'a\uD83D' + '\uDE00b' would form one emoji: its UTF-8 length differs from the parts'
    const page = pageFromRows([VARCHAR], [['a\uD83D'], ['\uDE00b'], ['é'], ['z']]);
    const back = roundTrip(page, [VARCHAR]);
    expect(raw(back)).to.deep.equal([['a\uFFFD'], ['\uFFFDb'], ['é'], ['z']]);
  });
});

describe('page serde: corrupt input', () => {
  const types = [INTEGER, VARCHAR, BIGINT, BOOLEAN];
  const good = serializePage(
    pageFromRows(types, [
      [1, 'élan', 5, true],
      [null, 'x', 2n ** 60n, null],
      [3, null, 7, false],
    ]),
  );

  it('rejects every truncation', () => {
    for (let n = 0; n < good.length; n++) {
      expectError(() => deserializePage(good.subarray(0, n), types), 'EXCHANGE_CORRUPTED');
    }
  });

  it('rejects trailing bytes', () => {
    expectError(
      () => deserializePage(Buffer.concat([good, Buffer.from([0])]), types),
      'EXCHANGE_CORRUPTED',
      'Corrupt page: 1 trailing bytes after page',
    );
  });

  it('rejects an unknown format version', () => {
    const bad = Buffer.from(good);
    bad[0] = 2;
    expectError(
      () => deserializePage(bad, types),
      'EXCHANGE_CORRUPTED',
      'Corrupt page: unsupported page format version 2',
    );
  });

  it('rejects a column count other than the plan expects', () => {
    expectError(
      () => deserializePage(good, types.slice(0, 3)),
      'EXCHANGE_CORRUPTED',
      'Corrupt page: page has 4 columns, the plan expects 3',
    );
    expectError(
      () => deserializePage(good, [...types, DOUBLE]),
      'EXCHANGE_CORRUPTED',
      'Corrupt page: page has 4 columns, the plan expects 5',
    );
  });

  it('rejects a layout that does not match the type', () => {
    const one = (type: DataType, value: unknown) => serializePage(pageFromRows([type], [[value]]));
    expectError(
      () => deserializePage(one(INTEGER, 1), [VARCHAR]),
      'EXCHANGE_CORRUPTED',
      'Corrupt page: column layout 1 does not match type varchar',
    );
    expectError(
      () => deserializePage(one(DOUBLE, 1), [BIGINT]),
      'EXCHANGE_CORRUPTED',
      /layout 2 does not match type bigint/,
    );
    expectError(
      () => deserializePage(one(BIGINT, 1), [DOUBLE]),
      'EXCHANGE_CORRUPTED',
      /layout 3 does not match type double/,
    );
    expectError(() => deserializePage(one(BIGINT, 2n ** 60n), [INTEGER]), 'EXCHANGE_CORRUPTED', /layout 4/);
    expectError(() => deserializePage(one(BOOLEAN, true), [INTEGER]), 'EXCHANGE_CORRUPTED', /layout 0/);
    const unknownLayout = Buffer.from(one(INTEGER, 1));
    unknownLayout[7] = 9;
    expectError(() => deserializePage(unknownLayout, [INTEGER]), 'EXCHANGE_CORRUPTED', /layout 9/);
  });

  it('rejects a row count larger than the data, even a huge one, without allocating for it', function () {
    this.timeout(3000);
    for (const rows of [4, 1000, 0xfffffff9, 0xffffffff]) {
      const bad = Buffer.from(good);
      bad.writeUInt32LE(rows, 1);
      expectError(() => deserializePage(bad, types), 'EXCHANGE_CORRUPTED');
    }
  });

  it('rejects string offsets beyond the string data', () => {
    const bytes = Buffer.from(serializePage(pageFromRows([VARCHAR], [['ab'], ['cd']])));
    // header 7, layout+flags 2, byteLength 4, then offsets: set the last one past the data
    bytes.writeUInt32LE(99, 7 + 2 + 4 + 8);
    expectError(
      () => deserializePage(bytes, [VARCHAR]),
      'EXCHANGE_CORRUPTED',
      'Corrupt page: string offsets out of range',
    );
  });

  it('rejects wide values that are not integers', () => {
    const bytes = Buffer.from(serializePage(pageFromRows([BIGINT], [[2n ** 60n]])));
    bytes[bytes.length - 1] = 'x'.charCodeAt(0);
    expectError(() => deserializePage(bytes, [BIGINT]), 'EXCHANGE_CORRUPTED', /not an integer/);
  });
});

describe('page serde: blocks made by other code', () => {
  it('writes only rowCount values of a block whose storage is longer', () => {
    const block: Block = { type: INTEGER, length: 2, values: Int32Array.of(1, 2, 3, 4), nulls: undefined };
    const back = roundTrip({ blocks: [block], rowCount: 2 }, [INTEGER]);
    expect(Array.from(back.blocks[0]!.values as Int32Array)).to.deep.equal([1, 2]);
  });
});
