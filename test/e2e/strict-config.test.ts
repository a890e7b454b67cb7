import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN } from '@quarry/cli';

/**
 * A configuration file holding a property nobody reads stops the process at start — before it
 * connects anywhere — with the file, the name and a suggestion: Trino's Helm short forms
 * (`base-directories=`) would otherwise leave a worker on a private /tmp exchange.
 */
describe('strict configuration at start', function () {
  this.timeout(30_000);

  function start(
    role: 'worker' | 'coordinator',
    files: Record<string, string>,
    env: Record<string, string> = {},
  ) {
    const dir = mkdtempSync(join(tmpdir(), 'quarry-etc-'));
    mkdirSync(join(dir, 'catalog'));
    const all = { 'config.properties': '', 'exchange-manager.properties': '', ...files };
    for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
    // a server nobody listens on: a process that got past its configuration would fail differently
    return spawnSync(
      process.execPath,
      [CLI_MAIN, role, '--config-dir', dir, '--server', 'nats://127.0.0.1:1'],
      {
        encoding: 'utf8',
        env: { ...process.env, ...env },
        timeout: 20_000,
      },
    );
  }

  it("stops a worker whose exchange-manager.properties uses Trino's Helm short form", () => {
    const r = start('worker', {
      'exchange-manager.properties': 'exchange-manager.name=filesystem\nbase-directories=s3://bucket-1\n',
    });
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.match(
      /exchange-manager\.properties: unknown property 'base-directories' \(did you mean 'exchange\.base-directories'\?\)/,
    );
    expect(r.stderr).to.not.match(/NATS|connect/i);
  });

  it('stops a coordinator with a misspelt property in config.properties', () => {
    const r = start('coordinator', { 'config.properties': 'retry-polcy=TASK\n' });
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.match(
      /config\.properties: unknown property 'retry-polcy' \(did you mean 'retry-policy'\?\)/,
    );
  });

  it("accepts Trino's own properties, and reads ${ENV:NAME} values", () => {
    const r = start(
      'worker',
      {
        'config.properties':
          'coordinator=false\nhttp-server.http.port=8080\ndiscovery.uri=http://c:8080\nworker.task-slots=${ENV:QUARRY_TEST_SLOTS}\n',
      },
      { QUARRY_TEST_SLOTS: 'many' },
    );
    // got past the names, and the environment's value reached the property's own check
    expect(r.stderr).to.match(/worker\.task-slots='many' is invalid/);
  });

  it('stops a coordinator whose Trino HTTP settings cannot be served, before it connects', () => {
    const https = start('coordinator', {
      'config.properties': 'http-server.https.enabled=true\nhttp-server.https.port=8443\n',
    });
    expect(https.status).to.not.equal(0);
    expect(https.stderr).to.match(
      /http-server\.https\.enabled=true needs .*http-server\.https\.keystore\.path/,
    );
    const typo = start('coordinator', { 'config.properties': 'http-server.http.prot=8080\n' });
    expect(typo.stderr).to.match(
      /unknown property 'http-server\.http\.prot' \(did you mean 'http-server\.http\.port'\?\)/,
    );
    const auth = start('coordinator', {
      'config.properties': 'http-server.http.port=8080\nhttp-server.authentication.type=PASSWORD\n',
      'password-authenticator.properties':
        'password-authenticator.name=file\nfile.password-file=/nonexistent/password.db\n',
    });
    expect(auth.status).to.not.equal(0);
    expect(auth.stderr).to.match(/file\.password-file: cannot read \/nonexistent\/password\.db \(ENOENT\)/);
    expect(auth.stderr).to.not.match(/NATS|connect/i);
  });

  it("reads Trino's spill properties: a bad value is refused by name, not as unknown", () => {
    const r = start('worker', {
      'config.properties':
        'spill-enabled=true\nspiller-spill-path=/tmp/quarry-spill-test\nmax-spill-per-node=10GB\n' +
        'query-max-spill-per-node=1GB\nspill-encryption-enabled=false\nspill-compression-codec=GZIP\n',
    });
    expect(r.stderr).to.match(/spill-compression-codec='GZIP' is invalid: expected one of NONE, LZ4, ZSTD/);
  });
});
