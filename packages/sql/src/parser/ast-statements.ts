/**
 * Statement nodes, the top of the syntax tree, and `Node`, the union of every node kind. See
 * ./ast.ts for the conventions.
 */
import type {
  Expression,
  FetchFirst,
  FrameBound,
  GroupBy,
  GroupingElement,
  Identifier,
  JoinOn,
  JoinUsing,
  Limit,
  Located,
  Offset,
  QualifiedName,
  Query,
  QueryBody,
  Relation,
  SelectItem,
  SortItem,
  TypeName,
  WhenClause,
  WindowDefinition,
  WindowFrame,
  WindowRef,
  WindowSpec,
  WithQuery,
} from './ast-query.js';

export type Statement =
  | Query
  | Explain
  | ShowCatalogs
  | ShowSchemas
  | ShowTables
  | ShowColumns
  | ShowStats
  | ShowCreateTable
  | ShowSession
  | SetSession
  | ResetSession
  | Use
  | CreateSchema
  | DropSchema
  | CreateTable
  | CreateTableAsSelect
  | Insert
  | DropTable
  | Delete
  | Update
  | Merge
  | CreateView
  | DropView
  | ShowCreateView
  | Call;

/** `EXPLAIN [(TYPE …, FORMAT …)] stmt` or `EXPLAIN ANALYZE [VERBOSE] stmt`. */
export interface Explain extends Located {
  readonly kind: 'Explain';
  readonly analyze: boolean;
  readonly verbose: boolean;
  readonly type?: 'LOGICAL' | 'DISTRIBUTED' | 'VALIDATE' | 'IO';
  readonly format?: 'TEXT' | 'JSON' | 'GRAPHVIZ';
  readonly statement: Statement;
}

/** `LIKE 'pattern' [ESCAPE 'e']` of the SHOW statements. */
interface Filtered {
  readonly like?: string;
  readonly escape?: string;
}

export interface ShowCatalogs extends Located, Filtered {
  readonly kind: 'ShowCatalogs';
}

export interface ShowSchemas extends Located, Filtered {
  readonly kind: 'ShowSchemas';
  readonly catalog?: Identifier;
}

export interface ShowTables extends Located, Filtered {
  readonly kind: 'ShowTables';
  readonly schema?: QualifiedName;
}

/** `SHOW COLUMNS FROM t`, `DESCRIBE t` and `DESC t`. */
export interface ShowColumns extends Located, Filtered {
  readonly kind: 'ShowColumns';
  readonly table: QualifiedName;
}

/** `SHOW CREATE TABLE t`: the statement that creates a table like it. */
export interface ShowCreateTable extends Located {
  readonly kind: 'ShowCreateTable';
  readonly table: QualifiedName;
}

/** `SHOW STATS FOR t`: the statistics the planner has for a table's columns. */
export interface ShowStats extends Located {
  readonly kind: 'ShowStats';
  readonly table: QualifiedName;
}

export interface ShowSession extends Located, Filtered {
  readonly kind: 'ShowSession';
}

export interface SetSession extends Located {
  readonly kind: 'SetSession';
  readonly name: QualifiedName;
  readonly value: Expression;
}

export interface ResetSession extends Located {
  readonly kind: 'ResetSession';
  readonly name: QualifiedName;
}

/** `USE schema` or `USE catalog.schema`. */
export interface Use extends Located {
  readonly kind: 'Use';
  readonly catalog?: Identifier;
  readonly schema: Identifier;
}

/** `name = value` in a `WITH (…)` property list; `DEFAULT` asks for the property's default. */
export interface Property extends Located {
  readonly kind: 'Property';
  readonly name: Identifier;
  readonly value: Expression | 'DEFAULT';
}

export interface CreateSchema extends Located {
  readonly kind: 'CreateSchema';
  readonly name: QualifiedName;
  readonly ifNotExists: boolean;
  readonly properties: readonly Property[];
}

/** RESTRICT (the default) unless `cascade`. */
export interface DropSchema extends Located {
  readonly kind: 'DropSchema';
  readonly name: QualifiedName;
  readonly ifExists: boolean;
  readonly cascade: boolean;
}

export interface ColumnDefinition extends Located {
  readonly kind: 'ColumnDefinition';
  readonly name: Identifier;
  readonly type: TypeName;
  readonly nullable: boolean;
  readonly comment?: string;
}

export interface CreateTable extends Located {
  readonly kind: 'CreateTable';
  readonly name: QualifiedName;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDefinition[];
  readonly comment?: string;
  readonly properties: readonly Property[];
}

