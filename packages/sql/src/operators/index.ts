export * from './operator.js';
export { buildOperator } from './build.js';
export { partitionPage } from './partition.js';
export { rowComparator, sortedPositions } from './sort.js';
