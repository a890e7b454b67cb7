import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { createLogger, withEnvOverrides } from '@quarry/common';
import { S3_PROPERTY_SUFFIXES } from '@quarry/storage';
import {
  EXCHANGE_PROPERTY_NAMES,
  createExchangeManager,
  exchangeCodecFor,
  exchangeConfigFromProperties,
  localExchangeConfig,
  protectExchangeConfig,
  type ExchangeConfig,
} from '../src/index.js';

const S3 = {
  'exchange.base-directories': 's3://bucket-1,s3://bucket-2/spool/',
  'exchange.s3.region': 'eu-west-1',
};
const parse = (props: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  exchangeConfigFromProperties(props, 'exchange-manager.properties', env);
const rejects = (props: Record<string, string>, message: string, env: NodeJS.ProcessEnv = {}) =>
  expect(() => parse(props, env))
    .to.throw(message)
    .with.property('code', 'INVALID_CONFIGURATION');

describe('exchange configuration (exchange-manager.properties)', () => {
  it('keeps outputs inline up to exchange.sink-inline-max-size: 0 turns it off, more than 256kB is refused', () => {
    const dir = { 'exchange.base-directories': '/tmp/a' };
    expect(parse({ ...dir, 'exchange.sink-inline-max-size': '0B' }).sinkInlineMaxSize).to.equal(0);
    expect(parse({ ...dir, 'exchange.sink-inline-max-size': '256kB' }).sinkInlineMaxSize).to.equal(
      256 * 1024,
    );
    rejects({ ...dir, 'exchange.sink-inline-max-size': '257kB' }, 'exchange.sink-inline-max-size is invalid');
    rejects({ ...dir, 'exchange.sink-inline-max-size': 'lots' }, 'exchange.sink-inline-max-size');
  });

  it('has Trino’s defaults, the codec left to the coordinator', () => {
    const local = parse({ 'exchange.base-directories': '/tmp/a, /tmp/b/' });
    expect({ ...local }).to.deep.equal({
      baseDirectories: ['file:///tmp/a', 'file:///tmp/b'],
      sinkMaxFileSize: 1 << 30,
      sinkBufferSize: 1 << 20,
      sinkInlineMaxSize: 64 * 1024,
      compressionCodec: undefined,
      encryptionEnabled: true,
      s3: undefined,
    });
    expect({ ...parse(S3).s3 }).to.deep.equal({
      region: 'eu-west-1',
      endpoint: undefined,
      pathStyleAccess: false,
      awsAccessKey: undefined,
      awsSecretKey: undefined,
      maxErrorRetries: 10,
      uploadPartSize: 5 << 20,
    });
    expect(parse(S3).baseDirectories).to.deep.equal(['s3://bucket-1', 's3://bucket-2/spool']);
    const embedded = localExchangeConfig('/tmp/x');
    expect([embedded.encryptionEnabled, embedded.compressionCodec]).to.deep.equal([true, undefined]);
  });

  it('reads every property', () => {
    const c = parse({
      ...S3,
      'exchange.base-directories': 's3a://bucket-1/a/b',
      'exchange.sink-max-file-size': '256MB',
      'exchange.sink-buffer-size': '2MB',
      'exchange.compression-codec': 'zstd',
      'fault-tolerant-execution.exchange-encryption-enabled': 'false',
      'exchange.s3.endpoint': 'http://127.0.0.1:9000',
      'exchange.s3.path-style-access': 'true',
      'exchange.s3.aws-access-key': 'AKIA1',
      'exchange.s3.aws-secret-key': 'secret1',
      'exchange.s3.max-error-retries': '3',
      'exchange.s3.upload.part-size': '16MB',
    });
    expect([
      c.baseDirectories,
      c.sinkMaxFileSize,
      c.sinkBufferSize,
      c.compressionCodec,
      c.encryptionEnabled,
    ]).to.deep.equal([['s3://bucket-1/a/b'], 256 << 20, 2 << 20, 'ZSTD', false]);
    expect({ ...c.s3 }).to.deep.equal({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      pathStyleAccess: true,
      awsAccessKey: 'AKIA1',
      awsSecretKey: 'secret1',
      maxErrorRetries: 3,
      uploadPartSize: 16 << 20,
    });
  });

  it('takes the region from AWS_REGION, or us-east-1 for an S3-compatible endpoint', () => {
    const bare = { 'exchange.base-directories': 's3://bucket-1' };
    expect(parse(bare, { AWS_REGION: 'ap-south-1' }).s3!.region).to.equal('ap-south-1');
    expect(parse({ ...bare, 'exchange.s3.endpoint': 'https://minio.local' }).s3!.region).to.equal(
      'us-east-1',
    );
  });

  it('rejects bad values with messages naming the property', () => {
    rejects({}, 'exchange-manager.properties: exchange.base-directories is required');
    rejects(
      { 'exchange-manager.name': 'hdfs', 'exchange.base-directories': '/x' },
      'exchange-manager.name=hdfs is unknown',
    );
    rejects({ 'exchange.base-directories': '/a,/a' }, 'exchange.base-directories lists a directory twice');
    rejects(
      { 'exchange.base-directories': '/a,/a/b' },
      'exchange.base-directories lists file:///a/b, which lies inside file:///a',
    );
    rejects(
      { 'exchange.base-directories': 'gs://bucket' },
      "exchange.base-directories has an unsupported scheme in 'gs://bucket'",
    );
    rejects(
      { ...S3, 'exchange.base-directories': 's3://bucket-1, /tmp/x' },
      'exchange.base-directories mixes S3 locations and local directories (s3://bucket-1 and file:///tmp/x): use one kind for all of them',
    );
    rejects(
      { ...S3, 'exchange.base-directories': 's3://Bad_Bucket' },
      "names an invalid bucket in 's3://Bad_Bucket'",
    );
    rejects(
      { ...S3, 'exchange.base-directories': 's3://bucket-1/a//b' },
      'has an empty or relative path segment',
    );
    rejects(
      { 'exchange.base-directories': 's3://bucket-1' },
      'exchange.s3.region is required for S3 base directories',
    );
    rejects({ ...S3, 'exchange.s3.region': 'EU West' }, "exchange.s3.region='EU West' is invalid");
    rejects(
      { ...S3, 'exchange.s3.endpoint': 'ftp://host' },
      "exchange.s3.endpoint='ftp://host' is invalid: expected an http:// or https:// URL",
    );
    rejects(
      { ...S3, 'exchange.s3.path-style-access': 'maybe' },
      "exchange.s3.path-style-access='maybe' is invalid: expected true or false",
    );
    rejects(
      { ...S3, 'exchange.s3.aws-access-key': 'AKIA1' },
      'exchange.s3.aws-access-key and exchange.s3.aws-secret-key must be set together',
    );
    rejects(
      { ...S3, 'exchange.s3.max-error-retries': '-1' },
      "exchange.s3.max-error-retries='-1' is invalid: expected an integer ≥ 0",
    );
    rejects(
      { ...S3, 'exchange.s3.upload.part-size': '1MB' },
      'exchange.s3.upload.part-size=1MB is invalid: S3 parts are 5MB to 5GB',
    );
    rejects(
      { ...S3, 'exchange.s3.upload.part-size': 'lots' },
      "exchange.s3.upload.part-size: 'lots' is not a data size",
    );
    rejects(
      { ...S3, 'exchange.sink-max-file-size': '10B' },
      'exchange.sink-max-file-size is invalid: expected at least 1024 bytes',
    );
    rejects(
      { ...S3, 'exchange.sink-buffer-size': '0B' },
      'exchange.sink-buffer-size is invalid: expected at least 1024 bytes',
    );
    rejects(
      { ...S3, 'exchange.compression-codec': 'snappy' },
      "exchange.compression-codec='SNAPPY' is invalid: expected one of NONE, LZ4, ZSTD",
    );
    rejects(
      { ...S3, 'fault-tolerant-execution.exchange-encryption-enabled': 'yes' },
      "fault-tolerant-execution.exchange-encryption-enabled='yes' is invalid: expected true or false",
    );
  });

  it('does not echo credentials put in the endpoint', () => {
    expect(() => parse({ ...S3, 'exchange.s3.endpoint': 'http://user:hunter2@host' }))
      .to.throw('exchange.s3.endpoint must not contain credentials')
      .with.property('message')
      .that.does.not.include('hunter2');
  });

  it('rejects a hand-made configuration that mixes schemes', () => {
    const mixed: ExchangeConfig = {
      ...localExchangeConfig('/tmp/a'),
      baseDirectories: ['file:///tmp/a', 's3://bucket-1'],
    };
    expect(() => createExchangeManager(mixed)).to.throw('mixes S3 locations and local directories');
  });

  it('lists every property it reads in EXCHANGE_PROPERTY_NAMES, so environment variables override them all', () => {
    const source = readFileSync(new URL('../src/config.ts', import.meta.url), 'utf8');
    const read = new Set(
      [...source.matchAll(/'((?:exchange|fault-tolerant-execution)[a-z0-9.-]*\.[a-z0-9.-]+)'/g)]
        .map((m) => m[1]!)
        .filter((p) => !p.endsWith('.properties') && p !== 'exchange.s3'), // the prefix given to @quarry/storage
    );
    expect(read.size).to.be.at.least(13);
    for (const suffix of S3_PROPERTY_SUFFIXES)
      // read by @quarry/storage under that prefix
      expect(EXCHANGE_PROPERTY_NAMES).to.include(`exchange.s3.${suffix}`);
    expect(
      [...read].filter((p) => !(EXCHANGE_PROPERTY_NAMES as readonly string[]).includes(p)),
    ).to.deep.equal([]);
    const props = withEnvOverrides({ ...S3 }, EXCHANGE_PROPERTY_NAMES, {
      QUARRY_EXCHANGE_S3_REGION: 'us-west-2',
      QUARRY_EXCHANGE_S3_UPLOAD_PART_SIZE: '8MB',
      QUARRY_FAULT_TOLERANT_EXECUTION_EXCHANGE_ENCRYPTION_ENABLED: 'false',
    });
    const c = parse(props);
    expect([c.s3!.region, c.s3!.uploadPartSize, c.encryptionEnabled]).to.deep.equal([
      'us-west-2',
      8 << 20,
      false,
    ]);
  });

  it('never shows credentials: JSON, util.inspect and log lines of the configuration say ***', () => {
    const c = parse({
      ...S3,
      'exchange.s3.aws-access-key': 'AKIA-ACCESS-ID',
      'exchange.s3.aws-secret-key': 'SECRET-VALUE',
    });
    const lines: string[] = [];
    const log = createLogger({
      name: 'exchange-config-test',
      level: 'info',
      destination: new Writable({
        write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()),
      }),
    });
    log.info({ exchange: c }, 'exchange configured');
    log.info({ s3: c.s3 }, 'just the S3 part');
    const shown = [
      JSON.stringify(c),
      JSON.stringify({ nested: { config: c } }),
      JSON.stringify({ ...c }), // a spread keeps the protected s3 part
      inspect(c, { depth: 10, showHidden: true }),
      inspect(c.s3),
      `${inspect({ config: c })}`,
      ...lines,
      JSON.stringify(protectExchangeConfig(structuredClone({ ...c, s3: { ...c.s3! } }))), // a worker thread's copy
    ];
    for (const text of shown) {
      expect(text).to.not.include('SECRET-VALUE').and.not.include('AKIA-ACCESS-ID');
      expect(text).to.include('***');
    }
    expect(c.s3!.awsSecretKey).to.equal('SECRET-VALUE'); // still there for the S3 client
  });

  it('leaves the codec to the coordinator: LZ4 under retry policy TASK unless one is configured', () => {
    const none = parse({ 'exchange.base-directories': '/tmp/a' });
    expect(['NONE', 'QUERY', 'TASK'].map((p) => exchangeCodecFor(none, p as 'TASK'))).to.deep.equal([
      'NONE',
      'NONE',
      'LZ4',
    ]);
    const zstd = parse({ 'exchange.base-directories': '/tmp/a', 'exchange.compression-codec': 'ZSTD' });
    expect(exchangeCodecFor(zstd, 'TASK')).to.equal('ZSTD');
    expect(exchangeCodecFor(zstd, 'NONE')).to.equal('ZSTD');
  });
});
