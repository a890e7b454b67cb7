import { QuarryError, internalError } from '@quarry/common';
import { castCode } from '../functions/casts.js';
import { generatorFor, generatorOptionsFor, type CodegenContext } from '../functions/registry.js';
import { physicalKind, type DataType } from '../types/types.js';
import { normalizeLong } from '../types/values.js';
import { sqlEquals } from '../types/composite.js';
import type { Expr, LiteralValue } from './ir.js';
import { literalNative } from './literal-values.js';

/**
 * Turns an expression tree into the straight-line JavaScript of one loop body, each
 * sub-expression with a value and a null flag. SQL's three-valued logic, lazy AND/OR/CASE/COALESCE
 * and null propagation through functions are spelled out in the generated code.
 *
 * No code from data: every name in the generated text is made here (`R3`, `v7`, `V0`), and every
 * value that comes from the expression — literals, channel indexes, type parameters, helper
 * functions — is bound through `ref` and read from an array the function receives, hoisted into
 * local constants at the top of the compiled function. The expression is checked beforehand
 * (`validateExpr`), and channel indexes are checked again here.
 */

export interface Slot {
  /** JS expression (a local the compiler named) holding the value, valid when not null. */
  readonly v: string;
  /** JS expression that is true when the value is NULL. */
  readonly n: string;
}

export class Codegen implements CodegenContext {
  private readonly refs: unknown[] = [];
  private readonly refNames = new Map<unknown, string>();
  private readonly constants = new Map<string, unknown>();
  /** Channel read → index of the local block variables (`V0`/`N0`) that hold it. */
  private readonly inputs = new Map<number, number>();
  private vars = 0;
  private readonly declared: string[] = [];
  body: string[] = [];
  /** Lambda parameter ids bound where code is being emitted. */
  private readonly lambdaParams = new Set<number>();

  ref(value: unknown): string {
    // -0 and 0 are the same Map key, not the same double
    const shared = !Object.is(value, -0);
    let name = shared ? this.refNames.get(value) : undefined;
    if (!name) {
      name = `R${this.refs.length}`;
      this.refs.push(value);
      if (shared) this.refNames.set(value, name);
    }
    return name;
  }

  constant(code: string): { value: unknown } | undefined {
    return this.constants.has(code) ? { value: this.constants.get(code) } : undefined;
  }

  temp(): string {
    const name = `t${this.vars++}`;
    this.declared.push(name);
    return name;
  }

  slot(): Slot {
    const id = this.vars++;
    this.declared.push(`v${id}`, `n${id}`);
    return { v: `v${id}`, n: `n${id}` };
  }

  emit(e: Expr): Slot {
    switch (e.kind) {
      case 'input':
        return this.emitInput(e.channel, e.type);
      case 'literal':
        return this.emitLiteral(e.value, e.type);
      case 'call':
        return this.emitCall(e);
      case 'cast': {
        const a = this.emit(e.arg);
        const s = this.slot();
        const code = castCode(a.v, e.arg.type, e.type, this);
        if (e.safe) {
          this.body.push(
            `${s.n} = ${a.n}; if (!${s.n}) { try { ${s.v} = ${code}; } ${this.catchUserError(s)} }`,
          );
        } else {
          this.body.push(`${s.n} = ${a.n}; if (!${s.n}) ${s.v} = ${code};`);
        }
        return s;
      }
      case 'and':
      case 'or':
        return this.emitLogical(e.kind, e.args);
      case 'not': {
        const a = this.emit(e.arg);
        const s = this.slot();
        this.body.push(`${s.n} = ${a.n}; ${s.v} = !${a.v};`);
        return s;
      }
      case 'isNull': {
        const a = this.emit(e.arg);
        const s = this.slot();
        this.body.push(`${s.n} = false; ${s.v} = ${a.n};`);
        return s;
      }
      case 'coalesce':
        return this.emitCoalesce(e.args);
      case 'case':
        return this.emitCase(e);
      case 'in':
        return this.emitIn(e.arg, e.list);
      case 'lambda':
        return this.emitLambda(e);
      case 'lambdaParam':
        if (!this.lambdaParams.has(e.id))
          throw new QuarryError(
            'INVALID_MESSAGE',
            'invalid plan: a lambda parameter is read outside its lambda',
          );
        return { v: `P${e.id}`, n: `(P${e.id} === null)` };
      case 'try': {
        const s = this.slot();
        this.body.push(`try {`);
        const a = this.emit(e.arg);
        this.body.push(`${s.n} = ${a.n}; ${s.v} = ${a.v}; } ${this.catchUserError(s)}`);
        return s;
      }
    }
  }

