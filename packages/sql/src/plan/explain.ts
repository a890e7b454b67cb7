import type { Expr } from '../expr/ir.js';
import { typeToString } from '../types/types.js';
import type { DistributedPlan } from './fragment.js';
import { children, type FrameBound, type PlanNode, type SortKey, type WindowFrame } from './nodes.js';

/**
 * A readable text rendering of a distributed plan, one stage after another; `annotate` gives lines
 * shown under a stage's header (EXPLAIN ANALYZE: what the stage's tasks did).
 */
export function explainPlan(
  plan: DistributedPlan,
  annotate?: (stageId: number) => readonly string[],
): string {
  const lines: string[] = [];
  for (const f of plan.fragments) {
    const part =
      f.outputPartitioning.kind === 'hash'
        ? `hash(${f.outputPartitioning.channels.join(', ')})`
        : f.outputPartitioning.kind;
    lines.push(`Stage ${f.id} [${f.distribution}] → output ${part}`);
    for (const line of annotate?.(f.id) ?? []) lines.push(`    ${line}`);
    render(f.root, 1, lines);
  }
  return lines.join('\n');
}

/** A readable text rendering of a logical plan (exchanges, when placed, shown as nodes). */
export function explainLogicalPlan(root: PlanNode): string {
  const lines: string[] = [];
  render(root, 0, lines);
  return lines.join('\n');
}

function render(node: PlanNode, depth: number, lines: string[]): void {
  const pad = '  '.repeat(depth);
  const cols = node.outputs.map((c) => `${c.name}:${typeToString(c.type)}`).join(', ');
  lines.push(`${pad}- ${describe(node)} => [${cols}]`);
  for (const child of children(node)) render(child, depth + 1, lines);
}

function keys(keys: readonly SortKey[]): string {
  return keys
    .map((k) => `#${k.channel} ${k.ascending ? 'ASC' : 'DESC'}${k.nullsFirst ? ' NULLS FIRST' : ''}`)
    .join(', ');
}

/** ` ORDER BY …` of an ordered aggregate call, or nothing. */
function orderText(order: readonly SortKey[] | undefined): string {
  return order ? ` ORDER BY ${keys(order)}` : '';
}

