import type { WriteHandle } from '../spi/writes.js';
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
  | ExchangeNode
  | JoinNode
  | SemiJoinNode
  | EnforceSingleRowNode
  | UnionNode
  | WindowNode
  | MarkDistinctNode
  | GroupIdNode
  | AssignUniqueIdNode
  | UnnestNode
  | TableWriterNode;

/**
 * Writes its input's rows through the catalog's write sink (one per task attempt) and outputs one
 * row per task: the rows it wrote and its `WriteFragment` as JSON — which the coordinator commits for
 * the winning attempts only. Placed on top of an optimized query plan by the write planner.
 */
export interface TableWriterNode {
  readonly kind: 'TableWriter';
  readonly input: PlanNode;
  readonly handle: WriteHandle;
  /** `rows` bigint, `fragment` varchar. */
  readonly outputs: readonly Column[];
  /**
   * A row-level write (DELETE, UPDATE): the input's channel 0 is the row's file (`$file`), and all
   * rows of a file must reach one writer task. `contiguous` (set when exchanges are placed): each
   * file's rows arrive one after the other, so the sink can rewrite a file as soon as the next begins.
   */
  readonly rowLevel?: { readonly contiguous: boolean };
}

export interface TableScanNode {
  readonly kind: 'TableScan';
  readonly table: TableRef;
  /** Connector column names, in output order. */
  readonly columns: readonly string[];
  readonly outputs: readonly Column[];
  readonly rowCount?: number;
  /** Splits of whole files, with the synthetic `$file` and `$row` columns (`SplitOptions.rowLevelWrite`). */
  readonly wholeFiles?: boolean;
  /**
   * A row-level write's condition over the scan's outputs: data whose statistics show that no row
   * satisfies it holds no row the write changes and need not be read (`scanConstraint`); unlike a
   * Filter, it removes no row of what is read.
   */
  readonly pruneBy?: Expr;
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
  /**
   * Input channels of the arguments (none for count(*)); in a `final` step, the channels of the
   * call's intermediate state columns.
   */
  readonly args: readonly number[];
  readonly argTypes: readonly DataType[];
  readonly distinct: boolean;
  /** Channel of a boolean mask (FILTER (WHERE …)), if any. */
  readonly mask?: number;
  /**
   * The order an ordered aggregate (listagg) sees its rows in: input channels. An aggregation with
   * such a call is never split into partial and final steps.
   */
  readonly orderBy?: readonly SortKey[];
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
  /** FETCH … WITH TIES: past `count`, rows equal to the last one on these keys (the input is sorted by them). */
  readonly ties?: readonly SortKey[];
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

/**
 * Join types as the operator sees them: `input` is the probe side (SQL's left), `build` the side
 * collected into a hash table (SQL's right). LEFT keeps unmatched probe rows, RIGHT unmatched build
 * rows, FULL both. A cross join is an INNER join without keys.
 */
export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';

/** How a join's inputs meet: build side copied to every probe task, or both sides hash-partitioned on the keys. */
export type JoinDistribution = 'broadcast' | 'partitioned';

export interface JoinNode {
  readonly kind: 'Join';
  readonly joinType: JoinType;
  /** The probe side, streamed. Named `input` like every single-input node's child. */
  readonly input: PlanNode;
  /** The build side, held in memory. */
  readonly build: PlanNode;
  /** Equi-join keys: `input` channel `leftKeys[i]` equals `build` channel `rightKeys[i]`; NULL never matches. */
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  /** Further join condition over the probe's outputs followed by the build's outputs. */
  readonly filter?: Expr;
  /** Chosen by the optimizer; unset means "let the distributor decide". */
  readonly distribution?: JoinDistribution;
  /** The probe's outputs, then the build's. */
  readonly outputs: readonly Column[];
}

/**
 * Marks each `input` row with whether a `build` row matches it: EXISTS, IN and quantified
 * comparisons after decorrelation. A build row matches when the keys are equal and `filter` holds;
 * with `compare`, SQL's IN semantics apply on top: the mark is TRUE if some matching build row has a
 * value equal to the probe's, else NULL if either value was NULL (and a matching row exists), else FALSE.
 */
export interface SemiJoinNode {
  readonly kind: 'SemiJoin';
  readonly input: PlanNode;
  readonly build: PlanNode;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly compare?: { readonly left: number; readonly right: number };
  /** Condition over the probe's outputs followed by the build's outputs. */
  readonly filter?: Expr;
  readonly distribution?: JoinDistribution;
  /**
   * Hold the probe side in memory and stream the build side through it instead (EXISTS with keys
   * over a build side much larger than the probe side). The output is the same.
   */
  readonly indexProbe?: boolean;
  /** The probe's outputs, then the boolean mark. */
  readonly outputs: readonly Column[];
}

/** Passes exactly one row: its input's only row, or NULLs when the input is empty; more rows are an error. */
export interface EnforceSingleRowNode {
  readonly kind: 'EnforceSingleRow';
  readonly input: PlanNode;
  readonly outputs: readonly Column[];
}

/** UNION ALL: the rows of every input, whose outputs have the same types. */
export interface UnionNode {
  readonly kind: 'Union';
  readonly inputs: readonly PlanNode[];
  readonly outputs: readonly Column[];
}

export type FrameBoundType =
  'UNBOUNDED_PRECEDING' | 'PRECEDING' | 'CURRENT_ROW' | 'FOLLOWING' | 'UNBOUNDED_FOLLOWING';

export interface FrameBound {
  readonly type: FrameBoundType;
  /** PRECEDING/FOLLOWING: rows (ROWS), peer groups (GROUPS) or a distance in the sort key's units (RANGE). */
  readonly offset?: number;
}

export interface WindowFrame {
  readonly unit: 'ROWS' | 'RANGE' | 'GROUPS';
  readonly start: FrameBound;
  readonly end: FrameBound;
}

/** A window function call: a ranking or value function, or an aggregate over the frame. */
export interface WindowCall {
  readonly fn: string;
  /** Aggregates use the frame; ranking and navigation functions mostly do not. */
  readonly aggregate: boolean;
  readonly args: readonly number[];
  readonly argTypes: readonly DataType[];
  readonly resultType: DataType;
  readonly frame: WindowFrame;
  readonly ignoreNulls?: boolean;
}

/** Window functions over partitions of the input, each ordered by `orderBy`. */
export interface WindowNode {
  readonly kind: 'Window';
  readonly input: PlanNode;
  readonly partitionBy: readonly number[];
  readonly orderBy: readonly SortKey[];
  readonly functions: readonly WindowCall[];
  /** The input's outputs, then one column per function. */
  readonly outputs: readonly Column[];
}

/** Adds a boolean column: TRUE on the first row of each distinct `distinct` tuple (among rows where `mask` is TRUE). */
export interface MarkDistinctNode {
  readonly kind: 'MarkDistinct';
  readonly input: PlanNode;
  readonly distinct: readonly number[];
  readonly mask?: number;
  readonly outputs: readonly Column[];
}

/**
 * GROUPING SETS: each input row once per grouping set, with the keys outside the set NULL, followed
 * by the pass-through channels and the set's ordinal (bigint).
 */
export interface GroupIdNode {
  readonly kind: 'GroupId';
  readonly input: PlanNode;
  /** Input channels of all grouping keys. */
  readonly keys: readonly number[];
  /** Per grouping set, the positions in `keys` that it groups by. */
  readonly sets: readonly (readonly number[])[];
  readonly passThrough: readonly number[];
  /** keys, passThrough, then the set ordinal. */
  readonly outputs: readonly Column[];
}

/**
 * Appends a bigint unique to each row across all tasks of the query (a random per-task prefix and
 * a counter): the row identity a decorrelated subquery groups by.
 */
export interface AssignUniqueIdNode {
  readonly kind: 'AssignUniqueId';
  readonly input: PlanNode;
  readonly outputs: readonly Column[];
}

/**
 * UNNEST as a per-row operator (Trino's UnnestNode): each input row yields one row per element of
 * its longest collection in `unnest` (shorter ones padded with NULL; a NULL collection is empty),
 * with the `replicate` channels copied. An array column gives one column, or its row type's fields
 * when the elements are rows; a map gives two (key, value). `ordinality` appends the element's
 * 1-based position (bigint). `outer` (LEFT JOIN UNNEST … ON true) keeps an input row whose
 * collections are all empty as one row of NULLs.
 */
export interface UnnestNode {
  readonly kind: 'Unnest';
  readonly input: PlanNode;
  readonly replicate: readonly number[];
  /** Input channels of array or map type. */
  readonly unnest: readonly number[];
  readonly ordinality: boolean;
  readonly outer: boolean;
  /** The replicated columns, each collection's columns, then the ordinality. */
  readonly outputs: readonly Column[];
}

export function children(node: PlanNode): PlanNode[] {
  switch (node.kind) {
    case 'TableScan':
    case 'Values':
    case 'RemoteSource':
      return [];
    case 'Join':
    case 'SemiJoin':
      return [node.input, node.build];
    case 'Union':
      return [...node.inputs];
    default:
      return [node.input];
  }
}

/** The node with its children replaced (in the order `children` gives them). */
export function withChildren(node: PlanNode, kids: readonly PlanNode[]): PlanNode {
  switch (node.kind) {
    case 'TableScan':
    case 'Values':
    case 'RemoteSource':
      return node;
    case 'Join':
    case 'SemiJoin':
      return { ...node, input: kids[0]!, build: kids[1]! };
    case 'Union':
      return { ...node, inputs: kids };
    default:
      return { ...node, input: kids[0]! } as PlanNode;
  }
}

/** The row expressions a node evaluates (filters, projections, VALUES rows, join conditions). */
export function nodeExpressions(node: PlanNode): readonly Expr[] {
  switch (node.kind) {
    case 'Filter':
      return [node.predicate];
    case 'Project':
      return node.exprs;
    case 'Values':
      return node.rows.flat();
    case 'Join':
    case 'SemiJoin':
      return node.filter ? [node.filter] : [];
    default:
      return [];
  }
}

export function outputTypes(node: PlanNode): DataType[] {
  return node.outputs.map((c) => c.type);
}
