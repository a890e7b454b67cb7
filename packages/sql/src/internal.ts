/**
 * `@quarry/sql/internal`: what the packages that run plans (coordinator, worker) need beyond the
 * public surface (`index.ts`) — plan nodes, split pruning, and the operators that execute a
 * fragment. Not for connectors or clients; no compatibility promise beyond this repository.
 */
import './functions/index.js';

export type * from './plan/nodes.js';
export { children, outputTypes } from './plan/nodes.js';
export { scanConstraint } from './planner/constraint.js';
export { buildOperator } from './operators/build.js';
export { partitionPage } from './operators/partition.js';
export { MemoryContext, PAGE_ROWS, type Operator, type TaskContext } from './operators/operator.js';
export type { SpillFile, SpillSpace, SpillWriter } from './spi/spill.js';
export { compileFilter, compileProjection } from './expr/compile.js';
export { MAX_FUNCTION_RESULT_LENGTH } from './functions/limits.js';
export { informationSchemaRows } from './planner/information-schema.js';
