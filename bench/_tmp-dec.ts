import { startInProcessCluster } from '@quarry/testkit';
import { decode, encode } from '@quarry/runtime';
import { decodeResultsPage, decodeColumnarPage, columnarRows } from '@quarry/protocol';
import { connect } from '@nats-io/transport-node';
const cluster = await startInProcessCluster({ workers: 2, slots: 2 });
const nc = await connect({ servers: cluster.servers.nats.url });
const sql = 'select * from tpch.tiny.lineitem';
const pages: Record<string, Uint8Array[]> = { rows: [], columnar: [] };
try {
  for (const format of ['rows', 'columnar']) {
    const h = await cluster.client.submit(sql); await h.done();
    const cap = cluster.client.capabilityOf(h.queryId)!;
    for (let t = 0; ; t++) {
      const m = await nc.request(`${cluster.prefix}.query.${h.queryId}.results`, encode({ token: t, format, capability: cap }), { timeout: 10000 });
      pages[format]!.push(m.data);
      if ((decode(m.data) as any).value.nextToken === null) break;
    }
  }
} finally { await nc.close(); await cluster.stop(); }
for (let round = 0; round < 6; round++) for (const format of ['rows', 'columnar']) {
  const t = performance.now(); const c0 = process.cpuUsage(); let n = 0;
  for (const d of pages[format]!) {
    const p = decodeResultsPage((decode(d) as any).value);
    const rows = p.data ? columnarRows(decodeColumnarPage(decode(p.data))) : p.rows;
    n += rows.length;
  }
  const cu = process.cpuUsage(c0); const ms = (cu.user + cu.system) / 1000;
  console.log(format, n, ms.toFixed(0), 'ms', (ms * 1000 / n).toFixed(2), 'µs/row', pages[format]!.reduce((a, b) => a + b.byteLength, 0));
}