function describe(node: PlanNode): string {
  switch (node.kind) {
    case 'TableScan':
      return `TableScan ${node.table.catalog}.${node.table.schema}.${node.table.table}`;
    case 'RemoteSource':
      return `RemoteSource from stage ${node.sourceFragments.join(', ')}`;
    case 'Filter':
      return `Filter ${exprText(node.predicate)}`;
    case 'Project':
      return `Project ${node.exprs.map(exprText).join(', ')}`;
    case 'Aggregate':
      return `Aggregate(${node.step}) by [${node.groupBy.join(', ')}] ${node.aggregates
        .map(
          (a) =>
            `${a.fn}(${a.args.map((c) => `#${c}`).join(', ')}${orderText(a.orderBy)})${a.mask !== undefined ? ` mask #${a.mask}` : ''}`,
        )
        .join(', ')}`;
    case 'Sort':
      return `Sort ${node.keys.map((k) => `#${k.channel} ${k.ascending ? 'ASC' : 'DESC'}`).join(', ')}`;
    case 'TopN':
      return `TopN ${node.count} by ${node.keys.map((k) => `#${k.channel} ${k.ascending ? 'ASC' : 'DESC'}`).join(', ')}`;
    case 'Limit':
      return `Limit ${node.count}${node.offset ? ` offset ${node.offset}` : ''}${node.ties ? ` with ties by ${keys(node.ties)}` : ''}`;
    case 'Values':
      return `Values ${node.rows.length} rows`;
    case 'Exchange':
      return `Exchange ${node.partitioning.kind}${node.partitioning.kind === 'hash' ? `(${node.partitioning.channels.join(', ')})` : ''}`;
    case 'Join': {
      const on = node.leftKeys.map((l, i) => `#${l} = #${node.rightKeys[i]!}`).join(' AND ');
      const kind =
        node.leftKeys.length === 0 && !node.filter && node.joinType === 'INNER' ? 'CROSS' : node.joinType;
      return `Join(${kind}${node.distribution ? `, ${node.distribution}` : ''})${on ? ` on ${on}` : ''}${node.filter ? ` filter ${exprText(node.filter)}` : ''}`;
    }
    case 'SemiJoin': {
      const on = node.leftKeys.map((l, i) => `#${l} = #${node.rightKeys[i]!}`);
      if (node.compare) on.push(`#${node.compare.left} IN #${node.compare.right}`);
      const how = [node.distribution, node.indexProbe ? 'index probe' : undefined].filter(Boolean).join(', ');
      return `SemiJoin${how ? `(${how})` : ''}${on.length ? ` on ${on.join(' AND ')}` : ''}${node.filter ? ` filter ${exprText(node.filter)}` : ''}`;
    }
    case 'EnforceSingleRow':
      return 'EnforceSingleRow';
    case 'Union':
      return 'Union';
    case 'Window':
      return `Window partition by [${node.partitionBy.join(', ')}]${node.orderBy.length ? ` order by ${keys(node.orderBy)}` : ''} ${node.functions
        .map((f) => `${f.fn}(${f.args.map((c) => `#${c}`).join(', ')}) ${frameText(f.frame)}`)
        .join(', ')}`;
    case 'MarkDistinct':
      return `MarkDistinct [${node.distinct.join(', ')}]${node.mask !== undefined ? ` mask #${node.mask}` : ''}`;
    case 'AssignUniqueId':
      return 'AssignUniqueId';
    case 'Unnest': {
      const how = [node.ordinality ? 'with ordinality' : '', node.outer ? 'outer' : ''].filter(Boolean);
      return `Unnest [${node.unnest.map((c) => `#${c}`).join(', ')}]${how.length ? ` ${how.join(', ')}` : ''}`;
    }
    case 'TableWriter':
      return `TableWriter ${node.handle.table.catalog}.${node.handle.table.schema}.${node.handle.table.table}`;
    case 'GroupId':
      return `GroupId [${node.keys.join(', ')}] sets ${node.sets.map((s) => `(${s.map((k) => node.keys[k]!).join(', ')})`).join(', ')}`;
  }
}

function frameText(f: WindowFrame): string {
  const bound = (b: FrameBound) =>
    (b.offset !== undefined ? `${b.offset} ${b.type}` : b.type).replace('_', ' ');
  return `${f.unit} ${bound(f.start)} TO ${bound(f.end)}`;
}

export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'input':
      return `#${e.channel}`;
    case 'literal':
      return JSON.stringify(e.value);
    case 'call':
      return `${e.fn}(${e.args.map(exprText).join(', ')})`;
    case 'cast':
      return `${e.safe ? 'TRY_CAST' : 'CAST'}(${exprText(e.arg)} AS ${typeToString(e.type)})`;
    case 'and':
    case 'or':
      return `(${e.args.map(exprText).join(` ${e.kind.toUpperCase()} `)})`;
    case 'not':
      return `NOT ${exprText(e.arg)}`;
    case 'isNull':
      return `${exprText(e.arg)} IS NULL`;
    case 'coalesce':
      return `coalesce(${e.args.map(exprText).join(', ')})`;
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${exprText(w.when)} THEN ${exprText(w.then)}`).join(' ')}${e.else ? ` ELSE ${exprText(e.else)}` : ''} END`;
    case 'in':
      return `${exprText(e.arg)} IN (${e.list.map(exprText).join(', ')})`;
    case 'try':
      return `try(${exprText(e.arg)})`;
    case 'lambda':
      return `(${e.params.map((p) => `$${p}`).join(', ')}) -> ${exprText(e.body)}`;
    case 'lambdaParam':
      return `$${e.id}`;
  }
}
