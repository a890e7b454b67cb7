import { expect } from 'chai';
import { isBlank, splitStatements } from '../src/shell/split.js';

describe('splitting a script into statements', () => {
  it('cuts at each ; and keeps the line each statement starts on', () => {
    const { statements, rest } = splitStatements('select 1;\n\n  select\n  2 ;select 3');
    expect(statements).to.deep.equal([
      { sql: 'select 1', line: 1 },
      { sql: 'select\n  2', line: 3 },
    ]);
    expect(rest).to.equal('select 3');
  });

  it('ignores ; inside strings, quoted identifiers and comments', () => {
    const text = `select 'a;''b' as "x;y" -- one; two\nfrom t /* ; */;select 2;`;
    expect(splitStatements(text).statements.map((s) => s.sql)).to.deep.equal([
      `select 'a;''b' as "x;y" -- one; two\nfrom t /* ; */`,
      'select 2',
    ]);
  });

  it('leaves out empty statements and knows an unfinished string is not blank', () => {
    expect(splitStatements(';; -- nothing\n;').statements).to.deep.equal([]);
    const open = splitStatements("select 'a;");
    expect(open.statements).to.deep.equal([]);
    expect(open.rest).to.equal("select 'a;");
    expect(isBlank('  -- c\n /* d */ ')).to.equal(true);
    expect(isBlank("'-- not a comment'")).to.equal(false);
  });
});
