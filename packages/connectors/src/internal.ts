/**
 * `@quarry/connectors/internal`: the TPC-H generator itself, below the `tpch` connector, for the
 * repository's benchmarks and its DuckDB reference data (bench/). Not for engine packages or
 * clients, which go through the connector; no compatibility promise beyond this repository.
 */
export {
  generate,
  driverRowCount,
  estimatedRowCount,
  TPCH_TABLES,
  TPCH_TABLE_NAMES,
  isTpchTableName,
  type GenerateRequest,
  type GeneratedChunk,
  type TpchColumn,
  type TpchColumnType,
  type TpchTableName,
} from './tpch/generator/index.js';
export { textPool } from './tpch/generator/text-pool.js';
