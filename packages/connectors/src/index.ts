import { MapCatalogRegistry, type CatalogRegistry } from '@quarry/sql';
import { TpchConnector } from './tpch/connector.js';

export { TpchConnector, scaleFactorOf, type TpchSplitInfo } from './tpch/connector.js';
export { loadCatalogs, createConnector, Catalogs, CONNECTOR_NAMES } from './catalogs.js';
export { LakeConnector } from './lake/connector.js';
export {
  lakeConfigFromProperties,
  redactLakeConfig,
  LAKE_PROPERTY_NAMES,
  type LakeConfig,
} from './lake/config.js';
export type { LakeSplitInfo, LakeScanStats } from './lake/reader.js';
export type { LakeFragmentInfo } from './lake/writer.js';
export type { LakeGcReport } from './lake/gc.js';
export type { TableVersion, DataFileEntry } from './lake/metadata.js';
export { MemoryConnector, type MemoryConfig, type MemorySplitInfo } from './memory/connector.js';
export { MAX_CHUNK_BYTES } from './memory/chunks.js';
export {
  createSharedTextPool,
  useSharedTextPool,
  abandonTextPoolBuild,
  type SharedTextPool,
} from './tpch/generator/text-pool.js';

/** The catalogs every cluster has: `tpch`. (`loadCatalogs(dir)` adds those of a catalog directory.) */
export function defaultCatalogs(): CatalogRegistry {
  return new MapCatalogRegistry([['tpch', new TpchConnector()]]);
}
