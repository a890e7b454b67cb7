/** The page format's composite layouts: arrays, maps and rows round-trip, nested and with NULLs. */
import { expect } from 'chai';
import { pageFromRows, pageRows, slicePage, takePage, concatPages } from '../src/page/block.js';
import { deserializePage, serializePage } from '../src/page/serde.js';
import {
  arrayType,
  BIGINT,
  BOOLEAN,
  DOUBLE,
  INTEGER,
  mapType,
  rowType,
  VARCHAR,
  decimalType,
} from '../src/types/types.js';
import { toExternal } from '../src/types/values.js';
import { expectError } from './support/errors.js';

const ARRAY_INT = arrayType(INTEGER);
const MAP = mapType(VARCHAR, arrayType(BIGINT));
const ROW = rowType([
  { name: 'a', type: DOUBLE },
  { name: 'b', type: arrayType(rowType([{ type: BOOLEAN }, { type: decimalType(20, 2) }])) },
]);
const TYPES = [ARRAY_INT, MAP, ROW];

const ROWS: unknown[][] = [
  [
    [1, null, 3],
    { keys: ['x', 'y'], values: [[1, 2n ** 60n], null] },
    [1.5, [[true, 12345], null, [null, 2n ** 70n]]],
  ],
  [null, null, null],
  [[], { keys: [], values: [] }, [Number.NaN, []]],
  [[-(2 ** 31)], { keys: ['é'], values: [[]] }, [null, null]],
];

describe('page serde: composite columns', () => {
  it('round-trips arrays, maps and rows with NULLs at every level', () => {
    const page = pageFromRows(TYPES, ROWS);
    const back = deserializePage(serializePage(page), TYPES);
    expect(back.rowCount).to.equal(4);
    const ext = (rows: unknown[][]) => rows.map((r) => r.map((v, c) => toExternal(TYPES[c]!, v)));
    expect(ext(pageRows(back))).to.deep.equal(ext(ROWS));
    // bigints beyond 2^53 stay exact
    const row0 = pageRows(back)[0]!;
    expect((row0[1] as { values: unknown[][] }).values[0]![1]).to.equal(2n ** 60n);
    expect(toExternal(ROW, row0[2])).to.deep.equal([
      1.5,
      [[true, '123.45'], null, [null, '11805916207174113034.24']],
    ]);
  });

  it('writes composite columns as offsets and child columns', () => {
    const page = pageFromRows([ARRAY_INT], [[[1, 2]], [[3]]]);
    const bytes = serializePage(page);
    // header 7 | layout 6, flags 0 | offsets 0,2,3 | child: layout 1 (int32), flags 0, 3 × i32
    expect(bytes.length).to.equal(7 + 2 + 12 + 2 + 12);
    expect(bytes[7]).to.equal(6);
    expect(
      Array.from(new Uint32Array(bytes.buffer.slice(bytes.byteOffset + 9, bytes.byteOffset + 21))),
    ).to.deep.equal([0, 2, 3]);
  });

  it('slices, takes and concatenates composite blocks', () => {
    const page = pageFromRows(TYPES, ROWS);
    const taken = takePage(page, [3, 0]);
    const joined = concatPages(TYPES, [slicePage(page, 1, 2), taken]);
    const back = deserializePage(serializePage(joined), TYPES);
    expect(pageRows(back).map((r) => toExternal(ARRAY_INT, r[0]))).to.deep.equal([
      null,
      [-(2 ** 31)],
      [1, null, 3],
    ]);
  });

  it('refuses a composite column whose offsets are damaged or whose layout does not fit the type', () => {
    const bytes = serializePage(pageFromRows([ARRAY_INT], [[[1, 2]], [[3]]]));
    const bad = Buffer.from(bytes);
    bad.writeUInt32LE(5, 13); // offsets 0,5,3: decreasing
    expectError(() => deserializePage(bad, [ARRAY_INT]), 'EXCHANGE_CORRUPTED', /offsets decrease/);
    const huge = Buffer.from(bytes);
    huge.writeUInt32LE(0xffffffff, 17); // the last offset claims 4 billion elements
    expectError(() => deserializePage(huge, [ARRAY_INT]), 'EXCHANGE_CORRUPTED');
    expectError(() => deserializePage(bytes, [MAP]), 'EXCHANGE_CORRUPTED', /does not match type/);
  });
});
