import type { Expr } from '../expr/ir.js';
import { evaluateConstant } from '../expr/compile.js';
import type { PlanNode, TableScanNode } from '../plan/nodes.js';
import type { ColumnConstraint } from '../spi/connector.js';

/**
 * What a filter right above a table scan says about single columns, as the `constraint` a
 * connector may use to skip data by statistics (files, row groups). Only conjuncts of the form
 * `column <op> literal` (either side), `column IN (literals)` and `column IS NULL` are used;
 * anything else is ignored — the constraint is a hint, and the filter still runs on every row.
 */
export function scanConstraint(
  fragmentRoot: PlanNode,
): { scan: TableScanNode; constraint: Record<string, ColumnConstraint> } | undefined {
  let node = fragmentRoot;
  let predicate: Expr | undefined;
  for (;;) {
    if (node.kind === 'TableScan') break;
    if (node.kind === 'Filter') {
      if (node.input.kind === 'TableScan') predicate = node.predicate;
      node = node.input;
      continue;
    }
    if (!('input' in node) || node.kind === 'Join' || node.kind === 'SemiJoin') return undefined;
    node = node.input;
  }
  const scan = node;
  predicate ??= scan.pruneBy;
  const constraint: Record<string, ColumnConstraint> = {};
  for (const c of predicate ? conjuncts(predicate) : []) {
    const found = columnTerm(c, scan);
    if (found) constraint[found.column] = merge(constraint[found.column], found.constraint);
  }
  return Object.keys(constraint).length ? { scan, constraint } : undefined;
}

function conjuncts(e: Expr): Expr[] {
  return e.kind === 'and' ? e.args.flatMap(conjuncts) : [e];
}

const FLIP: Record<string, string> = { lt: 'gt', le: 'ge', gt: 'lt', ge: 'le', eq: 'eq' };

function columnTerm(
  e: Expr,
  scan: TableScanNode,
): { column: string; constraint: ColumnConstraint } | undefined {
  const column = (x: Expr) => (x.kind === 'input' ? scan.columns[x.channel] : undefined);
  const constant = (x: Expr): { value: unknown } | undefined => {
    if (x.kind !== 'literal' || x.value === null) return undefined;
    try {
      const value = evaluateConstant(x);
      return value === null ? undefined : { value };
    } catch {
      return undefined;
    }
  };
  if (e.kind === 'isNull') {
    const name = column(e.arg);
    return name ? { column: name, constraint: { values: [], nullAllowed: true } } : undefined;
  }
  if (e.kind === 'in') {
    const name = column(e.arg);
    const values = e.list.map(constant);
    if (!name || values.some((v) => v === undefined)) return undefined;
    return { column: name, constraint: { values: values.map((v) => v!.value) } };
  }
  if (e.kind !== 'call' || e.args.length !== 2) return undefined;
  let op = e.fn.split(':')[0]!;
  if (!(op in FLIP)) return undefined;
  let [a, b] = e.args as [Expr, Expr];
  if (!column(a)) {
    [a, b] = [b, a];
    op = FLIP[op]!;
  }
  const name = column(a);
  const lit = constant(b);
  if (!name || !lit) return undefined;
  switch (op) {
    case 'eq':
      return { column: name, constraint: { values: [lit.value] } };
    case 'lt':
    case 'le':
      return { column: name, constraint: { high: { value: lit.value, inclusive: op === 'le' } } };
    default:
      return { column: name, constraint: { low: { value: lit.value, inclusive: op === 'ge' } } };
  }
}

/** Both constraints at once (a conjunction): the tighter bound on each side, the common values. */
function merge(a: ColumnConstraint | undefined, b: ColumnConstraint): ColumnConstraint {
  if (!a) return b;
  const tighter = (x: ColumnConstraint['low'], y: ColumnConstraint['low'], low: boolean) => {
    if (!x) return y;
    if (!y) return x;
    if ((x.value as number) === (y.value as number))
      return { value: x.value, inclusive: x.inclusive && y.inclusive };
    return (x.value as number) > (y.value as number) === low ? x : y;
  };
  const low = tighter(a.low, b.low, true);
  const high = tighter(a.high, b.high, false);
  const values =
    a.values && b.values ? a.values.filter((v) => b.values!.some((w) => w == v)) : (a.values ?? b.values);
  return {
    ...(low ? { low } : {}),
    ...(high ? { high } : {}),
    ...(values ? { values } : {}),
    ...(a.nullAllowed && b.nullAllowed ? { nullAllowed: true } : {}),
  };
}
