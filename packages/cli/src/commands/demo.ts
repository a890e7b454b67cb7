import { QuarryClient, type QueryHandle } from '@quarry/client';
import { formatDuration } from '@quarry/common';
import { formatTable } from '../format.js';
import { LocalCluster, type ProcessHandle } from '../local/cluster.js';
import { startS3, type TestS3 } from '../local/s3.js';
import { describeEvent } from './query.js';

export interface DemoFlags {
  readonly sf: string;
  readonly workers: string;
}

/** TPC-H Q1: three stages (scan and partial aggregation, final aggregation, sort). */
const q1 = (sf: string) => `select
  l_returnflag, l_linestatus,
  sum(l_quantity) as sum_qty,
  sum(l_extendedprice) as sum_base_price,
  sum(l_extendedprice * (1 - l_discount)) as sum_disc_price,
  sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
  avg(l_quantity) as avg_qty,
  avg(l_extendedprice) as avg_price,
  avg(l_discount) as avg_disc,
  count(*) as count_order
from tpch.sf${sf}.lineitem
where l_shipdate <= date '1998-12-01' - interval '90' day
group by l_returnflag, l_linestatus
order by l_returnflag, l_linestatus`;

const out = (line = '') => process.stdout.write(`${line}\n`);

/**
 * `quarry demo`: a local cluster whose exchange is two S3 buckets (an S3-compatible server started
 * for the demo), retry policy TASK; TPC-H Q1 runs, one worker is killed with SIGKILL while it works,
 * its tasks run again elsewhere (shown live), and the result is checked against a run without
 * failure. Then everything stops.
 */
export async function runDemo(flags: DemoFlags): Promise<number> {
  const workers = Math.max(2, Number(flags.workers) || 3);
  if (!/^\d+(\.\d+)?$/.test(flags.sf)) throw new Error(`--sf must be a positive number, got '${flags.sf}'`);
  let s3: TestS3 | undefined;
  let cluster: LocalCluster | undefined;
  let client: QuarryClient | undefined;
  try {
    out('quarry demo: fault-tolerant execution with a worker killed mid-query\n');
    s3 = await startS3();
    out(`• S3-compatible store at ${s3.endpoint}, exchange buckets ${s3.buckets.join(', ')}`);
    cluster = await startCluster(s3, workers);
    client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'demo', timeoutMs: 60_000 });
    const sql = q1(flags.sf);
    out(`TPC-H Q1 over tpch.sf${flags.sf}.lineitem\n`);

    const handle = await client.submit(sql);
    const { killed, failed } = await followKillingAWorker(handle, cluster);
    if (failed) return 1;
    const result = await handle.result();
    handle.close();
    out(`\n${formatTable(result.columns, result.rows)}\n`);

    out('checking: the same query again, without failures…');
    const again = await client.query(sql);
    const same = JSON.stringify(again.rows) === JSON.stringify(result.rows);
    out(
      same
        ? '✓ identical to the result of a run without failures'
        : '✗ the results differ from a run without failures',
    );
    out(
      killed
        ? `✓ ${killed.name} was killed; its tasks ran again on other workers, reading the spooled data of the tasks that had finished`
        : '(no worker was busy when the kill was due)',
    );
    return same ? 0 : 1;
  } finally {
    await client?.close().catch(() => {});
    await cluster?.stop().catch(() => {});
    await s3?.stop().catch(() => {});
    out('stopped: cluster, NATS, Redis and the S3 store');
  }
}

/** The demo's cluster: `workers` workers of 2 slots, retry policy TASK, the exchange on `s3`'s buckets. */
async function startCluster(s3: TestS3, workers: number): Promise<LocalCluster> {
  const cluster = await LocalCluster.start({
    workers,
    slots: 2,
    prefix: 'demo',
    exchangeProperties: {
      'exchange-manager.name': 'filesystem',
      ...s3.exchangeProperties({ 'exchange.compression-codec': 'LZ4' }),
    },
    configProperties: { 'retry-policy': 'TASK', 'retry-initial-delay': '1s' },
  });
  out(
    `• cluster: NATS ${cluster.natsUrl}, Redis ${cluster.redisUrl}, a coordinator and ${workers} workers (2 task slots each)`,
  );
  out('• retry-policy=TASK, exchange encrypted (AES-256-GCM, per-query key) and LZ4-compressed');
  out(
    '• membership: NATS users and permissions (members, clients), internal messages signed with a random shared secret\n',
  );
  return cluster;
}

/**
 * Shows the query's events as they come and, once a task has finished, kills (SIGKILL) a worker
 * that is running one. Returns the worker killed (none if none was busy) and whether the query failed
 * (then at its FAILED event, without waiting for the end of the stream).
 */
async function followKillingAWorker(
  handle: QueryHandle,
  cluster: LocalCluster,
): Promise<{ killed: ProcessHandle | undefined; failed: boolean }> {
  const started = Date.now();
  const running = new Map<string, string>();
  let killed: ProcessHandle | undefined;
  let finishedTasks = 0;
  for await (const e of handle.events()) {
    const t = `+${formatDuration(Date.now() - started).padStart(6)}`;
    if (e.type === 'RUNNING' && e.task) {
      if (e.task.state === 'RUNNING') running.set(e.task.taskId, e.task.workerId);
      else running.delete(e.task.taskId);
      if (e.task.state === 'FINISHED') finishedTasks++;
    }
    if (e.type !== 'RUNNING' || e.task?.state !== 'RUNNING' || killed) out(`  ${t}  ${describeEvent(e)}`);
    // once some work is done, kill a worker that is busy with a task
    if (!killed && finishedTasks >= 1 && e.type === 'RUNNING') {
      const victimId = [...running.values()][0];
      const victim = cluster.workers.find((w) => w.name === victimId);
      if (victim) {
        killed = victim;
        await victim.kill();
        out(
          `  ${t}  ✖ kill -9 ${victim.name} (pid ${victim.process.pid}) while it runs ${[...running]
            .filter(([, w]) => w === victimId)
            .map(([id]) => id)
            .join(', ')}`,
        );
      }
    }
    if (e.type === 'FAILED') return { killed, failed: true };
  }
  return { killed, failed: false };
}
