import { expect } from 'chai';
import { PropertyReader, envName, parseProperties, withEnvOverrides } from '../src/properties.js';
import { parseDataSize, parseDuration } from '../src/units.js';
import { isSafeId, newQueryId } from '../src/ids.js';

describe('configuration helpers', () => {
  it('parses Trino property files: comments, separators, continuations', () => {
    const p = parseProperties(
      '# comment\n! also\nretry-policy=TASK\nexchange.base-directories : s3://a,\\\n  s3://b\nquery.max-length 10\n',
    );
    expect(p).to.deep.equal({
      'retry-policy': 'TASK',
      'exchange.base-directories': 's3://a,s3://b',
      'query.max-length': '10',
    });
  });

  it('reads durations and data sizes as Trino writes them', () => {
    expect(parseDuration('500ms')).to.equal(500);
    expect(parseDuration('10s')).to.equal(10_000);
    expect(parseDuration('1m')).to.equal(60_000);
    expect(parseDuration('1.5h')).to.equal(5_400_000);
    expect(parseDataSize('1GB')).to.equal(1 << 30);
    expect(parseDataSize('256MB')).to.equal(256 << 20);
    expect(parseDataSize('512kB')).to.equal(512 << 10);
    expect(() => parseDuration('10 parsecs', 'retry-initial-delay')).to.throw(
      /retry-initial-delay: '10 parsecs' is not a duration/,
    );
    expect(() => parseDataSize('lots')).to.throw(/not a data size/);
  });

  it('lets environment variables override properties', () => {
    expect(envName('exchange.base-directories')).to.equal('QUARRY_EXCHANGE_BASE_DIRECTORIES');
    const merged = withEnvOverrides({ 'retry-policy': 'NONE' }, ['retry-policy', 'query.max-length'], {
      QUARRY_RETRY_POLICY: 'TASK',
    });
    expect(merged).to.deep.equal({ 'retry-policy': 'TASK' });
  });

  it('rejects bad values naming the property and the file', () => {
    const r = new PropertyReader({ n: 'x', b: 'yes', p: 'FAST', ok: '7' }, 'config.properties');
    expect(() => r.int('n', 1)).to.throw("config.properties: n='x' is invalid: expected an integer");
    expect(() => r.boolean('b', false)).to.throw(
      "config.properties: b='yes' is invalid: expected true or false",
    );
    expect(() => r.oneOf('p', ['NONE', 'QUERY', 'TASK'] as const, 'NONE')).to.throw(
      'expected one of NONE, QUERY, TASK',
    );
    expect(r.int('ok', 1)).to.equal(7);
    expect(r.int('absent', 3)).to.equal(3);
    expect(() => r.int('ok', 1, 10)).to.throw('expected an integer ≥ 10');
  });

  it('makes query ids that are unique, sortable and subject-safe', () => {
    const ids = Array.from({ length: 200 }, () => newQueryId(new Date(Date.UTC(2026, 10, 25, 7, 54, 11))));
    expect(new Set(ids).size).to.equal(200);
    expect(ids[0]).to.match(/^20261125_075411_\d{5}_[a-z0-9]{5}$/);
    expect(ids.every(isSafeId)).to.equal(true);
    expect(isSafeId('a.b')).to.equal(false);
    expect(isSafeId('a*')).to.equal(false);
  });
});
