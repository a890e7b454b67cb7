import { MapCatalogRegistry, type CatalogRegistry } from '@quarry/sql';
import { TpchConnector } from './tpch/connector.js';

export { TpchConnector, scaleFactorOf, type TpchSplitInfo } from './tpch/connector.js';

/** The catalogs every cluster has: `tpch`. */
export function defaultCatalogs(): CatalogRegistry {
  return new MapCatalogRegistry([['tpch', new TpchConnector()]]);
}
