/** Lambdas as plan data: a forged lambda from the network is refused before any code is made of it. */
import '../src/functions/index.js';
import { compileProjection } from '../src/expr/compile.js';
import type { Expr } from '../src/expr/ir.js';
import { arrayType, BIGINT } from '../src/types/types.js';
import { expectError } from './support/errors.js';

const ARRAY = arrayType(BIGINT);
const input: Expr = { kind: 'input', channel: 0, type: ARRAY };
const param = (id: unknown): Expr => ({ kind: 'lambdaParam', id, type: BIGINT }) as unknown as Expr;
const transform = (lambda: unknown): Expr =>
  ({ kind: 'call', fn: 'transform', args: [input, lambda], type: ARRAY }) as unknown as Expr;

describe('lambdas in plans', () => {
  it('refuses a parameter read outside its lambda', () => {
    const e: Expr = { kind: 'call', fn: 'transform', args: [input, param(3)], type: ARRAY };
    expectError(() => compileProjection(e), 'INVALID_MESSAGE', /outside its lambda/);
  });

  it('refuses parameter ids that are not small integers (they name generated variables)', () => {
    for (const id of ['x) => process.exit(1', -1, 1.5, 2 ** 40]) {
      const lambda = { kind: 'lambda', params: [id], paramTypes: [BIGINT], body: param(id), type: BIGINT };
      expectError(() => compileProjection(transform(lambda)), 'INVALID_MESSAGE', /lambda parameter id/);
    }
  });

  it('refuses a lambda whose parameter types do not fit its parameters, or that binds an id twice', () => {
    const short = { kind: 'lambda', params: [1, 2], paramTypes: [BIGINT], body: param(1), type: BIGINT };
    expectError(() => compileProjection(transform(short)), 'INVALID_MESSAGE', /parameter types/);
    const inner = { kind: 'lambda', params: [1], paramTypes: [BIGINT], body: param(1), type: BIGINT };
    const twice = { kind: 'lambda', params: [1], paramTypes: [BIGINT], body: transform(inner), type: ARRAY };
    expectError(() => compileProjection(transform(twice)), 'INVALID_MESSAGE', /bound twice/);
  });
});
