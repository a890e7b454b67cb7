import { QuarryClient } from '@quarry/client';
import { formatDuration } from '@quarry/common';
import { formatTable } from '../format.js';
import { LocalCluster } from '../local/cluster.js';
import { describeLeadership } from '../local/coordinators.js';
import { startS3, type TestS3 } from '../local/s3.js';
import { followWithFaults, type DemoFaultReport } from './demo-faults.js';

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
 * `quarry demo`: a local cluster of two coordinators (one leads, one stands by) whose exchange is two
 * S3 buckets (an S3-compatible server started for the demo), retry policy TASK; TPC-H Q1 runs, one
 * worker is killed with SIGKILL while it works and its tasks run again elsewhere, then the leading
 * coordinator is killed with SIGKILL and the standby takes over (all shown live), and the result is
 * checked against a run without failure. Then everything stops.
 */
export async function runDemo(flags: DemoFlags): Promise<number> {
  const workers = Math.max(2, Number(flags.workers) || 3);
  if (!/^\d+(\.\d+)?$/.test(flags.sf)) throw new Error(`--sf must be a positive number, got '${flags.sf}'`);
  let s3: TestS3 | undefined;
  let cluster: LocalCluster | undefined;
  let client: QuarryClient | undefined;
  try {
    out('quarry demo: fault-tolerant execution with a worker and the leading coordinator killed mid-query\n');
    s3 = await startS3();
    out(`• S3-compatible store at ${s3.endpoint}, exchange buckets ${s3.buckets.join(', ')}`);
    cluster = await startCluster(s3, workers);
    client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'demo', timeoutMs: 60_000 });
    const sql = q1(flags.sf);
    out(`TPC-H Q1 over tpch.sf${flags.sf}.lineitem\n`);

    const handle = await client.submit(sql);
    const faults = await followWithFaults(handle, cluster, out);
    if (faults.failed) return 1;
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
    return summarize(faults) && same ? 0 : 1;
  } finally {
    await client?.close().catch(() => {});
    await cluster?.stop().catch(() => {});
    await s3?.stop().catch(() => {});
    out('stopped: cluster, NATS, Redis and the S3 store');
  }
}

/** The demo's cluster: two coordinators, `workers` workers of 2 slots, retry policy TASK, the exchange on `s3`'s buckets. */
async function startCluster(s3: TestS3, workers: number): Promise<LocalCluster> {
  const cluster = await LocalCluster.start({
    workers,
    coordinators: 2,
    slots: 2,
    prefix: 'demo',
    exchangeProperties: {
      'exchange-manager.name': 'filesystem',
      ...s3.exchangeProperties({ 'exchange.compression-codec': 'LZ4' }),
    },
    configProperties: { 'retry-policy': 'TASK', 'retry-initial-delay': '1s' },
  });
  out(
    `• cluster: NATS ${cluster.natsUrl}, Redis ${cluster.redisUrl}, 2 coordinators and ${workers} workers (2 task slots each)`,
  );
  out(
    `• ${await describeLeadership(cluster)} — the leader holds a lease in Redis; the standby takes over when it lapses`,
  );
  out('• retry-policy=TASK, exchange encrypted (AES-256-GCM, per-query key) and LZ4-compressed');
  out(
    '• membership: NATS users and permissions (members, clients), internal messages signed with a random shared secret\n',
  );
  return cluster;
}

/** What the demo did and saw, in a few lines; false when the leader was killed and nobody took over. */
function summarize(f: DemoFaultReport): boolean {
  out(
    f.worker
      ? `✓ ${f.worker.name} was killed; its tasks ran again on other workers, reading the spooled data of the tasks that had finished`
      : '(no worker was busy when the kill was due)',
  );
  if (!f.leader) {
    out('(no coordinator led when its kill was due)');
    return true;
  }
  if (!f.takeover) {
    out(`✗ ${f.leader.handle.name}, the leader, was killed, and no standby took the query over`);
    return false;
  }
  const t = f.takeover;
  const lost = t.lost ? `; ${t.lost} of them no worker ran any more, and they ran again` : '';
  out(
    `✓ ${f.leader.handle.name}, the leader (epoch ${f.leader.epoch}), was killed; the standby ${t.by} took over under epoch ${t.epoch} in ${formatDuration(t.tookMs)} and rebuilt the query from Redis: finished tasks were kept, ${t.adopted} running task(s) adopted${lost}`,
  );
  return true;
}
