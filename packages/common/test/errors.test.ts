import { expect } from 'chai';
import { ERROR_CODES, QuarryError, internalError, isErrorData } from '../src/errors.js';

describe('QuarryError', () => {
  it('takes its type from the code table', () => {
    expect(new QuarryError('SYNTAX_ERROR', 'x').type).to.equal('USER_ERROR');
    expect(new QuarryError('REMOTE_HOST_GONE', 'x').type).to.equal('EXTERNAL');
    expect(new QuarryError('EXCEEDED_LOCAL_MEMORY_LIMIT', 'x').type).to.equal('INSUFFICIENT_RESOURCES');
    expect(new QuarryError('GENERIC_INTERNAL_ERROR', 'x').type).to.equal('INTERNAL_ERROR');
  });

  it('never retries user errors', () => {
    expect(new QuarryError('DIVISION_BY_ZERO', 'x').retryable).to.equal(false);
    expect(new QuarryError('EXCHANGE_IO_ERROR', 'x').retryable).to.equal(true);
  });

  it('prefixes SQL locations as Trino does', () => {
    const e = new QuarryError('COLUMN_NOT_FOUND', "Column 'x' cannot be resolved", {
      location: { line: 2, column: 7 },
    });
    expect(e.message).to.equal("line 2:7: Column 'x' cannot be resolved");
  });

  it('round-trips every code through its wire form as the same class, code, type and location', () => {
    for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
      const original = new QuarryError(code, `boom ${code}`, { location: { line: 3, column: 4 } });
      const wire = JSON.parse(JSON.stringify(original.toData()));
      expect(isErrorData(wire)).to.equal(true);
      const back = QuarryError.fromData(wire);
      expect(back).to.be.instanceOf(QuarryError);
      expect([back.code, back.type, back.message]).to.deep.equal([
        code,
        ERROR_CODES[code],
        `line 3:4: boom ${code}`,
      ]);
      expect(back.location).to.deep.equal({ line: 3, column: 4 });
    }
  });

  it('rebuilds unknown codes as internal errors and wraps foreign errors keeping the cause', () => {
    const back = QuarryError.fromData({ code: 'NO_SUCH_CODE', type: 'USER_ERROR', message: 'm' });
    expect(back.code).to.equal('GENERIC_INTERNAL_ERROR');
    const cause = new TypeError('bad');
    const wrapped = QuarryError.wrap(cause);
    expect(wrapped.code).to.equal('GENERIC_INTERNAL_ERROR');
    expect(wrapped.cause).to.equal(cause);
    expect(QuarryError.wrap(wrapped)).to.equal(wrapped);
    expect(internalError('invariant').message).to.match(/this is a bug in quarry/);
  });
});