  /**
   * A lambda becomes a JS arrow function built in the row loop, so that its body may read the row's
   * columns; its parameters are named `P<id>` from the (checked, integer) ids, and it returns the
   * body's value or null. Functions call it synchronously, so the slots it shares are not reentered.
   */
  private emitLambda(e: Extract<Expr, { kind: 'lambda' }>): Slot {
    const s = this.slot();
    for (const p of e.params) {
      if (this.lambdaParams.has(p))
        throw new QuarryError('INVALID_MESSAGE', 'invalid plan: a lambda parameter id is bound twice');
      this.lambdaParams.add(p);
    }
    const outer = this.body;
    this.body = [];
    const r = this.emit(e.body);
    const inner = this.body;
    this.body = outer;
    for (const p of e.params) this.lambdaParams.delete(p);
    const params = e.params.map((p) => `P${p}`).join(', ');
    this.body.push(
      `${s.n} = false; ${s.v} = (${params}) => { ${inner.join('\n')}\nreturn ${r.n} ? null : ${r.v}; };`,
    );
    return s;
  }

  private catchUserError(s: Slot): string {
    return `catch (err) { if (${this.ref(isUserError)}(err)) ${s.n} = true; else throw err; }`;
  }

  private emitCall(e: Extract<Expr, { kind: 'call' }>): Slot {
    const args = e.args.map((a) => this.emit(a));
    const s = this.slot();
    const options = generatorOptionsFor(e.fn);
    const code = generatorFor(e.fn)(
      args.map((a) => (options.handlesNulls ? `(${a.n} ? null : ${a.v})` : a.v)),
      e.args.map((a) => a.type),
      e.type,
      this,
    );
    const nullable = options.mayReturnNull || options.handlesNulls;
    const set = nullable ? `${s.v} = ${code}; ${s.n} = ${s.v} === null;` : `${s.v} = ${code};`;
    if (options.handlesNulls) this.body.push(set);
    else {
      const anyNull = args.length ? args.map((a) => a.n).join(' || ') : 'false';
      this.body.push(`${s.n} = ${anyNull}; if (!${s.n}) { ${set} }`);
    }
    return s;
  }

  private emitInput(channel: number, type: DataType): Slot {
    let k = this.inputs.get(checkChannel(channel));
    if (k === undefined) {
      k = this.inputs.size;
      this.inputs.set(channel, k);
    }
    const s = this.slot();
    const kind = physicalKind(type);
    const read = kind === 'bool' ? `V${k}[i] === 1` : `V${k}[i]`;
    let code = `${s.n} = N${k} !== undefined && N${k}[i] === 1; ${s.v} = ${read};`;
    if (kind === 'long')
      code += ` if (typeof ${s.v} === 'bigint') ${s.v} = ${this.ref(normalizeLong)}(${s.v});`;
    this.body.push(code);
    return s;
  }

  private emitLiteral(value: LiteralValue, type: DataType): Slot {
    const native = literalNative(value, type);
    if (native === null) return { v: 'undefined', n: 'true' };
    const name = this.ref(native);
    this.constants.set(name, native);
    return { v: name, n: 'false' };
  }

  private emitLogical(kind: 'and' | 'or', args: readonly Expr[]): Slot {
    const s = this.slot();
    // AND: FALSE wins over NULL; OR: TRUE wins over NULL. `decided` is the winning value.
    const decided = kind === 'and' ? 'false' : 'true';
    const undecided = kind === 'and' ? 'true' : 'false';
    this.body.push(`${s.v} = ${undecided}; ${s.n} = false;`);
    for (const arg of args) {
      this.body.push(`if (${s.v} === ${undecided}) {`);
      const a = this.emit(arg);
      this.body.push(
        `if (${a.n}) ${s.n} = true; else if (${a.v} === ${decided}) { ${s.v} = ${decided}; ${s.n} = false; } }`,
      );
    }
    return s;
  }

  private emitCoalesce(args: readonly Expr[]): Slot {
    const s = this.slot();
    this.body.push(`${s.n} = true;`);
    for (const arg of args) {
      this.body.push(`if (${s.n}) {`);
      const a = this.emit(arg);
      this.body.push(`if (!(${a.n})) { ${s.v} = ${a.v}; ${s.n} = false; } }`);
    }
    return s;
  }

