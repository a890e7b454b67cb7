/** Assertions on the errors quarry raises. */
import { expect } from 'chai';
import { QuarryError, type ErrorCode } from '@quarry/common';

/** The QuarryError `fn` throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): QuarryError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof QuarryError))
      throw new Error(`expected a QuarryError, got ${String(e)}`, { cause: e });
    return e;
  }
  throw new Error('expected a QuarryError, but nothing was thrown');
}

export async function asyncErrorOf(fn: () => Promise<unknown>): Promise<QuarryError> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof QuarryError))
      throw new Error(`expected a QuarryError, got ${String(e)}`, { cause: e });
    return e;
  }
  throw new Error('expected a QuarryError, but nothing was thrown');
}

/** Expects `fn` to throw a QuarryError with this code (and message, when given: exact string or pattern). */
export function expectError(fn: () => unknown, code: ErrorCode, message?: string | RegExp): QuarryError {
  const e = errorOf(fn);
  expect(e.code, e.message).to.equal(code);
  if (typeof message === 'string') expect(e.message).to.equal(message);
  else if (message) expect(e.message).to.match(message);
  return e;
}
