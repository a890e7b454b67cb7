import type { Expr } from '../expr/ir.js';
import { typeToString } from '../types/types.js';
import type { DistributedPlan } from './fragment.js';
import type { PlanNode } from './nodes.js';

/** A readable text rendering of a distributed plan, one stage after another. */
export function explainPlan(plan: DistributedPlan): string {
  const lines: string[] = [];
  for (const f of plan.fragments) {
    const part =
      f.outputPartitioning.kind === 'hash'
        ? `hash(${f.outputPartitioning.channels.join(', ')})`
        : f.outputPartitioning.kind;
    lines.push(`Stage ${f.id} [${f.distribution}] → output ${part}`);
    render(f.root, 1, lines);
  }
  return lines.join('\n');
}

function render(node: PlanNode, depth: number, lines: string[]): void {
  const pad = '  '.repeat(depth);
  const cols = node.outputs.map((c) => `${c.name}:${typeToString(c.type)}`).join(', ');
  lines.push(`${pad}- ${describe(node)} => [${cols}]`);
  if ('input' in node) render(node.input, depth + 1, lines);
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
      return `Aggregate(${node.step}) by [${node.groupBy.join(', ')}] ${node.aggregates.map((a) => `${a.fn}(${a.args.map((c) => `#${c}`).join(', ')})`).join(', ')}`;
    case 'Sort':
      return `Sort ${node.keys.map((k) => `#${k.channel} ${k.ascending ? 'ASC' : 'DESC'}`).join(', ')}`;
    case 'TopN':
      return `TopN ${node.count} by ${node.keys.map((k) => `#${k.channel} ${k.ascending ? 'ASC' : 'DESC'}`).join(', ')}`;
    case 'Limit':
      return `Limit ${node.count}${node.offset ? ` offset ${node.offset}` : ''}`;
    case 'Values':
      return `Values ${node.rows.length} rows`;
    case 'Exchange':
      return `Exchange ${node.partitioning.kind}`;
  }
}

function exprText(e: Expr): string {
  switch (e.kind) {
    case 'input':
      return `#${e.channel}`;
    case 'literal':
      return JSON.stringify(e.value);
    case 'call':
      return `${e.fn}(${e.args.map(exprText).join(', ')})`;
    case 'cast':
      return `CAST(${exprText(e.arg)} AS ${typeToString(e.type)})`;
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
  }
}
