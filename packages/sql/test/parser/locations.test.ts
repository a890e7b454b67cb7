/** Every node carries the 1-based line and column of its first token. */
import { expect } from 'chai';
import { parseStatement, type Expression, type Query, type Select } from '../../src/parser/index.js';

const SQL = [
  'SELECT a,', //                         line 1
  '\tsum(b.c) AS total', //               line 2: tab counts as one column
  'FROM t AS b JOIN u ON b.id = u.id', // line 3
  "WHERE b.flag = 'x'", //                line 4
  '  AND (SELECT 1) > 0', //              line 5
  'ORDER BY total DESC', //               line 6
].join('\n');

describe('parser: locations', () => {
  const query = parseStatement(SQL) as Query;
  const select = query.body as Select;

  it('places the query and the SELECT at their first token', () => {
    expect(query.loc).to.deep.equal({ line: 1, column: 1 });
    expect(select.loc).to.deep.equal({ line: 1, column: 1 });
  });

  it('places select items and the parts of a call', () => {
    const [first, second] = select.items;
    expect(first?.loc).to.deep.equal({ line: 1, column: 8 });
    expect(second?.loc).to.deep.equal({ line: 2, column: 2 });
    if (second?.kind !== 'SingleColumn') throw new Error('expected a column');
    expect(second.alias?.loc).to.deep.equal({ line: 2, column: 14 });
    const call = second.expression;
    if (call.kind !== 'FunctionCall') throw new Error('expected a call');
    expect(call.name[0]?.loc).to.deep.equal({ line: 2, column: 2 });
    const arg = call.args[0];
    expect(arg?.loc).to.deep.equal({ line: 2, column: 6 });
    if (arg?.kind !== 'ColumnRef') throw new Error('expected a column reference');
    expect(arg.parts.map((p) => p.loc)).to.deep.equal([
      { line: 2, column: 6 },
      { line: 2, column: 8 },
    ]);
  });

  it('places a column reference on line 3 and the join around it', () => {
    const join = select.from;
    if (join?.kind !== 'Join') throw new Error('expected a join');
    expect(join.loc).to.deep.equal({ line: 3, column: 6 });
    expect(join.left.loc).to.deep.equal({ line: 3, column: 6 });
    expect(join.right.loc).to.deep.equal({ line: 3, column: 18 });
    const criteria = join.criteria;
    if (criteria?.kind !== 'JoinOn') throw new Error('expected ON');
    expect(criteria.loc).to.deep.equal({ line: 3, column: 20 });
    const condition = criteria.condition;
    if (condition.kind !== 'BinaryOp') throw new Error('expected =');
    expect(condition.loc).to.deep.equal({ line: 3, column: 23 });
    expect(condition.right.loc).to.deep.equal({ line: 3, column: 30 });
  });

  it('places a binary operator at its left operand and a subquery at its parenthesis', () => {
    const where = select.where as Expression;
    expect(where.loc).to.deep.equal({ line: 4, column: 7 });
    if (where.kind !== 'BinaryOp') throw new Error('expected AND');
    expect(where.right.loc).to.deep.equal({ line: 5, column: 7 });
    if (where.right.kind !== 'BinaryOp') throw new Error('expected >');
    expect(where.right.left).to.include({ kind: 'Subquery' });
    const literal = where.left.kind === 'BinaryOp' ? where.left.right : undefined;
    expect(literal?.loc).to.deep.equal({ line: 4, column: 16 });
  });

  it('places ORDER BY items', () => {
    expect(query.orderBy[0]?.loc).to.deep.equal({ line: 6, column: 10 });
  });

  it('counts \\r\\n and \\r as one line break each', () => {
    const crlf = parseStatement('SELECT\r\n1,\r2') as Query;
    const items = (crlf.body as Select).items;
    expect(items.map((item) => item.loc)).to.deep.equal([
      { line: 2, column: 1 },
      { line: 3, column: 1 },
    ]);
  });

  it('places a negative literal at its minus sign', () => {
    const q = parseStatement('SELECT  -  5') as Query;
    expect((q.body as Select).items[0]?.loc).to.deep.equal({ line: 1, column: 9 });
  });
});
