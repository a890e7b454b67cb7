import type { Expr } from '../expr/ir.js';
import type { PlanNode } from '../plan/nodes.js';
import type { OptimizerContext } from './rule.js';

/**
 * Cardinality estimates for join ordering and distribution: table row counts from the connector,
 * distinct counts where it has them, and fixed selectivity guesses for predicates (equality with a
 * constant 1/ndv or 10%, ranges a third, LIKE 10%, …) — the usual heuristics of planners without
 * histograms.
 */
const UNKNOWN_ROWS = 1000;

/** Elements a row is assumed to unnest into. */
const UNNEST_ELEMENTS = 4;
export class Estimator {
  private readonly rowsCache = new Map<PlanNode, number>();

  constructor(private readonly ctx: OptimizerContext) {}

  rows(node: PlanNode): number {
    let r = this.rowsCache.get(node);
    if (r === undefined) {
      r = Math.max(1, this.computeRows(node));
      this.rowsCache.set(node, r);
    }
    return r;
  }

  private computeRows(node: PlanNode): number {
    switch (node.kind) {
      case 'TableScan':
        return node.rowCount ?? UNKNOWN_ROWS;
      case 'Values':
        return node.rows.length;
      case 'RemoteSource':
        return UNKNOWN_ROWS;
      case 'TableWriter':
        return 1;
      case 'Filter':
        return this.rows(node.input) * this.selectivity(node.predicate, node.input);
      case 'Project':
      case 'Window':
      case 'MarkDistinct':
      case 'SemiJoin':
      case 'AssignUniqueId':
      case 'Exchange':
      case 'Sort':
        return this.rows(node.input);
      case 'Aggregate': {
        if (node.groupBy.length === 0) return 1;
        const input = this.rows(node.input);
        let groups = 1;
        for (const c of node.groupBy) {
          const d = this.distinct(node.input, c);
          groups *= d ?? Math.max(1, input / 10);
          if (groups >= input) return input;
        }
        return Math.min(input, groups);
      }
      case 'TopN':
      case 'Limit':
        return Math.min(node.count, this.rows(node.input));
      case 'EnforceSingleRow':
        return 1;
      case 'Union':
        return node.inputs.reduce((n, i) => n + this.rows(i), 0);
      case 'GroupId':
        return this.rows(node.input) * node.sets.length;
      case 'Unnest':
        // no statistics of collection sizes: a guess of a few elements a row
        return this.rows(node.input) * UNNEST_ELEMENTS;
      case 'Join': {
        const l = this.rows(node.input);
        const r = this.rows(node.build);
        let out = l * r;
        if (node.leftKeys.length) {
          const dl = this.distinct(node.input, node.leftKeys[0]!) ?? l;
          const dr = this.distinct(node.build, node.rightKeys[0]!) ?? r;
          out /= Math.max(dl, dr, 1);
        }
        if (node.filter) out *= 0.5;
        if (node.joinType === 'LEFT' || node.joinType === 'FULL') out = Math.max(out, l);
        if (node.joinType === 'RIGHT' || node.joinType === 'FULL') out = Math.max(out, r);
        return out;
      }
    }
  }

  /**
   * A semi join's mark as a filter keeps about the share of the probe's key values that the build
   * side holds (its distinct keys over the probe's).
   */
  private markSelectivity(channel: number, node: PlanNode): number | undefined {
    let n = node;
    let c = channel;
    while (n.kind === 'Project') {
      const e: Expr | undefined = n.exprs[c];
      if (e?.kind !== 'input') return undefined;
      c = e.channel;
      n = n.input;
    }
    if (n.kind !== 'SemiJoin' || c !== n.input.outputs.length) return undefined;
    const probe = n.compare ? n.compare.left : n.leftKeys[0];
    const build = n.compare ? n.compare.right : n.rightKeys[0];
    if (probe === undefined || build === undefined) return undefined;
    const dp = this.distinct(n.input, probe) ?? this.rows(n.input);
    const db = this.distinct(n.build, build) ?? this.rows(n.build);
    return Math.min(1, db / Math.max(1, dp));
  }

  /** Distinct non-null values of an output channel, when something is known about it. */
  distinct(node: PlanNode, channel: number): number | undefined {
    const d = this.computeDistinct(node, channel);
    return d === undefined ? undefined : Math.max(1, Math.min(d, this.rows(node)));
  }

  private computeDistinct(node: PlanNode, channel: number): number | undefined {
    switch (node.kind) {
      case 'TableScan':
        return this.ctx.distinctCount?.(node.table, node.columns[channel]!);
      case 'TableWriter':
        return undefined;
      case 'Filter':
      case 'Window':
      case 'MarkDistinct':
      case 'SemiJoin':
      case 'AssignUniqueId':
      case 'Exchange':
      case 'Sort':
      case 'TopN':
      case 'Limit':
        return channel < node.input.outputs.length ? this.distinct(node.input, channel) : undefined;
      case 'Project': {
        let e = node.exprs[channel];
        while (e?.kind === 'cast') e = e.arg;
        return e?.kind === 'input' ? this.distinct(node.input, e.channel) : undefined;
      }
      case 'Unnest':
        return channel < node.replicate.length
          ? this.distinct(node.input, node.replicate[channel]!)
          : undefined;
      case 'Aggregate':
        return channel < node.groupBy.length ? this.distinct(node.input, node.groupBy[channel]!) : undefined;
      case 'Join': {
        const lw = node.input.outputs.length;
        return channel < lw ? this.distinct(node.input, channel) : this.distinct(node.build, channel - lw);
      }
      default:
        return undefined;
    }
  }

  /** Fraction of `input`'s rows a predicate keeps. */
  selectivity(e: Expr, input: PlanNode): number {
    switch (e.kind) {
      case 'input':
        return this.markSelectivity(e.channel, input) ?? 0.5;
      case 'literal':
        return e.value === true ? 1 : 0;
      case 'and': {
        let s = 1;
        for (const a of e.args) s *= this.selectivity(a, input);
        return s;
      }
      case 'or': {
        let keep = 1;
        for (const a of e.args) keep *= 1 - this.selectivity(a, input);
        return 1 - keep;
      }
      case 'not':
        return 1 - this.selectivity(e.arg, input);
      case 'isNull':
        return 0.05;
      case 'in': {
        const d = e.arg.kind === 'input' ? this.distinct(input, e.arg.channel) : undefined;
        return Math.min(1, e.list.length * (d ? 1 / d : 0.1));
      }
      case 'call': {
        const op = e.fn.split(':')[0];
        if (op === 'eq') {
          const [a, b] = (e.args as [Expr, Expr]).map(uncast) as [Expr, Expr];
          const column = a.kind === 'input' ? a : b.kind === 'input' ? b : undefined;
          const other = column === a ? b : a;
          if (column && other.kind === 'literal') {
            const d = this.distinct(input, column.channel);
            return d ? 1 / d : 0.1;
          }
          return 0.1;
        }
        if (op === 'ne') return 0.9;
        if (op === 'lt' || op === 'le' || op === 'gt' || op === 'ge') return 0.33;
        if (op === 'like') return 0.1;
        return 0.5;
      }
      default:
        return 0.5;
    }
  }
}

function uncast(e: Expr): Expr {
  return e.kind === 'cast' ? uncast(e.arg) : e;
}
