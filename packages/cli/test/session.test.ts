import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { renderErrorLocation } from '../src/shell/caret.js';
import { ShellSession, parseSessionStatement } from '../src/shell/session.js';

describe("the shell's session statements", () => {
  it('reads USE, SET SESSION and RESET SESSION, lower-casing unquoted names', () => {
    expect(parseSessionStatement('USE tpch.Tiny')).to.deep.equal({
      kind: 'use',
      catalog: 'tpch',
      schema: 'tiny',
    });
    expect(parseSessionStatement('use "My Schema"')).to.deep.equal({ kind: 'use', schema: 'My Schema' });
    expect(parseSessionStatement("SET SESSION query_max_run_time = '10m'")).to.deep.equal({
      kind: 'set',
      name: 'query_max_run_time',
      value: '10m',
    });
    expect(parseSessionStatement('set session lake.target_file_size = -1.5e3')).to.deep.equal({
      kind: 'set',
      name: 'lake.target_file_size',
      value: -1500,
    });
    expect(parseSessionStatement('SET SESSION spill_enabled = TRUE -- on')).to.deep.equal({
      kind: 'set',
      name: 'spill_enabled',
      value: true,
    });
    expect(parseSessionStatement('RESET SESSION spill_enabled')).to.deep.equal({
      kind: 'reset',
      name: 'spill_enabled',
    });
    expect(parseSessionStatement('select 1')).to.equal(undefined);
    expect(parseSessionStatement('SHOW SESSION')).to.equal(undefined);
    expect(parseSessionStatement('SET TIME ZONE LOCAL')).to.equal(undefined);
  });

  it('refuses a malformed one with a syntax error at its line and column', () => {
    const error = (sql: string) => {
      try {
        parseSessionStatement(sql);
      } catch (e) {
        return e as QuarryError;
      }
      throw new Error(`'${sql}' was accepted`);
    };
    const missing = error('SET SESSION x 5');
    expect(missing).to.be.instanceOf(QuarryError);
    expect(missing.code).to.equal('SYNTAX_ERROR');
    expect(missing.message).to.equal("line 1:15: mismatched input '5': expected '='");
    expect(error('USE a.b.c').message).to.equal(
      "line 1:8: mismatched input '.': expected the end of the statement",
    );
    expect(error('SET SESSION\n  x = now()').location).to.deep.equal({ line: 2, column: 7 });
    expect(error("SET SESSION catalog = 'x'").message).to.match(/'catalog' is set with USE/);
    expect(error('RESET SESSION "a b"').message).to.match(/Session property name 'a b' must be/);
    expect(error("SET SESSION x = 'open").message).to.equal('line 1:17: unterminated string');
    expect(error('USE').message).to.equal('line 1:4: expected an identifier at the end of the statement');
  });

  it('carries catalog, schema and properties on each submission', () => {
    const session = new ShellSession({ properties: { retry_policy: 'TASK' } });
    session.apply({ kind: 'use', catalog: 'tpch', schema: 'tiny' });
    session.apply({ kind: 'use', schema: 'sf1' });
    session.apply({ kind: 'set', name: 'hash_partition_count', value: 4 });
    expect(session.toSubmit()).to.deep.equal({
      retry_policy: 'TASK',
      hash_partition_count: 4,
      catalog: 'tpch',
      schema: 'sf1',
    });
    session.apply({ kind: 'reset', name: 'retry_policy' });
    expect(session.toSubmit()).to.deep.equal({ hash_partition_count: 4, catalog: 'tpch', schema: 'sf1' });
  });

  it('puts a caret under the error position', () => {
    expect(renderErrorLocation('select x\nfrom t\nwhere y', { line: 2, column: 6 })).to.equal(
      'select x\nfrom t\n     ^\nwhere y',
    );
    expect(renderErrorLocation('\tselect x', { line: 1, column: 9 })).to.equal('\tselect x\n\t       ^');
    expect(renderErrorLocation('select 1', { line: 3, column: 1 })).to.equal('select 1');
    expect(renderErrorLocation('select 1', undefined)).to.equal('select 1');
  });
});
