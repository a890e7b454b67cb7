import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localExchangeConfig } from '@quarry/exchange';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';

/**
 * A worker whose exchange keeps its files somewhere else than the coordinator's (another base
 * directory, bucket or endpoint — say, a Helm short form left it on a private /tmp) would write task
 * outputs no consumer can read: the coordinator refuses it, and queries keep running right.
 */
describe('a worker with another exchange configuration', function () {
  this.timeout(60_000);
  let cluster: InProcessCluster;

  before(async () => {
    cluster = await startInProcessCluster({ workers: 1 });
  });

  after(async () => {
    await cluster?.stop();
  });

  it('is never registered, while a worker with the same exchange is', async () => {
    const elsewhere = localExchangeConfig(mkdtempSync(join(tmpdir(), 'quarry-other-exchange-')));
    const stray = await cluster.addWorker({ workerId: 'stray', exchange: elsewhere });
    await cluster.addWorker({ workerId: 'twin' });
    const deadline = Date.now() + 10_000;
    let ids: string[] = [];
    while (Date.now() < deadline) {
      ids = (await cluster.client.workers()).workers.map((w) => w.workerId).sort();
      if (ids.includes('twin')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // several heartbeats of the stray worker have come and gone by now
    await new Promise((r) => setTimeout(r, 1500));
    ids = (await cluster.client.workers()).workers.map((w) => w.workerId).sort();
    expect(ids).to.include('twin');
    expect(ids).to.not.include('stray');
    const r = await cluster.client.query('select count(*) from tpch.tiny.orders', {
      session: { hash_partition_count: 4 },
    });
    expect(r.rows).to.deep.equal([[15000]]);
    await stray.stop();
  });
});
