// Importing the families registers them.
import './operators.js';
import './scalars.js';
import './strings.js';
import './math.js';
import './datetime.js';
import './format.js';
import './json.js';
import './unixtime.js';
import './bases.js';
import './arrays.js';
import './lambdas.js';

export * from './registry.js';
export { canCast, formatDouble } from './casts.js';
export {
  isAggregateFunction,
  resolveAggregate,
  createAccumulator,
  type AggregateSignature,
} from './aggregates.js';
export { EXTRACT_FIELDS } from './scalars.js';
export { DEFAULT_PRECISION, DistinctSketch, exactLimit, precisionFor } from './distinct-sketch.js';
export { hashAt, hashBlock, hashFloat64, hashInt32, hashLong, hashString } from './value-hash.js';
export { lambdaParameterTypes, takesLambdas } from './lambdas.js';
