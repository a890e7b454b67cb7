import type { Expr } from '../expr/ir.js';
import type { DataType } from '../types/types.js';
import type { TableRef } from '../spi/connector.js';

/**
 * Plan nodes. The same node family serves the logical plan (with `Exchange` nodes placed by the
 * planner) and, once cut at the exchanges, the plan fragments that tasks run (where each exchange
 * below a fragment has become a `RemoteSource`). Plain data: fragments cross NATS as msgpack.
 *
 * Every node lists its output columns as `outputs` (names for EXPLAIN and for the result header,
 * types for the pages). Channels are positions in the input's outputs.
 */
export interface Column {
  readonly name: string;
  readonly type: DataType;
}

export type PlanNode =
  | TableScanNode
  | ValuesNode
  | RemoteSourceNode
  | FilterNode
  | ProjectNode
  | AggregateNode
  | SortNode
  | TopNNode
  | LimitNode
  | ExchangeNode;

export interface TableScanNode {
  readonly kind: 'TableScan';
  readonly table: TableRef;
  /** Connector column names, in output order. */
  readonly columns: readonly string[];
  readonly outputs: readonly Column[];
  readonly rowCount?: number;
}

export interface ValuesNode {
  readonly kind: 'Values';
  /** Rows of literal values (JSON-safe literal form). */
  readonly rows: readonly (readonly Expr[])[];
  readonly outputs: readonly Column[];
}

export interface RemoteSourceNode {
  readonly kind: 'RemoteSource';
  /** The fragments whose output this reads. */
  readonly sourceFragments: readonly number[];
  readonly outputs: readonly Column[];
  /** When the producers' partitions were each sorted, merge them by these keys. */
  readonly orderBy?: readonly SortKey[];
}

export interface FilterNode {
  readonly kind: 'Filter';
  readonly input: PlanNode;
  readonly predicate: Expr;
  readonly outputs: readonly Column[];
}

export interface ProjectNode {
  readonly kind: 'Project';
  readonly input: PlanNode;
  readonly exprs: readonly Expr[];
  readonly outputs: readonly Column[];
}

export type AggregateStep = 'single' | 'partial' | 'final';

/** An aggregate function call over input channels. */
export interface AggregateCall {
  /** Registry name, e.g. `sum`, `count`, `avg`. */
  readonly fn: string;
  /** Input channels of the arguments (none for count(*)). */
  readonly args: readonly number[];
  readonly argTypes: readonly DataType[];
  readonly distinct: boolean;
  /** Channel of a boolean mask (FILTER (WHERE …)), if any. */
  readonly mask?: number;
  readonly resultType: DataType;
}

export interface AggregateNode {
  readonly kind: 'Aggregate';
  readonly input: PlanNode;
  readonly step: AggregateStep;
  /** Grouping channels of the input. */
  readonly groupBy: readonly number[];
  readonly aggregates: readonly AggregateCall[];
  /**
   * Outputs: the grouping columns, then per aggregate its result (single/final) or its
   * intermediate state columns (partial).
   */
  readonly outputs: readonly Column[];
}

export interface SortKey {
  readonly channel: number;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}

export interface SortNode {
  readonly kind: 'Sort';
  readonly input: PlanNode;
  readonly keys: readonly SortKey[];
  readonly outputs: readonly Column[];
}

export interface TopNNode {
  readonly kind: 'TopN';
  readonly input: PlanNode;
  readonly keys: readonly SortKey[];
  readonly count: number;
  readonly outputs: readonly Column[];
}

export interface LimitNode {
  readonly kind: 'Limit';
  readonly input: PlanNode;
  readonly count: number;
  readonly offset: number;
  readonly outputs: readonly Column[];
}

export type Partitioning =
  | { readonly kind: 'single' }
  | { readonly kind: 'hash'; readonly channels: readonly number[] }
  | { readonly kind: 'broadcast' };

/** A stage boundary: the input's rows are redistributed by `partitioning` through the exchange. */
export interface ExchangeNode {
  readonly kind: 'Exchange';
  readonly input: PlanNode;
  readonly partitioning: Partitioning;
  /** Keep each partition's order (the producer sorted it); consumers merge. */
  readonly orderBy?: readonly SortKey[];
  readonly outputs: readonly Column[];
}

export function children(node: PlanNode): PlanNode[] {
  switch (node.kind) {
    case 'TableScan':
    case 'Values':
    case 'RemoteSource':
      return [];
    default:
      return [node.input];
  }
}

export function outputTypes(node: PlanNode): DataType[] {
  return node.outputs.map((c) => c.type);
}
