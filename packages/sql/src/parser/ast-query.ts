/**
 * The nodes below statements: names, types, expressions, ordering and windows, queries and
 * relations. They refer to one another (subqueries), so they live together. See ./ast.ts for the
 * conventions.
 */
import type { SourceLocation } from '@quarry/common';

/** Every node has the position of its first token. */
export interface Located {
  readonly loc: SourceLocation;
}

// ---------------------------------------------------------------------------------------------
// Names and types

/** Unquoted identifiers are folded to lower case; quoted ones keep their text. */
export interface Identifier extends Located {
  readonly kind: 'Identifier';
  readonly value: string;
  readonly quoted: boolean;
}

/** `catalog.schema.table`, `t.col`: one identifier per part. */
export type QualifiedName = readonly Identifier[];

/**
 * A type as written: lower-case `name` (`varchar`, `decimal`, `double`, `timestamp with time zone`,
 * `interval day to second`) and its integer parameters (`decimal(15, 2)` has `[15, 2]`).
 * Aliases are normalized: `int` is `integer`, `double precision` is `double`.
 */
export interface TypeName extends Located {
  readonly kind: 'TypeName';
  readonly name: string;
  readonly params: readonly number[];
  /** The element type of `array(T)`, key and value of `map(K, V)`, the fields of `row(a T, …)`. */
  readonly fields?: readonly TypeField[];
}

