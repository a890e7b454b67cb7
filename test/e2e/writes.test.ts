import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { LocalCluster } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { QuarryError, randomSuffix } from '@quarry/common';
import type { QueryEvent } from '@quarry/protocol';
import {
  EventCollector,
  startInProcessCluster,
  startProcessCluster,
  type InProcessCluster,
} from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

/** A catalog directory with `lake` (a local root) and `memory`. */
function catalogDir(): { dir: string; lakeRoot: string } {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-catalogs-'));
  const lakeRoot = join(dir, 'warehouse');
  mkdirSync(lakeRoot);
  writeFileSync(join(dir, 'lake.properties'), `connector.name=lake\nlake.root=${lakeRoot}\n`);
  writeFileSync(join(dir, 'memory.properties'), 'connector.name=memory\n');
  return { dir, lakeRoot };
}

function files(root: string): string[] {
  return readdirSync(root, { recursive: true }).map(String);
}

const TASK = { retry_policy: 'TASK' };

/**
 * Writes (issue 6): DDL, CTAS and INSERT into the lake (Parquet) and memory catalogs; under retry
 * policy TASK a writer task failing (injected) or its worker killed (kill -9) leaves every row in
 * the table exactly once; memory refuses writes under TASK with Trino's message; concurrent INSERTs
 * both land; DuckDB reads what the lake wrote.
 */
describe('writes to lake and memory', function () {
  this.timeout(120_000);
  const { dir, lakeRoot } = catalogDir();
  let cluster: InProcessCluster;

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      coordinator: { catalogDir: dir },
      worker: {
        catalogDir: dir,
        failureInjection: parseFailureInjection(
          'query=wfail_,stage=1,partition=0,attempt=0,when=commit,action=EXTERNAL',
        ),
      },
    });
  });

  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const q = (sql: string, session: Record<string, string> = {}, queryId?: string) =>
    cluster.client.query(sql, { session, ...(queryId ? { queryId } : {}) });

  it('creates schemas and tables, inserts, reads back, drops', async () => {
    await q('create schema lake.s1');
    await q('create table lake.s1.t (id bigint, name varchar, price decimal(12,2), day date, ok boolean)');
    const inserted = await q(
      "insert into lake.s1.t values (1, 'a', 1.50, date '2024-02-29', true), (2, null, 99999999.99, null, false), (3, 'ç', -0.01, date '1970-01-01', null)",
    );
    expect(inserted.columns.map((c) => c.name)).to.deep.equal(['rows']);
    expect(inserted.rows).to.deep.equal([[3]]);
    expect((await q('select * from lake.s1.t order by id')).rows).to.deep.equal([
      [1, 'a', '1.50', '2024-02-29', true],
      [2, null, '99999999.99', null, false],
      [3, 'ç', '-0.01', '1970-01-01', null],
    ]);
    const e = (await q('create table lake.s1.t (x bigint)').catch((x: unknown) => x)) as QuarryError;
    expect([e.code, e.message]).to.deep.equal([
      'ALREADY_EXISTS',
      "line 1:14: Table 'lake.s1.t' already exists",
    ]);
    await q('create table if not exists lake.s1.t (x bigint)');
    await q('drop table lake.s1.t');
    expect(((await q('select * from lake.s1.t').catch((x: unknown) => x)) as QuarryError).code).to.equal(
      'TABLE_NOT_FOUND',
    );
    await q('drop schema lake.s1');
  });

  it('refuses bad writes with clear errors', async () => {
    const err = async (sql: string) => {
      const e = (await q(sql).catch((x: unknown) => x)) as QuarryError;
      expect(e, sql).to.be.instanceOf(QuarryError);
      return `${e.code}: ${e.message}`;
    };
    await q('create schema lake.bad');
    await q('create table lake.bad.t (a bigint, b varchar)');
    expect(await err('create table lake.bad.u as select 1')).to.equal(
      'INVALID_COLUMN_REFERENCE: line 1:1: Column name not specified at position 1',
    );
    expect(await err('create table lake.nope.u as select 1 x')).to.equal(
      "SCHEMA_NOT_FOUND: line 1:14: Schema 'lake.nope' does not exist",
    );
    expect(await err("insert into lake.bad.t values ('x', 'y')")).to.equal(
      'TYPE_MISMATCH: line 1:13: Insert query has mismatched column types: Table: [bigint, varchar], Query: [varchar(1), varchar(1)]',
    );
    expect(await err('insert into lake.bad.t values (1)')).to.equal(
      'TYPE_MISMATCH: line 1:13: Insert query has 1 columns, but the target has 2',
    );
    expect(await err('insert into lake.bad.zz values (1)')).to.equal(
      "TABLE_NOT_FOUND: line 1:13: Table 'lake.bad.zz' does not exist",
    );
    expect(await err('insert into tpch.tiny.nation select * from tpch.tiny.nation')).to.equal(
      "NOT_SUPPORTED: line 1:13: Catalog 'tpch' does not support writes",
    );
    expect(await err('drop schema lake.bad')).to.equal(
      "SCHEMA_NOT_EMPTY: line 1:13: Cannot drop non-empty schema 'lake.bad'",
    );
    await q("insert into lake.bad.t (b) values ('only b')");
    expect((await q('select * from lake.bad.t')).rows).to.deep.equal([[null, 'only b']]);
    await q('drop schema lake.bad cascade');
  });

  it('runs CTAS under TASK with a failing writer attempt: every row exactly once', async () => {
    await q('create schema lake.ctas');
    const r = await q(
      'create table lake.ctas.orders as select o_orderkey, o_custkey, o_totalprice, o_orderdate from tpch.tiny.orders',
      TASK,
      `wfail_${randomSuffix(6)}`,
    );
    expect(r.rows).to.deep.equal([[15000]]);
    const check = await q(
      'select count(*), count(distinct o_orderkey), sum(o_totalprice) from lake.ctas.orders',
    );
    const base = await q(
      'select count(*), count(distinct o_orderkey), sum(o_totalprice) from tpch.tiny.orders',
    );
    expect(check.rows).to.deep.equal(base.rows);
    // the failed writer attempt (query attempt 0, partition 0, attempt 0) left nothing; its retry (attempt 1) won
    const data = files(join(lakeRoot, 'ctas')).filter((f) => f.endsWith('.parquet'));
    expect(data.some((f) => f.includes('/0.0.1/'))).to.equal(true);
    expect(data.filter((f) => f.includes('/0.0.0/'))).to.deep.equal([]);
  });

  it('reads back with filters pushed down as min/max constraints, the same rows as the source', async () => {
    for (const where of [
      "o_orderdate < date '1993-01-01'",
      'o_orderkey between 1000 and 2000',
      'o_custkey in (1, 2, 3)',
      'o_totalprice > 400000',
    ]) {
      const sql = (t: string) =>
        `select count(*), sum(o_totalprice), min(o_orderkey) from ${t} where ${where}`;
      expect((await q(sql('lake.ctas.orders'))).rows, where).to.deep.equal(
        (await q(sql('tpch.tiny.orders'))).rows,
      );
    }
  });

  it('lets DuckDB read what the lake wrote, with the same rows', async () => {
    const parquet = files(join(lakeRoot, 'ctas', 'orders'))
      .filter((f) => f.endsWith('.parquet'))
      .map((f) => join(lakeRoot, 'ctas', 'orders', f));
    expect(parquet.length).to.be.greaterThan(0);
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const reader = await duck.runAndReadAll(
      `select count(*)::bigint, sum(o_totalprice)::varchar from read_parquet([${parquet.map((p) => `'${p}'`).join(', ')}])`,
    );
    const [count, sum] = reader.getRows()[0]!;
    const ours = await q('select count(*), sum(o_totalprice) from lake.ctas.orders');
    expect([Number(count), String(sum)]).to.deep.equal(ours.rows[0]);
  });

  it('inserts under TASK with a failing writer attempt, and concurrent inserts both land', async () => {
    await q('create table lake.ctas.small (k bigint, v varchar)');
    const a = q(
      'insert into lake.ctas.small select n_nationkey, n_name from tpch.tiny.nation',
      TASK,
      `wfail_${randomSuffix(6)}`,
    );
    const b = q('insert into lake.ctas.small select r_regionkey + 100, r_name from tpch.tiny.region', TASK);
    expect((await Promise.all([a, b])).map((r) => r.rows)).to.deep.equal([[[25]], [[5]]]);
    expect((await q('select count(*), count(distinct k) from lake.ctas.small')).rows).to.deep.equal([
      [30, 30],
    ]);
  });

  it('refuses writes to memory under TASK with Trino’s message, and allows them otherwise', async () => {
    const e = (await q('create table memory.default.m as select 1 x', TASK).catch(
      (x: unknown) => x,
    )) as QuarryError;
    expect(e.message).to.match(/This connector does not support query retries$/);
    expect(e.type).to.equal('USER_ERROR');
    expect(
      (await q('create table memory.default.m as select n_nationkey k, n_name from tpch.tiny.nation')).rows,
    ).to.deep.equal([[25]]);
    expect((await q('select count(*) from memory.default.m', TASK)).rows).to.deep.equal(
      [[25]],
      'reads work under TASK',
    );
  });
});

