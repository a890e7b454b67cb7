import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { QuarryClient, type QueryHandle } from '@quarry/client';
import type { QuarryError } from '@quarry/common';
import { decode, encode } from '@quarry/runtime';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';

/** 60 175 rows of text, numbers, decimals and dates: about 6 MB, so several columnar pages. */
const LARGE_SQL =
  'select l_orderkey, l_linenumber, l_quantity, l_extendedprice, l_discount, l_shipdate, ' +
  'l_returnflag, l_shipinstruct, l_comment from tpch.tiny.lineitem order by l_orderkey, l_linenumber';

/** Every kind of column, with NULLs, NaN, infinities, wide bigints, composites and non-ASCII text. */
const KINDS_SQL = `select * from (values
  (1, 'plain', true, 1.5e0, cast(-0.05 as decimal(5,2)), date '1970-01-01',
   timestamp '2020-01-02 03:04:05.678', 9007199254740993, array[1, 2], map(array['k'], array[1.5e0]), 'ünï ✓'),
  (null, null, null, nan(), null, null, null, null, null, null, null),
  (3, '', false, infinity(), cast(12345.67 as decimal(7,2)), date '2024-02-29',
   null, -3, array[], null, 'x'),
  (4, 'z', null, -infinity(), cast(0 as decimal(5,2)), date '1600-03-01', null, 0, null, null, null))`;

async function pagesOf(handle: QueryHandle, options: Parameters<QueryHandle['rows']>[0]) {
  const rows: unknown[][] = [];
  let pages = 0;
  for await (const page of handle.rows(options)) {
    pages++;
    for (const r of page.rows) rows.push([...r]);
  }
  return { rows, pages };
}

describe('result pages: columnar, asked ahead', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;
  let nc: NatsConnection;

  before(async () => {
    cluster = await startInProcessCluster({ workers: 2 });
    nc = await connect({ servers: cluster.servers.nats.url });
  });

  after(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  it('delivers a large result whole and in order, in far fewer pages than row pages', async () => {
    const client = cluster.client;
    // row pages, asked ahead: in order too
    const byRows = await client.submit(LARGE_SQL);
    await byRows.done();
    const expected = await pagesOf(byRows, { format: 'rows', prefetch: 8 });
    byRows.close();
    expect(expected.rows).to.have.length(60_175);
    expect(expected.pages).to.equal(61); // query.result-page-rows is 1000
    for (const prefetch of [1, 4]) {
      const handle = await client.submit(LARGE_SQL);
      await handle.done();
      const got = await pagesOf(handle, { prefetch });
      handle.close();
      expect(got.pages, `pages with prefetch ${prefetch}`).to.be.within(2, 20);
      expect(got.rows, `rows with prefetch ${prefetch}`).to.deep.equal(expected.rows);
    }
  });

  it('gives every type the same values in columnar pages as in row pages', async () => {
    const [a, b] = await Promise.all([cluster.client.submit(KINDS_SQL), cluster.client.submit(KINDS_SQL)]);
    await Promise.all([a.done(), b.done()]);
    const columnar = await pagesOf(a, {});
    const rows = await pagesOf(b, { format: 'rows' });
    expect(columnar.rows).to.deep.equal(rows.rows);
    expect(columnar.rows[1]![3]).to.equal('NaN');
    expect(columnar.rows[0]![4]).to.equal('-0.05');
    expect(columnar.rows[0]![7]).to.equal('9007199254740993');
    expect(columnar.rows[0]![10]).to.equal('ünï ✓');
    // and the coordinator really answered in columnar pages
    const raw = await ask(a.queryId, { token: 0, format: 'columnar', capability: capabilityOf(a) });
    expect(raw.value?.data).to.be.instanceOf(Uint8Array);
    expect(raw.value?.rows).to.deep.equal([]);
    a.close();
    b.close();
    const empty = await cluster.client.submit('select * from tpch.tiny.nation where n_nationkey < 0');
    await empty.done();
    expect(await pagesOf(empty, {})).to.deep.equal({ rows: [], pages: 1 });
    empty.close();
  });

  it('drops the result when the reader cancels mid-read: its pages and files are gone', async () => {
    const handle = await cluster.client.submit(LARGE_SQL);
    await handle.done();
    let next: number | null = null;
    for await (const page of handle.rows({ prefetch: 4 })) {
      next = page.nextToken;
      break;
    }
    expect(next).to.equal(1);
    expect(readdirSync(cluster.exchangeDir)).to.include(handle.queryId);
    expect(await handle.cancel()).to.deep.equal({ canceled: true, state: 'FINISHED' });
    const err = (await pagesOf(handle, { fromToken: 1 }).catch((e: unknown) => e)) as QuarryError;
    expect(err.code).to.equal('QUERY_NOT_FOUND');
    for (let i = 0; i < 50 && readdirSync(cluster.exchangeDir).includes(handle.queryId); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(cluster.exchangeDir)).not.to.include(handle.queryId);
    handle.close();
  });

  it('serves columnar pages only to the capability holder', async () => {
    const handle = await cluster.client.submit(LARGE_SQL);
    await handle.done();
    const none = await ask(handle.queryId, { token: 0, format: 'columnar' });
    expect(none.error?.code).to.equal('ACCESS_DENIED');
    const forged = await ask(handle.queryId, { token: 1, format: 'columnar', capability: 'x'.repeat(43) });
    expect(forged.error?.code).to.equal('ACCESS_DENIED');
    const other = await QuarryClient.connect({ servers: cluster.servers.nats.url, prefix: cluster.prefix });
    try {
      const theirs = await other.attach(handle.queryId);
      const err = (await pagesOf(theirs, {}).catch((e: unknown) => e)) as QuarryError;
      expect(err.code).to.equal('ACCESS_DENIED');
      theirs.close();
    } finally {
      await other.close();
    }
    expect((await pagesOf(handle, {})).rows).to.have.length(60_175);
    handle.close();
  });

  function capabilityOf(handle: QueryHandle): string {
    return cluster.client.capabilityOf(handle.queryId)!;
  }

  async function ask(
    queryId: string,
    message: object,
  ): Promise<{ value?: { data?: Uint8Array; rows?: unknown[] }; error?: { code: string } }> {
    const reply = await nc.request(`${cluster.prefix}.query.${queryId}.results`, encode(message), {
      timeout: 10_000,
    });
    return decode(reply.data) as never;
  }
});
