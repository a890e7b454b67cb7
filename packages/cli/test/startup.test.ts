import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_MAIN, bundleIsCurrent } from '@quarry/cli';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';

const RECORDER = fileURLToPath(new URL('./support/record-modules.mjs', import.meta.url));

/** The engine's packages and the AWS SDK: what a client command must not load. */
const ENGINE =
  /\/packages\/(sql|coordinator|worker|exchange|connectors|cluster-protocol|storage)\/|\/@aws-sdk\//;

/**
 * Runs `quarry` with the module recorder preloaded; resolves with its exit code, output and the
 * URLs of the modules it loaded.
 */
async function quarryModules(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string; modules: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-modules-'));
  const log = join(dir, 'modules.log');
  try {
    const p = spawn(process.execPath, ['--import', RECORDER, CLI_MAIN, ...args], {
      env: { ...process.env, ...env, QUARRY_MODULE_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => p.on('exit', resolve));
    const modules = readFileSync(log, 'utf8').trim().split('\n');
    return { code, stdout, stderr, modules };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** esbuild's account of the bundle: its inputs, paths relative to packages/cli. */
const BUNDLE_INPUTS = fileURLToPath(new URL('../dist/client-commands.bundle.meta.json', import.meta.url));
const ENGINE_INPUT =
  /(^|\/)(sql|coordinator|worker|exchange|connectors|cluster-protocol|storage)\/dist\/|@aws-sdk\//;

const quarryPackages = (modules: string[]) =>
  [...new Set(modules.map((m) => /\/packages\/([a-z-]+)\/dist\//.exec(m)?.[1]).filter(Boolean))].sort();

describe('what the quarry command loads', function () {
  this.timeout(60_000);
  let cluster: InProcessCluster;
  let at: string[];

  before(async () => {
    cluster = await startInProcessCluster({ workers: 1 });
    at = ['--server', cluster.servers.nats.url, '--prefix', cluster.prefix];
  });
  after(async () => cluster?.stop());

  it('--version and --help load no quarry package besides the CLI', async () => {
    const version = await quarryModules(['--version']);
    const { version: expected } = JSON.parse(
      readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    ) as { version: string };
    expect(version.stdout).to.equal(`quarry ${expected}\n`);
    expect(quarryPackages(version.modules)).to.deep.equal(['cli']);
    const help = await quarryModules(['query', '--help']);
    expect(help.stdout).to.match(/^Usage: quarry query \[options\] <sql>/);
    expect(quarryPackages(help.modules)).to.deep.equal(['cli']);
  });

  it('client commands load the client and none of the engine', async () => {
    const modules = { QUARRY_CLI_BUNDLE: '0' };
    const shell = await quarryModules(
      [...at, '--execute', 'select 7 as n', '--output-format', 'CSV'],
      modules,
    );
    expect(shell.code, shell.stderr).to.equal(0);
    expect(shell.stdout).to.equal('"7"\n');
    expect(quarryPackages(shell.modules)).to.deep.equal(['cli', 'client', 'common', 'protocol', 'runtime']);
    expect(shell.modules.filter((m) => ENGINE.test(m))).to.deep.equal([]);
    const workers = await quarryModules(['workers', ...at], modules);
    expect(workers.code, workers.stderr).to.equal(0);
    expect(workers.modules.filter((m) => ENGINE.test(m))).to.deep.equal([]);
  });

  it('the bundle of the client commands holds none of the engine, and runs when current', async function () {
    // made by the package's build (`npm run build`: tsc, then esbuild), not by `tsc -b` alone
    if (!existsSync(BUNDLE_INPUTS)) this.skip();
    const inputs = Object.keys(
      (JSON.parse(readFileSync(BUNDLE_INPUTS, 'utf8')) as { inputs: object }).inputs,
    );
    expect(inputs.some((f) => f.endsWith('client/dist/client.js'))).to.equal(true);
    expect(inputs.filter((f) => ENGINE_INPUT.test(f))).to.deep.equal([]);
    const current = bundleIsCurrent();
    const r = await quarryModules([...at, '--execute', 'select 8 as n', '--output-format', 'CSV']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('"8"\n');
    expect(r.modules.some((m) => m.endsWith('/dist/client-commands.bundle.js'))).to.equal(current);
    expect(r.modules.filter((m) => ENGINE.test(m))).to.deep.equal([]);
  });

  it('a maintenance command loads the engine package it needs (the recorder sees them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quarry-exchange-gc-'));
    try {
      const gc = await quarryModules(['exchange', 'gc', '--older-than', '1h', '--exchange-dir', dir]);
      expect(gc.code, gc.stderr).to.equal(0);
      expect(quarryPackages(gc.modules)).to.include('exchange');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
