import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeDdl, parseStatement, planStatement, type Session } from '@quarry/sql';
import { loadCatalogs } from '../src/index.js';

/**
 * DDL runs once a statement is planned. A coordinator that took over a query whose planning had
 * begun under a dead leader plans it again, `resumed`: the DDL may have run already, so it must
 * have its effect once — as IF NOT EXISTS / IF EXISTS would — instead of failing the second time.
 */
describe('DDL planned again after a coordinator failover', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-ddl-'));
  writeFileSync(join(dir, 'memory.properties'), 'connector.name=memory\n');
  const catalogs = loadCatalogs(dir);
  after(() => rmSync(dir, { recursive: true, force: true }));

  const session = (resumed: boolean): Session => ({
    catalog: 'memory',
    schema: 'default',
    properties: {},
    now: new Date(),
    queryId: 'q1',
    ...(resumed ? { resumed: true } : {}),
  });
  // planned, then its DDL run, as the coordinator's query actor does
  const run = async (sql: string, resumed: boolean) => {
    const plan = await planStatement(parseStatement(sql), catalogs, session(resumed), {});
    if (plan.ddl) await executeDdl(plan.ddl, catalogs, session(resumed));
  };
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => (e as { code?: string }).code,
    );

  it('runs CREATE and DROP once when resumed, and fails a plain second run as before', async () => {
    for (const sql of ['create schema memory.s', 'create table memory.s.t (a bigint)']) {
      await run(sql, false);
      expect(await failure(run(sql, false))).to.equal('ALREADY_EXISTS');
      expect(await failure(run(sql, true))).to.equal(undefined);
    }
    expect(await catalogs.get('memory')!.getTable('s', 't')).to.not.equal(undefined);
    await run('drop table memory.s.t', false);
    expect(await failure(run('drop table memory.s.t', false))).to.equal('TABLE_NOT_FOUND');
    expect(await failure(run('drop table memory.s.t', true))).to.equal(undefined);
    await run('drop schema memory.s', false);
    expect(await failure(run('drop schema memory.s', true))).to.equal(undefined);
  });
});
