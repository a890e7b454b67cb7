import { QuarryError, internalError } from '@quarry/common';
import type { Block, Page } from '../page/block.js';
import { valueAt } from '../page/block.js';
import { castCode } from '../functions/casts.js';
import { generatorFor, generatorOptionsFor, type CodegenContext } from '../functions/registry.js';
import { physicalKind, typeToString, type DataType } from '../types/types.js';
import { normalizeLong } from '../types/values.js';
import type { Expr, LiteralValue } from './ir.js';

/**
 * Compiles expressions into JavaScript functions over whole pages: one loop per page, the
 * expression tree inlined into the loop body as straight-line code over local variables, each
 * sub-expression with a value and a null flag. SQL's three-valued logic, lazy AND/OR/CASE/COALESCE
 * and null propagation through functions are spelled out in the generated code.
 */

export type CompiledProjection = (page: Page) => Block;
/** Writes the positions where the predicate is TRUE into `selected`; returns how many. */
export type CompiledFilter = (page: Page, selected: Int32Array) => number;

interface Slot {
  /** JS expression (usually a local) holding the value, valid when not null. */
  readonly v: string;
  /** JS expression that is true when the value is NULL. */
  readonly n: string;
}

class Codegen implements CodegenContext {
  private readonly refs: unknown[] = [];
  private readonly refNames = new Map<unknown, string>();
  private vars = 0;
  private readonly declared: string[] = [];
  readonly channels = new Map<number, DataType>();
  readonly body: string[] = [];

  ref(value: unknown): string {
    let name = this.refNames.get(value);
    if (!name) {
      name = `R${this.refs.length}`;
      this.refs.push(value);
      this.refNames.set(value, name);
    }
    return name;
  }

  temp(): string {
    const name = `t${this.vars++}`;
    this.declared.push(name);
    return name;
  }

