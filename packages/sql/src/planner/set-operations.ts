import { QuarryError } from '@quarry/common';
import type { QueryBody, SetOperation } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import type { AggregateNode, Column, PlanNode, UnionNode, WindowFrame } from '../plan/nodes.js';
import { BIGINT, BOOLEAN, commonSuperType, typeToString, type DataType } from '../types/index.js';
import { coerce, ExprTranslator } from './expressions.js';
import { literalOf } from './literals.js';
import type { RelationPlan } from './relation-plan.js';
import { Scope } from './scope.js';

export interface SetOperationHost {
  readonly now: Date;
  planBody(body: QueryBody): RelationPlan;
}

/**
 * UNION, INTERSECT and EXCEPT, DISTINCT or ALL, as Trino plans them: the inputs' columns are cast
 * to common types and unioned; UNION DISTINCT groups on every column; INTERSECT and EXCEPT tag each
 * row with a marker of its input and count the markers per distinct row (DISTINCT, through an
 * aggregation) or per row within its partition of equal rows (ALL, through a window with
 * row_number). Column names come from the first input.
 */
export function planSetOperation(host: SetOperationHost, body: SetOperation): RelationPlan {
  const left = host.planBody(body.left);
  const right = host.planBody(body.right);
  const shape = setShape(body, left, right);
  const inputs = { body, left: left.node, right: right.node };
  if (body.op === 'UNION') return { node: planUnion(inputs, shape), scope: shape.scope };
  return { node: planIntersectOrExcept(host, inputs, shape), scope: shape.scope };
}

/** The operation with its two inputs planned. */
interface SetInputs {
  readonly body: SetOperation;
  readonly left: PlanNode;
  readonly right: PlanNode;
}

/** The result's columns: the common types of the inputs', named from the first input. */
interface SetShape {
  readonly types: readonly DataType[];
  readonly columns: readonly Column[];
  readonly channels: readonly number[];
  readonly scope: Scope;
  /** An input cast to the common types, with marker columns appended. */
  readonly cast: (node: PlanNode, markers?: Expr[]) => PlanNode;
}

function setShape(body: SetOperation, left: RelationPlan, right: RelationPlan): SetShape {
  const lw = left.node.outputs.length;
  const rw = right.node.outputs.length;
  if (lw !== rw) {
    throw new QuarryError('TYPE_MISMATCH', `${body.op} query has different number of fields: ${lw}, ${rw}`, {
      location: body.loc,
    });
  }
  const types = left.node.outputs.map((l, i) => {
    const r = right.node.outputs[i]!;
    const t = commonSuperType(l.type, r.type);
    if (!t) {
      throw new QuarryError(
        'TYPE_MISMATCH',
        `column ${i + 1} in ${body.op} query has incompatible types: ${typeToString(l.type)}, ${typeToString(r.type)}`,
        { location: body.loc },
      );
    }
    return t;
  });
  const columns: Column[] = left.node.outputs.map((c, i) => ({ name: c.name, type: types[i]! }));
  const scope = new Scope(
    left.scope.fields.map((f, i) => ({ name: f.name, relation: undefined, type: types[i]! })),
  );
  const cast = (node: PlanNode, markers: Expr[] = []): PlanNode => {
    const exprs: Expr[] = [
      ...node.outputs.map((c, i) => coerce({ kind: 'input', channel: i, type: c.type }, types[i]!)),
      ...markers,
    ];
    if (markers.length === 0 && exprs.every((e) => e.kind === 'input')) return node;
    return {
      kind: 'Project',
      input: node,
      exprs,
      outputs: [...columns, ...markers.map((m, i) => ({ name: `marker${i}`, type: m.type }))],
    };
  };
  return { types, columns, channels: columns.map((_, i) => i), scope, cast };
}

function planUnion(inputs: SetInputs, shape: SetShape): PlanNode {
  const { body } = inputs;
  const { cast, columns } = shape;
  // UNION ALL takes in the inputs of a Union below it; UNION DISTINCT those of a distinct Union
  // below it — distinct(f(distinct(U))) = distinct(f(U)) for any cast f — so a chain of 1 000
  // UNIONs is one Union of 1 000 inputs, not a plan 2 000 nodes deep.
  const absorbed = (n: PlanNode): PlanNode[] =>
    body.distinct && isDistinctUnion(n) ? n.input.inputs.map((x) => cast(x)) : [cast(n)];
  const all = [...absorbed(inputs.left), ...absorbed(inputs.right)].flatMap((n) =>
    n.kind === 'Union' && !body.distinct ? n.inputs : [n],
  );
  const union: PlanNode = { kind: 'Union', inputs: all, outputs: [...columns] };
  if (!body.distinct) return union;
  return {
    kind: 'Aggregate',
    input: union,
    step: 'single',
    groupBy: [...shape.channels],
    aggregates: [],
    outputs: [...columns],
  };
}

/** The union of both inputs with a marker per input, counted per row, and which rows to keep. */
interface Counted {
  readonly node: PlanNode;
  readonly predicate: Expr;
}

