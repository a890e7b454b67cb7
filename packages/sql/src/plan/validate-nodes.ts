import { isAggregateFunction } from '../functions/aggregate-registry.js';
import { isWindowFunction } from '../functions/window.js';
import { checkDataType, integerIn } from '../types/check.js';
import type { DataType } from '../types/types.js';
import { array, channelAt, invalid, record, validateExpr, type ValidationBudget } from '../expr/validate.js';
import { unnestTypes } from '../types/composite.js';
import type { PlanNode } from './nodes.js';

/**
 * Per-kind checks of plan nodes received as data. Each checker is given the node's fields and the
 * widths (column types) of its already-checked children, checks its own fields against them —
 * channels in range, expressions over the right inputs, known functions and types — and returns
 * the types of its outputs. The table is typed over the node union: a new kind that is not listed
 * fails to compile.
 */

type Fields = Readonly<Record<string, unknown>>;

export interface NodeContext {
  readonly budget: ValidationBudget;
  /** Checks a child node at `path`; returns its output types. */
  child(value: unknown, path: string): DataType[];
}

type NodeChecker = (n: Fields, path: string, ctx: NodeContext) => DataType[];

export const MAX_COUNT = Number.MAX_SAFE_INTEGER;
/** Row counts: `LIMIT n OFFSET m` may add up past 2^53 (an unbounded LIMIT is 2^53 - 1). */
const MAX_ROWS = Number.MAX_VALUE;

export function columnsAt(value: unknown, path: string): DataType[] {
  return array(value, path).map((c, i) => {
    const col = record(c, `${path}[${i}]`);
    if (typeof col.name !== 'string') invalid(`${path}[${i}].name`, 'is not a string');
    return checkDataType(col.type, `${path}[${i}].type`);
  });
}

function channels(value: unknown, path: string, width: number | undefined, min = 0): number[] {
  return array(value, path, min).map((c, i) => channelAt(c, `${path}[${i}]`, width));
}

export function sortKeys(value: unknown, path: string, width: number): void {
  array(value, path).forEach((k, i) => {
    const key = record(k, `${path}[${i}]`);
    channelAt(key.channel, `${path}[${i}].channel`, width);
    bool(key.ascending, `${path}[${i}].ascending`);
    bool(key.nullsFirst, `${path}[${i}].nullsFirst`);
  });
}

function bool(value: unknown, path: string, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'boolean') invalid(path, 'is not a boolean');
}

function oneOf(value: unknown, allowed: readonly string[], path: string, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'string' || !allowed.includes(value))
    invalid(path, `is not one of ${allowed.join(', ')}`);
}

function string(value: unknown, path: string): void {
  if (typeof value !== 'string') invalid(path, 'is not a string');
}

function tableRef(value: unknown, path: string): void {
  const t = record(value, path);
  for (const field of ['catalog', 'schema', 'table']) string(t[field], `${path}.${field}`);
}

/** The node's declared outputs, which must have `width` columns when the width follows from its inputs. */
function outputs(n: Fields, path: string, width?: number): DataType[] {
  const types = columnsAt(n.outputs, `${path}.outputs`);
  if (width !== undefined && types.length !== width)
    invalid(`${path}.outputs`, `has ${types.length} columns where ${width} are produced`);
  return types;
}

function expr(value: unknown, path: string, inputs: readonly DataType[], ctx: NodeContext): void {
  validateExpr(value, path, { inputs, budget: ctx.budget });
}

/** Checks the single `input` child and that the node passes its columns through. */
const passThrough: NodeChecker = (n, path, ctx) => {
  const input = ctx.child(n.input, `${path}.input`);
  return outputs(n, path, input.length);
};

function twoInputs(n: Fields, path: string, ctx: NodeContext): [DataType[], DataType[]] {
  const input = ctx.child(n.input, `${path}.input`);
  const build = ctx.child(n.build, `${path}.build`);
  const left = channels(n.leftKeys, `${path}.leftKeys`, input.length);
  const right = channels(n.rightKeys, `${path}.rightKeys`, build.length);
  if (left.length !== right.length) invalid(`${path}.rightKeys`, 'does not pair with leftKeys');
  if (n.filter !== undefined) expr(n.filter, `${path}.filter`, [...input, ...build], ctx);
  oneOf(n.distribution, ['broadcast', 'partitioned'], `${path}.distribution`, true);
  return [input, build];
}

function callTypes(call: Fields, path: string, width: number | undefined): void {
  channels(call.args, `${path}.args`, width);
  array(call.argTypes, `${path}.argTypes`).forEach((t, i) => checkDataType(t, `${path}.argTypes[${i}]`));
  checkDataType(call.resultType, `${path}.resultType`);
}

