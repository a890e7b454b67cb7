/**
 * Hash aggregation in tests: aggregate calls from short specs, Aggregate nodes for each step, and
 * running an aggregation both in one `single` step and split into `partial` steps (one per
 * simulated task, states moved through the page serde) and a `final` step, which must agree.
 */
import { expect } from 'chai';
import { resolveAggregate } from '../../src/functions/aggregates.js';
import { HashAggregationOperator } from '../../src/operators/aggregate.js';
import type { Page } from '../../src/page/block.js';
import { deserializePage, serializePage } from '../../src/page/serde.js';
import type { AggregateCall, AggregateNode, AggregateStep, Column, PlanNode } from '../../src/plan/nodes.js';
import type { DataType } from '../../src/types/types.js';
import { collectPages, collectRows, pagesOf, sortRows, taskContext } from './operators.js';

export interface Call {
  readonly fn: string;
  readonly args?: readonly number[];
  readonly mask?: number;
}

export function calls(types: readonly DataType[], specs: readonly Call[]): AggregateCall[] {
  return specs.map(({ fn, args = [], mask }) => {
    const sig = resolveAggregate(
      fn,
      args.map((c) => types[c]!),
    );
    return {
      fn,
      args,
      argTypes: sig.argTypes,
      distinct: false,
      resultType: sig.resultType,
      ...(mask !== undefined ? { mask } : {}),
    };
  });
}

function source(columns: readonly Column[]): PlanNode {
  return { kind: 'Values', rows: [], outputs: columns };
}

export function node(
  step: AggregateStep,
  input: readonly Column[],
  groupBy: readonly number[],
  aggregates: AggregateCall[],
): AggregateNode {
  const keys = groupBy.map((c) => input[c]!);
  const rest =
    step === 'partial'
      ? aggregates.flatMap((a) =>
          resolveAggregate(a.fn, a.argTypes).intermediateTypes.map((type, i) => ({
            name: `${a.fn}_s${i}`,
            type,
          })),
        )
      : aggregates.map((a) => ({ name: a.fn, type: a.resultType }));
  return { kind: 'Aggregate', input: source(input), step, groupBy, aggregates, outputs: [...keys, ...rest] };
}

export const columnsOf = (types: readonly DataType[]): Column[] =>
  types.map((type, i) => ({ name: `c${i}`, type }));

/** One aggregation step over all pages. */
export async function single(
  types: readonly DataType[],
  pages: readonly Page[],
  groupBy: readonly number[],
  specs: readonly Call[],
) {
  const n = node('single', columnsOf(types), groupBy, calls(types, specs));
  return collectRows(new HashAggregationOperator(n, pagesOf(pages), taskContext()));
}

/** An aggregation test: the input's types and pages, the grouping channels and the calls. */
interface AggregationQuery {
  readonly types: readonly DataType[];
  readonly pages: readonly Page[];
  readonly groupBy: readonly number[];
  readonly specs: readonly Call[];
}

/** Partial steps over `tasks` groups of pages, states serialized, then one final step. */
async function split(query: AggregationQuery, tasks = 2) {
  const { types, pages, groupBy, specs } = query;
  const aggs = calls(types, specs);
  const partial = node('partial', columnsOf(types), groupBy, aggs);
  const stateTypes = partial.outputs.map((c) => c.type);
  const states: Page[] = [];
  for (let t = 0; t < tasks; t++) {
    const mine = pages.filter((_, i) => i % tasks === t);
    for (const p of await collectPages(new HashAggregationOperator(partial, pagesOf(mine), taskContext()))) {
      states.push(deserializePage(serializePage(p), stateTypes));
    }
  }
  const final = node(
    'final',
    partial.outputs,
    groupBy.map((_, i) => i),
    finalCalls(aggs, groupBy.length),
  );
  return collectRows(new HashAggregationOperator(final, pagesOf(states), taskContext()));
}

/** A final step's calls, as the planner makes them: each reads its state columns, after the keys. */
function finalCalls(aggs: readonly AggregateCall[], keys: number): AggregateCall[] {
  let next = keys;
  return aggs.map(({ mask: _applied, ...a }) => {
    const width = resolveAggregate(a.fn, a.argTypes).intermediateTypes.length;
    const args = Array.from({ length: width }, (_, i) => next + i);
    next += width;
    return { ...a, args };
  });
}

/** Runs both ways, checks they agree (ignoring group order), and returns the rows sorted. */
export async function aggregate(
  types: readonly DataType[],
  pages: readonly Page[],
  groupBy: readonly number[],
  specs: readonly Call[],
) {
  const a = sortRows(await single(types, pages, groupBy, specs));
  const b = sortRows(await split({ types, pages, groupBy, specs }));
  const c = sortRows(await split({ types, pages, groupBy, specs }, 3));
  expect(b, 'partial → final agrees with single').to.deep.equal(a);
  expect(c, 'with three partial tasks too').to.deep.equal(a);
  return a;
}
