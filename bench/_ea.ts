import { QuarryClient } from '@quarry/client';
import { startProcessCluster } from '@quarry/testkit';
const cluster = await startProcessCluster({ workers: 2, slots: 2, prefix: 'ea' });
const client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'ea' });
const sql = process.argv[2]!;
for (let i = 0; i < 6; i++) {
  const t0 = performance.now();
  const r = await client.query('EXPLAIN ANALYZE ' + sql, { session: { retry_policy: 'TASK' } });
  if (i >= 4) console.log(performance.now() - t0, '\n', r.rows.map((x) => x[0]).join('\n'));
}
await client.close(); await cluster.stop();
