import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN, freePort, type LocalCluster } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { startProcessCluster } from '@quarry/testkit';

/** Runs `quarry <args>` with a clean environment (no secret inherited), waiting for it to exit. */
function quarry(args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string } {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('QUARRY_') && !k.startsWith('NATS_')),
  );
  const r = spawnSync(process.execPath, [CLI_MAIN, ...args], {
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, stderr: r.stderr };
}

describe('the shared secret of a cluster', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'quarry-secret-'));
  let cluster: LocalCluster;
  let client: QuarryClient;

  before(async () => {
    cluster = await startProcessCluster({ workers: 1, slots: 1, prefix: 'secret' });
    client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'secret' });
  });

  after(async () => {
    await client?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is required: coordinator and worker refuse to start without one, and say how to give it', async () => {
    const nowhere = `nats://127.0.0.1:${await freePort()}`;
    for (const role of ['coordinator', 'worker']) {
      const r = quarry([role, '--server', nowhere, '--exchange-dir', dir]);
      expect(r.status, role).to.equal(1);
      expect(r.stderr, role).to.match(
        new RegExp(
          `INVALID_CONFIGURATION: The ${role} needs the cluster's shared secret: set internal-communication.shared-secret .*QUARRY_SHARED_SECRET.*--shared-secret-file`,
        ),
      );
    }
    // the explicit opt-out gets past the secret (and then fails on the NATS server that is not there)
    const insecure = quarry(['worker', '--server', nowhere, '--exchange-dir', dir], {
      QUARRY_INTERNAL_COMMUNICATION_INSECURE: 'true',
    });
    expect(insecure.status).to.equal(1);
    expect(insecure.stderr).to.match(/Cannot connect to NATS/);
  });

  it('refuses a short secret without showing it', () => {
    const r = quarry(['worker', '--exchange-dir', dir], { QUARRY_SHARED_SECRET: 'tooShort123' });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/at least 16 characters/);
    expect(r.stderr).to.not.include('tooShort123');
  });

  it('is read from --shared-secret-file: a worker with the right file joins, one with a wrong file never does', async () => {
    const right = join(dir, 'right.secret');
    const wrong = join(dir, 'wrong.secret');
    writeFileSync(right, `${cluster.sharedSecret}\n`, { mode: 0o600 });
    writeFileSync(wrong, 'a-secret-of-another-cluster-entirely\n', { mode: 0o600 });
    const noEnvSecret = { QUARRY_SHARED_SECRET: '' };
    await cluster.addWorker({ args: ['--shared-secret-file', right], env: noEnvSecret });
    await cluster.addWorker({ args: ['--shared-secret-file', wrong], env: noEnvSecret });
    await cluster.waitForWorkers(2);
    await new Promise((r) => setTimeout(r, 1500));
    const ids = (await client.workers()).workers.map((w) => w.workerId).sort();
    expect(ids).to.deep.equal(['worker-1', 'worker-2']);
    const missing = quarry(['worker', '--shared-secret-file', join(dir, 'nope')]);
    expect(missing.stderr).to.match(/Cannot read the shared secret file .*nope: ENOENT/);
  });

  it('never reaches a log', async () => {
    expect((await client.query('select count(*) from tpch.tiny.region')).rows).to.deep.equal([[5]]);
    const logs = join(cluster.dir, 'logs');
    const text = readdirSync(logs)
      .map((f) => readFileSync(join(logs, f), 'utf8'))
      .join('\n');
    expect(text).to.match(/refused a message on an internal subject/, 'worker-3 was refused');
    expect(text).to.not.include(cluster.sharedSecret);
    expect(text).to.not.include('a-secret-of-another-cluster-entirely');
  });
});
