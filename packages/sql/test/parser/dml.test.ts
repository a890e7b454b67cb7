/** The shape of DELETE, TRUNCATE, UPDATE and MERGE (row-level writes, issue 15). */
import { expect } from 'chai';
import { parseStatement } from '../../src/parser/index.js';
import { stripLocations } from './helpers.js';

const id = (value: string, quoted = false): unknown => ({ kind: 'Identifier', value, quoted });
const col = (...parts: string[]): unknown => ({ kind: 'ColumnRef', parts: parts.map((p) => id(p)) });
const shape = (sql: string, expected: Record<string, unknown>): void => {
  expect(stripLocations(parseStatement(sql))).to.deep.include(expected);
};

describe('parser: row-level writes', () => {
  it('reads TRUNCATE, UPDATE and MERGE', () => {
    shape('TRUNCATE TABLE t', { kind: 'Delete', table: [id('t')], truncate: true });
    shape('UPDATE t SET a = b WHERE a', {
      kind: 'Update',
      table: [id('t')],
      assignments: [{ column: id('a'), value: col('b') }],
      where: col('a'),
    });
    shape('MERGE INTO t x USING u ON a WHEN NOT MATCHED THEN INSERT (a) VALUES (b)', {
      kind: 'Merge',
      target: [id('t')],
      targetAlias: id('x'),
      on: col('a'),
      cases: [{ kind: 'MergeInsert', columns: [id('a')], values: [col('b')] }],
    });
  });

  it('reads every MERGE clause, in order', () => {
    const merge = stripLocations(
      parseStatement(
        'MERGE INTO t USING (SELECT 1 a) s ON t.a = s.a WHEN MATCHED AND s.a > 1 THEN DELETE ' +
          'WHEN MATCHED THEN UPDATE SET b = 2 WHEN NOT MATCHED THEN INSERT VALUES (s.a)',
      ),
    ) as { cases: { kind: string; condition?: unknown }[]; source: { kind: string } };
    expect(merge.cases.map((c) => c.kind)).to.deep.equal(['MergeDelete', 'MergeUpdate', 'MergeInsert']);
    expect(merge.cases.map((c) => c.condition !== undefined)).to.deep.equal([true, false, false]);
    expect(merge.source.kind).to.equal('AliasedRelation');
  });
});
