import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PropertyReader, QuarryError, readPropertiesFile, type Properties } from '@quarry/common';
import type { CatalogRegistry, Connector } from '@quarry/sql';
import { LAKE_PROPERTY_NAMES, lakeConfigFromProperties } from './lake/config.js';
import { LakeConnector } from './lake/connector.js';
import { MemoryConnector } from './memory/connector.js';
import { TpchConnector } from './tpch/connector.js';

/**
 * Catalogs as Trino configures them: a directory holding one `<catalog>.properties` per catalog,
 * each naming its connector (`connector.name=tpch|lake|memory`) and that connector's properties.
 * `tpch` exists even without a file. Any property a connector does not read is an error, as are an
 * unknown connector and a bad value; each error names the file and the property.
 *
 * The coordinator and every worker task thread load the same directory and so agree on the
 * catalogs; each instance is its own (a memory catalog's data lives in the coordinator's instance).
 */
export const CONNECTOR_NAMES = ['tpch', 'lake', 'memory'] as const;
const CATALOG_NAME = /^[a-z][a-z0-9_]{0,63}$/;

const PROPERTIES: Record<(typeof CONNECTOR_NAMES)[number], readonly string[]> = {
  tpch: ['tpch.column-naming', 'tpch.splits-per-node'],
  lake: LAKE_PROPERTY_NAMES,
  memory: ['memory.max-data-per-node'],
};

/** The catalogs of a directory, plus `tpch`; releases their connections on `close`. */
export class Catalogs implements CatalogRegistry {
  private readonly map: Map<string, Connector>;

  constructor(entries: Iterable<[string, Connector]>) {
    this.map = new Map(entries);
  }

  get(catalog: string): Connector | undefined {
    return this.map.get(catalog);
  }

  names(): readonly string[] {
    return [...this.map.keys()].sort();
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.map.values()].map((c) => (c as Partial<{ close(): Promise<void> }>).close?.()),
    );
  }
}

/** Loads `<dir>/*.properties` (no directory: `tpch` alone). */
export function loadCatalogs(dir: string | undefined): Catalogs {
  const entries = new Map<string, Connector>([['tpch', new TpchConnector()]]);
  if (dir === undefined) return new Catalogs(entries);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new QuarryError('INVALID_CONFIGURATION', `Catalog directory not found: ${dir}`);
  }
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.properties'))
    .sort()) {
    const catalog = file.slice(0, -'.properties'.length);
    const path = join(dir, file);
    if (!CATALOG_NAME.test(catalog)) {
      throw new QuarryError(
        'INVALID_CONFIGURATION',
        `${path}: '${catalog}' is not a valid catalog name (lowercase letters, digits and '_', starting with a letter)`,
      );
    }
    entries.set(catalog, createConnector(catalog, readPropertiesFile(path), path));
  }
  return new Catalogs(entries);
}

/** One catalog's connector from its properties; `source` names the file in errors. */
export function createConnector(catalog: string, props: Properties, source: string): Connector {
  const name = props['connector.name']?.trim();
  if (name === undefined || name === '') {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: connector.name is required (one of ${CONNECTOR_NAMES.join(', ')})`,
    );
  }
  if (!(CONNECTOR_NAMES as readonly string[]).includes(name)) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: connector.name=${name} is unknown (one of ${CONNECTOR_NAMES.join(', ')})`,
    );
  }
  const connector = name as (typeof CONNECTOR_NAMES)[number];
  const known = new Set(['connector.name', ...PROPERTIES[connector]]);
  const unused = Object.keys(props).find((p) => !known.has(p));
  if (unused !== undefined) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${source}: property ${unused} is not used by connector ${connector}`,
    );
  }
  switch (connector) {
    case 'tpch': {
      // tpch.splits-per-node is read and checked for Trino's files' sake; quarry sizes tpch splits
      // by the cluster's task slots
      const r = new PropertyReader(props, source);
      r.int('tpch.splits-per-node', 1, 1);
      return new TpchConnector(catalog, {
        columnNaming: r.oneOf('tpch.column-naming', ['STANDARD', 'SIMPLIFIED'] as const, 'STANDARD'),
      });
    }
    case 'lake':
      return new LakeConnector(catalog, lakeConfigFromProperties(props, source));
    case 'memory': {
      const r = new PropertyReader(props, source);
      return new MemoryConnector(catalog, {
        maxDataPerNode: r.dataSize('memory.max-data-per-node', '128MB'),
      });
    }
  }
}
