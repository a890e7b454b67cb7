import { expect } from 'chai';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuarryError } from '@quarry/common';
import { localExchangeConfig } from '@quarry/exchange';
import {
  DEFAULT_SPILL,
  SPILL_PROPERTY_NAMES,
  WORKER_PROPERTY_NAMES,
  workerConfigFromProperties,
} from '../src/index.js';

const base = { servers: 'nats://127.0.0.1:4222', prefix: 'q', exchange: localExchangeConfig(tmpdir()) };
const spillOf = (props: Record<string, string>) =>
  workerConfigFromProperties({ 'internal-communication.insecure': 'true', ...props }, base).spill;

describe('spill configuration (Trino names)', () => {
  it('is on by default, under the OS temporary directory, LZ4 and encrypted, 100GB a node and a query', () => {
    expect(spillOf({})).to.deep.equal(DEFAULT_SPILL);
    expect(DEFAULT_SPILL).to.deep.equal({
      enabled: true,
      paths: [join(tmpdir(), 'quarry-spill')],
      maxPerNodeBytes: 100 * 1024 ** 3,
      maxPerQueryBytes: 100 * 1024 ** 3,
      codec: 'LZ4',
      encrypted: true,
    });
  });

  it('reads every property, and config.properties knows their names', () => {
    expect(
      spillOf({
        'spill-enabled': 'false',
        'spiller-spill-path': '/data/spill1, /data/spill2',
        'max-spill-per-node': '10GB',
        'query-max-spill-per-node': '2GB',
        'spill-compression-codec': 'zstd',
        'spill-encryption-enabled': 'false',
      }),
    ).to.deep.equal({
      enabled: false,
      paths: ['/data/spill1', '/data/spill2'],
      maxPerNodeBytes: 10 * 1024 ** 3,
      maxPerQueryBytes: 2 * 1024 ** 3,
      codec: 'ZSTD',
      encrypted: false,
    });
    for (const name of SPILL_PROPERTY_NAMES) expect(WORKER_PROPERTY_NAMES).to.include(name);
  });

  const bad: [string, string, RegExp][] = [
    ['spill-enabled', 'yes', /spill-enabled='yes' is invalid: expected true or false/],
    [
      'spiller-spill-path',
      'spill',
      /spiller-spill-path='spill' is invalid: expected absolute local directories/,
    ],
    ['max-spill-per-node', 'lots', /max-spill-per-node: 'lots' is not a data size/],
    ['query-max-spill-per-node', '5', /query-max-spill-per-node: '5' is not a data size/],
    [
      'spill-compression-codec',
      'GZIP',
      /spill-compression-codec='GZIP' is invalid: expected one of NONE, LZ4, ZSTD/,
    ],
    ['spill-encryption-enabled', '1', /spill-encryption-enabled='1' is invalid/],
  ];
  for (const [name, value, message] of bad) {
    it(`refuses ${name}=${value}`, () => {
      const e = (() => {
        try {
          spillOf({ [name]: value });
        } catch (x) {
          return x as QuarryError;
        }
        throw new Error('accepted');
      })();
      expect(e).to.be.instanceOf(QuarryError);
      expect(e.code).to.equal('INVALID_CONFIGURATION');
      expect(e.message).to.match(message);
    });
  }
});
