import { expect } from 'chai';
import type { LocalCluster } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { startProcessCluster } from '@quarry/testkit';

/** About 6 MB of rows: several columnar pages. */
const SQL =
  'select l_orderkey, l_linenumber, l_extendedprice, l_shipdate, l_comment from tpch.tiny.lineitem ' +
  'order by l_orderkey, l_linenumber';

/**
 * Columnar pages through a coordinator failover: the leader dies while a client reads them, and the
 * new leader serves the rest from the page starts the old one journaled — the client gets every row
 * once, in order.
 */
describe('columnar result pages across a coordinator failover (real processes)', function () {
  this.timeout(240_000);
  let cluster: LocalCluster;
  let client: QuarryClient;

  before(async () => {
    cluster = await startProcessCluster({ workers: 1, slots: 2, coordinators: 2, prefix: 'colfail' });
    client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'colfail', timeoutMs: 5000 });
  });

  after(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it('serves the rest of the columnar pages from the new leader, every row once and in order', async () => {
    const first = await client.submit(SQL);
    await first.done();
    const expected: unknown[][] = [];
    for await (const page of first.rows({ format: 'rows' })) for (const r of page.rows) expected.push([...r]);
    first.close();
    expect(expected).to.have.length(60_175);

    const handle = await client.submit(SQL);
    await handle.done();
    const rows: unknown[][] = [];
    let pages = 0;
    for await (const page of handle.rows({ prefetch: 2 })) {
      for (const r of page.rows) rows.push([...r]);
      if (++pages === 2) await (await cluster.leader())!.kill();
    }
    handle.close();
    expect(pages).to.be.within(3, 30);
    expect(rows.length).to.equal(expected.length);
    expect(rows).to.deep.equal(expected);
  });
});