function planIntersectOrExcept(host: SetOperationHost, inputs: SetInputs, shape: SetShape): PlanNode {
  const { columns, channels, types, cast } = shape;
  const on = literalOf(true, BOOLEAN);
  const off = literalOf(null, BOOLEAN);
  const union: PlanNode = {
    kind: 'Union',
    inputs: [cast(inputs.left, [on, off]), cast(inputs.right, [off, on])],
    outputs: [...columns, { name: 'marker0', type: BOOLEAN }, { name: 'marker1', type: BOOLEAN }],
  };
  const t = new ExprTranslator(new Scope([]), { now: host.now });
  const counted = inputs.body.distinct
    ? countDistinct(union, inputs.body, shape, t)
    : countAll(union, inputs.body, shape, t);
  const filtered: PlanNode = {
    kind: 'Filter',
    input: counted.node,
    predicate: counted.predicate,
    outputs: counted.node.outputs,
  };
  return {
    kind: 'Project',
    input: filtered,
    exprs: channels.map((c) => ({ kind: 'input', channel: c, type: types[c]! })),
    outputs: [...columns],
  };
}

/** INTERSECT and EXCEPT DISTINCT: the markers counted per distinct row by an aggregation. */
function countDistinct(union: PlanNode, body: SetOperation, shape: SetShape, t: ExprTranslator): Counted {
  const { columns, channels } = shape;
  const n = columns.length;
  const count = (args: number[]) => ({
    fn: 'count',
    args,
    argTypes: args.map(() => BOOLEAN),
    distinct: false,
    resultType: BIGINT,
  });
  const cl: Expr = { kind: 'input', channel: n, type: BIGINT };
  const cr: Expr = { kind: 'input', channel: n + 1, type: BIGINT };
  const zero = literalOf(0, BIGINT);
  const node: PlanNode = {
    kind: 'Aggregate',
    input: union,
    step: 'single',
    groupBy: [...channels],
    aggregates: [count([n]), count([n + 1])],
    outputs: [...columns, { name: 'count0', type: BIGINT }, { name: 'count1', type: BIGINT }],
  };
  const predicate: Expr =
    body.op === 'INTERSECT'
      ? {
          kind: 'and',
          args: [t.call('$gt', [cl, zero], '>'), t.call('$gt', [cr, zero], '>')],
          type: BOOLEAN,
        }
      : {
          kind: 'and',
          args: [t.call('$gt', [cl, zero], '>'), t.call('$eq', [cr, zero], '=')],
          type: BOOLEAN,
        };
  return { node, predicate };
}

/** INTERSECT and EXCEPT ALL: the markers counted per partition of equal rows, each row numbered. */
function countAll(union: PlanNode, body: SetOperation, shape: SetShape, t: ExprTranslator): Counted {
  const { columns, channels, types } = shape;
  const n = columns.length;
  const whole: WindowFrame = {
    unit: 'ROWS',
    start: { type: 'UNBOUNDED_PRECEDING' },
    end: { type: 'UNBOUNDED_FOLLOWING' },
  };
  const counters: Column[] = [
    { name: 'count0', type: BIGINT },
    { name: 'count1', type: BIGINT },
    { name: 'row_number', type: BIGINT },
  ];
  const node: PlanNode = {
    kind: 'Project',
    input: {
      kind: 'Window',
      input: union,
      partitionBy: [...channels],
      orderBy: [],
      functions: [
        { fn: 'count', aggregate: true, args: [n], argTypes: [BOOLEAN], resultType: BIGINT, frame: whole },
        {
          fn: 'count',
          aggregate: true,
          args: [n + 1],
          argTypes: [BOOLEAN],
          resultType: BIGINT,
          frame: whole,
        },
        { fn: 'row_number', aggregate: false, args: [], argTypes: [], resultType: BIGINT, frame: whole },
      ],
      outputs: [...union.outputs, ...counters],
    },
    exprs: [...channels, n + 2, n + 3, n + 4].map((c, i) => ({
      kind: 'input',
      channel: c,
      type: i < n ? types[i]! : BIGINT,
    })),
    outputs: [...columns, ...counters],
  };
  const cl: Expr = { kind: 'input', channel: n, type: BIGINT };
  const cr: Expr = { kind: 'input', channel: n + 1, type: BIGINT };
  const rn: Expr = { kind: 'input', channel: n + 2, type: BIGINT };
  // keep min(count0, count1) copies (INTERSECT ALL) or count0 - count1 copies (EXCEPT ALL)
  const predicate =
    body.op === 'INTERSECT'
      ? {
          kind: 'and' as const,
          args: [t.call('$le', [rn, cl], '<='), t.call('$le', [rn, cr], '<=')],
          type: BOOLEAN,
        }
      : t.call('$le', [rn, t.call('$subtract', [cl, cr], '-')], '<=');
  return { node, predicate };
}

/** A grouping on every column of a Union, with no aggregates: UNION DISTINCT as planned above. */
function isDistinctUnion(n: PlanNode): n is AggregateNode & { input: UnionNode } {
  return (
    n.kind === 'Aggregate' &&
    n.step === 'single' &&
    n.aggregates.length === 0 &&
    n.input.kind === 'Union' &&
    n.groupBy.length === n.outputs.length &&
    n.groupBy.every((c, i) => c === i)
  );
}
