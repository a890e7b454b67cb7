import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkKnownProperties, expandEnvReferences, suggest } from '../src/strict-properties.js';
import { readPropertiesFile } from '../src/properties.js';

const KNOWN = {
  read: ['exchange.base-directories', 'exchange.s3.region', 'retry-policy', 'task.max-memory'],
  ignored: ['coordinator'],
  ignoredPrefixes: ['http-server.'],
};

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

describe('strict properties', () => {
  it('accepts what quarry reads and the Trino names it ignores', () => {
    checkKnownProperties(
      { 'retry-policy': 'TASK', coordinator: 'true', 'http-server.http.port': '8080' },
      'config.properties',
      KNOWN,
    );
  });

  it('refuses a property nobody reads, naming the file and the nearest known name', () => {
    expect(
      messageOf(() => checkKnownProperties({ 'base-directories': 's3://a' }, 'etc/x.properties', KNOWN)),
    ).to.equal(
      "etc/x.properties: unknown property 'base-directories' (did you mean 'exchange.base-directories'?)",
    );
    expect(messageOf(() => checkKnownProperties({ 's3.region': 'eu' }, 'f', KNOWN))).to.include(
      "did you mean 'exchange.s3.region'?",
    );
    expect(messageOf(() => checkKnownProperties({ 'retry-polcy': 'TASK' }, 'f', KNOWN))).to.include(
      "did you mean 'retry-policy'?",
    );
    expect(messageOf(() => checkKnownProperties({ 'something.else': '1' }, 'f', KNOWN))).to.equal(
      "f: unknown property 'something.else'",
    );
  });

  it('refuses a near miss of a read name under an ignored prefix, and keeps ignoring the rest', () => {
    const known = { ...KNOWN, read: [...KNOWN.read, 'http-server.http.port'] };
    checkKnownProperties({ 'http-server.http.port': '8080', 'http-server.threads.max': '9' }, 'f', known);
    expect(messageOf(() => checkKnownProperties({ 'http-server.http.prot': '8080' }, 'f', known))).to.equal(
      "f: unknown property 'http-server.http.prot' (did you mean 'http-server.http.port'?)",
    );
  });

  it('suggests nothing far from every known name', () => {
    expect(suggest('zzzz', KNOWN.read)).to.equal(undefined);
  });

  it('replaces ${ENV:NAME} in values, and names the variable (never a value) when it is missing', () => {
    const env = { S3_KEY: 'secret-value', REGION: 'eu-west-1' };
    expect(
      expandEnvReferences({ a: '${ENV:S3_KEY}', b: 'x-${ENV:REGION}-y', c: 'plain' }, 'f', env),
    ).to.deep.equal({ a: 'secret-value', b: 'x-eu-west-1-y', c: 'plain' });
    expect(messageOf(() => expandEnvReferences({ a: '${ENV:NOPE}' }, 'etc/f', env))).to.equal(
      'etc/f: a refers to environment variable NOPE, which is not set',
    );
    expect(messageOf(() => expandEnvReferences({ a: '${ENV:1-bad}' }, 'f', env))).to.include(
      'not a valid environment variable name',
    );
  });

  it('expands environment references when reading a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quarry-props-'));
    writeFileSync(join(dir, 'x.properties'), 'exchange.s3.aws-secret-key=${ENV:QUARRY_TEST_SECRET}\n');
    expect(
      readPropertiesFile(join(dir, 'x.properties'), { env: { QUARRY_TEST_SECRET: 's3cr3t' } }),
    ).to.deep.equal({
      'exchange.s3.aws-secret-key': 's3cr3t',
    });
  });
});
