import { expect } from 'chai';
import type { QuarryError } from '@quarry/common';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

/**
 * A query that runs past `query.max-execution-time` (or its session's lower limit) fails soon after,
 * with Trino's error; its tasks are cancelled. The slow queries here hang by failure injection (ids
 * starting `hang_`) until something cancels them, so the test does not depend on the machine's speed.
 */
describe('query time limits on a cluster', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;
  const SQL = 'select count(*) from tpch.tiny.lineitem';
  let hung = 0;

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 1,
      slots: 2,
      coordinator: { timeLimits: { maxRunMs: 60_000, maxPlanningMs: 60_000, maxExecutionMs: 8_000 } },
      worker: { failureInjection: parseFailureInjection('query=hang_,when=start,action=HANG') },
    });
  });

  after(async () => {
    await cluster?.stop();
  });

  async function failure(session: Record<string, string> = {}) {
    const started = Date.now();
    try {
      await cluster.client.query(SQL, { session, queryId: `hang_${++hung}_${Date.now()}` });
    } catch (e) {
      return { error: e as QuarryError, ms: Date.now() - started };
    }
    throw new Error('the query finished');
  }

  it('lets a query within the limit finish', async () => {
    const quick = await cluster.client.query(SQL);
    expect(quick.rows).to.deep.equal([[60175]]);
  });

  it("fails a query that runs past query.max-execution-time, with Trino's error", async () => {
    const { error, ms } = await failure();
    expect(error.code).to.equal('EXCEEDED_TIME_LIMIT');
    expect(error.message).to.equal(
      'Query exceeded the maximum execution time limit of 8.00s (query.max-execution-time)',
    );
    expect(ms, 'not before the limit').to.be.greaterThan(8_000);
    expect(ms, 'soon after the limit').to.be.lessThan(20_000);
  });

  it('takes a lower limit from the session, never a higher one', async () => {
    const lower = await failure({ query_max_execution_time: '500ms' });
    expect(lower.error.message).to.include('limit of 0.50s');
    const higher = await failure({ query_max_execution_time: '1h' });
    expect(higher.error.message).to.include('limit of 8.00s');
  });

  it('refuses a malformed limit in the session by name', async () => {
    try {
      await cluster.client.query(SQL, { session: { query_max_run_time: 'soon' } });
      expect.fail('the query ran');
    } catch (e) {
      expect((e as QuarryError).code).to.equal('INVALID_SESSION_PROPERTY');
      expect((e as Error).message).to.include('query_max_run_time');
    }
  });
});