describe('CTAS with a writer worker killed (kill -9) under TASK', function () {
  this.timeout(120_000);
  const { dir } = catalogDir();
  let cluster: LocalCluster;
  let client: QuarryClient;
  let events: EventCollector;

  before(async () => {
    cluster = await startProcessCluster({
      workers: 3,
      slots: 1,
      prefix: 'wkill',
      configProperties: { 'retry-policy': 'TASK', 'catalog.config-dir': dir },
      env: { QUARRY_FAILURE_INJECTION: 'query=kill_,attempt=0,when=commit,action=DELAY,ms=3000' },
    });
    client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'wkill', timeoutMs: 60_000 });
    events = await EventCollector.start(cluster.natsUrl, 'wkill');
  });

  after(async () => {
    await events?.close();
    await client?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds every row exactly once', async () => {
    await client.query('create schema lake.k');
    const queryId = `kill_${randomSuffix(6)}`;
    const handle = await client.submit(
      'create table lake.k.li as select l_orderkey, l_linenumber, l_quantity from tpch.tiny.lineitem',
      { queryId },
    );
    const busy = (await events.waitFor(
      (e) =>
        e.queryId === queryId &&
        e.type === 'RUNNING' &&
        (e as Extract<QueryEvent, { type: 'RUNNING' }>).task?.state === 'RUNNING',
    )) as Extract<QueryEvent, { type: 'RUNNING' }>;
    await cluster.workers.find((w) => w.name === busy.task!.workerId)!.kill();
    const r = await handle.result();
    handle.close();
    expect(r.rows).to.deep.equal([[60175]]);
    expect(events.of(queryId).some((e) => e.type === 'WORKER_LOST')).to.equal(true);
    const check = await client.query(
      'select count(*), count(distinct l_orderkey * 10 + l_linenumber), sum(l_quantity) from lake.k.li',
    );
    const base = await client.query(
      'select count(*), count(distinct l_orderkey * 10 + l_linenumber), sum(l_quantity) from tpch.tiny.lineitem',
    );
    expect(check.rows).to.deep.equal(base.rows);
  });
});
