/**
 * TPC-H as Parquet files that quarry and DuckDB both read: quarry writes the eight tables into a
 * `lake` catalog with CREATE TABLE AS from its `tpch` connector, once per directory and scale factor
 * (a marker file records a finished load, so later runs reuse it), and DuckDB gets one view per
 * table over exactly the files of the table's current version (the newest `v<N>.metadata.json`).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { QuarryClient } from '@quarry/client';

export const TPCH_TABLES = [
  'nation',
  'region',
  'part',
  'supplier',
  'partsupp',
  'customer',
  'orders',
  'lineitem',
] as const;

/** A catalog directory whose `lake` catalog keeps its tables under `root`. */
export function lakeCatalogDir(root: string): string {
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'quarry-bench-catalogs-'));
  writeFileSync(join(dir, 'lake.properties'), `connector.name=lake\nlake.root=${root}\n`);
  return dir;
}

export interface LakeLoad {
  /** Seconds the writes took; 0 when an earlier run's tables were reused. */
  readonly seconds: number;
  readonly reused: boolean;
}

/** The lake's schema for a tpch schema: lake names have no dots (`sf0.1` → `sf0_1`). */
export function lakeSchemaOf(tpchSchema: string): string {
  return tpchSchema.replaceAll('.', '_');
}

/** Makes sure `lake.<lakeSchemaOf(schema)>` holds the eight tables of `tpch.<schema>`, writing them if not. */
export async function ensureLakeTables(
  client: QuarryClient,
  root: string,
  tpchSchema: string,
): Promise<LakeLoad> {
  const schema = lakeSchemaOf(tpchSchema);
  // names starting with '.' are the catalog's own: the lake lists no schema for the marker
  const marker = join(root, `.bench-${schema}.done`);
  if (existsSync(marker)) return { seconds: 0, reused: true };
  const t0 = performance.now();
  const run = (sql: string) => client.query(sql, { session: { retry_policy: 'NONE' } });
  await run(`DROP SCHEMA IF EXISTS lake.${schema} CASCADE`);
  await run(`CREATE SCHEMA lake.${schema}`);
  for (const table of TPCH_TABLES) {
    const t = performance.now();
    await run(`CREATE TABLE lake.${schema}.${table} AS SELECT * FROM tpch."${tpchSchema}".${table}`);
    console.log(`  lake.${schema}.${table} written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  writeFileSync(marker, new Date().toISOString());
  return { seconds: (performance.now() - t0) / 1000, reused: false };
}

/** The data files of a lake table's current version, as absolute paths. */
function currentFiles(root: string, schema: string, table: string): string[] {
  const dir = join(root, schema, table);
  const versions = readdirSync(dir)
    .map((f) => /^v(\d+)\.metadata\.json$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  if (versions.length === 0) throw new Error(`lake table ${schema}.${table} has no metadata in ${dir}`);
  const metadata = JSON.parse(readFileSync(join(dir, `v${Math.max(...versions)}.metadata.json`), 'utf8')) as {
    files: { path: string }[];
  };
  return metadata.files.map((f) => join(dir, f.path));
}

/** One DuckDB view per table over the lake's Parquet files of `schema`. */
export async function duckViewsOverLake(
  connection: DuckDBConnection,
  root: string,
  schema: string,
): Promise<number> {
  let files = 0;
  for (const table of TPCH_TABLES) {
    const paths = currentFiles(root, schema, table);
    files += paths.length;
    const list = paths.map((p) => `'${p.replaceAll("'", "''")}'`).join(', ');
    await connection.run(`CREATE VIEW ${table} AS SELECT * FROM read_parquet([${list}])`);
  }
  return files;
}
