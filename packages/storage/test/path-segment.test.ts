import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { isPathSegment, MAX_SEGMENT_LENGTH, pathSegment } from '../src/index.js';

describe('pathSegment: the one gate from data to storage paths', () => {
  it('keeps ids, names and non-negative integers as they are', () => {
    for (const ok of ['20261125_081841_00001_h6syt', 'q0s1', 'orders', 'my-table_2', 'v1.metadata.json'])
      expect(pathSegment('query id', ok)).to.equal(ok);
    expect(pathSegment('attempt', 0)).to.equal('0');
    expect(pathSegment('task partition', 17)).to.equal('17');
    expect(pathSegment('x', 'a'.repeat(MAX_SEGMENT_LENGTH))).to.have.length(MAX_SEGMENT_LENGTH);
  });

  it('refuses what could leave a directory, start another or hide, naming the component', () => {
    const bad: unknown[] = [
      '..',
      '.',
      '../etc',
      'a/../../b',
      'a/b',
      'a\\b',
      '..\\x',
      'nul\u0000byte',
      '',
      '.hidden',
      'a..b',
      '%2e%2e',
      'file:x',
      'a b',
      'x'.repeat(MAX_SEGMENT_LENGTH + 1),
      -1,
      1.5,
      Number.NaN,
      2 ** 60,
      undefined,
      null,
      { toString: () => 'q1' },
      ['q1'],
    ];
    for (const value of bad) {
      expect(isPathSegment(value), String(value)).to.equal(false);
      let error: unknown;
      try {
        pathSegment('query id', value);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(String(value))).to.be.instanceOf(QuarryError);
      const e = error as QuarryError;
      expect([e.code, e.type]).to.deep.equal(['INVALID_ARGUMENTS', 'USER_ERROR']);
      expect(e.message).to.match(/^query id .* cannot be a storage path component/);
    }
  });

  it('shows a refused value escaped and bounded', () => {
    const e = (() => {
      try {
        pathSegment('exchange id', `../${'x'.repeat(500)}\u0000`);
      } catch (x) {
        return x as QuarryError;
      }
      throw new Error('not refused');
    })();
    expect(e.message.length).to.be.below(300);
    expect(e.message).to.not.include('\u0000');
  });
});
