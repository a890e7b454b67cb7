import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { arrange, firstDifference, storedForm } from './compare.js';
import { hasTopLevelOrderBy, parseSqlFile, rewriteFile } from './format.js';
import { formatRow, intervalText, mismatch, parseRow } from './values.js';

/** The differential harness itself: its data files, its rules, and that it fails on a wrong row. */
describe('SQL cases harness', () => {
  it('reads back every stored value as written, quoted where it must be', () => {
    const row = ['a', '', 'NULL', ' x', 'y|z', '"q"', null, '1.50', '😀'];
    expect(formatRow(row)).to.equal('a|""|"NULL"|" x"|"y|z"|"\\"q\\""|NULL|1.50|😀');
    expect(parseRow(formatRow(row))).to.deep.equal(row);
  });

  it('compares by the column type', () => {
    expect(mismatch('decimal(10,2)', '1.50', '1.5')).to.equal(undefined);
    expect(mismatch('decimal(10,2)', '1.51', '1.5')).to.not.equal(undefined);
    // DuckDB's double average, rounded half up to the column's scale (0.015 → 0.02)
    expect(mismatch('decimal(3,2)', '0.02', '0.015', { fromDouble: true })).to.equal(undefined);
    expect(mismatch('decimal(3,2)', '0.01', '0.015', { fromDouble: true })).to.not.equal(undefined);
    expect(mismatch('double', '0.30000000000000004', '0.3')).to.equal(undefined);
    expect(mismatch('double', '0.3001', '0.3')).to.not.equal(undefined);
    expect(mismatch('bigint', '9007199254740993', '9007199254740992')).to.not.equal(undefined);
    expect(mismatch('date', '2020-02-29', '2020-02-29 00:00:00')).to.equal(undefined);
    expect(mismatch('timestamp(3)', '2020-01-01 00:00:00.000', '2020-01-01 00:00:00')).to.equal(undefined);
    expect(mismatch('integer', null, '0')).to.not.equal(undefined);
  });

  it('prints DuckDB intervals as Trino does', () => {
    expect(intervalText({ months: 0, days: 1, micros: '7200000000' })).to.equal('1 02:00:00.000');
    expect(intervalText({ months: -1, days: 0, micros: '0' })).to.equal('-0-1');
    expect(intervalText({ months: 0, days: -2, micros: '-43200000000' })).to.equal('-2 12:00:00.000');
  });

  it('finds the first differing row, in order or as multisets', () => {
    const types = ['integer', 'varchar'];
    const expected = [
      ['1', 'a'],
      ['2', 'b'],
    ];
    expect(firstDifference(types, [expected[1]!, expected[0]!], expected)?.row).to.equal(0);
    const sorted = arrange(types, [expected[1]!, expected[0]!], expected, { ordered: false });
    expect(firstDifference(types, sorted.got, sorted.expected)).to.equal(undefined);
    expect(
      firstDifference(
        types,
        [
          ['1', 'a'],
          ['2', 'B'],
        ],
        expected,
      ),
    ).to.deep.include({ row: 1, column: 1 });
    expect(firstDifference(types, [['1', 'a']], expected)).to.deep.include({ row: 1, column: -1 });
  });

  it('sees only the outermost ORDER BY', () => {
    expect(hasTopLevelOrderBy('select a from t order by a')).to.equal(true);
    expect(hasTopLevelOrderBy('select row_number() over (order by a) from t')).to.equal(false);
    expect(hasTopLevelOrderBy("select 'order by' from (select a from t order by a limit 1)")).to.equal(false);
  });

  it('parses a data file and rewrites only the DuckDB results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sql-cases-'));
    try {
      const path = join(dir, 'x.sql');
      writeFileSync(
        path,
        [
          '-- session retry_policy=TASK',
          '-- task-memory 256kB',
          '# a comment',
          'query one',
          'select 1',
          '',
          'query two unordered skip: not today',
          'select 2',
          '---- duckdb',
          'select 2 as x',
          '---- result',
          'old',
          '',
          'query three',
          'select 1/0',
          '---- error DIVISION_BY_ZERO at 1:9 : Division by zero',
          '',
          'query four',
          'select 4',
          '---- trino: because',
          '4',
          '',
        ].join('\n'),
      );
      const file = parseSqlFile(path);
      expect(file.session).to.deep.equal({ retry_policy: 'TASK' });
      expect(file.taskMemory).to.equal('256kB');
      const [one, two, three, four] = file.cases;
      expect(one).to.deep.include({ name: 'one', sql: 'select 1', ordered: false, skip: undefined });
      expect(two).to.deep.include({ name: 'two', duckdbSql: 'select 2 as x', skip: 'not today' });
      expect(three!.expect).to.deep.equal({
        kind: 'error',
        code: 'DIVISION_BY_ZERO',
        at: '1:9',
        fragment: 'Division by zero',
      });
      expect(four!.expect).to.deep.equal({ kind: 'trino', reason: 'because', rows: ['4'] });
      const rewritten = rewriteFile(
        file,
        new Map([
          [one!, storedForm([['1']], true)],
          [two!, storedForm([['2']], false)],
        ]),
      );
      expect(rewritten).to.equal(
        [
          '-- session retry_policy=TASK',
          '-- task-memory 256kB',
          '# a comment',
          'query one',
          'select 1',
          '---- result',
          '1',
          '',
          'query two unordered skip: not today',
          'select 2',
          '---- duckdb',
          'select 2 as x',
          '---- result',
          '2',
          '',
          'query three',
          'select 1/0',
          '---- error DIVISION_BY_ZERO at 1:9 : Division by zero',
          '',
          'query four',
          'select 4',
          '---- trino: because',
          '4',
          '',
        ].join('\n'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads statement cases: they must succeed or fail as told, and make the file run in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sql-cases-'));
    try {
      const path = join(dir, 'x.sql');
      const write = (lines: string[]) => writeFileSync(path, lines.join('\n'));
      write([
        'statement make',
        'create view v as select 1 as a',
        '',
        'statement again',
        'create view v as select 1 as a',
        '---- error ALREADY_EXISTS',
        '',
        'query read',
        'select * from v',
      ]);
      const file = parseSqlFile(path);
      expect(file.sequential).to.equal(true);
      expect(file.cases.map((c) => [c.kind, c.name, c.expect.kind])).to.deep.equal([
        ['statement', 'make', 'ok'],
        ['statement', 'again', 'error'],
        ['query', 'read', 'duckdb'],
      ]);
      write(['query only', 'select 1']);
      expect(parseSqlFile(path).sequential).to.equal(false);
      write(['statement bad', 'create view v as select 1 as a', '---- result', '1']);
      expect(() => parseSqlFile(path)).to.throw(/statement bad takes no result/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stores a large result as its count and hash', () => {
    const rows = Array.from({ length: 41 }, (_, i) => [String(i)]);
    expect(storedForm(rows, true)).to.have.length(1);
    expect(storedForm(rows, true)[0]).to.match(/^\(41 rows, sha256 [0-9a-f]{16}\)$/);
  });
});