  private emitCase(e: Extract<Expr, { kind: 'case' }>): Slot {
    const s = this.slot();
    const label = `c${this.vars++}`;
    this.body.push(`${s.n} = true; ${label}: {`);
    for (const w of e.whens) {
      const cond = this.emit(w.when);
      this.body.push(`if (!(${cond.n}) && ${cond.v}) {`);
      const then = this.emit(w.then);
      this.body.push(`${s.n} = ${then.n}; ${s.v} = ${then.v}; break ${label}; }`);
    }
    if (e.else) {
      const el = this.emit(e.else);
      this.body.push(`${s.n} = ${el.n}; ${s.v} = ${el.v};`);
    }
    this.body.push('}');
    return s;
  }

  private emitIn(arg: Expr, list: readonly Expr[]): Slot {
    const a = this.emit(arg);
    const s = this.slot();
    const constants = list.every((x) => x.kind === 'literal' && x.value !== null);
    if (constants) {
      const set = new Set(
        list.map((x) => {
          const lit = x as Extract<Expr, { kind: 'literal' }>;
          return literalNative(lit.value, lit.type);
        }),
      );
      this.body.push(`${s.n} = ${a.n}; if (!${s.n}) ${s.v} = ${this.ref(set)}.has(${a.v});`);
      return s;
    }
    const sawNull = this.temp();
    const loose = physicalKind(arg.type) === 'long';
    const composite = physicalKind(arg.type) === 'object';
    this.body.push(`${s.n} = ${a.n}; ${s.v} = false; ${sawNull} = false; if (!${s.n}) {`);
    for (const item of list) {
      this.body.push(`if (!${s.v}) {`);
      const x = this.emit(item);
      this.body.push(
        composite
          ? `if (${x.n}) ${sawNull} = true; else { const r = ${this.ref(sqlEquals)}(${this.ref(arg.type)}, ${a.v}, ${x.v}); if (r === null) ${sawNull} = true; else if (r) ${s.v} = true; } }`
          : `if (${x.n}) ${sawNull} = true; else if (${a.v} ${loose ? '==' : '==='} ${x.v}) ${s.v} = true; }`,
      );
    }
    this.body.push(`if (!${s.v} && ${sawNull}) ${s.n} = true; }`);
    return s;
  }

  /**
   * Wraps the body into a function of one page; `tail` consumes the root slot per row. The bound
   * values arrive as one array and become local constants once per page, outside the row loop.
   */
  build(parts: { prologue: string; tail: string; epilogue: string }): (...args: unknown[]) => unknown {
    const missing = this.ref(missingChannel);
    const loads = [...this.inputs]
      .map(([channel, k]) => {
        const c = this.ref(channel);
        return `const b${k} = B[${c}] ?? ${missing}(${c}); const V${k} = b${k}.values, N${k} = b${k}.nulls;`;
      })
      .join('\n');
    const hoisted = this.refs.map((_, i) => `R${i} = R[${i}]`).join(', ');
    const decl = this.declared.length ? `let ${this.declared.join(', ')};` : '';
    const src = [
      '"use strict";',
      'return function compiled(page, arg) {',
      `const ${hoisted};`,
      'const n = page.rowCount; const B = page.blocks;',
      loads,
      decl,
      parts.prologue,
      'for (let i = 0; i < n; i++) {',
      ...this.body,
      parts.tail,
      '}',
      parts.epilogue,
      '};',
    ].join('\n');
    try {
      return new Function('R', src)(this.refs) as (...args: unknown[]) => unknown;
    } catch (e) {
      throw internalError(`generated code does not compile: ${(e as Error).message}\n${src}`, e);
    }
  }
}

function isUserError(e: unknown): boolean {
  return e instanceof QuarryError && e.type === 'USER_ERROR';
}

/** A channel index from the plan: a non-negative integer, or the plan is refused. */
export function checkChannel(channel: unknown): number {
  if (typeof channel !== 'number' || !Number.isSafeInteger(channel) || channel < 0) {
    throw new QuarryError(
      'INVALID_MESSAGE',
      'invalid plan: an expression reads a channel that is not an index',
    );
  }
  return channel;
}

export function missingChannel(channel: number): never {
  throw internalError(`page has no channel ${channel}`);
}
