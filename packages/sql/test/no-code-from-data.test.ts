/**
 * No code from data: a plan fragment is data from the network, and nothing in it — a channel index,
 * a literal, a type parameter, a function id — may become JavaScript in the compiled expression
 * code. A crafted expression is either refused with INVALID_MESSAGE or evaluated as plain data;
 * the attacker's code never runs.
 */
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import '../src/functions/index.js';
import { compileFilter, compileProjection, evaluateConstant } from '../src/expr/compile.js';
import type { Expr } from '../src/expr/ir.js';
import { pageFromRows, valueAt } from '../src/page/block.js';
import { BIGINT, INTEGER, VARCHAR, type DataType } from '../src/types/types.js';
import { expectError } from './support/errors.js';

const PWNED = join(tmpdir(), `quarry-pwned-${process.pid}`);
/** What an attacker runs if text is spliced into code: a file written, a global set. */
const PAYLOAD = `process.getBuiltinModule('fs').writeFileSync(${JSON.stringify(PWNED)}, ''); globalThis.quarryPwned = 1;`;

/** Smuggles any value into an IR field typed otherwise, as a forged msgpack message would. */
const forged = (v: unknown) => v as never;

function pwned(): boolean {
  return existsSync(PWNED) || (globalThis as { quarryPwned?: number }).quarryPwned === 1;
}

function expectRefused(expr: Expr): void {
  expectError(() => compileProjection(expr), 'INVALID_MESSAGE');
  expectError(
    () => compileFilter({ kind: 'isNull', arg: expr, type: { kind: 'boolean' } }),
    'INVALID_MESSAGE',
  );
  expect(pwned(), 'the payload ran').to.equal(false);
}

const PAGE = pageFromRows(
  [BIGINT, VARCHAR],
  [
    [1, 'a'],
    [2, 'b'],
  ],
);

