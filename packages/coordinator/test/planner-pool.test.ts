import { expect } from 'chai';
import { QuarryError, silentLogger } from '@quarry/common';
import { loadCatalogs } from '@quarry/connectors';
import { PlannerPool } from '@quarry/coordinator';
import {
  MapCatalogRegistry,
  executeDdl,
  parseStatement,
  planStatement,
  VARCHAR,
  type CatalogRegistry,
  type Connector,
  type ProcedureCall,
  type ProcedureConnector,
  type Session,
} from '@quarry/sql';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SESSION: Session = {
  catalog: 'tpch',
  schema: 'tiny',
  properties: {},
  now: new Date('2026-12-07T10:00:00Z'),
  queryId: 'q_pool',
  retryPolicy: 'NONE',
};

/** `select … where l_orderkey in (0, 1, …)` with `n` values: seconds of parsing and planning. */
function hugeInList(n: number): string {
  return `select count(*) from lineitem where l_orderkey in (${Array.from({ length: n }, (_, i) => i).join(', ')})`;
}

async function rejection(p: Promise<unknown>): Promise<QuarryError> {
  try {
    await p;
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(QuarryError);
    return e as QuarryError;
  }
  throw new Error('expected the promise to reject');
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The coordinator's planner threads: statements are parsed and planned off the main thread, with
 * the main thread's catalogs; errors come back as the same QuarryError; a thread that dies or is
 * stopped fails only its statement and is replaced.
 */
describe('planner threads', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'quarry-planner-'));
  writeFileSync(join(dir, 'mem.properties'), 'connector.name=memory\n');
  const catalogs = loadCatalogs(dir);
  let pool: PlannerPool;

  before(() => {
    pool = new PlannerPool({ size: 2, heapMb: 256, catalogs, logger: silentLogger() });
  });

  after(async () => {
    await pool?.close();
    await catalogs.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plans as the main thread does', async () => {
    for (const sql of [
      'select n_name, count(*) from nation join region on n_regionkey = r_regionkey group by 1 order by 2 desc',
      "select l_returnflag, sum(l_quantity) from lineitem where l_shipdate < date '1995-01-01' group by 1",
      'show tables',
      'explain select 1',
    ]) {
      const inThread = await pool.plan({ sql, session: SESSION });
      const onMain = await planStatement(parseStatement(sql), catalogs, SESSION);
      expect(inThread, sql).to.deep.equal(onMain);
    }
  });

  it('brings errors back unchanged: code, type, message and line:column', async () => {
    for (const sql of [
      'select l_orderkey\nfrom lineitem\nwher l_orderkey = 1',
      'select n_name,\n  n_population\nfrom nation',
      'select * from nope.tiny.nation',
    ]) {
      const inThread = await rejection(pool.plan({ sql, session: SESSION }));
      const onMain = await rejection((async () => planStatement(parseStatement(sql), catalogs, SESSION))());
      expect(inThread.toData().stack).to.be.a('string');
      const { stack: _a, ...thread } = inThread.toData();
      const { stack: _b, ...main } = onMain.toData();
      expect(thread, sql).to.deep.equal(main);
      expect(inThread.location, sql).to.not.equal(undefined);
      expect(inThread.message).to.match(/^line \d+:\d+: /);
    }
  });

  it("brings a connector's error on the main thread back through the planner thread", async () => {
    const failing: Connector = {
      connectorName: 'failing',
      listSchemas: async () => ['s'],
      schemaExists: async () => true,
      listTables: async () => ['t'],
      getTable: async () => {
        throw new QuarryError('STORAGE_UNAVAILABLE', 'Bucket b does not exist (endpoint http://s3)');
      },
      splits: async () => [],
      pageSource: () => {
        throw new Error('not used');
      },
    };
    const registry: CatalogRegistry = new MapCatalogRegistry([['broken', failing]]);
    const own = new PlannerPool({ size: 1, heapMb: 128, catalogs: registry, logger: silentLogger() });
    try {
      const e = await rejection(own.plan({ sql: 'select * from broken.s.t', session: SESSION }));
      expect(e.code).to.equal('STORAGE_UNAVAILABLE');
      expect(e.type).to.equal('EXTERNAL');
      expect(e.message).to.include('Bucket b does not exist (endpoint http://s3)');
    } finally {
      await own.close();
    }
  });

  it("plans DDL to a command that changes nothing until run on the main thread's catalog", async () => {
    const memory = catalogs.get('mem')!;
    const run = async (sql: string) => {
      const plan = await pool.plan({ sql, session: SESSION });
      expect(plan.ddl, sql).to.not.equal(undefined);
      return plan.ddl!;
    };
    const schema = await run('create schema mem.s1');
    expect(await memory.schemaExists('s1'), 'planned, not run').to.equal(false);
    await executeDdl(schema, catalogs, SESSION);
    const table = await run('create table mem.s1.t (a bigint, b varchar)');
    expect(await memory.listTables('s1'), 'planned, not run').to.deep.equal([]);
    await executeDdl(table, catalogs, SESSION);
    expect(await memory.listTables('s1')).to.deep.equal(['t']);
    const again = await rejection(
      executeDdl(await run('create table mem.s1.t (a bigint)'), catalogs, SESSION),
    );
    expect(again.code).to.equal('ALREADY_EXISTS');
    expect(again.message).to.match(/^line 1:14: /);
  });

  it('plans CALL to a command: the procedure runs when the command does, with the query id', async () => {
    const calls: ProcedureCall[] = [];
    const withProcedure: Connector & ProcedureConnector = {
      connectorName: 'noting',
      listSchemas: async () => ['system'],
      schemaExists: async () => true,
      listTables: async () => [],
      getTable: async () => undefined,
      splits: async () => [],
      pageSource: () => {
        throw new Error('not used');
      },
      procedures: [
        { schema: 'system', name: 'note', parameters: [{ name: 'text', type: VARCHAR, required: true }] },
      ],
      callProcedure: async (c) => void calls.push(c),
    };
    const registry: CatalogRegistry = new MapCatalogRegistry([['noting', withProcedure]]);
    const own = new PlannerPool({ size: 1, heapMb: 128, catalogs: registry, logger: silentLogger() });
    try {
      const plan = await own.plan({ sql: "call noting.system.note(text => 'hi')", session: SESSION });
      expect(calls, 'planned, not run').to.deep.equal([]);
      await executeDdl(plan.ddl!, registry, SESSION);
      expect(calls).to.deep.equal([{ schema: 'system', name: 'note', args: ['hi'], queryId: 'q_pool' }]);
    } finally {
      await own.close();
    }
  });

  it('plans a 1 000-branch UNION within the stage limit, or refuses it with QUERY_TOO_COMPLEX', async () => {
    const sql = Array.from({ length: 1_000 }, (_, i) => `select n_name, ${i} from nation`).join(
      ' union all ',
    );
    const e = await rejection(pool.plan({ sql, session: SESSION }));
    expect(e.code, e.message).to.equal('QUERY_TOO_COMPLEX');
    expect(e.type).to.equal('USER_ERROR');
    const plan = await pool.plan({ sql, session: SESSION, maxStageCount: 2_000 });
    expect(plan.fragments).to.have.length(1_002);
  });

  it('plans several statements at once', async () => {
    const heavy = [
      pool.plan({ sql: hugeInList(20_000), session: SESSION }),
      pool.plan({ sql: hugeInList(20_000), session: SESSION }),
    ];
    await until(() => pool.busy === 2, 'both threads busy');
    const plans = await Promise.all(heavy);
    expect(plans).to.have.length(2);
  });

  it('stops planning when the job is aborted: its thread is terminated and replaced', async () => {
    const restarts = pool.restarts;
    const controller = new AbortController();
    const heavy = pool.plan({ sql: hugeInList(100_000), session: SESSION, signal: controller.signal });
    await until(() => pool.busy > 0, 'the job to start');
    const reason = new QuarryError(
      'EXCEEDED_TIME_LIMIT',
      'Query exceeded the maximum planning time limit of 0.10s',
    );
    controller.abort(reason);
    expect(await rejection(heavy)).to.equal(reason);
    await until(() => pool.restarts === restarts + 1, 'the thread to be replaced');
    expect((await pool.plan({ sql: 'select 1', session: SESSION })).fragments).to.have.length(1);
  });

  it('fails only the statement whose thread ran out of memory, and replaces the thread', async () => {
    const small = new PlannerPool({ size: 2, heapMb: 32, catalogs, logger: silentLogger() });
    try {
      const doomed = small.plan({ sql: hugeInList(100_000), session: SESSION });
      const fine = small.plan({ sql: 'select count(*) from nation', session: SESSION });
      const e = await rejection(doomed);
      expect(e.code, e.message).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
      expect(e.message).to.include('coordinator.planner-heap-size');
      expect((await fine).fragments.length).to.be.greaterThan(0);
      await until(() => small.restarts === 1, 'the thread to be let go');
      expect((await small.plan({ sql: 'select 1', session: SESSION })).fragments).to.have.length(1);
    } finally {
      await small.close();
    }
  });
});
