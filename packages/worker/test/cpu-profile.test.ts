import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuarryError } from '@quarry/common';
import { localExchangeConfig } from '@quarry/exchange';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { workerConfigFromProperties } from '../src/index.js';

/** What a .cpuprofile holds (Chrome DevTools' format), as much as the checks below read. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const SQL =
  'select l_returnflag, count(*), sum(l_extendedprice * (1 - l_discount)) from tpch.tiny.lineitem group by 1';

describe('task CPU profiles (task.cpu-profile-dir)', function () {
  this.timeout(90_000);
  let cluster: InProcessCluster;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quarry-cpu-profile-'));
    cluster = await startInProcessCluster({ workers: 1, slots: 2, worker: { taskCpuProfileDir: dir } });
  });
  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one valid profile per task of a query, under <dir>/<queryId>/<taskId>.cpuprofile', async () => {
    const handle = await cluster.client.submit(SQL);
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.have.length(3);
    const queryDir = join(dir, handle.queryId);
    const files = readdirSync(queryDir).sort();
    // a scan-and-partial-aggregation stage and a final aggregation: task ids <stage>.<partition>.<attempt>
    expect(files.length).to.be.at.least(2);
    for (const f of files) expect(f).to.match(/^\d+\.\d+\.\d+\.cpuprofile$/);
    const profiles = files.map((f) => JSON.parse(readFileSync(join(queryDir, f), 'utf8')) as CpuProfile);
    for (const p of profiles) {
      expect(p.endTime).to.be.greaterThan(p.startTime);
      expect(p.samples.length).to.equal(p.timeDeltas.length);
      const ids = new Set(p.nodes.map((n) => n.id));
      for (const s of p.samples) expect(ids.has(s), `sample of node ${s}`).to.equal(true);
      for (const n of p.nodes) for (const c of n.children ?? []) expect(ids.has(c)).to.equal(true);
    }
    // the scanning task's profile saw the tpch generator at work: the task's own code was sampled
    const urls = profiles.flatMap((p) => p.nodes.map((n) => n.callFrame.url));
    expect(urls.some((u) => /\/connectors\/dist\/tpch\//.test(u))).to.equal(true);
  });

  it('is off by default, and refuses a relative directory', () => {
    const base = { servers: 'nats://127.0.0.1:4222', prefix: 'q', exchange: localExchangeConfig(tmpdir()) };
    const read = (props: Record<string, string>) =>
      workerConfigFromProperties({ 'internal-communication.insecure': 'true', ...props }, base);
    expect(read({}).taskCpuProfileDir).to.equal(undefined);
    expect(read({ 'task.cpu-profile-dir': '/data/profiles' }).taskCpuProfileDir).to.equal('/data/profiles');
    expect(() => read({ 'task.cpu-profile-dir': 'profiles' }))
      .to.throw(QuarryError, /task\.cpu-profile-dir='profiles' is invalid: expected an absolute/)
      .with.property('code', 'INVALID_CONFIGURATION');
  });
});
