import { expect } from 'chai';
import { randomSuffix } from '@quarry/common';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

/** Reads one sample of a Prometheus text exposition, e.g. `quarry_queries_total{state="FINISHED"}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^[^{ ]+(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const got = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[2]);
  }
  return undefined;
}

describe('metrics endpoints', function () {
  this.timeout(60_000);
  let cluster: InProcessCluster;

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      coordinator: { metricsPort: 0 },
      worker: {
        metricsPort: 0,
        failureInjection: parseFailureInjection(
          'query=metrics_,stage=1,partition=0,attempt=0,when=midway,action=EXTERNAL',
        ),
      },
    });
  });

  after(async () => cluster?.stop());

  const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

  it('count queries, attempts, retries by error type and spooled bytes after a query with one injected retry', async () => {
    const result = await cluster.client.query(
      'select o_orderstatus, count(*) from tpch.tiny.orders group by 1 order by 1',
      {
        queryId: `metrics_${randomSuffix(6)}`,
        session: { retry_policy: 'TASK' },
      },
    );
    expect(result.rows.length).to.equal(3);
    const text = await scrape(cluster.coordinator.metricsPort!);
    expect(sample(text, 'quarry_queries_total', { state: 'FINISHED' })).to.equal(1);
    expect(sample(text, 'quarry_queries_total', { state: 'FAILED' })).to.equal(undefined);
    expect(sample(text, 'quarry_task_retries_total', { error_type: 'EXTERNAL' })).to.equal(1);
    expect(sample(text, 'quarry_task_attempts_total', { outcome: 'failed' })).to.equal(1);
    const started = sample(text, 'quarry_task_attempts_total', { outcome: 'started' })!;
    const finished = sample(text, 'quarry_task_attempts_total', { outcome: 'finished' })!;
    expect(started).to.equal(finished + 1);
    expect(sample(text, 'quarry_spooled_bytes_total')).to.be.greaterThan(0);
    expect(sample(text, 'quarry_workers', { state: 'active' })).to.equal(2);
    expect(sample(text, 'quarry_tasks', { state: 'queued' })).to.equal(0);
    expect(sample(text, 'quarry_worker_heartbeat_age_seconds', { worker: 'w1' })).to.be.lessThan(2);
    expect(sample(text, 'quarry_queries', { state: 'RUNNING' })).to.equal(0);

    const perWorker = await Promise.all(cluster.workers.map((w) => scrape(w.metricsPort!)));
    const total = (outcome: string) =>
      perWorker.reduce((n, t) => n + (sample(t, 'quarry_worker_tasks_total', { outcome }) ?? 0), 0);
    expect(total('failed')).to.equal(1);
    expect(total('finished')).to.equal(finished);
    expect(perWorker.every((t) => sample(t, 'quarry_worker_task_slots') === 2)).to.equal(true);
    expect(perWorker.every((t) => (sample(t, 'quarry_process_resident_memory_bytes') ?? 0) > 0)).to.equal(
      true,
    );
  });
});