describe('expressions: no code from data', () => {
  beforeEach(() => {
    rmSync(PWNED, { force: true });
    delete (globalThis as { quarryPwned?: number }).quarryPwned;
  });
  after(() => rmSync(PWNED, { force: true }));

  it('refuses a channel that is not a non-negative integer', () => {
    for (const channel of [
      `0]; ${PAYLOAD} [0`,
      '0',
      -1,
      1.5,
      Number.NaN,
      2 ** 60,
      { valueOf: () => 0 },
      [0],
    ]) {
      expectRefused({ kind: 'input', channel: forged(channel), type: BIGINT });
      const sum: Expr = {
        kind: 'call',
        fn: 'add:bigint',
        args: [
          { kind: 'input', channel: forged(channel), type: BIGINT },
          { kind: 'literal', value: 1, type: BIGINT },
        ],
        type: BIGINT,
      };
      expectRefused(sum);
    }
  });

  it('fails cleanly on a channel beyond the page', () => {
    const upper: Expr = {
      kind: 'call',
      fn: 'upper',
      args: [{ kind: 'input', channel: 7, type: VARCHAR }],
      type: VARCHAR,
    };
    const e = expectError(() => compileProjection(upper)(PAGE), 'GENERIC_INTERNAL_ERROR');
    expect(e.message).to.include('no channel 7');
  });

  it('evaluates a string literal holding code as a string', () => {
    for (const text of [`"); ${PAYLOAD} ("`, `'); ${PAYLOAD} ('`, `\`\${${PAYLOAD}}\``, '\u2028\u2029\\']) {
      expect(evaluateConstant({ kind: 'literal', value: text, type: VARCHAR })).to.equal(text);
      const concat: Expr = {
        kind: 'call',
        fn: 'concat',
        args: [
          { kind: 'input', channel: 1, type: VARCHAR },
          { kind: 'literal', value: text, type: VARCHAR },
        ],
        type: VARCHAR,
      };
      const block = compileProjection(concat)(PAGE);
      expect(valueAt(block, 0)).to.equal(`a${text}`);
      const like: Expr = {
        kind: 'call',
        fn: 'like',
        args: [
          { kind: 'input', channel: 1, type: VARCHAR },
          { kind: 'literal', value: text, type: VARCHAR },
        ],
        type: { kind: 'boolean' },
      };
      expect(compileFilter(like)(PAGE, new Int32Array(2))).to.equal(0);
    }
    expect(pwned(), 'the payload ran').to.equal(false);
  });

  it('refuses literals that do not fit their type', () => {
    for (const [value, type] of [
      [`1n); ${PAYLOAD} (1`, BIGINT],
      [`1); ${PAYLOAD} (1`, INTEGER],
      [12, VARCHAR],
      [{ toString: () => PAYLOAD }, VARCHAR],
      [[PAYLOAD], VARCHAR],
    ] as const) {
      expectRefused({ kind: 'literal', value: forged(value), type });
    }
  });

  it('refuses types with parameters that are not numbers in range, and unknown kinds', () => {
    const types = [
      { kind: 'decimal', precision: 10, scale: `2); ${PAYLOAD} (` },
      { kind: 'decimal', precision: `10); ${PAYLOAD} (`, scale: 2 },
      { kind: `integer'); ${PAYLOAD} ('` },
      { kind: 'varchar', length: `1); ${PAYLOAD} (` },
      { kind: 'constructor' },
      { kind: '__proto__' },
      'bigint',
    ];
    for (const type of types) {
      const a: Expr = { kind: 'input', channel: 0, type: forged(type) };
      expectRefused({ kind: 'call', fn: 'add:int32', args: [a, a], type: forged(type) });
      expectRefused({ kind: 'call', fn: 'add:decimal', args: [a, a], type: forged(type) });
      expectRefused({
        kind: 'cast',
        arg: { kind: 'literal', value: 1, type: BIGINT },
        type: forged(type),
        safe: false,
      });
    }
  });

  it('refuses unknown function ids and expression kinds', () => {
    for (const fn of [`upper(1); ${PAYLOAD} //`, 'constructor', '__proto__', 'toString', 7]) {
      expectRefused({ kind: 'call', fn: forged(fn), args: [], type: VARCHAR });
    }
    for (const kind of ['constructor', 'eval', `input'; ${PAYLOAD}`]) {
      expectRefused(forged({ kind, type: VARCHAR }));
    }
  });

  it('refuses calls whose arguments do not fit the function', () => {
    const a: Expr = { kind: 'input', channel: 0, type: BIGINT };
    const s: Expr = { kind: 'input', channel: 1, type: VARCHAR };
    for (const call of [
      { kind: 'call', fn: 'add:bigint', args: [a], type: BIGINT },
      { kind: 'call', fn: 'lpad', args: [s, a], type: VARCHAR },
      { kind: 'call', fn: 'abs:int32', args: [a], type: VARCHAR },
    ] as Expr[]) {
      const e = expectError(() => compileProjection(call), 'INVALID_MESSAGE');
      expect(e.message).to.match(/expression\.args (are too few for|do not fit) function/);
    }
  });

  it('keeps type parameters exact once they are bound as values', () => {
    const dec = (scale: number): DataType => ({ kind: 'decimal', precision: 12, scale });
    const sum: Expr = {
      kind: 'call',
      fn: 'add:decimal',
      args: [
        { kind: 'literal', value: 125, type: dec(2) },
        { kind: 'literal', value: 5, type: dec(1) },
      ],
      type: dec(2),
    };
    expect(evaluateConstant(sum)).to.equal(175);
    const overflow: Expr = {
      kind: 'call',
      fn: 'add:int32',
      args: [
        { kind: 'literal', value: 2147483647, type: INTEGER },
        { kind: 'literal', value: 1, type: INTEGER },
      ],
      type: INTEGER,
    };
    expectError(
      () => evaluateConstant(overflow),
      'NUMERIC_VALUE_OUT_OF_RANGE',
      'integer arithmetic overflow',
    );
  });

  it("generates code that holds none of the expression's values, only names it made", () => {
    const dec = (scale: number): DataType => ({ kind: 'decimal', precision: 18, scale });
    const exprs: Expr[] = [
      {
        kind: 'call',
        fn: 'concat',
        args: [
          { kind: 'input', channel: 4242, type: VARCHAR },
          { kind: 'literal', value: 'MARKER_TEXT', type: VARCHAR },
        ],
        type: VARCHAR,
      },
      {
        kind: 'call',
        fn: 'like',
        args: [
          { kind: 'input', channel: 1, type: VARCHAR },
          { kind: 'literal', value: '%MARKER_LIKE%', type: VARCHAR },
        ],
        type: { kind: 'boolean' },
      },
      {
        kind: 'call',
        fn: 'multiply:double',
        args: [
          { kind: 'input', channel: 0, type: { kind: 'double' } },
          { kind: 'literal', value: 987654321.25, type: { kind: 'double' } },
        ],
        type: { kind: 'double' },
      },
      {
        kind: 'call',
        fn: 'add:bigint',
        args: [
          { kind: 'input', channel: 0, type: BIGINT },
          { kind: 'literal', value: '8765432109876543210', type: BIGINT },
        ],
        type: BIGINT,
      },
      {
        kind: 'call',
        fn: 'add:decimal',
        args: [
          { kind: 'input', channel: 0, type: dec(8) },
          { kind: 'input', channel: 1, type: dec(3) },
        ],
        type: dec(8),
      },
      {
        kind: 'call',
        fn: 'add:int32',
        args: [
          { kind: 'input', channel: 0, type: INTEGER },
          { kind: 'literal', value: 424242, type: INTEGER },
        ],
        type: INTEGER,
      },
      {
        kind: 'in',
        arg: { kind: 'input', channel: 0, type: BIGINT },
        list: [{ kind: 'literal', value: 55555, type: BIGINT }],
        type: { kind: 'boolean' },
      },
    ];
    const sources: string[] = [];
    const original = globalThis.Function;
    globalThis.Function = new Proxy(original, {
      construct(target, args: unknown[]) {
        sources.push(String(args.at(-1)));
        return Reflect.construct(target, args) as object;
      },
    });
    try {
      for (const e of exprs) compileProjection(e);
    } finally {
      globalThis.Function = original;
    }
    expect(sources).to.have.length(exprs.length);
    for (const src of sources) {
      for (const value of [
        'MARKER',
        '987654321',
        '8765432109876543210',
        '4242',
        '100000',
        '2147483647',
        '55555',
        'integer',
      ])
        expect(src, src).to.not.include(value);
      // string literals in generated code are the compiler's own: type tests and the empty string
      for (const quoted of src.match(/'[^']*'|"[^"]*"/g) ?? [])
        expect(['"use strict"', "'number'", "'bigint'", "''"], src).to.include(quoted);
    }
  });
});
