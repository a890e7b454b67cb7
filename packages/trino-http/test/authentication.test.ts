import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:https';
import bcrypt from 'bcryptjs';
import { freePort, type ProcessCluster, type TrinoBody } from './ports.js';
import { startProcessCluster } from '@quarry/testkit';
import { BasicAuth, Trino, type QueryResult } from 'trino-client';

/** A self-signed certificate for 127.0.0.1 and its key in one PEM file (as Trino's keystore.path takes). */
function selfSignedPem(dir: string): { pem: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const pem = join(dir, 'coordinator.pem');
  writeFileSync(pem, readFileSync(key, 'utf8') + readFileSync(cert, 'utf8'));
  return { pem, cert };
}

/** A request over HTTPS trusting only `ca`: status and body (parsed when JSON). */
async function httpsCall(
  url: string,
  o: { ca: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: TrinoBody }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: o.method ?? 'GET', headers: o.headers, agent: new Agent({ ca: o.ca }) },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          const json = String(res.headers['content-type']).includes('json');
          resolve({ status: res.statusCode!, body: (json ? JSON.parse(text) : {}) as TrinoBody });
        });
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('Trino client protocol: password file authentication over HTTPS', function () {
  this.timeout(180_000);
  let dir: string;
  let cluster: ProcessCluster;
  let https: string;
  let http: string;
  let ca: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quarry-trino-auth-'));
    const tls = selfSignedPem(dir);
    ca = readFileSync(tls.cert, 'utf8');
    writeFileSync(
      join(dir, 'password.db'),
      `# users of the Trino protocol\nalice:${bcrypt.hashSync('alice-secret', 8).replace('$2b$', '$2y$')}\nbob:${bcrypt.hashSync('bob-secret', 8)}\n`,
    );
    writeFileSync(
      join(dir, 'password-authenticator.properties'),
      `password-authenticator.name=file\nfile.password-file=${join(dir, 'password.db')}\n`,
    );
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    cluster = await startProcessCluster({
      workers: 1,
      slots: 2,
      prefix: 'trinoauth',
      configProperties: {
        'http-server.http.port': String(httpPort),
        'http-server.https.enabled': 'true',
        'http-server.https.port': String(httpsPort),
        'http-server.https.keystore.path': tls.pem,
        'http-server.authentication.type': 'PASSWORD',
        'password-authenticator.config-files': join(dir, 'password-authenticator.properties'),
      },
    });
    https = `https://127.0.0.1:${httpsPort}`;
    http = `http://127.0.0.1:${httpPort}`;
  });

  after(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const client = (user: string, password: string) =>
    Trino.create({
      server: https,
      catalog: 'tpch',
      schema: 'tiny',
      auth: new BasicAuth(user, password),
      ssl: { ca },
    });

  async function results(trino: Trino, sql: string): Promise<QueryResult[]> {
    const out: QueryResult[] = [];
    for await (const r of await trino.query(sql)) out.push(r);
    return out;
  }

  it('runs a query for the right password over HTTPS', async () => {
    const all = await results(
      client('alice', 'alice-secret'),
      'select r_name from region order by r_regionkey',
    );
    expect(all.flatMap((r) => r.data ?? [])).to.deep.equal([
      ['AFRICA'],
      ['AMERICA'],
      ['ASIA'],
      ['EUROPE'],
      ['MIDDLE EAST'],
    ]);
  });

  it('answers 401 to a wrong password, an unknown user and no credentials', async () => {
    for (const [user, password] of [
      ['alice', 'wrong'],
      ['mallory', 'alice-secret'],
    ] as const) {
      const error = await client(user, password)
        .query('select 1')
        .then(
          () => undefined,
          (e: { response?: { status: number } }) => e,
        );
      expect(error?.response?.status, `${user}/${password}`).to.equal(401);
    }
    const none = await httpsCall(`${https}/v1/statement`, {
      ca,
      method: 'POST',
      body: 'select 1',
      headers: { 'X-Trino-User': 'alice' },
    });
    expect(none.status).to.equal(401);
  });

  it("shows a query's SQL in system.runtime.queries to its authenticated owner only", async () => {
    const sql = "select 'runtime-owner-check' as marker";
    const mine = await results(client('alice', 'alice-secret'), sql);
    const id = mine[0]!.id;
    const listing = `select "user", query, state from system.runtime.queries where query_id = '${id}'`;
    const own = await results(client('alice', 'alice-secret'), listing);
    expect(own.flatMap((r) => r.data ?? [])).to.deep.equal([['alice', sql, 'FINISHED']]);
    const other = await results(client('bob', 'bob-secret'), listing);
    expect(other.flatMap((r) => r.data ?? [])).to.deep.equal([['alice', null, 'FINISHED']]);
  });

  it('refuses password authentication over plain HTTP', async () => {
    const res = await fetch(`${http}/v1/statement`, {
      method: 'POST',
      body: 'select 1',
      headers: { Authorization: basic('alice', 'alice-secret') },
    });
    expect(res.status).to.equal(403);
    expect(await res.text()).to.contain('https');
  });

  it('makes the authenticated user the owner: another user cannot read, cancel or impersonate', async () => {
    const alice = { Authorization: basic('alice', 'alice-secret') };
    const bob = { Authorization: basic('bob', 'bob-secret') };
    const submitted = await httpsCall(`${https}/v1/statement`, {
      ca,
      method: 'POST',
      body: 'select 42',
      headers: alice,
    });
    expect(submitted.status).to.equal(200);
    const next: string = submitted.body.nextUri!;
    expect((await httpsCall(next, { ca, headers: bob })).status).to.equal(403);
    expect((await httpsCall(next, { ca, method: 'DELETE', headers: bob })).status).to.equal(403);
    expect((await httpsCall(`${https}/v1/query/${submitted.body.id}`, { ca, headers: bob })).status).to.equal(
      403,
    );
    const impersonating = await httpsCall(`${https}/v1/statement`, {
      ca,
      method: 'POST',
      body: 'select 1',
      headers: { ...bob, 'X-Trino-User': 'alice' },
    });
    expect(impersonating.status).to.equal(403);
    // alice herself reads her query to the end
    let body = (await httpsCall(next, { ca, headers: alice })).body;
    while (body.nextUri) body = (await httpsCall(body.nextUri, { ca, headers: alice })).body;
    expect(body.data).to.deep.equal([[42]]);
  });
});
