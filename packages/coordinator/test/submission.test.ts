import { expect } from 'chai';
import { parseSubmission } from '../src/submission.js';

describe('parseSubmission', () => {
  it('accepts sql with optional query id and session, normalizing session values to strings', () => {
    const s = parseSubmission(
      {
        sql: 'select 1',
        queryId: 'my_query-1',
        session: { catalog: 'tpch', hash_partition_count: 4, verbose: true },
      },
      100,
    );
    expect(s).to.deep.equal({
      sql: 'select 1',
      queryId: 'my_query-1',
      session: { catalog: 'tpch', hash_partition_count: '4', verbose: 'true' },
    });
    expect(parseSubmission({ sql: 'select 1' }, 100).queryId).to.match(/^\d{8}_/);
    expect(parseSubmission({ sql: 'select 1', user: 'ann.lee@example.com' }, 100).user).to.equal(
      'ann.lee@example.com',
    );
    expect(parseSubmission({ sql: 'select 1' }, 100).user).to.equal(undefined);
  });

  it('names what is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [null, /must be an object/],
      [[1], /must be an object/],
      ['select 1', /must be an object/],
      [{}, /no 'sql' field/],
      [{ sql: 1 }, /'sql' must be a string/],
      [{ sql: '' }, /'sql' is empty/],
      [{ sql: 'x'.repeat(101) }, /Query text length \(101\) exceeds the maximum length \(100\)/],
      [{ sql: 'select 1', extra: 1 }, /Unknown submission field\(s\): extra/],
      [{ sql: 'select 1', queryId: 'has space' }, /'queryId' must be/],
      [{ sql: 'select 1', queryId: 7 }, /'queryId' must be/],
      [{ sql: 'select 1', session: 'x' }, /'session' must be an object/],
      [{ sql: 'select 1', user: 'a b' }, /'user' must be 1–128 letters/],
      [{ sql: 'select 1', user: 7 }, /'user' must be/],
      [{ sql: 'select 1', user: '' }, /'user' must be/],
      [
        { sql: 'select 1', session: { a: { b: 1 } } },
        /Session property 'a' must be a string, number or boolean/,
      ],
    ];
    for (const [input, message] of cases)
      expect(() => parseSubmission(input, 100), JSON.stringify(input)).to.throw(message);
  });
});
