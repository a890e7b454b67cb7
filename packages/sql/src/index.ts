/**
 * @quarry/sql's public surface: what clients of the engine use.
 * - SQL in: parse, plan to stages, check fragments received from the network, explain.
 * - The connector SPI, with the types, values and columnar pages connectors produce, the page wire
 *   format, and the hashing and statistics helpers connectors share with the engine.
 * Sibling packages that run plans (coordinator, worker) reach plan nodes and operators through
 * `@quarry/sql/internal` (`internal.ts`).
 */

// importing the function families registers them
import './functions/index.js';

// SQL types and values
export {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  INTERVAL_DAY_TIME,
  INTERVAL_YEAR_MONTH,
  MAX_DECIMAL_PRECISION,
  REAL,
  SMALLINT,
  TIMESTAMP,
  TINYINT,
  UNKNOWN,
  VARCHAR,
  arrayType,
  charType,
  decimalType,
  mapType,
  physicalKind,
  rowType,
  typeToString,
  typesEqual,
  varcharType,
  type DataType,
  type MapValue,
  type PhysicalKind,
  type RowField,
  type TypeKind,
} from './types/types.js';
/** `CAST(v AS to)` of one value from `from` (connectors reading text, such as CSV). */
export { caster } from './functions/casts.js';
export {
  formatDecimal,
  fromExternal,
  normalizeLong,
  toExternal,
  type ExternalValue,
  type Long,
} from './types/values.js';

// columnar pages and their wire format
export {
  concatPages,
  constantBlock,
  takePage,
  pageFromRows,
  pageRows,
  slicePage,
  valueAt,
  type Block,
  type BlockValues,
  type Page,
} from './page/block.js';
export { PAGE_FORMAT_VERSION, deserializePage, serializePage } from './page/serde.js';

// the connector SPI
export {
  MapCatalogRegistry,
  type CatalogRegistry,
  type ColumnConstraint,
  type ColumnMetadata,
  type ConstraintBound,
  type Connector,
  type Split,
  type SplitOptions,
  type TableMetadata,
  type TableRef,
} from './spi/connector.js';
export {
  FILE_COLUMN,
  ROW_COLUMN,
  ROW_OP,
  isRowLevelWrite,
  isWritable,
  type RowLevelWrite,
  type WriteKind,
  type WritableConnector,
  type WriteFragment,
  type WriteHandle,
  type WriteSink,
  type WriteSinkOptions,
} from './spi/writes.js';
export {
  listsRows,
  type ListedRowsConnector,
  type ListingHints,
  type ListRowsRequest,
} from './spi/listed-rows.js';
export { hasViews, type ViewColumn, type ViewConnector, type ViewDefinition } from './spi/views.js';
export {
  hasProcedures,
  type Procedure,
  type ProcedureCall,
  type ProcedureConnector,
  type ProcedureParameter,
} from './spi/procedures.js';
export { DistinctSketch, exactLimit } from './functions/distinct-sketch.js';
export { hashBlock, hashFloat64, hashInt32, hashLong, hashString } from './functions/value-hash.js';

// SQL text → distributed plan
export { formatSql, parseStatement } from './parser/index.js';
export type { Statement } from './parser/ast.js';
export { planStatement } from './planner/index.js';
export type { Session } from './plan/session.js';
export { DEFAULT_MAX_STAGE_COUNT, type PlannerOptions } from './planner/limits.js';
export type { DistributedPlan, PlanFragment } from './plan/fragment.js';
export type { DdlCommand } from './plan/ddl.js';
export { executeDdl, type DdlContext } from './ddl/execute.js';
export { validatePlanFragment } from './plan/validate.js';
export { explainPlan } from './plan/explain.js';
