import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { QuarryError } from '@quarry/common';
import {
  parsePasswordFile,
  sessionStatement,
  trinoErrorCode,
  trinoHttpConfigFromProperties,
  typeSignature,
} from '../src/index.js';
import { PasswordFile } from '../src/password-file.js';
import { requestSession } from '../src/request-session.js';
import { Slugs } from '../src/slug.js';

const errorOf = (f: () => unknown): QuarryError => {
  try {
    f();
  } catch (e) {
    if (e instanceof QuarryError) return e;
    throw e;
  }
  throw new Error('expected an error');
};

describe('trino-http: the pieces', () => {
  it('reads session statements, and locates their syntax errors', () => {
    expect(sessionStatement("SET SESSION query_max_run_time = '10m'")).to.deep.equal({
      kind: 'set',
      name: 'query_max_run_time',
      value: '10m',
    });
    expect(sessionStatement('set session lake.Target_Size = 42;')).to.deep.equal({
      kind: 'set',
      name: 'lake.target_size',
      value: '42',
    });
    expect(sessionStatement("set session \"x\" = 'it''s'")).to.deep.include({ name: 'x', value: "it's" });
    expect(sessionStatement('reset session spill_enabled')).to.deep.equal({
      kind: 'reset',
      name: 'spill_enabled',
    });
    expect(sessionStatement('USE tpch.tiny')).to.deep.equal({ kind: 'use', catalog: 'tpch', schema: 'tiny' });
    expect(sessionStatement('use sf1')).to.deep.equal({ kind: 'use', schema: 'sf1' });
    expect(sessionStatement('select 1')).to.equal(undefined);
    expect(sessionStatement('show session')).to.equal(undefined);
    const e = errorOf(() => sessionStatement('set session\n  a = now()'));
    expect(e.code).to.equal('SYNTAX_ERROR');
    expect(e.location).to.deep.equal({ line: 2, column: 7 });
    expect(errorOf(() => sessionStatement('use a.b.c')).location).to.deep.equal({ line: 1, column: 8 });
  });

  it("gives Trino's type signatures", () => {
    expect(typeSignature('decimal(12,2)')).to.deep.equal({
      rawType: 'decimal',
      arguments: [
        { kind: 'LONG', value: 12 },
        { kind: 'LONG', value: 2 },
      ],
    });
    expect(typeSignature('varchar')).to.deep.equal({
      rawType: 'varchar',
      arguments: [{ kind: 'LONG', value: 2147483647 }],
    });
    expect(typeSignature('timestamp(3)')).to.deep.equal({
      rawType: 'timestamp',
      arguments: [{ kind: 'LONG', value: 3 }],
    });
    expect(typeSignature('interval day to second')).to.deep.equal({
      rawType: 'interval day to second',
      arguments: [],
    });
  });

  it("gives Trino's type signatures of arrays, maps and rows", () => {
    const int = { rawType: 'integer', arguments: [] };
    const varchar = { rawType: 'varchar', arguments: [{ kind: 'LONG', value: 2147483647 }] };
    expect(typeSignature('array(integer)')).to.deep.equal({
      rawType: 'array',
      arguments: [{ kind: 'TYPE', value: int }],
    });
    expect(typeSignature('map(varchar, array(integer))')).to.deep.equal({
      rawType: 'map',
      arguments: [
        { kind: 'TYPE', value: varchar },
        { kind: 'TYPE', value: { rawType: 'array', arguments: [{ kind: 'TYPE', value: int }] } },
      ],
    });
    expect(typeSignature('row(a integer, "b, c" varchar, decimal(3,1))')).to.deep.equal({
      rawType: 'row',
      arguments: [
        { kind: 'NAMED_TYPE', value: { fieldName: { name: 'a' }, typeSignature: int } },
        { kind: 'NAMED_TYPE', value: { fieldName: { name: 'b, c' }, typeSignature: varchar } },
        {
          kind: 'NAMED_TYPE',
          value: {
            typeSignature: {
              rawType: 'decimal',
              arguments: [
                { kind: 'LONG', value: 3 },
                { kind: 'LONG', value: 1 },
              ],
            },
          },
        },
      ],
    });
  });

  it("numbers errors as Trino does, quarry's own above Trino's ranges", () => {
    expect(trinoErrorCode('SYNTAX_ERROR', 'USER_ERROR')).to.equal(1);
    expect(trinoErrorCode('EXCEEDED_TIME_LIMIT', 'USER_ERROR')).to.equal(131075);
    expect(trinoErrorCode('ACCESS_DENIED', 'USER_ERROR')).to.equal(0x0a00_0006);
    expect(trinoErrorCode('SOMETHING_NEW', 'EXTERNAL')).to.equal(0x30000);
  });

  it('reads the http-server properties and refuses what it cannot serve', () => {
    expect(
      trinoHttpConfigFromProperties({ 'http-server.http.port': '8080' }, { configDir: '/etc/q' }),
    ).to.deep.equal({
      httpPort: 8080,
      allowInsecureOverHttp: false,
    });
    const auth = trinoHttpConfigFromProperties(
      { 'http-server.authentication.type': 'password' },
      { configDir: '/etc/q' },
    );
    expect(auth.passwordAuthenticatorFiles).to.deep.equal(['/etc/q/password-authenticator.properties']);
    expect(
      trinoHttpConfigFromProperties({ 'http-server.http.enabled': 'false', 'http-server.http.port': '1' })
        .httpPort,
    ).to.equal(undefined);
    expect(
      errorOf(() => trinoHttpConfigFromProperties({ 'http-server.https.enabled': 'true' })).message,
    ).to.contain('http-server.https.keystore.path');
    expect(
      errorOf(() => trinoHttpConfigFromProperties({ 'http-server.authentication.type': 'KERBEROS' })).message,
    ).to.contain('PASSWORD');
    expect(errorOf(() => trinoHttpConfigFromProperties({ 'http-server.http.port': '70000' })).code).to.equal(
      'INVALID_CONFIGURATION',
    );
    expect(
      errorOf(() => trinoHttpConfigFromProperties({ 'http-server.http.port': 'eighty' })).message,
    ).to.contain('http-server.http.port');
  });

  it('reads bcrypt password files and refuses other entries by line', () => {
    const hash = bcrypt.hashSync('pw', 8);
    expect([...parsePasswordFile(`# c\n\nalice:${hash}\n`, 'p').keys()]).to.deep.equal(['alice']);
    expect(errorOf(() => parsePasswordFile('alice:plain', 'p')).message).to.equal(
      'p line 1: the password of alice is not a bcrypt hash ($2y$…; quarry reads no PBKDF2 entries)',
    );
    expect(errorOf(() => parsePasswordFile(`x\nbob:${bcrypt.hashSync('pw', 4)}`, 'p')).message).to.contain(
      'line 1',
    );
    expect(errorOf(() => parsePasswordFile(`bob:${bcrypt.hashSync('pw', 4)}`, 'p')).message).to.contain(
      'below 8',
    );
  });

  it('verifies passwords from the file named by the authenticator properties', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quarry-pw-'));
    try {
      writeFileSync(join(dir, 'db'), `alice:${bcrypt.hashSync('pw', 8)}\n`);
      writeFileSync(
        join(dir, 'auth.properties'),
        `password-authenticator.name=file\nfile.password-file=${join(dir, 'db')}\n`,
      );
      const file = PasswordFile.fromConfigFiles([join(dir, 'auth.properties')]);
      expect(await file.verify('alice', 'pw')).to.equal(true);
      expect(await file.verify('alice', 'pw')).to.equal(true);
      expect(await file.verify('alice', 'nope')).to.equal(false);
      expect(await file.verify('bob', 'pw')).to.equal(false);
      writeFileSync(join(dir, 'ldap.properties'), 'password-authenticator.name=ldap\n');
      expect(errorOf(() => PasswordFile.fromConfigFiles([join(dir, 'ldap.properties')])).message).to.contain(
        "'file'",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('seals slugs to their query: another query, key or a changed byte opens nothing', () => {
    const slugs = Slugs.fromSecret('a-shared-secret-of-the-cluster');
    const slug = slugs.seal('q1', { user: 'alice', capability: 'cap' });
    expect(slugs.open('q1', slug)).to.deep.equal({ user: 'alice', capability: 'cap' });
    expect(Slugs.fromSecret('a-shared-secret-of-the-cluster').open('q1', slug)).to.deep.equal({
      user: 'alice',
      capability: 'cap',
    });
    expect(slugs.open('q2', slug)).to.equal(undefined);
    expect(Slugs.fromSecret('another-secret').open('q1', slug)).to.equal(undefined);
    const flipped = Buffer.from(slug, 'base64url');
    flipped[20] = flipped[20]! ^ 1;
    expect(slugs.open('q1', flipped.toString('base64url'))).to.equal(undefined);
    expect(slugs.open('q1', 'short')).to.equal(undefined);
  });

  it('reads the X-Trino request headers', () => {
    const s = requestSession({
      'x-trino-user': 'alice',
      'x-trino-catalog': 'tpch',
      'x-trino-session': 'a=1, b=x%2Cy',
      'x-trino-client-tags': 'etl,etl,nightly',
    });
    expect(s).to.deep.equal({
      user: 'alice',
      catalog: 'tpch',
      properties: { a: '1', b: 'x,y' },
      clientTags: ['etl', 'nightly'],
    });
    expect(() => requestSession({ 'x-trino-session': 'bad name=1' })).to.throw('session property name');
    expect(() => requestSession({ 'x-trino-session': 'a=%E0%A4%A' })).to.throw('URL-encoded');
  });
});
