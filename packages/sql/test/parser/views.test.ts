/** The tree of the view statements: CREATE [OR REPLACE] VIEW, DROP VIEW, SHOW CREATE VIEW. */
import { expect } from 'chai';
import { parseStatement } from '../../src/parser/parser.js';
import { stripLocations } from './helpers.js';

const id = (value: string): unknown => ({ kind: 'Identifier', value, quoted: false });
const shape = (sql: string, expected: Record<string, unknown>): void => {
  expect(stripLocations(parseStatement(sql))).to.deep.include(expected);
};

describe('parser: views', () => {
  it('reads CREATE VIEW with its options, DROP VIEW and SHOW CREATE VIEW', () => {
    shape("CREATE OR REPLACE VIEW s.v (a) COMMENT 'c' SECURITY INVOKER AS SELECT 1", {
      kind: 'CreateView',
      name: [id('s'), id('v')],
      replace: true,
      columns: [id('a')],
      comment: 'c',
      security: 'INVOKER',
    });
    shape('CREATE VIEW v AS SELECT 1', { kind: 'CreateView', replace: false, columns: [] });
    expect(parseStatement('CREATE VIEW v AS SELECT 1')).to.not.have.property('security');
    shape('DROP VIEW IF EXISTS v', { kind: 'DropView', name: [id('v')], ifExists: true });
    shape('DROP VIEW v', { kind: 'DropView', ifExists: false });
    shape('SHOW CREATE VIEW c.s.v', { kind: 'ShowCreateView', view: [id('c'), id('s'), id('v')] });
  });
});
