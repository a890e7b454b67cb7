import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN, type LocalCluster } from '@quarry/cli';
import { startProcessCluster } from '@quarry/testkit';

/** Runs the `quarry` CLI as a process (stdin from `input`); resolves with its exit code and output. */
function quarry(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI_MAIN, ...args], { env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(options.input ?? '');
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** bcrypt (cost 8) of `alice-secret`, as a password file holds it. */
const ALICE_HASH = '$2b$08$gTFxlmG3zK09Ja5T54eNQOVSZqMQMKdET82nRlkyq87VjGKxNVaGC';

/**
 * The CLI over Trino's HTTP protocol (`--server http://host:port`) against a coordinator's real
 * gateway with a password file: the shell's statements (USE, SET SESSION kept client-side and sent
 * as X-Trino-* headers), `quarry query`, errors with their caret, and a wrong password refused.
 */
describe('the quarry CLI over Trino HTTP protocol', function () {
  this.timeout(120_000);
  let cluster: LocalCluster;
  let dir: string;
  let at: string[];
  let passwordFile: string;
  let https: string;
  let caFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quarry-cli-http-'));
    writeFileSync(join(dir, 'password.db'), `alice:${ALICE_HASH}\n`);
    writeFileSync(
      join(dir, 'password-authenticator.properties'),
      `password-authenticator.name=file\nfile.password-file=${join(dir, 'password.db')}\n`,
    );
    passwordFile = join(dir, 'alice.password');
    writeFileSync(passwordFile, 'alice-secret\n');
    // a self-signed certificate for 127.0.0.1, its key and certificate in one PEM (Trino's keystore.path)
    const key = join(dir, 'key.pem');
    caFile = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        caFile,
      ]),
      { stdio: 'ignore' },
    );
    writeFileSync(join(dir, 'server.pem'), readFileSync(key, 'utf8') + readFileSync(caFile, 'utf8'));
    const [port, httpsPort] = [await freePort(), await freePort()];
    https = `https://127.0.0.1:${httpsPort}`;
    cluster = await startProcessCluster({
      workers: 1,
      slots: 2,
      prefix: 'clihttp',
      configProperties: {
        'http-server.http.port': String(port),
        'http-server.authentication.type': 'PASSWORD',
        'http-server.authentication.allow-insecure-over-http': 'true',
        'http-server.https.enabled': 'true',
        'http-server.https.port': String(httpsPort),
        'http-server.https.keystore.path': join(dir, 'server.pem'),
        'password-authenticator.config-files': join(dir, 'password-authenticator.properties'),
      },
    });
    at = ['--server', `http://127.0.0.1:${port}`, '--user', 'alice'];
  });

  after(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the statements of --execute with USE and SET SESSION', async () => {
    const r = await quarry([
      ...at,
      '--password-file',
      passwordFile,
      '--output-format',
      'CSV_HEADER',
      '--execute',
      [
        'USE tpch.tiny',
        'SET SESSION hash_partition_count = 3',
        'select r_name from region where r_regionkey < 2 order by 1',
        'select distinct "user" from system.runtime.queries where query like \'select r_name from region%\'',
      ].join(';\n'),
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('"r_name"\n"AFRICA"\n"AMERICA"\n"user"\n"alice"\n');
  });

  it('runs `quarry query` and statements from stdin, the password from $TRINO_PASSWORD', async () => {
    const env = { TRINO_PASSWORD: 'alice-secret' };
    const q = await quarry(['query', ...at, 'select 1 + 1 as two'], { env });
    expect(q.code, q.stderr).to.equal(0);
    expect(q.stdout).to.equal(' two\n-----\n   2\n(1 row)\n');
    const stdin = await quarry([...at, '--format', 'csv', '--catalog', 'tpch', '--schema', 'tiny'], {
      env,
      input: 'select n_name from nation where n_nationkey = 7;\n',
    });
    expect(stdin.code, stdin.stderr).to.equal(0);
    expect(stdin.stdout).to.equal('n_name\nGERMANY\n');
  });

  it('talks HTTPS, trusting a private CA through NODE_EXTRA_CA_CERTS', async () => {
    const args = ['--server', https, '--user', 'alice', '--password-file', passwordFile];
    const r = await quarry([...args, '--format', 'csv', '--execute', 'select 3 as n'], {
      env: { NODE_EXTRA_CA_CERTS: caFile },
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('n\n3\n');
    const untrusted = await quarry([...args, '--execute', 'select 3'], { env: { NODE_EXTRA_CA_CERTS: '' } });
    expect(untrusted.code).to.equal(1);
    expect(untrusted.stderr).to.contain(`cannot reach ${https}`);
  });

  it('prints a failing statement with its error name and a caret under its position', async () => {
    const r = await quarry([
      ...at,
      '--password-file',
      passwordFile,
      '--execute',
      'select nope from tpch.tiny.region',
    ]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('COLUMN_NOT_FOUND');
    expect(r.stderr).to.contain("'nope'");
    expect(r.stderr).to.match(/select nope from tpch\.tiny\.region\n {7}\^/);
  });

  it('says what is wrong for a wrong password and for a server that does not answer', async () => {
    const wrong = await quarry([...at, '--execute', 'select 1'], { env: { TRINO_PASSWORD: 'nope' } });
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.contain('ACCESS_DENIED');
    const port = await freePort();
    const nobody = await quarry(['--server', `http://127.0.0.1:${port}`, '--execute', 'select 1']);
    expect(nobody.code).to.equal(1);
    expect(nobody.stderr).to.contain(`cannot reach http://127.0.0.1:${port}`);
  });
});
