import { QuarryError } from '@quarry/common';
import type { ObjectStorage } from '@quarry/storage';
import type { DataType } from '@quarry/sql';
import { fileName, versionOf, type LakeLayout } from './layout.js';
import type { EncodedStats } from './stats.js';

/**
 * One version of a lake table: `<table>/v<N>.metadata.json`, immutable once written. The current
 * version is the highest N. A version lists everything a reader needs — the columns, every data file
 * with its row groups and their statistics — so a reader reads one file and never lists data.
 * `commits` remembers every write committed so far (query id, rows): a commit of a query already
 * listed there is a repeat and changes nothing. A version with `dropped` is a tombstone: the table
 * does not exist (DROP TABLE writes it first, then deletes the rest, the tombstone last).
 *
 * A version with `view` is a view, not a table: tables and views share one namespace, and a view
 * is created, replaced and dropped by versions like a table's (exclusive create of version N+1, so
 * two writers never both win), with its columns in `columns` and no files (`views.ts`).
 */
export const METADATA_FORMAT = 1;

export interface LakeColumn {
  readonly name: string;
  readonly type: DataType;
}

export interface RowGroupEntry {
  readonly rows: number;
  /** Per column, in the table's column order. */
  readonly stats: readonly EncodedStats[];
}

export interface DataFileEntry {
  /** Relative to the table's directory. */
  readonly path: string;
  readonly bytes: number;
  readonly rows: number;
  readonly rowGroups: readonly RowGroupEntry[];
  /**
   * The whole file's statistics, per column, with a sketch of its distinct values (row groups keep
   * none); files committed before sketches were kept have none, and readers do without.
   */
  readonly stats: readonly EncodedStats[];
}

export interface CommitEntry {
  readonly queryId: string;
  readonly rows: number;
  /** The version this commit made. */
  readonly version: number;
}

export interface TableVersion {
  readonly format: number;
  readonly version: number;
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly LakeColumn[];
  readonly files: readonly DataFileEntry[];
  readonly commits: readonly CommitEntry[];
  readonly dropped?: boolean;
  readonly view?: LakeView;
  /** A table over files the catalog does not own (`external.ts`): it has no `files` of its own. */
  readonly external?: ExternalSource;
}

/**
 * Where a registered or external table's files are and how to read them. Such a table's version
 * lists no files: its location is listed on every read.
 */
export interface ExternalSource {
  /** A normalized URI (`external-location.ts`): one file or a directory. */
  readonly location: string;
  readonly format: 'PARQUET' | 'CSV';
  /** `register_table` derives the columns from the files; CREATE TABLE states them. */
  readonly registered: boolean;
  /** CSV: the field separator (one character) and how many lines of each file to skip. */
  readonly csvSeparator?: string;
  readonly skipHeaderLineCount?: number;
}

/** What a view version keeps besides its columns (see `ViewDefinition` of `@quarry/sql`). */
export interface LakeView {
  readonly sql: string;
  readonly catalog?: string;
  readonly schema?: string;
  readonly comment?: string;
  readonly security?: 'DEFINER' | 'INVOKER';
  /** The query that wrote this version: its repeat (a resumed CREATE VIEW) changes nothing. */
  readonly queryId?: string;
}

/** The version numbers present for a table, ascending (none: the table was never created). */
export async function listVersions(
  storage: ObjectStorage,
  layout: LakeLayout,
  tableDir: string,
): Promise<number[]> {
  const listing = await storage.listDirectory(layout.metadataDir(tableDir));
  return listing.files
    .map((f) => versionOf(fileName(f.uri)))
    .filter((v): v is number => v !== undefined)
    .sort((a, b) => a - b);
}

export async function readVersion(
  storage: ObjectStorage,
  layout: LakeLayout,
  tableDir: string,
  version: number,
): Promise<TableVersion> {
  const uri = layout.versionFile(tableDir, version);
  const text = await readSmallFile(storage, uri);
  let parsed: TableVersion;
  try {
    parsed = JSON.parse(text) as TableVersion;
  } catch (e) {
    throw new QuarryError('EXCHANGE_CORRUPTED', `lake: table metadata ${uri} is not valid JSON`, {
      cause: e,
    });
  }
  if (parsed.format !== METADATA_FORMAT || parsed.version !== version) {
    throw new QuarryError(
      'EXCHANGE_CORRUPTED',
      `lake: table metadata ${uri} has format ${parsed.format} and version ${parsed.version}; expected format ${METADATA_FORMAT}, version ${version}`,
    );
  }
  return parsed;
}

/**
 * The current version, or undefined when there is no such table (never created, dropped, or a
 * view); `views: true` returns a view's current version too.
 */
export async function currentVersion(
  storage: ObjectStorage,
  layout: LakeLayout,
  tableDir: string,
  options: { views?: boolean } = {},
): Promise<TableVersion | undefined> {
  const latest = await latestVersion(storage, layout, tableDir);
  if (latest === undefined || latest.dropped) return undefined;
  return latest.view && !options.views ? undefined : latest;
}

/** The highest version, tombstones included. */
export async function latestVersion(
  storage: ObjectStorage,
  layout: LakeLayout,
  tableDir: string,
): Promise<TableVersion | undefined> {
  const versions = await listVersions(storage, layout, tableDir);
  const last = versions.at(-1);
  return last === undefined ? undefined : readVersion(storage, layout, tableDir, last);
}

/**
 * Writes `next` as version `next.version` if no such version exists yet: true when written, false
 * when another writer made that version first (the caller re-reads and tries again).
 */
export async function writeVersion(
  storage: ObjectStorage,
  layout: LakeLayout,
  tableDir: string,
  next: TableVersion,
): Promise<boolean> {
  const bytes = Buffer.from(JSON.stringify(next), 'utf8');
  return storage.createExclusive(layout.versionFile(tableDir, next.version), bytes);
}

/**
 * What DROP does after its tombstone (version `tombstone`) is written: deletes the data, the older
 * versions, the tombstone last, then the directory — so a crash midway never brings an older
 * version back.
 */
export async function finishDrop(
  storage: ObjectStorage,
  layout: LakeLayout,
  tableDir: string,
  tombstone: number,
): Promise<void> {
  await storage.deleteRecursively([`${tableDir}/data`]);
  const versions = await listVersions(storage, layout, tableDir);
  const older = versions.filter((v) => v !== tombstone).map((v) => layout.versionFile(tableDir, v));
  await storage.deleteFiles(older);
  await storage.deleteFiles([layout.versionFile(tableDir, tombstone)]);
  await storage.deleteRecursively([tableDir]);
}

async function readSmallFile(storage: ObjectStorage, uri: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of storage.read(uri)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