  slot(): { v: string; n: string } {
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
      case 'call': {
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
      case 'cast': {
        const a = this.emit(e.arg);
        const s = this.slot();
        const code = castCode(a.v, e.arg.type, e.type, this);
        if (e.safe) {
          this.body.push(
            `${s.n} = ${a.n}; if (!${s.n}) { try { ${s.v} = ${code}; } catch (err) { if (${this.ref(isUserError)}(err)) ${s.n} = true; else throw err; } }`,
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
      case 'coalesce': {
        const s = this.slot();
        this.body.push(`${s.n} = true;`);
        for (const arg of e.args) {
          this.body.push(`if (${s.n}) {`);
          const a = this.emit(arg);
          this.body.push(`if (!(${a.n})) { ${s.v} = ${a.v}; ${s.n} = false; } }`);
        }
        return s;
      }
      case 'case': {
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
      case 'in':
        return this.emitIn(e.arg, e.list);
      case 'try': {
        const s = this.slot();
        this.body.push(`try {`);
        const a = this.emit(e.arg);
        this.body.push(
          `${s.n} = ${a.n}; ${s.v} = ${a.v}; } catch (err) { if (${this.ref(isUserError)}(err)) ${s.n} = true; else throw err; }`,
        );
        return s;
      }
    }
  }

  private emitInput(channel: number, type: DataType): Slot {
    this.channels.set(channel, type);
    const s = this.slot();
    const kind = physicalKind(type);
    const read = kind === 'bool' ? `V${channel}[i] === 1` : `V${channel}[i]`;
    let code = `${s.n} = N${channel} !== undefined && N${channel}[i] === 1; ${s.v} = ${read};`;
    if (kind === 'long')
      code += ` if (typeof ${s.v} === 'bigint') ${s.v} = ${this.ref(normalizeLong)}(${s.v});`;
    this.body.push(code);
    return s;
  }

  private emitLiteral(value: LiteralValue, type: DataType): Slot {
    if (value === null || type.kind === 'unknown') return { v: 'undefined', n: 'true' };
    return { v: this.literalCode(value, type), n: 'false' };
  }

  literalCode(value: Exclude<LiteralValue, null>, type: DataType): string {
    const kind = physicalKind(type);
    if (kind === 'long' && typeof value === 'string') {
      const big = normalizeLong(BigInt(value));
      return typeof big === 'bigint' ? `${big}n` : String(big);
    }
    if (kind === 'bool') return value === true || value === 1 ? 'true' : 'false';
    if (typeof value === 'number' && !Number.isFinite(value))
      return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    return JSON.stringify(value);
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

  private emitIn(arg: Expr, list: readonly Expr[]): Slot {
    const a = this.emit(arg);
    const s = this.slot();
    const constants = list.every((x) => x.kind === 'literal' && x.value !== null);
    if (constants) {
      const set = new Set(
        list.map((x) => {
          const lit = x as Extract<Expr, { kind: 'literal' }>;
          return new Function(
            `return ${this.literalCode(lit.value as Exclude<LiteralValue, null>, lit.type)}`,
          )() as unknown;
        }),
      );
      this.body.push(`${s.n} = ${a.n}; if (!${s.n}) ${s.v} = ${this.ref(set)}.has(${a.v});`);
      return s;
    }
    const sawNull = this.temp();
    const loose = physicalKind(arg.type) === 'long';
    this.body.push(`${s.n} = ${a.n}; ${s.v} = false; ${sawNull} = false; if (!${s.n}) {`);
    for (const item of list) {
      this.body.push(`if (!${s.v}) {`);
      const x = this.emit(item);
      this.body.push(
        `if (${x.n}) ${sawNull} = true; else if (${a.v} ${loose ? '==' : '==='} ${x.v}) ${s.v} = true; }`,
      );
    }
    this.body.push(`if (!${s.v} && ${sawNull}) ${s.n} = true; }`);
    return s;
  }

  /** Wraps the body into a function of one page; `tail` consumes the root slot per row. */
  build(prologue: string, tail: string, epilogue: string): (...args: unknown[]) => unknown {
    const loads = [...this.channels.keys()]
      .map((c) => `const V${c} = B[${c}].values, N${c} = B[${c}].nulls;`)
      .join('\n');
    const decl = this.declared.length ? `let ${this.declared.join(', ')};` : '';
    const src = `"use strict";\nreturn function compiled(page, arg) {\nconst n = page.rowCount; const B = page.blocks;\n${loads}\n${decl}\n${prologue}\nfor (let i = 0; i < n; i++) {\n${this.body.join('\n')}\n${tail}\n}\n${epilogue}\n};`;
    const names = this.refs.map((_, i) => `R${i}`);
    try {
      return new Function(...names, src)(...this.refs) as (...args: unknown[]) => unknown;
    } catch (e) {
      throw internalError(`generated code does not compile: ${(e as Error).message}\n${src}`, e);
    }
  }
}

function isUserError(e: unknown): boolean {
  return e instanceof QuarryError && e.type === 'USER_ERROR';
}

function widen(out: Float64Array, upTo: number): bigint[] {
  const wide = new Array<bigint>(out.length).fill(0n);
  for (let i = 0; i < upTo; i++) wide[i] = BigInt(out[i]!);
  return wide;
}

/** A function computing `expr` for every row of a page, as a block of `expr.type`. */
export function compileProjection(expr: Expr): CompiledProjection {
  if (expr.kind === 'input') {
    const channel = expr.channel;
    return (page) => page.blocks[channel] ?? missingChannel(channel);
  }
  const g = new Codegen();
  const root = g.emit(expr);
  const type = expr.type;
  const kind = physicalKind(type);
  const alloc =
    kind === 'bool'
      ? 'new Uint8Array(n)'
      : kind === 'int32'
        ? 'new Int32Array(n)'
        : kind === 'string'
          ? "new Array(n).fill('')"
          : 'new Float64Array(n)';
  let store: string;
  switch (kind) {
    case 'bool':
      store = `out[i] = ${root.v} ? 1 : 0;`;
      break;
    case 'long':
      store = `if (wide === null) { if (typeof ${root.v} === 'number') out[i] = ${root.v}; else { wide = ${g.ref(widen)}(out, i); wide[i] = ${root.v}; } } else wide[i] = BigInt(${root.v});`;
      break;
    default:
      store = `out[i] = ${root.v};`;
  }
  const typeRef = g.ref(type);
  const fn = g.build(
    `const out = ${alloc}; let nulls = undefined; let wide = null;`,
    `if (${root.n}) { if (nulls === undefined) nulls = new Uint8Array(n); nulls[i] = 1; } else { ${store} }`,
    `return { type: ${typeRef}, length: n, values: wide === null ? out : wide, nulls };`,
  );
  return fn as CompiledProjection;
}

export function compileFilter(predicate: Expr): CompiledFilter {
  if (predicate.type.kind !== 'boolean' && predicate.type.kind !== 'unknown') {
    throw internalError(`filter predicate has type ${typeToString(predicate.type)}`);
  }
  const g = new Codegen();
  const root = g.emit(predicate);
  const fn = g.build(
    'let k = 0; const sel = arg;',
    `if (!(${root.n}) && ${root.v}) sel[k++] = i;`,
    'return k;',
  );
  return fn as CompiledFilter;
}

const ONE_ROW: Page = { blocks: [], rowCount: 1 };

/** Evaluates an expression without inputs; returns its native value or null. */
export function evaluateConstant(expr: Expr): unknown {
  return valueAt(compileProjection(expr)(ONE_ROW), 0);
}

function missingChannel(channel: number): never {
  throw internalError(`page has no channel ${channel}`);
}
