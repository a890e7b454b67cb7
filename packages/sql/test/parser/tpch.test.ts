import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseStatement, type Query, type Select } from '../../src/parser/index.js';
import { roundTripStatement } from './helpers.js';

const QUERY_DIR = new URL('../../../../testdata/tpch/queries/', import.meta.url);
const files = readdirSync(QUERY_DIR)
  .filter((name) => name.endsWith('.sql'))
  .sort();

describe('parser: TPC-H queries', () => {
  it('finds all 22 queries', () => {
    expect(files).to.have.length(22);
  });

  for (const file of files) {
    const sql = readFileSync(new URL(file, QUERY_DIR), 'utf8');
    it(`${file} parses to a query and round-trips through the printer`, () => {
      const statement = parseStatement(sql);
      expect(statement.kind).to.equal('Query');
      roundTripStatement(sql);
    });
  }

  it('reads q13 with its LEFT OUTER JOIN and column aliases', () => {
    const query = parseStatement(readFileSync(new URL('q13.sql', QUERY_DIR), 'utf8')) as Query;
    const select = query.body as Select;
    expect(select.from?.kind).to.equal('AliasedRelation');
    if (select.from?.kind !== 'AliasedRelation') return;
    expect(select.from.alias.value).to.equal('c_orders');
    expect(select.from.columns.map((c) => c.value)).to.deep.equal(['c_custkey', 'c_count']);
    const inner = select.from.relation;
    expect(inner.kind).to.equal('SubqueryRelation');
    if (inner.kind !== 'SubqueryRelation') return;
    const join = (inner.query.body as Select).from;
    expect(join).to.include({ kind: 'Join', type: 'LEFT' });
    expect(query.orderBy.map((item) => item.ordering)).to.deep.equal(['DESC', 'DESC']);
  });

  it('reads q15 with its WITH clause', () => {
    const query = parseStatement(readFileSync(new URL('q15.sql', QUERY_DIR), 'utf8')) as Query;
    expect(query.with.map((w) => w.name.value)).to.deep.equal(['revenue0']);
  });
});
