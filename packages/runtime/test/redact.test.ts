import { expect } from 'chai';
import { redactUrl } from '../src/connection.js';

describe('redactUrl', () => {
  it('hides every form of password or token in a URL, and keeps the rest', () => {
    const cases: [string, string][] = [
      ['redis://:wrongpw@127.0.0.1:6379', 'redis://:***@127.0.0.1:6379'],
      ['redis://default:s3cr3t@host:6379/0', 'redis://default:***@host:6379/0'],
      ['nats://tok3n@host:4222', 'nats://***@host:4222'],
      ['rediss://u:p@ss:w@rd@host/db', 'rediss://u:***@host/db'],
      ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4222'],
      ['redis://host/path@notcredentials', 'redis://host/path@notcredentials'],
    ];
    for (const [url, shown] of cases) expect(redactUrl(url), url).to.equal(shown);
  });
});
