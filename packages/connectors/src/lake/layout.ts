import { createHash } from 'node:crypto';
import { QuarryError } from '@quarry/common';
import { isPathSegment, pathSegment } from '@quarry/storage';

/**
 * Where a lake catalog keeps things, under its root (`lake.root`):
 *
 *   <root>/<schema>/_schema.json                         the schema exists (created exclusively)
 *   <root>/<schema>/<table>/v<N>.metadata.json           table versions; the highest N is current
 *   <root>/<schema>/<table>/data/<query>/<qa>.<partition>.<attempt>/<seq>.parquet
 *                                                        data files, each task attempt apart
 *
 * Data files stay where their attempt wrote them: a commit does not move them, it lists the winning
 * attempts' files in the next version. Names starting with `_` or `.` are the catalog's own, so
 * schema and table names may not.
 *
 * Versions sit directly in the table's directory, so one level of listing under a schema finds its
 * tables (S3 servers such as s3rver report a common prefix only for keys one level below it), and a
 * directory holding only the staged files of a CREATE TABLE AS in progress is not a table yet.
 *
 * Every name and id becomes a path component through `@quarry/storage`'s `pathSegment` (no `..`,
 * no separators), whatever was checked before: write handles and splits travel in task specs.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const VERSION_FILE = /^v(\d{1,15})\.metadata\.json$/;
const SAFE_QUERY_ID = /^[A-Za-z0-9_.-]{1,100}$/;

export const SCHEMA_MARKER = '_schema.json';

export function checkName(kind: 'schema' | 'table', name: string): void {
  if (!NAME.test(name)) {
    throw new QuarryError(
      'NOT_SUPPORTED',
      `lake: ${kind} name '${name}' is not supported: use letters, digits, '_' and '-', starting with a letter or digit`,
    );
  }
}

export class LakeLayout {
  constructor(readonly root: string) {}

  schemaDir(schema: string): string {
    return `${this.root}/${pathSegment('lake schema name', schema)}`;
  }

  schemaMarker(schema: string): string {
    return `${this.schemaDir(schema)}/${SCHEMA_MARKER}`;
  }

  tableDir(schema: string, table: string): string {
    return `${this.schemaDir(schema)}/${pathSegment('lake table name', table)}`;
  }

  /** Where a table's versions are: its own directory. */
  metadataDir(tableDir: string): string {
    return tableDir;
  }

  versionFile(tableDir: string, version: number): string {
    return `${this.metadataDir(tableDir)}/v${version}.metadata.json`;
  }

  /** Every attempt of one query's write into a table. */
  queryDataDir(tableDir: string, queryId: string): string {
    return `${tableDir}/data/${pathSegment('query id', pathSafeQueryId(queryId))}`;
  }

  /** The directory name of one task attempt under {@link queryDataDir}. */
  static attemptName(a: { queryAttempt: number; taskPartition: number; attempt: number }): string {
    const qa = pathSegment('query attempt', a.queryAttempt);
    return `${qa}.${pathSegment('task partition', a.taskPartition)}.${pathSegment('attempt', a.attempt)}`;
  }

  /**
   * Whether `uri` is a Parquet data file of the table, as splits name them: under
   * `<table>/data/`, every further segment a plain path component (no `..`, no encoding).
   */
  ownsDataFile(schema: string, table: string, uri: unknown): boolean {
    if (typeof uri !== 'string' || !isPathSegment(schema) || !isPathSegment(table)) return false;
    const data = `${this.tableDir(schema, table)}/data/`;
    if (!uri.startsWith(data) || !uri.endsWith('.parquet')) return false;
    return uri.slice(data.length).split('/').every(isPathSegment);
  }
}

/** The version number a metadata file name stands for, or undefined for other files. */
export function versionOf(fileName: string): number | undefined {
  const m = VERSION_FILE.exec(fileName);
  return m ? Number(m[1]) : undefined;
}

/** Query ids become directory names: kept when they are tame, hashed otherwise. */
export function pathSafeQueryId(queryId: string): string {
  return SAFE_QUERY_ID.test(queryId) && !queryId.startsWith('.')
    ? queryId
    : `q-${createHash('sha256').update(queryId).digest('hex').slice(0, 32)}`;
}

export function fileName(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}