function frameBound(value: unknown, path: string): void {
  const b = record(value, path);
  const types = ['UNBOUNDED_PRECEDING', 'PRECEDING', 'CURRENT_ROW', 'FOLLOWING', 'UNBOUNDED_FOLLOWING'];
  oneOf(b.type, types, `${path}.type`);
  if (b.offset !== undefined && (typeof b.offset !== 'number' || !(b.offset >= 0)))
    invalid(`${path}.offset`, 'is not a non-negative number');
}

export const NODE_CHECKERS: { readonly [K in PlanNode['kind']]: NodeChecker } = {
  TableScan: (n, path, ctx) => {
    tableRef(n.table, `${path}.table`);
    const columns = array(n.columns, `${path}.columns`);
    columns.forEach((c, i) => string(c, `${path}.columns[${i}]`));
    if (n.rowCount !== undefined && (typeof n.rowCount !== 'number' || !(n.rowCount >= 0)))
      invalid(`${path}.rowCount`, 'is not a non-negative number');
    if (n.wholeFiles !== undefined) bool(n.wholeFiles, `${path}.wholeFiles`);
    const types = outputs(n, path, columns.length);
    if (n.pruneBy !== undefined) expr(n.pruneBy, `${path}.pruneBy`, types, ctx);
    return types;
  },
  Values: (n, path, ctx) => {
    const types = outputs(n, path);
    array(n.rows, `${path}.rows`).forEach((row, r) => {
      const values = array(row, `${path}.rows[${r}]`);
      if (values.length !== types.length)
        invalid(`${path}.rows[${r}]`, `does not have ${types.length} values`);
      values.forEach((v, c) => expr(v, `${path}.rows[${r}][${c}]`, [], ctx));
    });
    return types;
  },
  RemoteSource: (n, path) => {
    array(n.sourceFragments, `${path}.sourceFragments`, 1).forEach((f, i) =>
      integerIn(f, 0, MAX_COUNT, `${path}.sourceFragments[${i}]`),
    );
    const types = outputs(n, path);
    if (n.orderBy !== undefined) sortKeys(n.orderBy, `${path}.orderBy`, types.length);
    return types;
  },
  Filter: (n, path, ctx) => {
    const input = ctx.child(n.input, `${path}.input`);
    expr(n.predicate, `${path}.predicate`, input, ctx);
    return outputs(n, path, input.length);
  },
  Project: (n, path, ctx) => {
    const input = ctx.child(n.input, `${path}.input`);
    const exprs = array(n.exprs, `${path}.exprs`);
    exprs.forEach((e, i) => expr(e, `${path}.exprs[${i}]`, input, ctx));
    return outputs(n, path, exprs.length);
  },
  Aggregate: (n, path, ctx) => {
    const input = ctx.child(n.input, `${path}.input`);
    oneOf(n.step, ['single', 'partial', 'final'], `${path}.step`);
    const keys = channels(n.groupBy, `${path}.groupBy`, input.length);
    const width = input.length;
    array(n.aggregates, `${path}.aggregates`).forEach((a, i) => {
      const p = `${path}.aggregates[${i}]`;
      const call = record(a, p);
      if (typeof call.fn !== 'string' || !isAggregateFunction(call.fn))
        invalid(`${p}.fn`, 'is not a known aggregate');
      callTypes(call, p, width);
      bool(call.distinct, `${p}.distinct`);
      if (call.mask !== undefined) channelAt(call.mask, `${p}.mask`, width);
      if (call.orderBy !== undefined) {
        if (n.step !== 'single') invalid(`${p}.orderBy`, 'orders a split aggregation');
        sortKeys(call.orderBy, `${p}.orderBy`, width);
      }
    });
    const types = outputs(n, path);
    if (types.length < keys.length) invalid(`${path}.outputs`, 'has fewer columns than grouping keys');
    return types;
  },
  Sort: (n, path, ctx) => {
    const types = passThrough(n, path, ctx);
    sortKeys(n.keys, `${path}.keys`, types.length);
    return types;
  },
  TopN: (n, path, ctx) => {
    const types = passThrough(n, path, ctx);
    sortKeys(n.keys, `${path}.keys`, types.length);
    integerIn(n.count, 0, MAX_ROWS, `${path}.count`);
    return types;
  },
  Limit: (n, path, ctx) => {
    const types = passThrough(n, path, ctx);
    integerIn(n.count, 0, MAX_ROWS, `${path}.count`);
    integerIn(n.offset, 0, MAX_ROWS, `${path}.offset`);
    if (n.ties !== undefined) sortKeys(n.ties, `${path}.ties`, types.length);
    return types;
  },
  Exchange: (n, path, ctx) => {
    const types = passThrough(n, path, ctx);
    partitioning(n.partitioning, `${path}.partitioning`, types.length);
    if (n.orderBy !== undefined) sortKeys(n.orderBy, `${path}.orderBy`, types.length);
    return types;
  },
  Join: (n, path, ctx) => {
    oneOf(n.joinType, ['INNER', 'LEFT', 'RIGHT', 'FULL'], `${path}.joinType`);
    const [input, build] = twoInputs(n, path, ctx);
    return outputs(n, path, input.length + build.length);
  },
  SemiJoin: (n, path, ctx) => {
    const [input, build] = twoInputs(n, path, ctx);
    if (n.compare !== undefined) {
      const c = record(n.compare, `${path}.compare`);
      channelAt(c.left, `${path}.compare.left`, input.length);
      channelAt(c.right, `${path}.compare.right`, build.length);
    }
    bool(n.indexProbe, `${path}.indexProbe`, true);
    return outputs(n, path, input.length + 1);
  },
  EnforceSingleRow: passThrough,
  Union: (n, path, ctx) => {
    const types = outputs(n, path);
    array(n.inputs, `${path}.inputs`, 1).forEach((child, i) => {
      const width = ctx.child(child, `${path}.inputs[${i}]`).length;
      if (width !== types.length)
        invalid(`${path}.inputs[${i}]`, `has ${width} columns, not ${types.length}`);
    });
    return types;
  },
  Window: (n, path, ctx) => {
    const input = ctx.child(n.input, `${path}.input`);
    channels(n.partitionBy, `${path}.partitionBy`, input.length);
    sortKeys(n.orderBy, `${path}.orderBy`, input.length);
    const functions = array(n.functions, `${path}.functions`);
    functions.forEach((f, i) => windowCall(f, `${path}.functions[${i}]`, input.length));
    return outputs(n, path, input.length + functions.length);
  },
  MarkDistinct: (n, path, ctx) => {
    const input = ctx.child(n.input, `${path}.input`);
    channels(n.distinct, `${path}.distinct`, input.length);
    if (n.mask !== undefined) channelAt(n.mask, `${path}.mask`, input.length);
    return outputs(n, path, input.length + 1);
  },
  GroupId: (n, path, ctx) => {
    const input = ctx.child(n.input, `${path}.input`);
    const keys = channels(n.keys, `${path}.keys`, input.length);
    array(n.sets, `${path}.sets`, 1).forEach((set, i) => channels(set, `${path}.sets[${i}]`, keys.length));
    const pass = channels(n.passThrough, `${path}.passThrough`, input.length);
    return outputs(n, path, keys.length + pass.length + 1);
  },
  AssignUniqueId: (n, path, ctx) => {
    const input = ctx.child(n.input, `${path}.input`);
    return outputs(n, path, input.length + 1);
  },
  Unnest: (n, path, ctx) => {
    const input = ctx.child(n.input, `${path}.input`);
    const replicate = channels(n.replicate, `${path}.replicate`, input.length);
    const unnest = channels(n.unnest, `${path}.unnest`, input.length, 1);
    bool(n.ordinality, `${path}.ordinality`);
    bool(n.outer, `${path}.outer`);
    let width = replicate.length + (n.ordinality ? 1 : 0);
    unnest.forEach((c, i) => {
      const types = unnestTypes(input[c]!);
      if (!types) invalid(`${path}.unnest[${i}]`, 'is not an array or map column');
      width += types.length;
    });
    return outputs(n, path, width);
  },
  TableWriter: (n, path, ctx) => {
    ctx.child(n.input, `${path}.input`);
    const handle = record(n.handle, `${path}.handle`);
    string(handle.catalog, `${path}.handle.catalog`);
    tableRef(handle.table, `${path}.handle.table`);
    if (n.rowLevel !== undefined)
      bool(record(n.rowLevel, `${path}.rowLevel`).contiguous, `${path}.rowLevel.contiguous`);
    return outputs(n, path, 2);
  },
};

function windowCall(value: unknown, path: string, width: number): void {
  const call = record(value, path);
  bool(call.aggregate, `${path}.aggregate`);
  const known = call.aggregate ? isAggregateFunction : isWindowFunction;
  if (typeof call.fn !== 'string' || !known(call.fn)) invalid(`${path}.fn`, 'is not a known window function');
  callTypes(call, path, width);
  const frame = record(call.frame, `${path}.frame`);
  oneOf(frame.unit, ['ROWS', 'RANGE', 'GROUPS'], `${path}.frame.unit`);
  frameBound(frame.start, `${path}.frame.start`);
  frameBound(frame.end, `${path}.frame.end`);
  bool(call.ignoreNulls, `${path}.ignoreNulls`, true);
}

export function partitioning(value: unknown, path: string, width: number): void {
  const p = record(value, path);
  oneOf(p.kind, ['single', 'hash', 'broadcast'], `${path}.kind`);
  if (p.kind === 'hash') channels(p.channels, `${path}.channels`, width);
}
