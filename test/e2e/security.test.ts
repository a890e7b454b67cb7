import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import {
  CLI_MAIN,
  startNatsServer,
  startRedisServer,
  type LocalCluster,
  type ServerProcess,
} from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { QuarryError } from '@quarry/common';
import { ActorSystem } from '@quarry/runtime';
import { startProcessCluster, track } from '@quarry/testkit';

const NATS_PASSWORD = 'n4ts-s3cret-passw0rd';
const REDIS_PASSWORD = 'r3dis-s3cret-passw0rd';

describe('secured connections', function () {
  this.timeout(90_000);
  const dir = mkdtempSync(join(tmpdir(), 'quarry-sec-'));
  let nats: ServerProcess;
  let redis: ServerProcess;
  let cluster: LocalCluster;

  before(async () => {
    nats = track(
      await startNatsServer(join(dir, 'nats'), { args: ['--user', 'quarry', '--pass', NATS_PASSWORD] }),
    );
    redis = track(await startRedisServer(join(dir, 'redis'), { args: ['--requirepass', REDIS_PASSWORD] }));
    cluster = await startProcessCluster({
      workers: 1,
      prefix: 'sec',
      natsUrl: nats.url,
      redisUrl: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}`,
      env: { NATS_USER: 'quarry', NATS_PASSWORD },
    });
  });

  after(async () => {
    await cluster?.stop();
    await nats?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a query with NATS user/password and a Redis password, and never logs either', async () => {
    const client = await QuarryClient.connect({
      servers: nats.url,
      prefix: 'sec',
      auth: { user: 'quarry', password: NATS_PASSWORD },
    });
    try {
      expect((await client.query('select count(*) from tpch.tiny.region')).rows).to.deep.equal([[5]]);
    } finally {
      await client.close();
    }
    const logs = readdirSync(join(cluster.dir, 'logs')).map((f) =>
      readFileSync(join(cluster.dir, 'logs', f), 'utf8'),
    );
    expect(logs.join('').length).to.be.greaterThan(0);
    for (const text of logs) {
      expect(text).to.not.include(NATS_PASSWORD);
      expect(text).to.not.include(REDIS_PASSWORD);
    }
  });

  it('refuses wrong credentials with a clear error that shows no secret', async () => {
    const err = (await QuarryClient.connect({
      servers: nats.url,
      prefix: 'sec',
      auth: { user: 'quarry', password: 'wrong-one' },
    }).catch((e: unknown) => e)) as QuarryError;
    expect(err).to.be.instanceOf(QuarryError);
    expect(err.code).to.equal('MESSAGING_ERROR');
    expect(err.message).to.match(
      /Cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+ \(user quarry\): .*(Authorization|authentication)/i,
    );
    expect(err.message).to.not.include('wrong-one');
  });

  it('reads the NATS password from --password-file, so it stays out of ps', () => {
    const file = join(dir, 'nats-password');
    writeFileSync(file, `${NATS_PASSWORD}\n`, { mode: 0o600 });
    const out = execFileSync(
      process.execPath,
      [
        CLI_MAIN,
        'workers',
        '--server',
        nats.url,
        '--prefix',
        'sec',
        '--user',
        'quarry',
        '--password-file',
        file,
      ],
      { encoding: 'utf8', timeout: 20_000, env: { ...process.env, NATS_PASSWORD: '' } },
    );
    expect(out).to.include('worker-1');
  });

  it('stops a coordinator whose Redis password is wrong with an error that does not show it', () => {
    const wrong = 'wr0ng-redis-passw0rd';
    let output = '';
    try {
      execFileSync(
        process.execPath,
        [
          CLI_MAIN,
          'coordinator',
          '--server',
          nats.url,
          '--prefix',
          'secbad',
          '--redis',
          `redis://:${wrong}@127.0.0.1:${redis.port}`,
        ],
        {
          env: {
            ...process.env,
            NATS_USER: 'quarry',
            NATS_PASSWORD,
            QUARRY_SHARED_SECRET: 'a-shared-secret-of-this-test',
          },
          encoding: 'utf8',
          stdio: 'pipe',
          timeout: 20_000,
        },
      );
      expect.fail('the coordinator started');
    } catch (e) {
      const r = e as { stdout?: string; stderr?: string };
      output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    }
    expect(output).to.match(/Cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/);
    expect(output).to.not.include(wrong);
  });
});

describe('NATS token, NKey and TLS options', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'quarry-nats-auth-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function canAsk(
    servers: string,
    options: Partial<Parameters<typeof ActorSystem.connect>[0]>,
  ): Promise<boolean> {
    const a = await ActorSystem.connect({ servers, prefix: 'p', ...options });
    try {
      a.spawn(
        'echo',
        (m: unknown) => m,
        (m) => m,
      );
      return (await a.ask('echo', { hello: 1 })) !== undefined;
    } finally {
      await a.close();
    }
  }

  it('authenticates with a token', async () => {
    const s = track(await startNatsServer(join(dir, 'token'), { args: ['--auth', 'tok3n-value'] }));
    try {
      expect(await canAsk(s.url, { auth: { token: 'tok3n-value' } })).to.equal(true);
      const e = (await ActorSystem.connect({ servers: s.url, auth: { token: 'nope' } }).catch(
        (x: unknown) => x,
      )) as Error;
      expect(e.message).to.match(/\(token\)/);
      expect(e.message).to.not.include('nope');
    } finally {
      await s.stop();
    }
  });

  it('authenticates with an NKey seed', async () => {
    const user = createUser();
    const conf = join(dir, 'nkey.conf');
    writeFileSync(conf, `authorization { users = [ { nkey: "${user.getPublicKey()}" } ] }\n`);
    const s = track(await startNatsServer(join(dir, 'nkey'), { args: ['-c', conf] }));
    try {
      expect(await canAsk(s.url, { auth: { nkeySeed: new TextDecoder().decode(user.getSeed()) } })).to.equal(
        true,
      );
      const e = (await ActorSystem.connect({ servers: s.url }).catch((x: unknown) => x)) as Error;
      expect(e.message).to.match(/Cannot connect to NATS/);
    } finally {
      await s.stop();
    }
  });

  it('talks TLS to a server whose certificate a given CA vouches for', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const s = track(
      await startNatsServer(join(dir, 'tls'), { args: ['--tls', '--tlscert', cert, '--tlskey', key] }),
    );
    try {
      expect(await canAsk(s.url, { tls: { caFile: cert } })).to.equal(true);
      const e = (await ActorSystem.connect({ servers: s.url }).catch((x: unknown) => x)) as Error;
      expect(e.message).to.match(/Cannot connect to NATS/);
    } finally {
      await s.stop();
    }
  });
});
