import { QuarryError } from '@quarry/common';
import type { Block } from '../page/block.js';
import { typeToString, type DataType } from '../types/index.js';

/**
 * Aggregate functions, each split in two steps for distributed execution: leaf tasks run
 * `addInput` and emit intermediate state columns; the final stage merges states with
 * `addIntermediate` and emits results. A state column is NULL for a group that saw no input.
 */
export interface AggregateSignature {
  readonly argTypes: readonly DataType[];
  readonly intermediateTypes: readonly DataType[];
  readonly resultType: DataType;
}

export interface Accumulator {
  /** Adds rows: row i belongs to group `groups[i]`; `groupCount` is the number of groups so far. */
  addInput(groups: Int32Array, groupCount: number, args: readonly Block[], count: number): void;
  addIntermediate(groups: Int32Array, groupCount: number, states: readonly Block[], count: number): void;
  intermediate(groupCount: number): Block[];
  result(groupCount: number): Block;
  /** Retained bytes, for memory accounting. */
  bytes(): number;
}

/**
 * The order an ordered aggregate (listagg) sees its rows in, one entry per key; the keys' values
 * follow the arguments in `addInput`. Such an aggregate runs in one step (no intermediate states).
 */
export interface AggregateOrder {
  readonly type: DataType;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

export interface AggregateFunction {
  readonly name: string;
  resolve(argTypes: readonly DataType[]): AggregateSignature | undefined;
  readonly signatures: readonly string[];
  create(signature: AggregateSignature, order: readonly AggregateOrder[]): Accumulator;
}

const registry = new Map<string, AggregateFunction>();

export function isAggregateFunction(name: string): boolean {
  return registry.has(name);
}

export function resolveAggregate(name: string, argTypes: readonly DataType[]): AggregateSignature {
  const fn = registry.get(name);
  if (!fn) throw new QuarryError('FUNCTION_NOT_FOUND', `Function '${name}' not registered`);
  const sig = fn.resolve(argTypes);
  if (!sig) {
    throw new QuarryError(
      'FUNCTION_NOT_FOUND',
      `Unexpected parameters (${argTypes.map(typeToString).join(', ')}) for function ${name}. Expected: ${fn.signatures.join(', ')}`,
    );
  }
  return sig;
}

export function createAccumulator(
  name: string,
  argTypes: readonly DataType[],
  order: readonly AggregateOrder[] = [],
): Accumulator {
  const fn = registry.get(name);
  if (!fn) throw new QuarryError('FUNCTION_NOT_FOUND', `Function '${name}' not registered`);
  return fn.create(resolveAggregate(name, argTypes), order);
}

/** Registers an aggregate function (the families register themselves when their module loads). */
export function define(fn: AggregateFunction): void {
  registry.set(fn.name, fn);
}
