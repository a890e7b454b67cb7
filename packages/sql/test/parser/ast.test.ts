/** The shape of the tree for each construct, as the analyzer will read it. */
import { expect } from 'chai';
import {
  formatSql,
  parseExpression,
  parseStatement,
  type Expression,
  type Node,
  type Query,
  type Select,
  type Statement,
} from '../../src/parser/index.js';
import { stripLocations } from './helpers.js';

const expr = (sql: string): unknown => stripLocations(parseExpression(sql));
const stmt = (sql: string): unknown => stripLocations(parseStatement(sql));
const select = (sql: string): Select => (parseStatement(sql) as Query).body as Select;
const id = (value: string, quoted = false): unknown => ({ kind: 'Identifier', value, quoted });
const col = (...parts: string[]): unknown => ({ kind: 'ColumnRef', parts: parts.map((p) => id(p)) });
const int = (text: string): unknown => ({ kind: 'NumericLiteral', text, numericType: 'integer' });
const str = (value: string): unknown => ({ kind: 'StringLiteral', value });

describe('parser: tree shapes', () => {
  describe('names', () => {
    it('folds unquoted names to lower case and keeps quoted ones', () => {
      expect(expr('MyTable.MyCol')).to.deep.equal(col('mytable', 'mycol'));
      expect(expr('"MyTable"."My ""Col"""')).to.deep.equal({
        kind: 'ColumnRef',
        parts: [id('MyTable', true), id('My "Col"', true)],
      });
    });

    it('lets non-reserved keywords be names but not reserved ones', () => {
      for (const word of [
        'date',
        'year',
        'data',
        'first',
        'last',
        'count',
        'day',
        'comment',
        'schema',
        'tables',
        'value',
        'limit',
      ]) {
        expect(expr(word)).to.deep.equal(col(word));
      }
      expect(() => parseExpression('select')).to.throw(/mismatched input 'select'/);
      expect(() => parseExpression('t.from')).to.throw(/Expecting: <identifier>/);
    });

    it('does not take clause words as aliases without AS', () => {
      const query = parseStatement('SELECT a limit 5') as Query;
      expect(stripLocations((query.body as Select).items)).to.deep.equal([
        { kind: 'SingleColumn', expression: col('a') },
      ]);
      expect(query.limit).to.include({ kind: 'Limit' });
      expect(stripLocations(select('SELECT a FROM t limit 5').from)).to.deep.equal({
        kind: 'Table',
        name: [id('t')],
      });
      expect(stripLocations(select('SELECT a FROM t AS limit').from)).to.deep.include({
        kind: 'AliasedRelation',
        alias: id('limit'),
      });
    });
  });

  describe('literals', () => {
    it('keeps numeric text and kind', () => {
      expect(expr('123')).to.deep.equal(int('123'));
      expect(expr('1.50')).to.deep.equal({ kind: 'NumericLiteral', text: '1.50', numericType: 'decimal' });
      expect(expr('.5')).to.deep.equal({ kind: 'NumericLiteral', text: '.5', numericType: 'decimal' });
      expect(expr('1e3')).to.deep.equal({ kind: 'NumericLiteral', text: '1e3', numericType: 'double' });
      expect(expr('1.5E-2')).to.deep.equal({ kind: 'NumericLiteral', text: '1.5E-2', numericType: 'double' });
      expect(expr('99999999999999999999999999')).to.deep.equal(int('99999999999999999999999999'));
    });

    it('resolves string escapes', () => {
      expect(expr("'it''s'")).to.deep.equal(str("it's"));
      expect(expr("U&'caf\\00E9 \\+01F600 \\\\'")).to.deep.equal(str('café 😀 \\'));
      expect(expr("'multi\nline'")).to.deep.equal(str('multi\nline'));
    });

    it('reads booleans, NULL and typed literals', () => {
      expect(expr('TRUE')).to.deep.equal({ kind: 'BooleanLiteral', value: true });
      expect(expr('null')).to.deep.equal({ kind: 'NullLiteral' });
      expect(expr("DATE '1998-12-01'")).to.deep.equal({
        kind: 'TypedLiteral',
        typeName: 'date',
        value: '1998-12-01',
      });
      expect(expr("timestamp '2020-01-01 10:00'")).to.deep.equal({
        kind: 'TypedLiteral',
        typeName: 'timestamp',
        value: '2020-01-01 10:00',
      });
      expect(expr("DECIMAL '1.2'")).to.deep.equal({
        kind: 'TypedLiteral',
        typeName: 'decimal',
        value: '1.2',
      });
      expect(expr("double precision '1'")).to.deep.equal({
        kind: 'TypedLiteral',
        typeName: 'double',
        value: '1',
      });
    });

    it('reads intervals with sign and fields', () => {
      expect(expr("INTERVAL '90' DAY")).to.deep.equal({
        kind: 'IntervalLiteral',
        value: '90',
        negative: false,
        startField: 'DAY',
      });
      expect(expr("INTERVAL -'2' HOUR")).to.deep.equal({
        kind: 'IntervalLiteral',
        value: '2',
        negative: true,
        startField: 'HOUR',
      });
      expect(expr("INTERVAL '1-2' YEAR TO MONTH")).to.deep.equal({
        kind: 'IntervalLiteral',
        value: '1-2',
        negative: false,
        startField: 'YEAR',
        endField: 'MONTH',
      });
      expect(expr('interval')).to.deep.equal(col('interval'));
    });

    it('reads CURRENT_DATE and friends without parentheses', () => {
      expect(expr('CURRENT_DATE')).to.deep.equal({ kind: 'CurrentDateTime', function: 'CURRENT_DATE' });
      expect(expr('current_timestamp(3)')).to.deep.equal({
        kind: 'CurrentDateTime',
        function: 'CURRENT_TIMESTAMP',
        precision: 3,
      });
      expect(expr('localtimestamp')).to.deep.equal({ kind: 'CurrentDateTime', function: 'LOCALTIMESTAMP' });
    });
  });

  describe('types', () => {
    const typeOf = (type: string): unknown => {
      const e = parseExpression(`CAST(x AS ${type})`);
      return e.kind === 'Cast' ? stripLocations(e.type) : undefined;
    };
    const cases: readonly (readonly [string, string, number[]])[] = [
      ['varchar', 'varchar', []],
      ['VARCHAR(25)', 'varchar', [25]],
      ['char(1)', 'char', [1]],
      ['decimal(15,2)', 'decimal', [15, 2]],
      ['double', 'double', []],
      ['double precision', 'double', []],
      ['real', 'real', []],
      ['int', 'integer', []],
      ['integer', 'integer', []],
      ['bigint', 'bigint', []],
      ['smallint', 'smallint', []],
      ['tinyint', 'tinyint', []],
      ['boolean', 'boolean', []],
      ['date', 'date', []],
      ['timestamp', 'timestamp', []],
      ['timestamp(3)', 'timestamp', [3]],
      ['timestamp(3) without time zone', 'timestamp', [3]],
      ['timestamp with time zone', 'timestamp with time zone', []],
      ['time(6) with time zone', 'time with time zone', [6]],
      ['interval day to second', 'interval day to second', []],
      ['interval year to month', 'interval year to month', []],
    ];
    for (const [written, name, params] of cases) {
      it(`${written} is ${name}${params.length ? `(${params.join(', ')})` : ''}`, () => {
        expect(typeOf(written)).to.deep.equal({ kind: 'TypeName', name, params });
      });
    }
  });

  describe('special forms', () => {
    it('reads CASE, CAST and TRY_CAST', () => {
      expect(expr('CASE x WHEN 1 THEN 2 ELSE 3 END')).to.deep.equal({
        kind: 'Case',
        operand: col('x'),
        whens: [{ kind: 'WhenClause', condition: int('1'), result: int('2') }],
        elseResult: int('3'),
      });
      expect(expr('TRY_CAST(x AS bigint)')).to.deep.include({ kind: 'Cast', safe: true });
    });

    it('reads EXTRACT fields in upper case', () => {
      expect(expr('extract(year FROM d)')).to.deep.equal({
        kind: 'Extract',
        field: 'YEAR',
        operand: col('d'),
      });
      expect(expr('EXTRACT(DOW FROM d)')).to.deep.include({ field: 'DOW' });
    });

    it('desugars substring, position and trim into calls', () => {
      const call = (name: string, ...args: unknown[]): unknown => ({
        kind: 'FunctionCall',
        name: [id(name)],
        args,
        distinct: false,
        star: false,
        orderBy: [],
      });
      expect(expr('substring(c_phone FROM 1 FOR 2)')).to.deep.equal(
        call('substring', col('c_phone'), int('1'), int('2')),
      );
      expect(expr('substring(c_phone, 1, 2)')).to.deep.equal(
        call('substring', col('c_phone'), int('1'), int('2')),
      );
      expect(expr("position('a' IN s)")).to.deep.equal(call('strpos', col('s'), str('a')));
      expect(expr('trim(s)')).to.deep.equal(call('trim', col('s')));
      expect(expr("trim(BOTH 'x' FROM s)")).to.deep.equal(call('trim', col('s'), str('x')));
      expect(expr('trim(LEADING FROM s)')).to.deep.equal(call('ltrim', col('s')));
      expect(expr("trim(TRAILING 'x' FROM s)")).to.deep.equal(call('rtrim', col('s'), str('x')));
    });

    it('reads calls with DISTINCT, *, ORDER BY, FILTER and OVER', () => {
      expect(expr('count(*)')).to.deep.include({ star: true, args: [] });
      expect(expr('count(DISTINCT ps_suppkey)')).to.deep.include({
        distinct: true,
        args: [col('ps_suppkey')],
      });
      const windowed = parseExpression(
        'sum(x) FILTER (WHERE x > 0) OVER (PARTITION BY a ORDER BY b DESC ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)',
      );
      expect(stripLocations(windowed)).to.deep.include({
        filter: { kind: 'BinaryOp', op: '>', left: col('x'), right: int('0') },
        window: {
          kind: 'WindowSpec',
          partitionBy: [col('a')],
          orderBy: [{ kind: 'SortItem', expression: col('b'), ordering: 'DESC' }],
          frame: {
            kind: 'WindowFrame',
            unit: 'ROWS',
            start: { kind: 'FrameBound', type: 'PRECEDING', offset: int('2') },
            end: { kind: 'FrameBound', type: 'CURRENT_ROW' },
          },
        },
      });
      expect(expr('rank() OVER w')).to.deep.include({ window: { kind: 'WindowRef', name: id('w') } });
    });

    it('reads subqueries, EXISTS, IN and quantified comparisons', () => {
      expect(parseExpression('(SELECT 1)').kind).to.equal('Subquery');
      expect(parseExpression('x IN (SELECT 1)')).to.include({ kind: 'InSubquery', negated: false });
      expect(parseExpression('x NOT IN (1, 2)')).to.include({ kind: 'InList', negated: true });
      expect(parseExpression('x >= SOME (SELECT 1)')).to.include({
        kind: 'QuantifiedComparison',
        op: '>=',
        quantifier: 'SOME',
      });
      const notExists = parseExpression('NOT EXISTS (SELECT 1)');
      expect(notExists).to.include({ kind: 'UnaryOp', op: 'NOT' });
      expect(notExists.kind === 'UnaryOp' && notExists.operand.kind).to.equal('Exists');
    });

    it('reads rows and subscripts', () => {
      expect(expr('(1, 2)')).to.deep.equal({ kind: 'Row', items: [int('1'), int('2')] });
      expect(expr('ROW(1)')).to.deep.equal({ kind: 'Row', items: [int('1')] });
      expect(expr('a[1]')).to.deep.equal({ kind: 'Subscript', base: col('a'), index: int('1') });
    });
  });

  describe('queries', () => {
    it('reads the clauses of a SELECT', () => {
      const s = select('SELECT DISTINCT a AS x, t.* FROM t WHERE a > 1 GROUP BY a, 2 HAVING count(*) > 1');
      expect(s.distinct).to.equal(true);
      expect(stripLocations(s.items)).to.deep.equal([
        { kind: 'SingleColumn', expression: col('a'), alias: id('x') },
        { kind: 'AllColumns', qualifier: [id('t')] },
      ]);
      expect(stripLocations(s.groupBy)).to.deep.equal({
        kind: 'GroupBy',
        distinct: false,
        elements: [
          { kind: 'SimpleGrouping', expressions: [col('a')] },
          { kind: 'SimpleGrouping', expressions: [int('2')] },
        ],
      });
      expect(s.having?.kind).to.equal('BinaryOp');
    });

    it('reads grouping sets', () => {
      const s = select('SELECT 1 FROM t GROUP BY ROLLUP (a, (b, c)), GROUPING SETS ((a), ())');
      expect(stripLocations(s.groupBy?.elements)).to.deep.equal([
        { kind: 'GroupingSets', type: 'ROLLUP', sets: [[col('a')], [col('b'), col('c')]] },
        { kind: 'GroupingSets', type: 'EXPLICIT', sets: [[col('a')], []] },
      ]);
    });

    it('reads LIMIT, OFFSET and FETCH', () => {
      const q = parseStatement('SELECT 1 ORDER BY 1 OFFSET 2 ROWS FETCH FIRST 3 ROWS WITH TIES') as Query;
      expect(stripLocations(q.offset)).to.deep.equal({ kind: 'Offset', rowCount: int('2') });
      expect(stripLocations(q.limit)).to.deep.equal({
        kind: 'FetchFirst',
        rowCount: int('3'),
        withTies: true,
      });
      expect(stripLocations((parseStatement('SELECT 1 LIMIT ALL') as Query).limit)).to.deep.equal({
        kind: 'Limit',
        rowCount: 'ALL',
      });
    });

    it('reads VALUES rows as lists of columns', () => {
      expect(stmt("VALUES (1, 'a'), (2, 'b')")).to.deep.include({
        body: {
          kind: 'Values',
          rows: [
            [int('1'), str('a')],
            [int('2'), str('b')],
          ],
        },
      });
      expect(stmt('VALUES 1, 2')).to.deep.include({
        body: { kind: 'Values', rows: [[int('1')], [int('2')]] },
      });
    });

    it('unwraps parentheses around a plain query term', () => {
      expect(stmt('((SELECT 1))')).to.deep.equal(stmt('SELECT 1'));
    });

    it('reads joins with criteria', () => {
      const from = select('SELECT 1 FROM a LEFT JOIN b USING (k)').from;
      expect(stripLocations(from)).to.deep.equal({
        kind: 'Join',
        type: 'LEFT',
        left: { kind: 'Table', name: [id('a')] },
        right: { kind: 'Table', name: [id('b')] },
        criteria: { kind: 'JoinUsing', columns: [id('k')] },
      });
    });
  });

  describe('statements', () => {
    const shape = (sql: string, expected: Record<string, unknown>): void => {
      const statement: Statement = parseStatement(sql);
      expect(stripLocations(statement)).to.deep.include(expected);
    };

    it('reads EXPLAIN', () => {
      shape('EXPLAIN (TYPE IO, FORMAT JSON) SELECT 1', {
        kind: 'Explain',
        analyze: false,
        type: 'IO',
        format: 'JSON',
      });
      shape('EXPLAIN ANALYZE VERBOSE SELECT 1', { kind: 'Explain', analyze: true, verbose: true });
    });

    it('reads SHOW and DESCRIBE', () => {
      shape("SHOW CATALOGS LIKE 't%'", { kind: 'ShowCatalogs', like: 't%' });
      shape('SHOW SCHEMAS FROM tpch', { kind: 'ShowSchemas', catalog: id('tpch') });
      shape('SHOW TABLES FROM tpch.tiny', { kind: 'ShowTables', schema: [id('tpch'), id('tiny')] });
      shape('DESCRIBE lineitem', { kind: 'ShowColumns', table: [id('lineitem')] });
      shape('SHOW SESSION', { kind: 'ShowSession' });
    });

    it('reads session statements', () => {
      shape('SET SESSION a.b = 5', { kind: 'SetSession', name: [id('a'), id('b')], value: int('5') });
      shape('RESET SESSION x', { kind: 'ResetSession', name: [id('x')] });
    });

    it('reads DDL', () => {
      shape('CREATE SCHEMA IF NOT EXISTS s WITH (a = 1)', {
        kind: 'CreateSchema',
        ifNotExists: true,
        properties: [{ kind: 'Property', name: id('a'), value: int('1') }],
      });
      shape('DROP SCHEMA s CASCADE', { kind: 'DropSchema', ifExists: false, cascade: true });
      shape("CREATE TABLE t (a bigint NOT NULL COMMENT 'k', b varchar)", {
        kind: 'CreateTable',
        columns: [
          {
            kind: 'ColumnDefinition',
            name: id('a'),
            type: { kind: 'TypeName', name: 'bigint', params: [] },
            nullable: false,
            comment: 'k',
          },
          {
            kind: 'ColumnDefinition',
            name: id('b'),
            type: { kind: 'TypeName', name: 'varchar', params: [] },
            nullable: true,
          },
        ],
        properties: [],
      });
      shape('CREATE TABLE t (x) AS SELECT 1 WITH NO DATA', {
        kind: 'CreateTableAsSelect',
        columns: [id('x')],
        withData: false,
      });
      shape('DROP TABLE IF EXISTS t', { kind: 'DropTable', ifExists: true });
    });

    it('reads DML', () => {
      shape('INSERT INTO t (a) VALUES (1)', { kind: 'Insert', table: [id('t')], columns: [id('a')] });
      shape('DELETE FROM t WHERE a', { kind: 'Delete', table: [id('t')], where: col('a') });
    });
  });

  it('prints any node, not only statements and expressions', () => {
    const query = parseStatement(
      'SELECT a AS x FROM t JOIN u USING (k) GROUP BY CUBE (a) ORDER BY a DESC NULLS FIRST LIMIT 1',
    ) as Query;
    const body = query.body as Select;
    expect(formatSql(body.items[0] as Node)).to.equal('a AS x');
    expect(formatSql(body.from as Node)).to.equal('t JOIN u USING (k)');
    expect(formatSql(body.groupBy as Node)).to.equal('GROUP BY CUBE (a)');
    expect(formatSql(query.orderBy[0] as Node)).to.equal('a DESC NULLS FIRST');
    expect(formatSql(query.limit as Node)).to.equal('LIMIT 1');
    expect(formatSql(body)).to.equal('SELECT a AS x FROM t JOIN u USING (k) GROUP BY CUBE (a)');
    const cast = parseExpression('CAST(x AS timestamp(3) with time zone)');
    if (cast.kind === 'Cast') expect(formatSql(cast.type)).to.equal('TIMESTAMP(3) WITH TIME ZONE');
  });

  it('accepts comments, mixed case keywords and a trailing semicolon', () => {
    const e: Expression = parseExpression('/* a */ 1 -- b');
    expect(stripLocations(e)).to.deep.equal(int('1'));
    expect(stmt('sElEcT 1 -- x\n;')).to.deep.equal(stmt('SELECT 1'));
  });
});
