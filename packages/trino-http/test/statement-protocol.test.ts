import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { call, freePort, type ProcessCluster, type TrinoBody } from './ports.js';
import { QuarryClient } from '@quarry/client';
import { silentLogger } from '@quarry/common';
import { startProcessCluster } from '@quarry/testkit';
import { Trino, type QueryResult } from 'trino-client';
import { TrinoHttpServer, trinoHttpConfigFromProperties } from '../src/index.js';

/** Every response of a query through trino-client (which follows nextUri until there is none). */
async function allResults(trino: Trino, query: Parameters<Trino['query']>[0]): Promise<QueryResult[]> {
  const out: QueryResult[] = [];
  for await (const r of await trino.query(query)) out.push(r);
  return out;
}

/** Polls `nextUri` (GET) until `done` says so or the query ends; returns the last response. */
async function pollUntil(
  uri: string,
  done: (body: TrinoBody) => boolean,
  headers: Record<string, string> = {},
): Promise<TrinoBody> {
  let body: TrinoBody;
  const deadline = Date.now() + 60_000;
  do {
    body = (await call(uri, { headers })).body;
    if (done(body) || !body.nextUri) return body;
    uri = body.nextUri;
  } while (Date.now() < deadline);
  throw new Error(`query did not get there in 60 s: ${JSON.stringify(body.stats)}`);
}

const LONG_QUERY = 'select count(*) from tpch.tiny.lineitem a cross join tpch.tiny.orders b';

