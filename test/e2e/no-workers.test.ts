import { expect } from 'chai';
import type { QuarryError } from '@quarry/common';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';

/**
 * A query with no worker to run on waits at most `query-manager.required-workers-max-wait`, then
 * fails with NO_NODES_AVAILABLE instead of waiting forever; a worker that joins in time runs it.
 */
describe('a cluster without workers', function () {
  this.timeout(60_000);
  let cluster: InProcessCluster;
  const SQL = 'select count(*) from tpch.tiny.orders';

  before(async () => {
    cluster = await startInProcessCluster({ workers: 1, coordinator: { requiredWorkersMaxWaitMs: 2_000 } });
    await cluster.workers[0]!.stop({ drain: true });
  });

  after(async () => {
    await cluster?.stop();
  });

  it('fails a query with NO_NODES_AVAILABLE once no worker came for the wait', async () => {
    const started = Date.now();
    let error: QuarryError | undefined;
    try {
      await cluster.client.query(SQL);
    } catch (e) {
      error = e as QuarryError;
    }
    expect(error?.code).to.equal('NO_NODES_AVAILABLE');
    expect(error?.message).to.include('Waited 2.00s for at least 1 worker');
    expect(Date.now() - started).to.be.lessThan(15_000);
  });

  it('runs a query when a worker joins within the wait', async () => {
    const handle = await cluster.client.submit(SQL);
    await new Promise((r) => setTimeout(r, 500));
    await cluster.addWorker();
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal([[15000]]);
  });
});
