import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { QuarryError, randomSuffix } from '@quarry/common';
import type { LocalCluster } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import type { QueryEvent } from '@quarry/protocol';
import {
  EventCollector,
  startInProcessCluster,
  startProcessCluster,
  type InProcessCluster,
} from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

const TASK = { retry_policy: 'TASK' };

/** A catalog directory: `lake` (a local root, small files so a table has many), `memory`. */
function catalogDir(): { dir: string; lakeRoot: string } {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-rowwrites-'));
  const lakeRoot = join(dir, 'warehouse');
  mkdirSync(lakeRoot);
  writeFileSync(
    join(dir, 'lake.properties'),
    `connector.name=lake\nlake.root=${lakeRoot}\nlake.parquet.row-group-rows=1000\nlake.target-max-file-size=32kB\n` +
      `lake.external-location-prefixes=${join(dir, 'own')}\n`,
  );
  writeFileSync(join(dir, 'memory.properties'), 'connector.name=memory\n');
  return { dir, lakeRoot };
}

/** The data files the table's current version lists (paths relative to the table's directory). */
function currentFiles(lakeRoot: string, schema: string, table: string): string[] {
  const dir = join(lakeRoot, schema, table);
  const versions = readdirSync(dir)
    .map((f) => /^v(\d+)\.metadata\.json$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  const latest = JSON.parse(readFileSync(join(dir, `v${Math.max(...versions)}.metadata.json`), 'utf8')) as {
    files: { path: string }[];
  };
  return latest.files.map((f) => f.path).sort();
}

/**
 * Row-level writes (issue 15, point 3): DELETE and UPDATE on lake tables, copy-on-write, run under
 * retry policy TASK with writer attempts failing after they wrote their files (injected at commit of
 * the task): the table afterwards holds exactly the rows DuckDB computes from the same data with the
 * same statements, the result is the count of rows deleted or updated, and only files with a changed
 * row are rewritten. Bad statements fail with clear errors at their line and column.
 */
describe('row-level writes (DELETE, UPDATE) on the lake', function () {
  this.timeout(120_000);
  const { dir, lakeRoot } = catalogDir();
  let cluster: InProcessCluster;
  let duck: DuckDBConnection;

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      coordinator: { catalogDir: dir },
      worker: {
        catalogDir: dir,
        // the first attempt of every writer task fails once its files are written
        failureInjection: parseFailureInjection(
          'query=rfail_,stage=1,attempt=0,when=commit,action=EXTERNAL;query=slow_,stage=1,when=commit,action=DELAY,ms=1500',
        ),
      },
    });
    duck = await (await DuckDBInstance.create(':memory:')).connect();
    await cluster.client.query('create schema lake.rw');
  });

  after(async () => {
    duck?.closeSync();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const q = (sql: string, session: Record<string, string> = {}, queryId?: string) =>
    cluster.client.query(sql, { session, ...(queryId ? { queryId } : {}) });
  let lastFailing = '';
  const failing = (sql: string) => q(sql, TASK, (lastFailing = `rfail_${randomSuffix(6)}`));
  const err = async (sql: string) => {
    const e = (await q(sql).catch((x: unknown) => x)) as QuarryError;
    expect(e, sql).to.be.instanceOf(QuarryError);
    return `${e.code}: ${e.message}`;
  };

  /** Copies the lake table's current rows into a DuckDB table of the same name. */
  async function mirror(table: string): Promise<void> {
    const files = currentFiles(lakeRoot, 'rw', table).map((f) => `'${join(lakeRoot, 'rw', table, f)}'`);
    await duck.run(`create or replace table ${table} as select * from read_parquet([${files.join(', ')}])`);
  }

  /** Row count and order-free checksums of both sides' tables. */
  async function expectSameAsDuckDB(table: string, checksum: string): Promise<void> {
    const ours = await q(`select ${checksum} from lake.rw.${table}`);
    const theirs = (await duck.runAndReadAll(`select ${checksum} from ${table}`)).getRows()[0]!;
    expect(ours.rows[0]!.map(String)).to.deep.equal(theirs.map(String));
  }

  async function both(table: string, statement: string): Promise<void> {
    const r = await failing(
      statement.replaceAll('$t', `lake.rw.${table}`).replaceAll('$s', 'lake.rw.changes'),
    );
    const d = (
      await duck.runAndReadAll(statement.replaceAll('$t', table).replaceAll('$s', 'changes'))
    ).getRows()[0]!;
    expect(r.columns.map((c) => c.name)).to.deep.equal(['rows']);
    expect(r.rows).to.deep.equal([[Number(d[0])]], statement);
    // the files it wrote are its writers' second attempts: every first attempt failed after writing
    const written = currentFiles(lakeRoot, 'rw', table).filter((f) => f.startsWith(`data/${lastFailing}/`));
    expect(written.length, statement).to.be.greaterThan(0);
    expect(
      written.every((f) => /^data\/[^/]+\/0\.\d+\.1\//.test(f)),
      written.join(),
    ).to.equal(true);
  }

  const ORDERS_SUM =
    'count(*), sum(o_orderkey), sum(o_custkey), sum(o_totalprice), count(distinct o_clerk), ' +
    "sum(length(o_clerk)), sum(case when o_orderstatus = 'F' then 1 else 0 end)";

  it('DELETE under TASK with failing writer attempts removes exactly the matching rows, as DuckDB does', async () => {
    await q(
      'create table lake.rw.orders as select o_orderkey, o_custkey, o_orderstatus, o_totalprice, o_orderdate, o_clerk from tpch.tiny.orders',
    );
    const before = currentFiles(lakeRoot, 'rw', 'orders');
    expect(before.length).to.be.greaterThan(4);
    await mirror('orders');
    await both('orders', 'delete from $t where o_orderkey % 7 = 0 or o_custkey = 370');
    await expectSameAsDuckDB('orders', ORDERS_SUM);
    expect((await q('select count(*) from lake.rw.orders where o_orderkey % 7 = 0')).rows).to.deep.equal([
      [0],
    ]);
  });

  it('rewrites only the files with a deleted row; others stay as they were', async () => {
    const before = currentFiles(lakeRoot, 'rw', 'orders');
    const r = await failing('delete from lake.rw.orders where o_orderkey = 2');
    expect(r.rows).to.deep.equal([[1]]);
    const after = currentFiles(lakeRoot, 'rw', 'orders');
    const kept = after.filter((f) => before.includes(f));
    expect(kept.length).to.equal(before.length - 1);
    expect(after.length - kept.length).to.be.at.most(1);
    await duck.run('delete from orders where o_orderkey = 2');
    await expectSameAsDuckDB('orders', ORDERS_SUM);
  });

  it('reads only the files whose statistics allow a changed row', async () => {
    await q(
      'create table lake.rw.sorted as select o_orderkey, o_custkey from tpch.tiny.orders order by o_orderkey',
    );
    expect(currentFiles(lakeRoot, 'rw', 'sorted').length).to.be.greaterThan(2);
    const plan = String(
      (await q('explain analyze delete from lake.rw.sorted where o_orderkey = 32', TASK)).rows[0]![0],
    );
    const read = /Stage 1 \[source\][^\n]*\n[^\n]*rows in ([\d,]+)/.exec(plan)?.[1];
    expect(Number(read?.replaceAll(',', '')), plan)
      .to.be.greaterThan(0)
      .and.lessThan(15000 / 2);
    expect(
      (await q('select count(*), min(o_orderkey) from lake.rw.sorted where o_orderkey <= 32')).rows,
    ).to.deep.equal([[7, 1]]);
  });

  it('UPDATE under TASK with failing writer attempts changes exactly the matching rows, as DuckDB does', async () => {
    await both(
      'orders',
      "update $t set o_totalprice = o_totalprice * 2 + 0.01, o_clerk = lower(o_clerk), o_orderstatus = 'X' where o_orderdate < date '1993-06-01' and o_orderstatus <> 'O'",
    );
    await expectSameAsDuckDB('orders', ORDERS_SUM);
    await both('orders', 'update $t set o_custkey = o_custkey + 100000');
    await expectSameAsDuckDB('orders', ORDERS_SUM);
  });

  it('MERGE under TASK with failing writer attempts updates, deletes and inserts as DuckDB does', async () => {
    await q(
      'create table lake.rw.changes as select o_orderkey + 3 as k, o_totalprice / 2 as p, o_clerk as c from tpch.tiny.orders where o_orderkey % 5 = 0',
    );
    await mirror('orders');
    await mirror('changes');
    await both(
      'orders',
      'merge into $t o using ' +
        '$s s on o.o_orderkey = s.k ' +
        'when matched and s.p > 100000 then delete ' +
        'when matched then update set o_totalprice = s.p, o_clerk = s.c ' +
        "when not matched and s.k % 2 = 0 then insert (o_orderkey, o_custkey, o_orderstatus, o_totalprice, o_clerk) values (s.k, 0, 'N', s.p, s.c)",
    );
    await expectSameAsDuckDB('orders', ORDERS_SUM);
    // a subquery source, no condition on the clauses, an INSERT of every column
    await both(
      'orders',
      'merge into $t using (select k, p from $s where k < 3000) as s on o_orderkey = s.k ' +
        "when matched then update set o_orderstatus = 'M' " +
        "when not matched then insert values (s.k, 1, 'I', s.p, date '2000-01-01', 'inserted')",
    );
    await expectSameAsDuckDB('orders', ORDERS_SUM);
  });

  it('DELETE and UPDATE with subqueries, correlated ones too, as DuckDB does', async () => {
    await both(
      'orders',
      'delete from $t where exists (select 1 from $s s where s.k = o_orderkey and s.p < 50000)',
    );
    await expectSameAsDuckDB('orders', ORDERS_SUM);
    await both(
      'orders',
      'update $t set o_totalprice = (select max(p) from $s), o_custkey = (select count(*) from $s s where s.k = o_orderkey + 3) ' +
        'where o_orderkey in (select k + 1 from $s where p > 150000) or o_custkey > (select avg(p) + 100000 from $s)',
    );
    await expectSameAsDuckDB('orders', ORDERS_SUM);
  });

  it('MERGE: a target row matched by two source rows fails the statement and changes nothing', async () => {
    const before = currentFiles(lakeRoot, 'rw', 'orders');
    const e = (await failing(
      "merge into lake.rw.orders o using (select * from (values (4, 'a'), (4, 'b'))) s(k, c) on o.o_orderkey = s.k when matched then update set o_clerk = s.c",
    ).catch((x: unknown) => x)) as QuarryError;
    expect([e.code, e.message]).to.deep.equal([
      'MERGE_TARGET_ROW_MULTIPLE_MATCHES',
      'One MERGE target table row matched more than one source row',
    ]);
    expect(currentFiles(lakeRoot, 'rw', 'orders')).to.deep.equal(before);
    await expectSameAsDuckDB('orders', ORDERS_SUM);
  });

  it('concurrent updates of the same rows: each lands or fails with TRANSACTION_CONFLICT, no update is lost', async () => {
    await q('create table lake.rw.counter as select n_nationkey k, 0 v from tpch.tiny.nation');
    const run = (i: number) =>
      q('update lake.rw.counter set v = v + 1 where k < 10', TASK, `slow_${i}_${randomSuffix(6)}`).then(
        (r) => r.rows[0]![0] as number,
        (e: unknown) => e as QuarryError,
      );
    const outcomes = await Promise.all([0, 1, 2].map(run));
    const landed = outcomes.filter((o) => o === 10).length;
    const conflicts = outcomes.filter((o) => o instanceof QuarryError);
    expect(landed + conflicts.length).to.equal(3);
    expect(conflicts.length, 'the updates overlapped').to.be.greaterThan(0);
    for (const e of conflicts) {
      expect([e.code, e.type]).to.deep.equal(['TRANSACTION_CONFLICT', 'EXTERNAL']);
      expect(e.message).to.match(
        /^Table 'lake\.rw\.counter' was changed by another write since this statement read it/,
      );
    }
    expect((await q('select sum(v), count(*), count(distinct k) from lake.rw.counter')).rows).to.deep.equal([
      [landed * 10, 25, 25],
    ]);
  });

  it('a statement that matches nothing changes no file and returns 0', async () => {
    const before = currentFiles(lakeRoot, 'rw', 'orders');
    expect((await failing('delete from lake.rw.orders where o_orderkey < 0')).rows).to.deep.equal([[0]]);
    expect(
      (await failing("update lake.rw.orders set o_clerk = 'x' where o_clerk is null")).rows,
    ).to.deep.equal([[0]]);
    expect(currentFiles(lakeRoot, 'rw', 'orders')).to.deep.equal(before);
  });

  it('DELETE without WHERE empties the table; INSERT works after it', async () => {
    await q('create table lake.rw.small as select n_nationkey k, n_name v from tpch.tiny.nation');
    expect((await failing('delete from lake.rw.small')).rows).to.deep.equal([[25]]);
    expect((await q('select count(*) from lake.rw.small')).rows).to.deep.equal([[0]]);
    expect((await q('delete from lake.rw.small where k = 1', TASK)).rows).to.deep.equal([[0]]);
    await q("insert into lake.rw.small values (1, 'one'), (2, null)");
    expect((await q("update lake.rw.small set v = coalesce(v, 'none') || '!'")).rows).to.deep.equal([[2]]);
    expect((await q('select * from lake.rw.small order by k')).rows).to.deep.equal([
      [1, 'one!'],
      [2, 'none!'],
    ]);
    const analyzed = await q('explain analyze delete from lake.rw.small where k = 2', TASK);
    expect(String(analyzed.rows[0]![0])).to.match(/TableWriter lake\.rw\.small/);
    expect((await q('select * from lake.rw.small')).rows).to.deep.equal([[1, 'one!']]);
    expect((await q('truncate table lake.rw.small', TASK)).rows).to.deep.equal([[1]]);
    expect((await q('select count(*) from lake.rw.small')).rows).to.deep.equal([[0]]);
  });

  it('refuses bad statements with clear errors at their line and column', async () => {
    await q('create table lake.rw.e (a bigint, b varchar)');
    await q('create table memory.default.m (a bigint)');
    expect(await err('update lake.rw.e set nope = 1')).to.equal(
      "COLUMN_NOT_FOUND: line 1:22: Column 'nope' cannot be resolved",
    );
    expect(await err('update lake.rw.e set a = 1, a = 2')).to.equal(
      'INVALID_COLUMN_REFERENCE: line 1:29: Multiple updates to the same column: a',
    );
    expect(await err("update lake.rw.e set a = 'x'")).to.equal(
      "TYPE_MISMATCH: line 1:26: Cannot update column 'a' of type bigint with a value of type varchar(1)",
    );
    expect(await err('delete from lake.rw.e where zz > 1')).to.match(/^COLUMN_NOT_FOUND: line 1:29: /);
    expect(await err('delete from lake.rw.e where a')).to.equal(
      'TYPE_MISMATCH: line 1:29: WHERE operand must be boolean, not bigint',
    );
    expect(
      await err('merge into lake.rw.e using lake.rw.e s on s.a = (select 1) when matched then delete'),
    ).to.equal('NOT_SUPPORTED: line 1:49: Subqueries are not supported in MERGE yet');
    expect(
      await err('merge into lake.rw.e t using lake.rw.e s on t.a = s.a when matched then update set c = 1'),
    ).to.equal("COLUMN_NOT_FOUND: line 1:84: Column 'c' cannot be resolved");
    expect(
      await err(
        'merge into lake.rw.e t using lake.rw.e s on t.a = s.a when not matched then insert (a) values (1, 2)',
      ),
    ).to.equal('TYPE_MISMATCH: line 1:55: MERGE INSERT has 2 values, but 1 columns');
    expect(
      await err('merge into lake.rw.e t using lake.rw.e s on a = s.a when matched then delete'),
    ).to.match(/^AMBIGUOUS_NAME: line 1:45: /);
    expect(await err('delete from tpch.tiny.nation')).to.equal(
      "NOT_SUPPORTED: line 1:13: Catalog 'tpch' does not support writes",
    );
    expect(await err('delete from memory.default.m')).to.equal(
      'NOT_SUPPORTED: line 1:13: This connector does not support deletes',
    );
    expect(await err('update lake.rw.nope set a = 1')).to.equal(
      "TABLE_NOT_FOUND: line 1:8: Table 'lake.rw.nope' does not exist",
    );
    expect(await err('update lake.rw.e set a = 1 where')).to.match(/^SYNTAX_ERROR: line 1:33: /);
  });

  it('refuses to change a registered (external) table: its files are not the catalog’s', async () => {
    const own = join(dir, 'own');
    mkdirSync(own, { recursive: true });
    await duck.run(`copy (select 1::bigint as a) to '${join(own, 'x.parquet')}' (format parquet)`);
    await q(`call lake.system.register_table('rw', 'ext', '${own}')`);
    const message =
      "NOT_SUPPORTED: line 1:13: Table 'lake.rw.ext' is read-only: its files are not the catalog's (a registered or external table)";
    expect(await err('delete from lake.rw.ext')).to.equal(message);
    expect(await err('update lake.rw.ext set a = 2')).to.equal(message.replace('1:13', '1:8'));
    expect((await q('select * from lake.rw.ext')).rows).to.deep.equal([[1]]);
  });
});

/**
 * The same statements with a worker killed (kill -9) while the statement's tasks run, under retry
 * policy TASK: every first attempt waits 3 s before it reports, the worker running the first busy
 * task is killed, its tasks run again elsewhere, and the table ends exactly as DuckDB's copy.
 */
describe('row-level writes with a worker killed (kill -9) under TASK', function () {
  this.timeout(180_000);
  const { dir, lakeRoot } = catalogDir();
  let cluster: LocalCluster;
  let client: QuarryClient;
  let events: EventCollector;
  let duck: DuckDBConnection;

  before(async () => {
    cluster = await startProcessCluster({
      workers: 3,
      slots: 1,
      prefix: 'rwkill',
      configProperties: { 'retry-policy': 'TASK', 'catalog.config-dir': dir },
      env: { QUARRY_FAILURE_INJECTION: 'query=kill_,attempt=0,when=commit,action=DELAY,ms=3000' },
    });
    client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'rwkill', timeoutMs: 60_000 });
    events = await EventCollector.start(cluster.natsUrl, 'rwkill');
    duck = await (await DuckDBInstance.create(':memory:')).connect();
  });

  after(async () => {
    duck?.closeSync();
    await events?.close();
    await client?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function mirror(table: string): Promise<void> {
    const files = currentFiles(lakeRoot, 'k', table).map((f) => `'${join(lakeRoot, 'k', table, f)}'`);
    await duck.run(`create or replace table ${table} as select * from read_parquet([${files.join(', ')}])`);
  }

  /** Runs the statement with a worker killed midway, and the same statement on DuckDB's copy. */
  async function killedWhile(statement: string): Promise<void> {
    const queryId = `kill_${randomSuffix(6)}`;
    const handle = await client.submit(statement.replace('$t', 'lake.k.li').replace('$s', 'lake.k.src'), {
      queryId,
    });
    const busy = (await events.waitFor(
      (e) =>
        e.queryId === queryId &&
        e.type === 'RUNNING' &&
        (e as Extract<QueryEvent, { type: 'RUNNING' }>).task?.state === 'RUNNING',
    )) as Extract<QueryEvent, { type: 'RUNNING' }>;
    await cluster.workers.find((w) => w.name === busy.task!.workerId)!.kill();
    const r = await handle.result();
    handle.close();
    expect(
      events.of(queryId).some((e) => e.type === 'WORKER_LOST'),
      statement,
    ).to.equal(true);
    const d = (await duck.runAndReadAll(statement.replace('$t', 'li').replace('$s', 'src'))).getRows()[0]!;
    expect(r.rows, statement).to.deep.equal([[Number(d[0])]]);
    const sums =
      'count(*), sum(l_orderkey), sum(l_linenumber), sum(l_quantity), count(distinct l_orderkey * 10 + l_linenumber)';
    const ours = await client.query(`select ${sums} from lake.k.li`);
    const theirs = (await duck.runAndReadAll(`select ${sums} from li`)).getRows()[0]!;
    expect(ours.rows[0]!.map(String), statement).to.deep.equal(theirs.map(String));
    await cluster.addWorker();
  }

  it('DELETE, UPDATE and MERGE each leave every row exactly once', async () => {
    await client.query('create schema lake.k');
    await client.query(
      'create table lake.k.li as select l_orderkey, l_linenumber, l_quantity from tpch.tiny.lineitem where l_orderkey < 20000',
    );
    await client.query(
      'create table lake.k.src as select l_orderkey + 1 as k, l_linenumber as n, l_quantity * 2 as q from tpch.tiny.lineitem where l_orderkey between 15000 and 25000',
    );
    await mirror('li');
    await mirror('src');
    await killedWhile('delete from $t where l_orderkey % 3 = 0');
    await killedWhile('update $t set l_quantity = l_quantity + 100 where l_linenumber = 1');
    await killedWhile(
      'merge into $t t using $s s on t.l_orderkey = s.k and t.l_linenumber = s.n ' +
        'when matched and s.q > 60 then delete when matched then update set l_quantity = s.q ' +
        'when not matched then insert values (s.k, s.n, s.q)',
    );
  });
});
