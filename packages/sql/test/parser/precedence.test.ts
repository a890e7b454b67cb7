/** Operator precedence and associativity, checked against explicitly parenthesized forms. */
import { expect } from 'chai';
import { parseExpression, parseStatement, type Query, type SetOperation } from '../../src/parser/index.js';
import { stripLocations } from './helpers.js';

/** [expression, the same with Trino's grouping made explicit] */
const SAME_AS: readonly (readonly [string, string])[] = [
  ['a OR b AND c', 'a OR (b AND c)'],
  ['a AND b OR c', '(a AND b) OR c'],
  ['a OR b OR c', '(a OR b) OR c'],
  ['NOT a = b', 'NOT (a = b)'],
  ['NOT a AND b', '(NOT a) AND b'],
  ['NOT a IS NULL', 'NOT (a IS NULL)'],
  ['-a * b', '(-a) * b'],
  ['-a.b', '-(a.b)'],
  ['a + b * c', 'a + (b * c)'],
  ['a * b + c', '(a * b) + c'],
  ['a - b - c', '(a - b) - c'],
  ['a / b * c % d', '((a / b) * c) % d'],
  // In Trino's grammar `||` binds looser than + and -.
  ['a || b + c', 'a || (b + c)'],
  ['a + b || c', '(a + b) || c'],
  ['a || b || c', '(a || b) || c'],
  ['a || b = c', '(a || b) = c'],
  ['x BETWEEN 1 AND 2 AND y', '(x BETWEEN 1 AND 2) AND y'],
  ['x BETWEEN a + 1 AND b * 2', 'x BETWEEN (a + 1) AND (b * 2)'],
  ['a = b AND c = d', '(a = b) AND (c = d)'],
  ['a + 1 < b * 2', '(a + 1) < (b * 2)'],
  ['a IN (1, 2) OR b LIKE c', '(a IN (1, 2)) OR (b LIKE c)'],
  ['a + 1 IS NOT NULL', '(a + 1) IS NOT NULL'],
  ["-a AT TIME ZONE 'UTC'", "-(a AT TIME ZONE 'UTC')"],
  ["a + b AT TIME ZONE 'UTC'", "a + (b AT TIME ZONE 'UTC')"],
  ['-a[1]', '-(a[1])'],
  ['NOT EXISTS (SELECT 1) OR x', '(NOT EXISTS (SELECT 1)) OR x'],
  ['CASE WHEN a THEN b END + 1', '(CASE WHEN a THEN b END) + 1'],
];

describe('parser: precedence', () => {
  for (const [sql, explicit] of SAME_AS) {
    it(`${sql}  ≡  ${explicit}`, () => {
      expect(stripLocations(parseExpression(sql))).to.deep.equal(stripLocations(parseExpression(explicit)));
    });
  }

  it('reads a OR b AND c as OR at the top', () => {
    const e = parseExpression('a OR b AND c');
    expect(e).to.include({ kind: 'BinaryOp', op: 'OR' });
    if (e.kind === 'BinaryOp') expect(e.right).to.include({ kind: 'BinaryOp', op: 'AND' });
  });

  it('folds a minus sign into a numeric literal but keeps it on names', () => {
    expect(parseExpression('-5')).to.include({ kind: 'NumericLiteral', text: '-5', numericType: 'integer' });
    expect(parseExpression('- 2.5e1')).to.include({
      kind: 'NumericLiteral',
      text: '-2.5e1',
      numericType: 'double',
    });
    expect(parseExpression('-x')).to.include({ kind: 'UnaryOp', op: '-' });
    expect(parseExpression('+5')).to.include({ kind: 'UnaryOp', op: '+' });
  });

  it('takes at most one predicate per value, as Trino does', () => {
    expect(() => parseExpression('a = b = c')).to.throw(/mismatched input '='/);
    expect(() => parseExpression('a = NOT b')).to.throw(/mismatched input 'NOT'/);
    expect(() => parseExpression('a IS NULL IS NULL')).to.throw(/mismatched input 'IS'/);
  });

  it('binds INTERSECT tighter than UNION and EXCEPT, all left-associative', () => {
    const body = (sql: string): SetOperation => (parseStatement(sql) as Query).body as SetOperation;
    const a = body('SELECT 1 UNION SELECT 2 INTERSECT SELECT 3');
    expect(a.op).to.equal('UNION');
    expect(a.right).to.include({ kind: 'SetOperation', op: 'INTERSECT' });
    const b = body('SELECT 1 INTERSECT SELECT 2 UNION SELECT 3');
    expect(b.op).to.equal('UNION');
    expect(b.left).to.include({ kind: 'SetOperation', op: 'INTERSECT' });
    const c = body('SELECT 1 EXCEPT SELECT 2 UNION ALL SELECT 3');
    expect(c).to.include({ op: 'UNION', distinct: false });
    expect(c.left).to.include({ kind: 'SetOperation', op: 'EXCEPT', distinct: true });
    const d = body('SELECT 1 EXCEPT (SELECT 2 EXCEPT SELECT 3)');
    expect(d.right).to.include({ kind: 'SetOperation', op: 'EXCEPT' });
  });

  it('applies ORDER BY and LIMIT after a set operation to the whole', () => {
    const query = parseStatement('SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 LIMIT 3') as Query;
    expect(query.body.kind).to.equal('SetOperation');
    expect(query.orderBy).to.have.length(1);
    expect(query.limit).to.include({ kind: 'Limit' });
  });

  it('keeps ORDER BY and LIMIT inside parentheses with their own query term', () => {
    const query = parseStatement('(SELECT a FROM t ORDER BY a LIMIT 1) UNION SELECT b FROM u') as Query;
    expect(query.orderBy).to.have.length(0);
    const body = query.body as SetOperation;
    expect(body.left.kind).to.equal('Query');
    if (body.left.kind === 'Query') expect(body.left.limit).to.include({ kind: 'Limit' });
  });

  it('makes commas in FROM looser than joins', () => {
    const query = parseStatement('SELECT * FROM a, b JOIN c ON true') as Query;
    const from = query.body.kind === 'Select' ? query.body.from : undefined;
    expect(from).to.include({ kind: 'Join', type: 'IMPLICIT' });
    if (from?.kind === 'Join') expect(from.right).to.include({ kind: 'Join', type: 'INNER' });
  });
});