describe('Trino client protocol (trino-client against a real cluster)', function () {
  this.timeout(180_000);
  let cluster: ProcessCluster;
  let server: string;
  let trino: Trino;

  before(async () => {
    const port = await freePort();
    cluster = await startProcessCluster({
      workers: 2,
      slots: 2,
      prefix: 'trinohttp',
      configProperties: { 'http-server.http.port': String(port) },
    });
    server = `http://127.0.0.1:${port}`;
    trino = Trino.create({
      server,
      catalog: 'tpch',
      schema: 'tiny',
      extraHeaders: { 'X-Trino-User': 'alice' },
    });
  });

  after(async () => cluster?.stop());

  it('pages through nextUri a select over tpch.tiny with exact rows and Trino column types', async () => {
    const results = await allResults(trino, 'select * from orders order by o_orderkey');
    const pages = results.filter((r) => (r.data ?? []).length > 0);
    expect(pages.length, 'result pages').to.be.greaterThan(5);
    for (const r of results.slice(0, -1))
      expect(r.nextUri).to.match(/\/v1\/statement\/executing\/[^/]+\/[^/]+\/\d+$/);
    const last = results.at(-1)!;
    expect(last.nextUri).to.equal(undefined);
    expect(last.stats!.state).to.equal('FINISHED');
    expect(last.error).to.equal(undefined);
    expect((pages[0] as unknown as TrinoBody).columns).to.deep.equal([
      { name: 'o_orderkey', type: 'bigint', typeSignature: { rawType: 'bigint', arguments: [] } },
      { name: 'o_custkey', type: 'bigint', typeSignature: { rawType: 'bigint', arguments: [] } },
      column('o_orderstatus', 'char', [1]),
      column('o_totalprice', 'decimal', [15, 2]),
      { name: 'o_orderdate', type: 'date', typeSignature: { rawType: 'date', arguments: [] } },
      column('o_orderpriority', 'varchar', [15]),
      column('o_clerk', 'varchar', [15]),
      { name: 'o_shippriority', type: 'integer', typeSignature: { rawType: 'integer', arguments: [] } },
      column('o_comment', 'varchar', [79]),
    ]);
    const rows = pages.flatMap((r) => r.data!);
    const reference = gunzipSync(readFileSync('testdata/tpch/reference-sf0.01/orders.tbl.gz'))
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const f = line.split('|');
        return [Number(f[0]), Number(f[1]), f[2], f[3], f[4], f[5], f[6], Number(f[7]), f[8]];
      });
    expect(rows.length).to.equal(15000);
    expect(rows).to.deep.equal(reference);
  });

  it('returns arrays, maps and rows as Trino encodes them, with nested type signatures', async () => {
    const results = await allResults(
      trino,
      "select array[n_nationkey, n_regionkey] a, map(array['k'], array[n_name]) m, cast(row(n_nationkey, n_name) as row(id bigint, name varchar)) r from nation where n_nationkey < 2 order by n_nationkey",
    );
    const page = results.find((r) => (r.data ?? []).length > 0) as unknown as TrinoBody;
    const int = { rawType: 'bigint', arguments: [] };
    const varchar = { rawType: 'varchar', arguments: [{ kind: 'LONG', value: 2147483647 }] };
    expect(page.columns![0]).to.deep.equal({
      name: 'a',
      type: 'array(integer)',
      typeSignature: {
        rawType: 'array',
        arguments: [{ kind: 'TYPE', value: { rawType: 'integer', arguments: [] } }],
      },
    });
    expect((page.columns![1] as { type: string }).type).to.equal('map(varchar(1), varchar(25))');
    expect(page.columns![2]).to.deep.equal({
      name: 'r',
      type: 'row(id bigint, name varchar)',
      typeSignature: {
        rawType: 'row',
        arguments: [
          { kind: 'NAMED_TYPE', value: { fieldName: { name: 'id' }, typeSignature: int } },
          { kind: 'NAMED_TYPE', value: { fieldName: { name: 'name' }, typeSignature: varchar } },
        ],
      },
    });
    expect(results.flatMap((r) => r.data ?? [])).to.deep.equal([
      [[0, 0], { k: 'ALGERIA' }, [0, 'ALGERIA']],
      [[1, 1], { k: 'ARGENTINA' }, [1, 'ARGENTINA']],
    ]);
  });

  it('answers a failing statement with errorName, errorCode, errorType and errorLocation', async () => {
    const [unknown] = await allResults(trino, 'select\n  nope from orders');
    expect(unknown!.stats!.state).to.equal('FAILED');
    expect(unknown!.nextUri).to.equal(undefined);
    expect(unknown!.error).to.deep.include({
      errorName: 'COLUMN_NOT_FOUND',
      errorCode: 47,
      errorType: 'USER_ERROR',
    });
    expect((unknown as unknown as TrinoBody).error!.errorLocation).to.deep.equal({
      lineNumber: 2,
      columnNumber: 3,
    });
    expect(unknown!.error!.message).to.contain("Column 'nope' cannot be resolved");
    const [syntax] = await allResults(trino, 'select 1 from\nwhere');
    expect(syntax!.error).to.deep.include({
      errorName: 'SYNTAX_ERROR',
      errorCode: 1,
      errorType: 'USER_ERROR',
    });
    expect((syntax as unknown as TrinoBody).error!.errorLocation!.lineNumber).to.equal(2);
  });

  it('cancels a running query by DELETE on its nextUri', async () => {
    const submitted = await call(`${server}/v1/statement`, {
      method: 'POST',
      body: LONG_QUERY,
      headers: { 'X-Trino-User': 'alice' },
    });
    expect(submitted.status).to.equal(200);
    expect(submitted.body.nextUri).to.match(/\/v1\/statement\/queued\//);
    const running = await pollUntil(submitted.body.nextUri!, (b) => b.stats.state === 'RUNNING');
    expect(running.stats.state).to.equal('RUNNING');
    expect(running.stats.scheduled).to.equal(true);
    expect(running.stats.totalSplits).to.be.greaterThan(0);
    const deleted = await call(running.nextUri!, { method: 'DELETE' });
    expect(deleted.status).to.equal(204);
    const end = await pollUntil(running.nextUri!, () => false);
    expect(end.stats.state).to.equal('FAILED');
    expect(end.error).to.deep.include({ errorName: 'USER_CANCELED', errorCode: 3, errorType: 'USER_ERROR' });
  });

  it("cancels through trino-client's cancel (DELETE /v1/query/{id})", async () => {
    const iterator = await trino.query(LONG_QUERY);
    // trino-client keeps the POST's answer to itself (its first next() returns only with data or
    // the end): the query id is read from that answer
    const queryId: string = (iterator as unknown as { iter: { queryResult: QueryResult } }).iter.queryResult
      .id;
    await trino.cancel(queryId);
    const results: QueryResult[] = [];
    for await (const r of iterator) results.push(r);
    expect(results.at(-1)!.error?.errorName).to.equal('USER_CANCELED');
  });

  it('applies X-Trino-Session, SET SESSION, RESET SESSION and USE through headers', async () => {
    const limited = Trino.create({
      server,
      session: { query_max_run_time: '1s' },
      extraHeaders: { 'X-Trino-User': 'alice' },
    });
    const [timedOut] = await allResults(limited, LONG_QUERY);
    expect(timedOut!.error?.errorName).to.equal('EXCEEDED_TIME_LIMIT');

    const session = Trino.create({ server, extraHeaders: { 'X-Trino-User': 'alice' } });
    const setResponse = await call(`${server}/v1/statement`, {
      method: 'POST',
      body: "SET SESSION query_max_run_time = '1s'",
      headers: { 'X-Trino-User': 'alice' },
    });
    const set = await call(setResponse.body.nextUri!);
    const done = await call(set.body.nextUri!);
    expect(done.headers.get('x-trino-set-session')).to.equal('query_max_run_time=1s');
    expect(done.body.data).to.deep.equal([[true]]);
    // trino-client keeps what the server sets and sends it with its next statements
    await allResults(session, "set session query_max_run_time = '1s'");
    const [limitedBySet] = await allResults(session, LONG_QUERY);
    expect(limitedBySet!.error?.errorName).to.equal('EXCEEDED_TIME_LIMIT');
    await allResults(session, 'reset session query_max_run_time');
    await allResults(session, 'use tpch.tiny');
    const [count] = await allResults(session, 'select count(*) from region');
    expect(count!.data).to.deep.equal([[5]]);
    const [bad] = await allResults(session, 'set session x = (1');
    expect(bad!.error).to.deep.include({ errorName: 'SYNTAX_ERROR' });
    expect((bad as unknown as TrinoBody).error!.errorLocation).to.deep.equal({
      lineNumber: 1,
      columnNumber: 17,
    });
  });

  it('keeps the owner and the client tags, and refuses another user', async () => {
    const submitted = await call(`${server}/v1/statement`, {
      method: 'POST',
      body: 'select 1',
      headers: { 'X-Trino-User': 'alice', 'X-Trino-Client-Tags': 'etl,nightly' },
    });
    const id = submitted.body.id;
    const info = await call(`${server}/v1/query/${id}`, { headers: { 'X-Trino-User': 'alice' } });
    expect(info.body.session).to.deep.include({ user: 'alice', clientTags: ['etl', 'nightly'] });
    const other = await call(submitted.body.nextUri!, { headers: { 'X-Trino-User': 'bob' } });
    expect(other.status).to.equal(403);
    const forged = await call(submitted.body.nextUri!.replace(id, `${id.slice(0, -1)}x`), {
      headers: { 'X-Trino-User': 'alice' },
    });
    expect(forged.status).to.equal(404);
    // alice reads it to the end; a page never offered, or a token beyond 31 bits, spoils nothing
    const first = await pollUntil(submitted.body.nextUri!, (b) => b.data !== undefined);
    expect(first.data).to.deep.equal([[1]]);
    const executing = submitted.body.nextUri!.replace('/queued/', '/executing/').replace(/\/1$/, '/0');
    expect((await call(executing.replace(/\/0$/, '/99999999999'))).status).to.equal(404);
    await call(executing.replace(/\/0$/, '/7'));
    expect((await call(executing)).body.data).to.deep.equal([[1]]);
    const badSession = await call(`${server}/v1/statement`, {
      method: 'POST',
      body: 'select 1',
      headers: { 'X-Trino-User': 'alice', 'X-Trino-Session': 'no-equals-sign' },
    });
    expect(badSession.status).to.equal(400);
    expect(badSession.text).to.contain('X-Trino-Session');
  });

  it("serves a query's nextUri from another coordinator's gateway (no state shared but the secret)", async () => {
    const other = await TrinoHttpServer.start({
      config: trinoHttpConfigFromProperties({ 'http-server.http.port': '0' }),
      client: await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'trinohttp' }),
      sharedSecret: cluster.sharedSecret,
      logger: silentLogger(),
    });
    try {
      const submitted = await call(`${server}/v1/statement`, {
        method: 'POST',
        body: 'select r_name from tpch.tiny.region order by r_regionkey',
        headers: { 'X-Trino-User': 'alice' },
      });
      const elsewhere = submitted.body.nextUri!.replace(server, `http://127.0.0.1:${other.ports.http}`);
      const end = await pollUntil(elsewhere, (b) => b.data !== undefined);
      expect(end.data).to.deep.equal([['AFRICA'], ['AMERICA'], ['ASIA'], ['EUROPE'], ['MIDDLE EAST']]);
    } finally {
      await other.stop();
    }
  });
});

function column(name: string, rawType: string, args: number[]) {
  const type = `${rawType}(${args.join(',')})`;
  return {
    name,
    type,
    typeSignature: { rawType, arguments: args.map((value) => ({ kind: 'LONG', value })) },
  };
}
