/** CALL: a connector's procedure with positional or named arguments. */
import { expect } from 'chai';
import { formatSql } from '../../src/parser/index.js';
import { parseStatement } from '../../src/parser/parser.js';
import { errorOf, stripLocations } from './helpers.js';

const id = (value: string): unknown => ({ kind: 'Identifier', value, quoted: false });

describe('parser: CALL', () => {
  it('reads positional and named arguments, and none', () => {
    const positional = stripLocations(parseStatement("CALL lake.system.register_table('s', 't', '/data')"));
    expect(positional).to.deep.include({
      kind: 'Call',
      name: [id('lake'), id('system'), id('register_table')],
    });
    expect((positional as { args: unknown[] }).args).to.have.length(3);
    const named = parseStatement(
      "CALL system.register_table(schema_name => 's', table_location => '/d' || 'x')",
    );
    expect(named.kind === 'Call' && named.args.map((a) => a.name?.value)).to.deep.equal([
      'schema_name',
      'table_location',
    ]);
    expect(named.kind === 'Call' && named.args[1]!.loc).to.deep.include({ line: 1, column: 48 });
    expect(stripLocations(parseStatement('call p()'))).to.deep.include({ kind: 'Call', args: [] });
  });

  it('prints what it reads', () => {
    for (const sql of [
      "CALL lake.system.register_table('s', 't', '/data')",
      "CALL system.unregister_table(schema_name => 's', table_name => 't')",
      'CALL p()',
    ]) {
      expect(formatSql(parseStatement(sql))).to.equal(sql);
      expect(stripLocations(parseStatement(formatSql(parseStatement(sql))))).to.deep.equal(
        stripLocations(parseStatement(sql)),
      );
    }
  });

  it('points at what is wrong, with line and column', () => {
    expect(errorOf(() => parseStatement('CALL')).message).to.include('line 1:5:');
    expect(errorOf(() => parseStatement("CALL p('a',)")).message).to.include('line 1:12:');
    expect(errorOf(() => parseStatement('CALL p(\n  a => )')).message).to.include('line 2:8:');
    expect(errorOf(() => parseStatement('CALL p')).message).to.include(
      "line 1:7: Unexpected end of input; expected one of '(', '.'",
    );
  });
});