/** `CREATE TABLE t [(aliases)] [WITH (…)] AS query [WITH [NO] DATA]`; `withData` defaults to true. */
export interface CreateTableAsSelect extends Located {
  readonly kind: 'CreateTableAsSelect';
  readonly name: QualifiedName;
  readonly ifNotExists: boolean;
  readonly columns: readonly Identifier[];
  readonly comment?: string;
  readonly properties: readonly Property[];
  readonly query: Query;
  readonly withData: boolean;
}

/** `INSERT INTO t [(columns)] query`; `VALUES …` is a query. */
export interface Insert extends Located {
  readonly kind: 'Insert';
  readonly table: QualifiedName;
  readonly columns: readonly Identifier[];
  readonly query: Query;
}

export interface DropTable extends Located {
  readonly kind: 'DropTable';
  readonly name: QualifiedName;
  readonly ifExists: boolean;
}

/** `DELETE FROM t [WHERE condition]`, or `TRUNCATE TABLE t` (`truncate`: every row, no WHERE). */
export interface Delete extends Located {
  readonly kind: 'Delete';
  readonly table: QualifiedName;
  readonly where?: Expression;
  readonly truncate?: boolean;
}

/** `UPDATE t SET column = value [, …] [WHERE condition]`. */
export interface Update extends Located {
  readonly kind: 'Update';
  readonly table: QualifiedName;
  readonly assignments: readonly UpdateAssignment[];
  readonly where?: Expression;
}

export interface UpdateAssignment extends Located {
  readonly column: Identifier;
  readonly value: Expression;
}

/**
 * `MERGE INTO target [[AS] alias] USING source ON condition` followed by WHEN clauses, tried in
 * order for each row: `WHEN MATCHED [AND c] THEN UPDATE SET … | DELETE`, `WHEN NOT MATCHED [AND c]
 * THEN INSERT [(columns)] VALUES (…)`.
 */
export interface Merge extends Located {
  readonly kind: 'Merge';
  readonly target: QualifiedName;
  readonly targetAlias?: Identifier;
  readonly source: Relation;
  readonly on: Expression;
  readonly cases: readonly MergeCase[];
}

export type MergeCase = MergeUpdate | MergeDelete | MergeInsert;

export interface MergeUpdate extends Located {
  readonly kind: 'MergeUpdate';
  readonly condition?: Expression;
  readonly assignments: readonly UpdateAssignment[];
}

export interface MergeDelete extends Located {
  readonly kind: 'MergeDelete';
  readonly condition?: Expression;
}

export interface MergeInsert extends Located {
  readonly kind: 'MergeInsert';
  readonly condition?: Expression;
  readonly columns: readonly Identifier[];
  readonly values: readonly Expression[];
}

/**
 * `CREATE [OR REPLACE] VIEW v [(columns)] [COMMENT '…'] [SECURITY DEFINER|INVOKER] AS query`. The
 * column list (quarry's, as CREATE TABLE AS has one) renames the query's columns.
 */
export interface CreateView extends Located {
  readonly kind: 'CreateView';
  readonly name: QualifiedName;
  readonly replace: boolean;
  readonly columns: readonly Identifier[];
  readonly comment?: string;
  readonly security?: 'DEFINER' | 'INVOKER';
  readonly query: Query;
}

export interface DropView extends Located {
  readonly kind: 'DropView';
  readonly name: QualifiedName;
  readonly ifExists: boolean;
}

/** `SHOW CREATE VIEW v`: the statement that creates the view. */
export interface ShowCreateView extends Located {
  readonly kind: 'ShowCreateView';
  readonly view: QualifiedName;
}

/** `CALL name(arg, …)` or `CALL name(param => arg, …)`: a connector's procedure. */
export interface Call extends Located {
  readonly kind: 'Call';
  readonly name: QualifiedName;
  readonly args: readonly CallArgument[];
}

/** One argument of a CALL: positional, or named with `name => value`. */
export interface CallArgument extends Located {
  readonly name?: Identifier;
  readonly value: Expression;
}

// ---------------------------------------------------------------------------------------------

/** Every node kind, for code that walks the tree generically. */
export type Node =
  | Identifier
  | TypeName
  | Expression
  | WhenClause
  | SortItem
  | WindowSpec
  | WindowRef
  | WindowFrame
  | FrameBound
  | WindowDefinition
  | QueryBody
  | WithQuery
  | SelectItem
  | GroupBy
  | GroupingElement
  | Offset
  | Limit
  | FetchFirst
  | Relation
  | JoinOn
  | JoinUsing
  | Statement
  | Property
  | ColumnDefinition;

export type NodeKind = Node['kind'];
