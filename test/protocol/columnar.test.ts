import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { columnarRows, decodeColumnarPage } from '@quarry/protocol';
import { decode, encode } from '@quarry/runtime';

const f64 = (...xs: number[]) => new Uint8Array(Float64Array.from(xs).buffer);
const u16 = (...xs: number[]) => new Uint8Array(Uint16Array.from(xs).buffer);
const i32 = (...xs: number[]) => new Uint8Array(Int32Array.from(xs).buffer);

/** A columnar page as it crosses NATS: msgpack, read back into (unaligned) Buffers. */
const wire = (page: unknown) => decode(encode(page));

describe('columnar result pages', () => {
  it('reads every kind back to the values of the row format', () => {
    const page = decodeColumnarPage(
      wire({
        rowCount: 3,
        columns: [
          { kind: 'number', values: f64(1.5, NaN, -Infinity), nulls: new Uint8Array([0, 0, 0]) },
          { kind: 'number', values: f64(7, 0, 9), nulls: new Uint8Array([0, 1, 0]) },
          { kind: 'boolean', values: new Uint8Array([1, 0, 0]), nulls: new Uint8Array([0, 0, 1]) },
          {
            kind: 'ascii',
            text: new TextEncoder().encode('abcde'),
            lengths: new Uint8Array([2, 0, 3]),
            width: 1,
            nulls: new Uint8Array([0, 1, 0]),
          },
          { kind: 'ascii', text: new TextEncoder().encode('xyz'), lengths: u16(0, 1, 2), width: 2 },
          { kind: 'int', values: i32(-1, 2 ** 31 - 1, 0), nulls: new Uint8Array([0, 0, 1]) },
          { kind: 'date', values: i32(0, -135140, 19782) },
          { kind: 'decimal', values: f64(-5, 1234567, 0), scale: 2, nulls: new Uint8Array([0, 0, 1]) },
          { kind: 'decimal', values: f64(2 ** 53 - 1, -7, 0), scale: 0 },
          { kind: 'text', values: ['ü', null, ''] },
          { kind: 'values', values: [[1, 2], { k: 'v' }, '9007199254740993'] },
        ],
      }),
    );
    expect(columnarRows(page)).to.deep.equal([
      [1.5, 7, true, 'ab', '', -1, '1970-01-01', '-0.05', '9007199254740991', 'ü', [1, 2]],
      ['NaN', null, false, null, 'x', 2 ** 31 - 1, '1600-01-01', '12345.67', '-7', null, { k: 'v' }],
      ['-Infinity', 9, null, 'cde', 'yz', null, '2024-02-29', null, '0', '', '9007199254740993'],
    ]);
  });

  const refused = (page: unknown, words: string) => {
    const err = (() => {
      try {
        columnarRows(decodeColumnarPage(wire(page)));
      } catch (e) {
        return e;
      }
      throw new Error('accepted');
    })() as QuarryError;
    expect(err).to.be.instanceOf(QuarryError);
    expect(err.code).to.equal('INVALID_MESSAGE');
    expect(err.message).to.include(words);
  };

  it('refuses columns that do not hold rowCount rows', () => {
    refused({ rowCount: 2, columns: [{ kind: 'number', values: f64(1) }] }, 'column 1 holds 1 values');
    refused(
      { rowCount: 1, columns: [{ kind: 'boolean', values: new Uint8Array([1]), nulls: new Uint8Array(2) }] },
      '2 null flags',
    );
    refused({ rowCount: 1, columns: [{ kind: 'text', values: ['a', 'b'] }] }, 'holds 2 values');
  });

  it('refuses ascii columns whose offsets or bytes are wrong', () => {
    const text = new TextEncoder().encode('abc');
    const ascii = (rowCount: number, t: Uint8Array, lengths: Uint8Array, width = 1) => ({
      rowCount,
      columns: [{ kind: 'ascii', text: t, lengths, width }],
    });
    refused(ascii(1, text, new Uint8Array([2])), 'column 1');
    refused(ascii(2, text, new Uint8Array([2, 2])), 'column 1');
    refused(ascii(2, text, u16(1, 2), 1), 'column 1 holds 4 values');
    refused(ascii(1, text, new Uint8Array([3]), 3), 'columnar result page');
    refused(ascii(1, new TextEncoder().encode('ü'), new Uint8Array([2])), 'other bytes');
  });

  it('refuses decimals that are not integers within 2^53, and scales past 15', () => {
    refused({ rowCount: 1, columns: [{ kind: 'decimal', values: f64(1.5), scale: 2 }] }, 'not an integer');
    refused(
      { rowCount: 1, columns: [{ kind: 'decimal', values: f64(2 ** 53), scale: 2 }] },
      'not an integer',
    );
    refused(
      { rowCount: 1, columns: [{ kind: 'decimal', values: f64(1), scale: 16 }] },
      'columnar result page',
    );
  });

  it('refuses unknown kinds and stray fields', () => {
    refused({ rowCount: 0, columns: [{ kind: 'bits', values: [] }] }, 'columnar result page');
    refused({ rowCount: 0, columns: [], extra: 1 }, 'columnar result page');
  });
});