/** A type inside a composite type name; a row field may have a name. */
export interface TypeField {
  readonly name?: string;
  readonly type: TypeName;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type Expression =
  | ArrayConstructor
  | Lambda
  | ColumnRef
  | NumericLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | TypedLiteral
  | IntervalLiteral
  | CurrentDateTime
  | UnaryOp
  | BinaryOp
  | IsNull
  | IsDistinctFrom
  | Between
  | InList
  | InSubquery
  | Like
  | QuantifiedComparison
  | Exists
  | Subquery
  | Case
  | Cast
  | Extract
  | FunctionCall
  | Row
  | Subscript
  | AtTimeZone;

/** A column reference, possibly qualified: `a`, `t.a`, `s.t.a`. */
export interface ColumnRef extends Located {
  readonly kind: 'ColumnRef';
  readonly parts: QualifiedName;
}

export type NumericType = 'integer' | 'decimal' | 'double';

/**
 * `text` is the literal as written (with a leading `-` when negated): `123` is an integer,
 * `1.50` and `.5` decimals, `1e3` and `1.5E-2` doubles.
 */
export interface NumericLiteral extends Located {
  readonly kind: 'NumericLiteral';
  readonly text: string;
  readonly numericType: NumericType;
}

/** `value` has the `''` escapes (and `U&` escapes) resolved. */
export interface StringLiteral extends Located {
  readonly kind: 'StringLiteral';
  readonly value: string;
}

export interface BooleanLiteral extends Located {
  readonly kind: 'BooleanLiteral';
  readonly value: boolean;
}

export interface NullLiteral extends Located {
  readonly kind: 'NullLiteral';
}

/** `DATE '1998-12-01'`, `TIMESTAMP '…'`, `DECIMAL '1.2'`, `REAL '1.5'`: a type name and a string. */
export interface TypedLiteral extends Located {
  readonly kind: 'TypedLiteral';
  readonly typeName: string;
  readonly value: string;
}

export type IntervalField = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND';

/** `INTERVAL -'2' HOUR`, `INTERVAL '1-2' YEAR TO MONTH`. `value` is the string without the sign. */
export interface IntervalLiteral extends Located {
  readonly kind: 'IntervalLiteral';
  readonly value: string;
  readonly negative: boolean;
  readonly startField: IntervalField;
  readonly endField?: IntervalField;
}

export type CurrentDateTimeFunction =
  'CURRENT_DATE' | 'CURRENT_TIME' | 'CURRENT_TIMESTAMP' | 'LOCALTIME' | 'LOCALTIMESTAMP';

/** `CURRENT_DATE`, `CURRENT_TIMESTAMP(3)`, … written without parentheses unless given a precision. */
export interface CurrentDateTime extends Located {
  readonly kind: 'CurrentDateTime';
  readonly function: CurrentDateTimeFunction;
  readonly precision?: number;
}

export type UnaryOperator = '+' | '-' | 'NOT';

export interface UnaryOp extends Located {
  readonly kind: 'UnaryOp';
  readonly op: UnaryOperator;
  readonly operand: Expression;
}

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
/** `!=` is read as `<>`. */
export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type BinaryOperator = ArithmeticOperator | '||' | ComparisonOperator | 'AND' | 'OR';

/** Arithmetic, concatenation, comparison and logical AND/OR, all binary and left-associative. */
export interface BinaryOp extends Located {
  readonly kind: 'BinaryOp';
  readonly op: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
}

export interface IsNull extends Located {
  readonly kind: 'IsNull';
  readonly operand: Expression;
  readonly negated: boolean;
}

export interface IsDistinctFrom extends Located {
  readonly kind: 'IsDistinctFrom';
  readonly left: Expression;
  readonly right: Expression;
  readonly negated: boolean;
}

export interface Between extends Located {
  readonly kind: 'Between';
  readonly operand: Expression;
  readonly low: Expression;
  readonly high: Expression;
  readonly negated: boolean;
}

export interface InList extends Located {
  readonly kind: 'InList';
  readonly operand: Expression;
  readonly values: readonly Expression[];
  readonly negated: boolean;
}

export interface InSubquery extends Located {
  readonly kind: 'InSubquery';
  readonly operand: Expression;
  readonly query: Query;
  readonly negated: boolean;
}

export interface Like extends Located {
  readonly kind: 'Like';
  readonly operand: Expression;
  readonly pattern: Expression;
  readonly escape?: Expression;
  readonly negated: boolean;
}

/** `x = ANY (SELECT …)`; SOME is kept as written but means ANY. */
export interface QuantifiedComparison extends Located {
  readonly kind: 'QuantifiedComparison';
  readonly op: ComparisonOperator;
  readonly quantifier: 'ALL' | 'ANY' | 'SOME';
  readonly left: Expression;
  readonly query: Query;
}

/** `EXISTS (query)`; `NOT EXISTS` is a `NOT` around it. */
export interface Exists extends Located {
  readonly kind: 'Exists';
  readonly query: Query;
}

/** A scalar subquery: `(SELECT …)` where a value is expected. */
export interface Subquery extends Located {
  readonly kind: 'Subquery';
  readonly query: Query;
}

/** Simple (`operand` set) or searched CASE. */
export interface Case extends Located {
  readonly kind: 'Case';
  readonly operand?: Expression;
  readonly whens: readonly WhenClause[];
  readonly elseResult?: Expression;
}

export interface WhenClause extends Located {
  readonly kind: 'WhenClause';
  readonly condition: Expression;
  readonly result: Expression;
}

/** `CAST(x AS t)`, or `TRY_CAST(x AS t)` when `safe`. */
export interface Cast extends Located {
  readonly kind: 'Cast';
  readonly operand: Expression;
  readonly type: TypeName;
  readonly safe: boolean;
}

export type ExtractField =
  | 'YEAR'
  | 'QUARTER'
  | 'MONTH'
  | 'WEEK'
  | 'DAY'
  | 'DAY_OF_MONTH'
  | 'DAY_OF_WEEK'
  | 'DOW'
  | 'DAY_OF_YEAR'
  | 'DOY'
  | 'YEAR_OF_WEEK'
  | 'YOW'
  | 'HOUR'
  | 'MINUTE'
  | 'SECOND'
  | 'TIMEZONE_MINUTE'
  | 'TIMEZONE_HOUR';

export interface Extract extends Located {
  readonly kind: 'Extract';
  readonly field: ExtractField;
  readonly operand: Expression;
}

/**
 * `f(args)`, `f(DISTINCT x)`, `f(*)` (`star`, no args), `f(x ORDER BY y)`,
 * `f(x) FILTER (WHERE c)`, `f(x) OVER (…)` or `OVER w`, `f(x) IGNORE NULLS OVER …`.
 */
export interface FunctionCall extends Located {
  readonly kind: 'FunctionCall';
  readonly name: QualifiedName;
  readonly args: readonly Expression[];
  readonly distinct: boolean;
  readonly star: boolean;
  readonly orderBy: readonly SortItem[];
  /** The ORDER BY was written after the call, `WITHIN GROUP (ORDER BY …)` (listagg). */
  readonly withinGroup?: boolean;
  readonly filter?: Expression;
  /** Written only before OVER: whether a value window function skips nulls. */
  readonly nullTreatment?: 'IGNORE' | 'RESPECT';
  readonly window?: WindowSpec | WindowRef;
}

/** `x -> body` or `(x, y) -> body`: an argument of a higher-order function. */
export interface Lambda extends Located {
  readonly kind: 'Lambda';
  readonly params: readonly Identifier[];
  readonly body: Expression;
}

/** `ARRAY[a, b, …]` (possibly empty). */
export interface ArrayConstructor extends Located {
  readonly kind: 'ArrayConstructor';
  readonly items: readonly Expression[];
}

/** `ROW(a, b)` or `(a, b)`. */
export interface Row extends Located {
  readonly kind: 'Row';
  readonly items: readonly Expression[];
}

/** `base[index]`. */
export interface Subscript extends Located {
  readonly kind: 'Subscript';
  readonly base: Expression;
  readonly index: Expression;
}

/** `x AT TIME ZONE zone`; the zone is a string or interval literal. */
export interface AtTimeZone extends Located {
  readonly kind: 'AtTimeZone';
  readonly operand: Expression;
  readonly zone: Expression;
}

// ---------------------------------------------------------------------------------------------
// Ordering and windows

/** `nulls` is absent unless written (Trino's default is NULLS LAST for either direction). */
export interface SortItem extends Located {
  readonly kind: 'SortItem';
  readonly expression: Expression;
  readonly ordering: 'ASC' | 'DESC';
  readonly nulls?: 'FIRST' | 'LAST';
}

/** `OVER (…)`: optionally based on a named window from the WINDOW clause. */
export interface WindowSpec extends Located {
  readonly kind: 'WindowSpec';
  readonly existingName?: Identifier;
  readonly partitionBy: readonly Expression[];
  readonly orderBy: readonly SortItem[];
  readonly frame?: WindowFrame;
}

/** `OVER w`. */
export interface WindowRef extends Located {
  readonly kind: 'WindowRef';
  readonly name: Identifier;
}

/** `ROWS n PRECEDING` has no `end`; `ROWS BETWEEN a AND b` has both. */
export interface WindowFrame extends Located {
  readonly kind: 'WindowFrame';
  readonly unit: 'ROWS' | 'RANGE' | 'GROUPS';
  readonly start: FrameBound;
  readonly end?: FrameBound;
}

/** `UNBOUNDED PRECEDING`, `CURRENT ROW`, `n FOLLOWING`, … (only the `n` forms have an offset). */
export type FrameBound = FixedFrameBound | OffsetFrameBound;

export interface FixedFrameBound extends Located {
  readonly kind: 'FrameBound';
  readonly type: 'UNBOUNDED_PRECEDING' | 'CURRENT_ROW' | 'UNBOUNDED_FOLLOWING';
}

export interface OffsetFrameBound extends Located {
  readonly kind: 'FrameBound';
  readonly type: 'PRECEDING' | 'FOLLOWING';
  readonly offset: Expression;
}

export type FrameBoundType = FrameBound['type'];

/** `WINDOW name AS (spec)` in a SELECT. */
export interface WindowDefinition extends Located {
  readonly kind: 'WindowDefinition';
  readonly name: Identifier;
  readonly spec: WindowSpec;
}

// ---------------------------------------------------------------------------------------------
// Queries

/**
 * A full query. ORDER BY, OFFSET and LIMIT/FETCH apply to the whole `body`, which may be a set
 * operation. A parenthesized query that has none of WITH, ORDER BY, OFFSET or LIMIT is not kept as
 * a nested Query: its body takes its place.
 */
export interface Query extends Located {
  readonly kind: 'Query';
  readonly with: readonly WithQuery[];
  /** `WITH RECURSIVE`: each WITH query may name itself once, in the FROM of its step (`planner/recursive.ts`). */
  readonly recursive?: boolean;
  readonly body: QueryBody;
  readonly orderBy: readonly SortItem[];
  readonly offset?: Offset;
  readonly limit?: Limit | FetchFirst;
}

/** A query term: SELECT, a set operation, VALUES, `TABLE t`, or a parenthesized Query. */
export type QueryBody = Select | SetOperation | Values | Table | Query;

/** `name (columns) AS (query)` in a WITH clause. */
export interface WithQuery extends Located {
  readonly kind: 'WithQuery';
  readonly name: Identifier;
  readonly columns: readonly Identifier[];
  readonly query: Query;
}

export interface Select extends Located {
  readonly kind: 'Select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from?: Relation;
  readonly where?: Expression;
  readonly groupBy?: GroupBy;
  readonly having?: Expression;
  readonly windows: readonly WindowDefinition[];
}

export type SelectItem = SingleColumn | AllColumns;

export interface SingleColumn extends Located {
  readonly kind: 'SingleColumn';
  readonly expression: Expression;
  readonly alias?: Identifier;
}

/** `*`, or `t.*` with a qualifier. */
export interface AllColumns extends Located {
  readonly kind: 'AllColumns';
  readonly qualifier?: QualifiedName;
}

export interface GroupBy extends Located {
  readonly kind: 'GroupBy';
  readonly distinct: boolean;
  readonly elements: readonly GroupingElement[];
}

export type GroupingElement = SimpleGrouping | GroupingSets;

/**
 * One plain GROUP BY element: an expression (or ordinal), or Trino's parenthesized list
 * `(a, b)` which means the same as `a, b`; `()` is the empty grouping.
 */
export interface SimpleGrouping extends Located {
  readonly kind: 'SimpleGrouping';
  readonly expressions: readonly Expression[];
}

/** `ROLLUP (…)`, `CUBE (…)` or `GROUPING SETS (…)` (type EXPLICIT): one list per set. */
export interface GroupingSets extends Located {
  readonly kind: 'GroupingSets';
  readonly type: 'ROLLUP' | 'CUBE' | 'EXPLICIT';
  readonly sets: readonly (readonly Expression[])[];
}

export type SetOperator = 'UNION' | 'INTERSECT' | 'EXCEPT';

/** `distinct` is true unless ALL was written. INTERSECT binds tighter than UNION and EXCEPT. */
export interface SetOperation extends Located {
  readonly kind: 'SetOperation';
  readonly op: SetOperator;
  readonly distinct: boolean;
  readonly left: QueryBody;
  readonly right: QueryBody;
}

/** `VALUES (1, 'a'), (2, 'b')`: one list of column expressions per row (`VALUES 1, 2` has one each). */
export interface Values extends Located {
  readonly kind: 'Values';
  readonly rows: readonly (readonly Expression[])[];
}

/** A table name: a relation in FROM, or the query `TABLE t`. */
export interface Table extends Located {
  readonly kind: 'Table';
  readonly name: QualifiedName;
}

export interface Offset extends Located {
  readonly kind: 'Offset';
  readonly rowCount: NumericLiteral;
}

export interface Limit extends Located {
  readonly kind: 'Limit';
  readonly rowCount: NumericLiteral | 'ALL';
}

/** `FETCH FIRST [n] ROWS ONLY | WITH TIES`; an absent `rowCount` means 1. */
export interface FetchFirst extends Located {
  readonly kind: 'FetchFirst';
  readonly rowCount?: NumericLiteral;
  readonly withTies: boolean;
}

// ---------------------------------------------------------------------------------------------
// Relations

export type Relation = Table | AliasedRelation | SubqueryRelation | Join | Unnest | Lateral;

/** `relation [AS] alias [(c1, c2)]`. */
export interface AliasedRelation extends Located {
  readonly kind: 'AliasedRelation';
  readonly relation: Relation;
  readonly alias: Identifier;
  readonly columns: readonly Identifier[];
}

/** `(query)` in FROM, including `(VALUES …)`. */
export interface SubqueryRelation extends Located {
  readonly kind: 'SubqueryRelation';
  readonly query: Query;
}

/**
 * `UNNEST(e1, e2, …) [WITH ORDINALITY]`: one row per element of the longest collection (shorter
 * ones padded with NULL); an array gives one column (or its row's fields), a map two (key, value).
 * On the right of a join its expressions may reference the left side (evaluated per left row).
 */
export interface Unnest extends Located {
  readonly kind: 'Unnest';
  readonly args: readonly Expression[];
  readonly ordinality: boolean;
}

/** `LATERAL (query)`: a subquery that may reference the relations to its left in FROM. */
export interface Lateral extends Located {
  readonly kind: 'Lateral';
  readonly query: Query;
}

/** IMPLICIT is the comma in `FROM a, b`; CROSS and IMPLICIT joins have no criteria, the others do. */
export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | 'IMPLICIT';

export interface Join extends Located {
  readonly kind: 'Join';
  readonly type: JoinType;
  readonly left: Relation;
  readonly right: Relation;
  readonly criteria?: JoinOn | JoinUsing;
}

export interface JoinOn extends Located {
  readonly kind: 'JoinOn';
  readonly condition: Expression;
}

export interface JoinUsing extends Located {
  readonly kind: 'JoinUsing';
  readonly columns: readonly Identifier[];
}
