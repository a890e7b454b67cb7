import { readFileSync } from 'node:fs';
import { QuarryClient } from '@quarry/client';
import { startProcessCluster } from '@quarry/testkit';
const cluster = await startProcessCluster({ workers: 2, slots: 2, prefix: 'tl' });
const client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'tl' });
const sql = readFileSync(process.argv[2]!, 'utf8').replace(/;\s*$/, '');
for (let i = 0; i < 4; i++) {
  for (const policy of ['NONE', 'TASK']) {
    const t0 = Date.now();
    const h = await client.submit(sql, { session: { catalog: 'tpch', schema: 'sf0.1', retry_policy: policy } });
    const evs: string[] = [];
    const evp = (async () => { for await (const e of h.events()) { const t: any = (e as any).task; evs.push(`${e.time - t0} ${e.type} ${t ? `${t.stageId}.${t.partition} ${t.state}` : ''}`); } })();
    await h.result();
    const t1 = Date.now();
    await evp;
    if (i >= 3) console.log(policy, 'total', t1 - t0, '\n  ' + evs.join('\n  '));
  }
}
await client.close(); await cluster.stop();
