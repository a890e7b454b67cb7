import { QuarryError, internalError } from '@quarry/common';
import { typeToString, type DataType } from '../types/types.js';

/**
 * Scalar functions and operators. Resolution (on the coordinator) picks an implementation id for
 * the argument types, and the argument types the implementation wants — the analyzer casts to them.
 * Code generation (in tasks) turns the id into a JS expression over the argument values; generators
 * are only called with non-null arguments unless the family says `handlesNulls`.
 */
export interface Resolution {
  readonly id: string;
  readonly argTypes: readonly DataType[];
  readonly returnType: DataType;
}

/**
 * What generators may use. Generated text holds only names the compiler made and the generator's
 * own fixed code: any value (helper function, regexp, type parameter, scale factor) goes through
 * `ref`, never into the text, so nothing from a plan can become code.
 */
export interface CodegenContext {
  /** Makes a value (helper function, regexp, constant) available to the generated code; returns its name. */
  ref(value: unknown): string;
  /** The value of an argument that is a constant (a non-NULL literal), else undefined. */
  constant(code: string): { value: unknown } | undefined;
  /** A fresh temporary variable name, declared by the compiler. */
  temp(): string;
}

export type Generator = (
  args: readonly string[],
  argTypes: readonly DataType[],
  returnType: DataType,
  ctx: CodegenContext,
) => string;

export interface FunctionFamily {
  /** Undefined when the argument types do not fit. */
  resolve(argTypes: readonly DataType[]): Resolution | undefined;
  /** For error messages: the accepted signatures, e.g. `substr(varchar, bigint)`. */
  readonly signatures: readonly string[];
  /** Deterministic (constant-foldable). Default true. */
  readonly deterministic?: boolean;
}

export interface GeneratorOptions {
  /** The function may be NULL for non-NULL arguments: its code yields `null` then. */
  readonly mayReturnNull?: boolean;
  /** The generator gets every argument, NULL ones as `null`, and decides the result itself. */
  readonly handlesNulls?: boolean;
  /** Gives a different value at each call (random): never folded into a constant. */
  readonly nondeterministic?: boolean;
  /**
   * The argument counts [min, max] the generator takes, for generators that pass their arguments
   * on as a list (a plan with another count is refused); others name each argument they read.
   */
  readonly arity?: readonly [number, number];
}

const families = new Map<string, FunctionFamily>();
const generators = new Map<string, Generator>();
const generatorOptions = new Map<string, GeneratorOptions>();

export function defineFamily(name: string, family: FunctionFamily): void {
  if (families.has(name)) throw internalError(`function ${name} defined twice`);
  families.set(name, family);
}

export function defineGenerator(id: string, gen: Generator, options?: GeneratorOptions): void {
  if (generators.has(id)) throw internalError(`generator ${id} defined twice`);
  generators.set(id, gen);
  if (options) generatorOptions.set(id, options);
}

export function generatorOptionsFor(id: string): GeneratorOptions {
  return generatorOptions.get(id) ?? {};
}

export function hasFunction(name: string): boolean {
  return families.has(name);
}

export function resolveFunction(name: string, argTypes: readonly DataType[], display = name): Resolution {
  const family = families.get(name);
  if (!family) throw new QuarryError('FUNCTION_NOT_FOUND', `Function '${display}' not registered`);
  const r = family.resolve(argTypes);
  if (r) return r;
  const given = argTypes.map(typeToString).join(', ');
  throw new QuarryError(
    'FUNCTION_NOT_FOUND',
    `Unexpected parameters (${given}) for function ${display}. Expected: ${family.signatures.join(', ')}`,
  );
}

export function generatorFor(id: string): Generator {
  const g = generators.get(id);
  if (!g) throw internalError(`no code generator for function ${id}`);
  return g;
}

export function isDeterministic(name: string): boolean {
  return families.get(name)?.deterministic ?? true;
}

/** Whether `id` names a code generator: the function ids a plan may call. */
export function hasGenerator(id: string): boolean {
  return generators.has(id);
}
