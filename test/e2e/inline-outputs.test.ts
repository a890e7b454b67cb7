import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import { parseFailureInjection } from '@quarry/worker';
import { EventCollector, startInProcessCluster, type InProcessCluster } from '@quarry/testkit';

/** Four stages, every output tiny: region broadcast into nation, partial and final aggregation, the ordered root. */
const SQL =
  'select r.r_name, count(*) from tpch.tiny.nation n join tpch.tiny.region r ' +
  'on n.n_regionkey = r.r_regionkey group by r.r_name order by r.r_name';
/** The first attempts of the consumer stages fail after their first page, once they read their inputs. */
const INJECTION = [1, 0]
  .map((stage) => `query=inl_,stage=${stage},attempt=0,when=midway,action=EXTERNAL`)
  .join(';');

/** Every file under a directory, recursively (none when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/**
 * Tiny task outputs kept inline (exchange.sink-inline-max-size): no file is written, the winner's
 * bytes are recorded with it in Redis, and every consumer attempt — a retry included — reads them.
 */
describe('inline task outputs (retry policy TASK)', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;
  let events: EventCollector;
  let store: AttemptStore;
  let baseline: unknown[][];

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      slots: 2,
      worker: { failureInjection: parseFailureInjection(INJECTION) },
      coordinator: {
        retry: {
          policy: 'TASK',
          queryRetryAttempts: 4,
          taskRetryAttemptsPerTask: 4,
          initialDelayMs: 50,
          maxDelayMs: 200,
          scaleFactor: 2,
        },
      },
    });
    events = await EventCollector.start(cluster.servers.nats.url, cluster.prefix);
    store = AttemptStore.connect(cluster.servers.redis.url, cluster.prefix, 60);
    baseline = (await cluster.client.query(SQL)).rows as unknown[][];
    expect(baseline).to.have.length(5);
  });

  after(async () => {
    await store?.close();
    await events?.close();
    await cluster?.stop();
  });

  it('gives the inlined outputs of the producers to a consumer attempt run again after a failure', async () => {
    const queryId = `inl_${randomSuffix(6)}`;
    const handle = await cluster.client.submit(SQL, { queryId });
    await handle.done();
    // no file of the query was ever written: the files of failed attempts are deleted, but no
    // winner's are before the result was read
    expect(filesUnder(join(cluster.exchangeDir, queryId))).to.deep.equal([]);
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal(baseline);
    const failed = events.of(queryId).filter((e) => e.type === 'TASK_FAILED');
    expect(failed.map((e) => e.type === 'TASK_FAILED' && e.task.stageId).sort()).to.deep.equal([
      0, 1, 1, 1, 1,
    ]);
    // each winner's bytes are in its record, so a new leader hands the same bytes on (below)
    const { tasks } = await store.attempts(queryId);
    expect(tasks.size).to.equal(7);
    for (const [field, t] of tasks) {
      expect(t.state, field).to.equal('FINISHED');
      const files = JSON.parse(t.outputs ?? '[]') as { data?: unknown }[];
      expect(
        files.every((f) => typeof f.data === 'string' && f.data.length > 0),
        field,
      ).to.equal(true);
    }
  });

  it('writes an output past the inline limit to a file, and reads it back', async () => {
    const sql = 'select o_orderkey, o_comment from tpch.tiny.orders order by o_orderkey';
    const queryId = `big_${randomSuffix(6)}`;
    const handle = await cluster.client.submit(sql, { queryId });
    await handle.done();
    expect(filesUnder(join(cluster.exchangeDir, queryId)).length).to.be.greaterThan(0);
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.have.length(15000);
    const { tasks } = await store.attempts(queryId);
    const root = JSON.parse(tasks.get('0/0.0')?.outputs ?? '[]') as { data?: unknown }[];
    expect(root.length).to.be.greaterThan(0);
    expect(root.some((f) => f.data !== undefined)).to.equal(false);
  });
});
