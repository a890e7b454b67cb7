import { expect } from 'chai';
import {
  startInProcessCluster,
  startServers,
  type InProcessCluster,
  type TestServers,
} from '@quarry/testkit';

/** Holds this process's event loop (the in-process coordinator's) for `ms`: a GC pause, a busy CPU. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: nothing else of this process runs meanwhile
  }
}

const SQL = `select n_name, count(*) c from tpch.tiny.nation join tpch.tiny.region on n_regionkey = r_regionkey
  join tpch.tiny.supplier on s_nationkey = n_nationkey group by n_name order by n_name`;

/**
 * A leader whose event loop stalls past its lease (1.5 s by default) is no longer sure of its lease
 * by its own clock until its next renewal, which takes the lapsed lease back when nobody else took
 * it. Work it does meanwhile must carry its term's epoch: a worker that has seen that epoch refuses a
 * command without one as stale, and the leader then stood down and began a new term for nothing —
 * every such stall a needless failover.
 */
describe('a leader whose event loop stalls past its lease', function () {
  this.timeout(180_000);
  let servers: TestServers;
  let cluster: InProcessCluster;

  before(async () => {
    servers = await startServers();
    cluster = await startInProcessCluster({ servers, workers: 2, slots: 2 });
  });

  after(async () => {
    await cluster?.stop();
    await servers?.stop();
  });

  async function staleCommands(): Promise<number> {
    let n = 0;
    for (const w of cluster.workers) {
      const m = await w.metrics.registry.getSingleMetric('quarry_worker_stale_commands_total')?.get();
      for (const v of m?.values ?? []) n += v.value;
    }
    return n;
  }

  it('keeps its term: no command goes out without its epoch, no worker refuses one, the queries finish', async () => {
    const expected = (await cluster.client.query(SQL)).rows;
    expect(expected).to.have.length(25);
    const epoch = cluster.coordinator.epoch;
    expect(epoch).to.be.a('number');
    let stalls = 0;
    let running = true;
    // queries keep tasks being handed over and reported while the loop stalls, again and again
    const lanes = Array.from({ length: 3 }, async () => {
      let n = 0;
      while (running || n === 0) {
        expect((await cluster.client.query(SQL)).rows).to.deep.equal(expected);
        n++;
      }
      return n;
    });
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 400 + (i % 3) * 150));
      stall(2_000);
      stalls++;
    }
    running = false;
    const queries = await Promise.all(lanes);
    expect(stalls).to.equal(10);
    expect(queries.every((n) => n > 0)).to.equal(true);
    expect(await staleCommands(), 'commands refused as stale').to.equal(0);
    expect(cluster.coordinator.epoch, 'the same term leads').to.equal(epoch);
  });
});
