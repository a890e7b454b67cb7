/**
 * String functions and constant folding never build a value past MAX_FUNCTION_RESULT_LENGTH: an
 * oversized request fails at once with EXCEEDED_FUNCTION_MEMORY_LIMIT, naming the function and the
 * limit, instead of exhausting memory (`lpad('a', 1000000000, 'b')` used to kill the coordinator).
 */
import { expect } from 'chai';
import '../src/functions/index.js';
import { evaluateConstant } from '../src/expr/compile.js';
import type { Expr } from '../src/expr/ir.js';
import { MAX_FUNCTION_RESULT_LENGTH } from '../src/functions/limits.js';
import { VARCHAR } from '../src/types/types.js';
import { asyncErrorOf, expectError } from './support/errors.js';
import { runDistributed, runLocal } from './support/run.js';

const LIMIT = MAX_FUNCTION_RESULT_LENGTH;
const tooLarge = new RegExp(`over the limit of ${LIMIT}`);

async function expectTooLarge(sql: string, fn: string): Promise<void> {
  const started = Date.now();
  for (const run of [() => runLocal(sql), () => runDistributed(sql)]) {
    const e = await asyncErrorOf(run);
    expect(e.code, sql).to.equal('EXCEEDED_FUNCTION_MEMORY_LIMIT');
    expect(e.type).to.equal('USER_ERROR');
    expect(e.message, sql)
      .to.match(new RegExp(`^${fn}: `))
      .and.match(tooLarge);
  }
  expect(Date.now() - started, `${sql} took long: it built the value`).to.be.lessThan(10_000);
}

describe('function result limits', function () {
  this.timeout(60_000);

  it('refuses lpad and rpad beyond the limit, on constants and on columns', async () => {
    await expectTooLarge(`select lpad('a', 1000000000, 'b')`, 'lpad');
    await expectTooLarge(`select rpad('a', 1000000000, 'b')`, 'rpad');
    await expectTooLarge(`select lpad(name, 200000000, 'b') from customers`, 'lpad');
  });

  it('refuses replace, concat, concat_ws and regexp_replace results beyond the limit', async () => {
    const big = `lpad('', ${LIMIT / 2 + 1}, 'x')`;
    await expectTooLarge(`select replace(${big}, 'x', 'yyy')`, 'replace');
    await expectTooLarge(`select replace(${big}, '', 'y')`, 'replace');
    await expectTooLarge(`select ${big} || ${big}`, 'concat');
    await expectTooLarge(`select concat(${big}, 'a', ${big})`, 'concat');
    await expectTooLarge(`select concat_ws(',', ${big}, ${big})`, 'concat_ws');
    await expectTooLarge(`select regexp_replace(${big}, 'x', '$0$0')`, 'regexp_replace');
    await expectTooLarge(`select regexp_replace(name, '', ${big}) from customers`, 'regexp_replace');
    await expectTooLarge(
      `select date_format(timestamp '2024-01-03 10:00:00', lpad('', 400000, '%W'))`,
      'date_format',
    );
  });

  it('computes results up to the limit', async () => {
    const r = await runLocal(
      `select length(lpad('a', ${LIMIT}, 'b')), length(concat(lpad('', ${LIMIT - 1}, 'x'), 'y'))`,
    );
    expect(r.rows).to.deep.equal([[LIMIT, LIMIT]]);
  });

  it('leaves a failing constant unfolded, so a query that never evaluates it succeeds', async () => {
    const r = await runLocal(
      `select name from customers where tier > 5 and lpad('a', 1000000000, 'b') = 'c'`,
    );
    expect(r.rows).to.deep.equal([]);
  });

  it('caps any value computed while folding constants', () => {
    const huge: Expr = { kind: 'literal', value: 'x'.repeat(LIMIT + 1), type: VARCHAR };
    expect((evaluateConstant(huge) as string).length).to.equal(LIMIT + 1);
    const computed: Expr = { kind: 'call', fn: 'upper', args: [huge], type: VARCHAR };
    expectError(() => evaluateConstant(computed), 'EXCEEDED_FUNCTION_MEMORY_LIMIT', /^constant folding: /);
  });
});
